public import Capture

/// Worker scores, the hold policy, and holds and releases.
public protocol WorkerQualityRepository: Sendable {
    /// Every worker's record, by id.
    func report() async throws -> [WorkerQuality]
    /// The stored policy.
    func policy() async throws -> WorkerQualityPolicy
    /// Replaces the stored policy; it applies from the next upload or review on (or `enforce`).
    func setPolicy(_ policy: WorkerQualityPolicy) async throws -> WorkerQualityPolicy
    /// Applies the policy to every active worker now; returns the names newly put on hold.
    func enforce() async throws -> [String]
    /// Puts an active worker on hold by hand.
    func hold(name: String, actor: String, reason: String) async throws -> Worker
    /// Lifts a hold; the policy then judges only photos received from now on.
    func release(name: String, actor: String, note: String?) async throws -> Worker
}
