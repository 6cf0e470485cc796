/// The review queue and its decisions; every decision appends to the photo's history.
public protocol ReviewRepository: Sendable {
    /// The oldest flagged photo still pending, or nil when the queue is empty.
    func next() async throws -> ReviewItem?
    /// Pending photos in the queue.
    func pendingCount() async throws -> Int
    /// One photo with its history, any state.
    func item(_ target: ReviewTarget) async throws -> ReviewItem?
    /// Approves a pending flagged photo.
    func approve(_ target: ReviewTarget, reviewer: String, note: String?) async throws -> ReviewDecision
    /// Rejects a pending flagged photo for `reason`.
    func reject(_ target: ReviewTarget, reason: ReviewReason, reviewer: String, note: String?) async throws -> ReviewDecision
    /// Puts an approved or rejected flagged photo back into the queue.
    func reopen(_ target: ReviewTarget, reviewer: String, note: String?) async throws -> ReviewDecision
    /// Approves every pending photo all of whose validation reasons are among `codes`; returns their ids.
    func bulkApprove(onlyFlags codes: Set<String>, reviewer: String, note: String?) async throws -> [Int64]
}
