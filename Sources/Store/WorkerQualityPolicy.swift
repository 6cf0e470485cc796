/// When a worker is put on hold: more than `maxRejectionRate` of at least `minPhotos` photos rejected
/// (automatically or by a reviewer), counting photos received since the worker's last release.
public struct WorkerQualityPolicy: Sendable, Equatable, Codable {
    /// Whether the policy puts anyone on hold.
    public var enabled: Bool
    /// The rate (0…1) that must be exceeded.
    public var maxRejectionRate: Double
    /// Photos needed before the rate is judged.
    public var minPhotos: Int

    /// The stored defaults of migration 0004.
    public static let standard = WorkerQualityPolicy(enabled: true, maxRejectionRate: 0.5, minPhotos: 20)

    /// Creates a policy.
    public init(enabled: Bool, maxRejectionRate: Double, minPhotos: Int) {
        self.enabled = enabled
        self.maxRejectionRate = maxRejectionRate
        self.minPhotos = minPhotos
    }

    /// Refuses values the database would refuse, with one sentence.
    public func validated() throws -> WorkerQualityPolicy {
        guard maxRejectionRate.isFinite, (0...1).contains(maxRejectionRate) else {
            throw StoreError(.invalidInput, "The maximum rejection rate must be between 0 and 1, not \(maxRejectionRate).")
        }
        guard (1...1_000_000).contains(minPhotos) else {
            throw StoreError(.invalidInput, "The minimum number of photos must be between 1 and 1000000, not \(minPhotos).")
        }
        return self
    }
}
