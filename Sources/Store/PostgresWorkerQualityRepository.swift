public import Capture
import Foundation
public import Logging
public import PostgresNIO

/// Worker scores and holds in PostgreSQL. The policy itself runs in the database
/// (`enforce_worker_quality`, migration 0004) from triggers on `photos`, so the upload or review
/// decision that crosses the threshold holds the worker in its own transaction; `enforce` runs the
/// same function for everyone, e.g. after the policy was tightened.
public struct PostgresWorkerQualityRepository: WorkerQualityRepository {
    let client: PostgresClient
    let logger: Logger

    /// Creates a repository on a running client.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Every worker's counts, by id.
    public func report() async throws -> [WorkerQuality] {
        var rejectedByReason: [Int32: [String: Int]] = [:]
        for try await (worker, code, count) in try await client.query(
            """
            SELECT p.worker_id, r.code, count(*) FROM photos p JOIN photo_reasons r ON r.photo_id = p.id
            WHERE p.verdict = 'rejected' AND r.severity = 'reject' GROUP BY 1, 2
            """, logger: logger
        ).decode((Int32, String, Int64).self) { rejectedByReason[worker, default: [:]][code] = Int(count) }

        var reviewerByReason: [Int32: [String: Int]] = [:]
        for try await (worker, code, count) in try await client.query(
            """
            SELECT p.worker_id, last.reason_code, count(*) FROM photos p
            CROSS JOIN LATERAL (SELECT reason_code FROM reviews v WHERE v.photo_id = p.id ORDER BY v.id DESC LIMIT 1) last
            WHERE p.review_status = 'rejected' AND last.reason_code IS NOT NULL GROUP BY 1, 2
            """, logger: logger
        ).decode((Int32, String, Int64).self) { reviewerByReason[worker, default: [:]][code] = Int(count) }

        var result: [WorkerQuality] = []
        for try await row in try await client.query(
            """
            SELECT w.id, w.name, w.anonymous_id, w.status, w.hold_reason,
                   count(p.id),
                   count(p.id) FILTER (WHERE p.verdict = 'accepted'),
                   count(p.id) FILTER (WHERE p.verdict = 'flagged'),
                   count(p.id) FILTER (WHERE p.verdict = 'rejected'),
                   count(p.id) FILTER (WHERE p.review_status = 'pending'),
                   count(p.id) FILTER (WHERE p.review_status = 'approved'),
                   count(p.id) FILTER (WHERE p.review_status = 'rejected'),
                   count(p.id) FILTER (WHERE p.received_at >= w.quality_since),
                   count(p.id) FILTER (WHERE p.received_at >= w.quality_since
                                         AND (p.verdict = 'rejected' OR p.review_status = 'rejected'))
            FROM workers w LEFT JOIN photos p ON p.worker_id = w.id
            GROUP BY w.id ORDER BY w.id
            """, logger: logger
        ).decode((Int32, String, String, String, String?, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64).self) {
            result.append(WorkerQuality(
                worker: row.1, anonymousID: row.2, status: row.3, holdReason: row.4, uploads: Int(row.5), accepted: Int(row.6),
                flagged: Int(row.7), rejected: Int(row.8), pending: Int(row.9), reviewerApproved: Int(row.10),
                reviewerRejected: Int(row.11), rejectedByReason: rejectedByReason[row.0] ?? [:],
                reviewerRejectedByReason: reviewerByReason[row.0] ?? [:], policyPhotos: Int(row.12), policyRejected: Int(row.13)))
        }
        return result
    }

    /// The stored policy (the defaults of 0004 until changed).
    public func policy() async throws -> WorkerQualityPolicy {
        for try await (enabled, rate, minimum) in try await client.query(
            "SELECT enabled, max_rejection_rate, min_photos FROM worker_quality_policy", logger: logger
        ).decode((Bool, Double, Int32).self) {
            return WorkerQualityPolicy(enabled: enabled, maxRejectionRate: rate, minPhotos: Int(minimum))
        }
        return .standard
    }

