/// Everything the store layer can fail with, each with one sentence for a person.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for code that reacts to it.
    public enum Code: String, Sendable {
        case badDatabaseURL
        case databaseUnreachable
        case localClusterFailed
        case migrationChanged
        case migrationFailed
        case migrationsMissing
        case notFound
        case conflict
        case invalidInput
        case blobStore
    }

    /// The kind of failure.
    public var code: Code
    /// One sentence that says what happened and, where it helps, what to do.
    public var message: String

    /// Creates an error with a code and a sentence.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The sentence.
    public var description: String { message }
}
