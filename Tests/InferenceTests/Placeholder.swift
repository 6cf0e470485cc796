// InferenceTests
