/// A catalog file or class selection that cannot be used, with one sentence naming the line.
public struct CatalogError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The 1-based line of the file at fault; nil when the fault is not on one line.
    public var line: Int?
    /// One sentence for a person.
    public var message: String

    /// Creates an error.
    public init(line: Int? = nil, _ message: String) {
        self.line = line
        self.message = message
    }

    /// The sentence.
    public var description: String { message }
}
