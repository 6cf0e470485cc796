import Foundation
import Synchronization

/// A token bucket per worker: `perMinute` uploads, refilled continuously.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let perMinute: Double
    private let buckets = Mutex([Int: Bucket]())

    init(perMinute: Int) {
        self.perMinute = Double(max(1, perMinute))
    }

    /// Takes one token for `worker`; false when the bucket is empty.
    func allow(_ worker: Int, now: ContinuousClock.Instant = .now) -> Bool {
        buckets.withLock { buckets in
            var bucket = buckets[worker] ?? Bucket(tokens: perMinute, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(perMinute, bucket.tokens + seconds * perMinute / 60)
            bucket.updated = now
            guard bucket.tokens >= 1 else {
                buckets[worker] = bucket
                return false
            }
            bucket.tokens -= 1
            buckets[worker] = bucket
            return true
        }
    }
}
