/// What the demo's uploads got back.
public struct DemoUploads: Sendable {
    /// One deliberate case: the reason it was built to trigger and what the server said.
    public struct CaseResult: Sendable {
        /// The reason code (or HTTP error code) the photo was built to trigger.
        public var name: String
        /// The HTTP status expected.
        public var expectedStatus: Int
        /// The HTTP status received.
        public var status: Int
        /// Reason codes (or the error code) in the answer.
        public var codes: [String]
        /// Whether status and code were as expected.
        public var asExpected: Bool
    }

    /// Answers by HTTP status.
    public var statuses: [Int: Int] = [:]
    /// The deliberate cases, in order.
    public var cases: [CaseResult] = []

    mutating func record(_ answer: LoopbackClient.Answer) {
        statuses[answer.status, default: 0] += 1
    }
}
