/// Why a model could not be loaded or run, or an image not prepared, in one sentence.
public struct InferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is, for callers that branch on it.
    public enum Code: String, Sendable {
        /// The bytes are not a readable ONNX model.
        case invalidModel
        /// The graph uses an operator or attribute the engine does not implement.
        case unsupportedOperator
        /// Shapes do not fit together (graph, manifest or input tensor).
        case shapeMismatch
        /// A model name, manifest or prepared file is missing or wrong.
        case modelUnavailable
        /// An image could not be read or decoded.
        case unreadableImage
        /// An argument is outside what the engine accepts.
        case invalidArgument
    }

    /// The kind of failure.
    public var code: Code
    /// One human sentence.
    public var message: String

    /// Creates an error with a code and one sentence.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The sentence.
    public var description: String { message }
}
