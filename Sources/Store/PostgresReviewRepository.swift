import Foundation
public import Logging
public import PostgresNIO

/// The review queue in PostgreSQL. A decision locks the photo row (`FOR UPDATE`) and checks its
/// state under the lock, so two reviewers deciding one photo at once cannot both succeed; the
/// second is told who decided first. History rows are only ever inserted (0004 refuses updates).
public struct PostgresReviewRepository: ReviewRepository {
    let client: PostgresClient
    let logger: Logger

    /// Longest note stored (the column's limit).
    public static let maximumNoteLength = 2000
    /// Longest reviewer name stored (the column's limit).
    public static let maximumReviewerLength = 100
    /// Most flag codes one bulk approval may name.
    public static let maximumBulkCodes = 64

    /// Creates a repository on a running client.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    // MARK: - Reading

    /// The oldest pending flagged photo (by receipt time, then id).
    public func next() async throws -> ReviewItem? {
        var found: Int64?
        for try await id in try await client.query(
            "SELECT id FROM photos WHERE review_status = 'pending' ORDER BY received_at, id LIMIT 1", logger: logger
        ).decode(Int64.self) { found = id }
        guard let found else { return nil }
        return try await item(.id(found))
    }

    /// Photos waiting for a decision.
    public func pendingCount() async throws -> Int {
        var count: Int64 = 0
        for try await value in try await client.query("SELECT count(*) FROM photos WHERE review_status = 'pending'", logger: logger)
            .decode(Int64.self) { count = value }
        return Int(count)
    }

    /// One photo with its task, reasons and history.
    public func item(_ target: ReviewTarget) async throws -> ReviewItem? {
        let logger = self.logger
        return try await client.withConnection { connection in
            guard let id = try await Self.resolve(target, on: connection, logger: logger) else { return nil }
            return try await Self.item(id: id, on: connection, logger: logger)
        }
    }

    static func item(id: Int64, on connection: PostgresConnection, logger: Logger) async throws -> ReviewItem? {
        let rows = try await connection.query(
            """
            SELECT p.id, p.public_id, w.name, p.verdict, p.review_status, c.name, p.task_id, r.name, v.name,
                   t.rotation_id::int4, q.description, encode(p.blob_sha256, 'hex'), p.width, p.height, p.captured_at,
                   p.received_at
            FROM photos p
            JOIN workers w ON w.id = p.worker_id
            JOIN classes c ON c.id = p.class_id
            JOIN tasks t ON t.id = p.task_id
            JOIN rooms r ON r.id = t.room_id
            JOIN viewpoints v ON v.id = t.viewpoint_id
            JOIN rotations q ON q.id = t.rotation_id
            WHERE p.id = \(id)
            """, logger: logger)
        var item: ReviewItem?
        for try await row in rows.decode(
            (Int64, UUID, String, String, String, String, Int64, String, String, Int32, String, String?, Int32?, Int32?, Date?, Date).self)
        {
            item = ReviewItem(
                id: row.0, publicID: row.1, worker: row.2, verdict: row.3, reviewStatus: row.4, className: row.5,
                taskID: row.6, room: row.7, viewpoint: row.8, rotationID: Int(row.9), rotationDescription: row.10,
                reasons: [], blobKey: row.11, storedPath: nil, width: row.12.map(Int.init), height: row.13.map(Int.init),
                capturedAt: row.14, receivedAt: row.15, history: [])
        }
        guard var item else { return nil }
        for try await (code, severity, message) in try await connection.query(
            "SELECT code, severity, message FROM photo_reasons WHERE photo_id = \(id) ORDER BY code", logger: logger
        ).decode((String, String, String).self) {
            item.reasons.append(PhotoReasonRecord(code: code, severity: severity, message: message))
        }
        item.history = try await history(photoID: id, on: connection, logger: logger)
        return item
    }

    static func history(photoID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [ReviewDecision] {
        var history: [ReviewDecision] = []
        for try await (id, photo, reviewer, decision, reason, note, decidedAt) in try await connection.query(
            "SELECT id, photo_id, reviewer, decision, reason_code, note, decided_at FROM reviews WHERE photo_id = \(photoID) ORDER BY id",
            logger: logger
        ).decode((Int64, Int64, String, String, String?, String?, Date).self) {
            history.append(ReviewDecision(
                id: id, photoID: photo, reviewer: reviewer, decision: ReviewDecision.Kind(rawValue: decision) ?? .reopen,
                reason: reason.flatMap(ReviewReason.init(rawValue:)), note: note, decidedAt: decidedAt))
        }
        return history
    }

    static func resolve(_ target: ReviewTarget, on connection: PostgresConnection, logger: Logger) async throws -> Int64? {
        let rows: PostgresRowSequence
        switch target {
        case .id(let id): rows = try await connection.query("SELECT id FROM photos WHERE id = \(id)", logger: logger)
        case .publicID(let uuid): rows = try await connection.query("SELECT id FROM photos WHERE public_id = \(uuid)", logger: logger)
        }
        for try await id in rows.decode(Int64.self) { return id }
        return nil
    }

    // MARK: - Decisions

    /// Approves a pending flagged photo.
    public func approve(_ target: ReviewTarget, reviewer: String, note: String? = nil) async throws -> ReviewDecision {
        try await decide(target, .approve, reason: nil, reviewer: reviewer, note: note)
    }

    /// Rejects a pending flagged photo for `reason`.
    public func reject(_ target: ReviewTarget, reason: ReviewReason, reviewer: String, note: String? = nil) async throws -> ReviewDecision {
        try await decide(target, .reject, reason: reason, reviewer: reviewer, note: note)
    }

    /// Puts an approved or rejected flagged photo back into the queue; its earlier decisions stay.
    public func reopen(_ target: ReviewTarget, reviewer: String, note: String? = nil) async throws -> ReviewDecision {
        try await decide(target, .reopen, reason: nil, reviewer: reviewer, note: note)
    }

    /// Checks a reviewer name and note before anything is locked.
    static func checkInput(reviewer: String, note: String?) throws {
        let trimmed = reviewer.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed == reviewer, reviewer.count <= maximumReviewerLength,
              !reviewer.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw StoreError(.invalidInput, "The reviewer name must be 1 to \(maximumReviewerLength) characters without surrounding spaces or control characters.")
        }
        if let note, note.count > maximumNoteLength {
            throw StoreError(.invalidInput, "The note is longer than \(maximumNoteLength) characters.")
        }
    }

