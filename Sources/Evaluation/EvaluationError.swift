/// Why an evaluation or a report could not be made, in one sentence for a person.
public struct EvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is, for callers that branch on it.
    public enum Code: String, Sendable {
        /// A dataset folder or its labels.csv is missing or malformed.
        case invalidDataset
        /// labels.csv names classes the catalog does not know.
        case unknownLabels
        /// A model is not prepared or not known.
        case modelUnavailable
        /// The database has no catalog, no approved photos, or no such run.
        case notFound
        /// An argument is outside what the evaluator accepts.
        case invalidArgument
        /// The report folder cannot be written.
        case output
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
