/// Why an export or a format check failed, with one sentence for a person.
public struct CurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for code that reacts to it.
    public enum Code: String, Sendable {
        /// The output folder exists and is not empty, and `--force` was not given.
        case targetNotEmpty = "target_not_empty"
        /// A file or folder could not be written, moved or removed.
        case io
        /// A stored photo is missing or unreadable.
        case badBlob = "bad_blob"
        /// The selection cannot be exported in the asked format.
        case unexportable
        /// An answers file or predictions CSV breaks the challenge scorer's rules.
        case badFormat = "bad_format"
    }

    /// The kind of failure.
    public var code: Code
    /// One sentence.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The sentence.
    public var description: String { message }
}
