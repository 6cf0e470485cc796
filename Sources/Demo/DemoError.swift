/// Why the demo stopped, in one sentence.
public struct DemoError: Error, Sendable, CustomStringConvertible {
    /// The sentence shown to the user.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