    /// Stores a policy; it is applied from the next photo or review decision on, or by `enforce`.
    public func setPolicy(_ policy: WorkerQualityPolicy) async throws -> WorkerQualityPolicy {
        let policy = try policy.validated()
        try await client.query(
            """
            INSERT INTO worker_quality_policy (singleton, enabled, max_rejection_rate, min_photos, updated_at)
            VALUES (true, \(policy.enabled), \(policy.maxRejectionRate), \(Int32(policy.minPhotos)), now())
            ON CONFLICT (singleton) DO UPDATE SET enabled = EXCLUDED.enabled,
                max_rejection_rate = EXCLUDED.max_rejection_rate, min_photos = EXCLUDED.min_photos, updated_at = now()
            """, logger: logger)
        return policy
    }

    /// Applies the policy to every active worker in one transaction.
    public func enforce() async throws -> [String] {
        let logger = self.logger
        return try await inTransaction(client, logger: logger) { connection in
            var active: [(Int32, String)] = []
            for try await row in try await connection.query(
                "SELECT id, name FROM workers WHERE status = 'active' ORDER BY id", logger: logger
            ).decode((Int32, String).self) { active.append(row) }
            var held: [String] = []
            for (id, name) in active {
                for try await put in try await connection.query("SELECT enforce_worker_quality(\(id))", logger: logger).decode(Bool.self)
                where put { held.append(name) }
            }
            return held
        }
    }

    /// Puts an active worker on hold by hand, recording who and why.
    public func hold(name: String, actor: String, reason: String) async throws -> Worker {
        try PostgresReviewRepository.checkInput(reviewer: actor, note: reason)
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw StoreError(.invalidInput, "A hold needs a reason.") }
        let logger = self.logger
        try await inTransaction(client, logger: logger) { connection in
            let id = try await Self.changeStatus(
                name: name, from: "active", on: connection, logger: logger,
                "UPDATE workers SET status = 'on_hold', hold_reason = \(reason) WHERE name = \(name) AND status = 'active' RETURNING id")
            try await connection.query(
                "INSERT INTO worker_holds (worker_id, action, actor, reason) VALUES (\(id), 'hold', \(actor), \(reason))", logger: logger)
        }
        return try await worker(named: name)
    }

    /// Lifts a hold and restarts the policy's count from now.
    public func release(name: String, actor: String, note: String? = nil) async throws -> Worker {
        try PostgresReviewRepository.checkInput(reviewer: actor, note: note)
        let logger = self.logger
        try await inTransaction(client, logger: logger) { connection in
            let id = try await Self.changeStatus(
                name: name, from: "on_hold", on: connection, logger: logger,
                """
                UPDATE workers SET status = 'active', hold_reason = NULL, quality_since = clock_timestamp()
                WHERE name = \(name) AND status = 'on_hold' RETURNING id
                """)
            let text = note.flatMap { $0.isEmpty ? nil : $0 } ?? "Hold lifted."
            try await connection.query(
                "INSERT INTO worker_holds (worker_id, action, actor, reason) VALUES (\(id), 'release', \(actor), \(text))", logger: logger)
        }
        return try await worker(named: name)
    }

    /// Runs a conditional status update; explains why it matched nothing.
    private static func changeStatus(
        name: String, from expected: String, on connection: PostgresConnection, logger: Logger, _ update: PostgresQuery
    ) async throws -> Int32 {
        for try await id in try await connection.query(update, logger: logger).decode(Int32.self) { return id }
        var status: String?
        for try await value in try await connection.query("SELECT status FROM workers WHERE name = \(name)", logger: logger)
            .decode(String.self) { status = value }
        guard let status else { throw StoreError(.notFound, "No worker named \(name).") }
        throw StoreError(.conflict, "Worker \(name) is \(status.replacingOccurrences(of: "_", with: " ")), not \(expected.replacingOccurrences(of: "_", with: " ")).")
    }

    private func worker(named name: String) async throws -> Worker {
        guard let worker = try await PostgresWorkerRepository(client: client, logger: logger).worker(named: name) else {
            throw StoreError(.notFound, "No worker named \(name).")
        }
        return worker
    }
}