    private func decide(
        _ target: ReviewTarget, _ decision: ReviewDecision.Kind, reason: ReviewReason?, reviewer: String, note: String?
    ) async throws -> ReviewDecision {
        try Self.checkInput(reviewer: reviewer, note: note)
        let logger = self.logger
        return try await inTransaction(client, logger: logger) { connection in
            guard let id = try await Self.resolve(target, on: connection, logger: logger) else {
                throw StoreError(.notFound, "There is no photo \(target).")
            }
            var state: (verdict: String, status: String)?
            for try await row in try await connection.query(
                "SELECT verdict, review_status FROM photos WHERE id = \(id) FOR UPDATE", logger: logger
            ).decode((String, String).self) { state = row }
            guard let state else { throw StoreError(.notFound, "There is no photo \(target).") }
            guard state.verdict == "flagged" else {
                throw StoreError(.invalidInput, "Photo \(id) was \(state.verdict) automatically, not flagged, so there is nothing to review.")
            }
            let newStatus: String
            switch decision {
            case .approve, .reject:
                guard state.status == "pending" else {
                    let last = try await Self.history(photoID: id, on: connection, logger: logger).last
                    let who = last.map { " by \($0.reviewer) at \(Self.timestamp($0.decidedAt))" } ?? ""
                    throw StoreError(.conflict, "Photo \(id) was already \(state.status)\(who); reopen it first to change the decision.")
                }
                newStatus = decision == .approve ? "approved" : "rejected"
            case .reopen:
                guard state.status != "pending" else {
                    throw StoreError(.conflict, "Photo \(id) is already pending review.")
                }
                newStatus = "pending"
            }
            try await connection.query("UPDATE photos SET review_status = \(newStatus) WHERE id = \(id)", logger: logger)
            let rows = try await connection.query(
                """
                INSERT INTO reviews (photo_id, reviewer, decision, reason_code, note)
                VALUES (\(id), \(reviewer), \(decision.rawValue), \(reason?.rawValue), \(note))
                RETURNING id, decided_at
                """, logger: logger)
            for try await (reviewID, decidedAt) in rows.decode((Int64, Date).self) {
                return ReviewDecision(
                    id: reviewID, photoID: id, reviewer: reviewer, decision: decision, reason: reason, note: note, decidedAt: decidedAt)
            }
            throw StoreError(.conflict, "The review of photo \(id) was not recorded.")
        }
    }

    /// Approves, in one transaction, every pending flagged photo that has at least one validation
    /// reason and whose reasons are all among `codes`. Rows another reviewer holds locked are
    /// skipped rather than waited for; they stay in the queue.
    public func bulkApprove(onlyFlags codes: Set<String>, reviewer: String, note: String? = nil) async throws -> [Int64] {
        try Self.checkInput(reviewer: reviewer, note: note)
        guard !codes.isEmpty, codes.count <= Self.maximumBulkCodes else {
            throw StoreError(.invalidInput, "Name between 1 and \(Self.maximumBulkCodes) flag codes.")
        }
        for code in codes where !Self.isReasonCode(code) {
            throw StoreError(.invalidInput, "\"\(code)\" is not a validation reason code (lower-case letters, digits and '_').")
        }
        let list = codes.sorted()
        let logger = self.logger
        return try await inTransaction(client, logger: logger) { connection in
            var ids: [Int64] = []
            for try await id in try await connection.query(
                """
                SELECT p.id FROM photos p
                WHERE p.review_status = 'pending' AND p.verdict = 'flagged'
                  AND EXISTS (SELECT 1 FROM photo_reasons r WHERE r.photo_id = p.id)
                  AND NOT EXISTS (SELECT 1 FROM photo_reasons r WHERE r.photo_id = p.id AND r.code <> ALL(\(list)::text[]))
                ORDER BY p.received_at, p.id
                FOR UPDATE OF p SKIP LOCKED
                """, logger: logger
            ).decode(Int64.self) { ids.append(id) }
            guard !ids.isEmpty else { return [] }
            try await connection.query("UPDATE photos SET review_status = 'approved' WHERE id = ANY(\(ids)::bigint[])", logger: logger)
            try await connection.query(
                """
                INSERT INTO reviews (photo_id, reviewer, decision, note)
                SELECT unnest(\(ids)::bigint[]), \(reviewer), 'approve', \(note)
                """, logger: logger)
            return ids
        }
    }

    static func isReasonCode(_ code: String) -> Bool {
        guard let first = code.unicodeScalars.first, ("a"..."z").contains(first), code.unicodeScalars.count <= 64 else { return false }
        return code.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
