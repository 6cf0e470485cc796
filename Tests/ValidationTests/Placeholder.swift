// ValidationTests
