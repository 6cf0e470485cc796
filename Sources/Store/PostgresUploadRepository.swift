public import Foundation
public import Logging
public import PostgresNIO

/// The queries the worker upload path runs: token lookup, task state, idempotent recording of a
/// validated photo (one transaction, task row locked), duplicate lookup and photo status.
public struct PostgresUploadRepository: Sendable {
    private let client: PostgresClient
    private let logger: Logger

    /// Creates a repository on a running client.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The worker whose token hashes to `tokenHash`. The comparison is an indexed equality on a
    /// SHA-256 of a 256-bit random token, which reveals nothing useful through timing.
    public func worker(tokenHash: Data) async throws -> AuthenticatedWorker? {
        let rows = try await client.query(
            "SELECT id, name, status FROM workers WHERE token_hash = \(ByteBuffer(bytes: tokenHash))", logger: logger)
        for try await (id, name, status) in rows.decode((Int, String, String).self) {
            return AuthenticatedWorker(id: id, name: name, status: status)
        }
        return nil
    }

    /// One task with its controls and offered classes.
    public func task(id: Int64) async throws -> UploadTask? {
        let rows = try await client.query(
            """
            SELECT t.id, t.worker_id, t.status, t.attempts, t.max_attempts, t.issued_at, t.expires_at,
                   v.name, v.pitch_degrees::float8, r.name, t.rotation_id::int4, q.qw, q.qx, q.qy, q.qz, q.description,
                   ARRAY(SELECT c.id FROM unnest(t.offered_class_ids) WITH ORDINALITY o(cid, n)
                         JOIN classes c ON c.id = o.cid ORDER BY o.n),
                   ARRAY(SELECT c.name FROM unnest(t.offered_class_ids) WITH ORDINALITY o(cid, n)
                         JOIN classes c ON c.id = o.cid ORDER BY o.n)
            FROM tasks t
            JOIN viewpoints v ON v.id = t.viewpoint_id
            JOIN rooms r ON r.id = t.room_id
            JOIN rotations q ON q.id = t.rotation_id
            WHERE t.id = \(id)
            """, logger: logger)
        for try await row in rows.decode(
            (Int64, Int32, String, Int16, Int16, Date, Date, String, Double, String, Int32,
             Double, Double, Double, Double, String, [Int32], [String]).self)
        {
            return UploadTask(
                id: row.0, workerID: Int(row.1), status: row.2, attempts: Int(row.3), maxAttempts: Int(row.4),
                issuedAt: row.5, expiresAt: row.6,
                offeredClasses: zip(row.16, row.17).map { (id: Int($0), name: $1) },
                viewpoint: row.7, viewpointPitch: row.8, room: row.9, rotationID: Int(row.10),
                quaternion: [row.11, row.12, row.13, row.14], rotationDescription: row.15)
        }
        return nil
    }

    /// The worker's open, unexpired tasks, soonest expiry first (at most 200).
    public func openTasks(workerID: Int, now: Date = Date()) async throws -> [UploadTask] {
        let rows = try await client.query(
            """
            SELECT id FROM tasks WHERE worker_id = \(Int32(workerID)) AND status = 'open' AND expires_at > \(now)
            ORDER BY expires_at, id LIMIT 200
            """, logger: logger)
        var ids: [Int64] = []
        for try await id in rows.decode(Int64.self) { ids.append(id) }
        var result: [UploadTask] = []
        for id in ids { if let task = try await task(id: id) { result.append(task) } }
        return result
    }

    /// A photo by its public id.
    public func photo(publicID: UUID) async throws -> StoredPhoto? {
        try await photos(whereSQL: "p.public_id = $1", binds: Self.bindings { $0.append(publicID) }).first
    }

    /// The first result of a request seen before: same worker and idempotency key.
    public func replay(workerID: Int, idempotencyKey: String) async throws -> StoredPhoto? {
        try await photos(
            whereSQL: "p.worker_id = $1 AND p.idempotency_key = $2",
            binds: Self.bindings { $0.append(Int32(workerID)); $0.append(idempotencyKey) }).first
    }

    /// The first result of the same bytes uploaded for the same task.
    public func replay(taskID: Int64, uploadSHA256: Data) async throws -> StoredPhoto? {
        try await photos(
            whereSQL: "p.task_id = $1 AND p.upload_sha256 = $2",
            binds: Self.bindings { $0.append(taskID); $0.append(ByteBuffer(bytes: uploadSHA256)) }).first
    }

    /// Another task's photo with exactly these bytes (as received or as stored), if any.
    public func exactDuplicate(sha256: Data, excludingTask taskID: Int64) async throws -> UUID? {
        let digest = ByteBuffer(bytes: sha256)
        let rows = try await client.query(
            """
            SELECT public_id FROM photos
            WHERE (upload_sha256 = \(digest) OR blob_sha256 = \(digest)) AND task_id <> \(taskID) AND verdict <> 'rejected'
            LIMIT 1
            """, logger: logger)
        for try await id in rows.decode(UUID.self) { return id }
        return nil
    }

    /// Stored photos whose 64-bit perceptual hash is within `maxDistance` (≤ 7) bits of `phash`.
    ///
    /// Four 16-bit bands: with at most 7 differing bits, some band differs in at most one bit, so
    /// probing every band with its 17 keys at Hamming distance ≤ 1 finds every candidate through the
    /// band indexes; the exact distance is then checked.
    public func nearDuplicates(phash: Int64, maxDistance: Int = 5, excludingTask taskID: Int64) async throws -> [(id: UUID, distance: Int)] {
        precondition(maxDistance <= 7, "band probing with distance-1 keys covers at most 7 differing bits")
        let bits = UInt64(bitPattern: phash)
        func keys(_ shift: UInt64) -> [Int32] {
            let band = UInt16(truncatingIfNeeded: bits >> shift)
            return [Int32(band)] + (0..<16).map { Int32(band ^ (1 << UInt16($0))) }
        }
        let rows = try await client.query(
            """
            SELECT public_id, bit_count((phash # \(phash))::bit(64))::int4 FROM photos
            WHERE (phash_b0 = ANY(\(keys(48))) OR phash_b1 = ANY(\(keys(32)))
                   OR phash_b2 = ANY(\(keys(16))) OR phash_b3 = ANY(\(keys(0))))
              AND task_id <> \(taskID) AND verdict <> 'rejected'
            """, logger: logger)
        var result: [(UUID, Int)] = []
        for try await (id, distance) in rows.decode((UUID, Int32).self) where distance <= maxDistance {
            result.append((id, Int(distance)))
        }
        return result.sorted { $0.1 < $1.1 }.map { (id: $0.0, distance: $0.1) }
    }

    /// Records a validated photo in one transaction with the task row locked, so concurrent uploads
    /// to one task serialise and exactly one completes it. Retries (same idempotency key, or the same
    /// bytes for the task) get the first result back and store nothing new.
    public func record(_ photo: NewPhoto, now: Date = Date()) async throws -> UploadOutcome {
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            let lock = try await connection.query(
                "SELECT status, expires_at, attempts, max_attempts FROM tasks WHERE id = \(photo.taskID) FOR UPDATE",
                logger: logger)
            var state: (String, Date, Int16, Int16)?
            for try await row in lock.decode((String, Date, Int16, Int16).self) { state = row }
            guard let (status, expiresAt, attempts, maxAttempts) = state else {
                throw StoreError(.notFound, "Task \(photo.taskID) does not exist.")
            }
            // Under the lock: a retry that raced its original sees the original's row now.
            if let key = photo.idempotencyKey,
               let first = try await Self.photos(on: connection, logger: logger,
                   whereSQL: "p.worker_id = $1 AND p.idempotency_key = $2",
                   binds: Self.bindings { $0.append(Int32(photo.workerID)); $0.append(key) }).first
            {
                return .replay(first)
            }
            if let first = try await Self.photos(on: connection, logger: logger,
                whereSQL: "p.task_id = $1 AND p.upload_sha256 = $2",
                binds: Self.bindings { $0.append(photo.taskID); $0.append(ByteBuffer(bytes: photo.uploadSHA256)) }).first
            {
                return .replay(first)
            }
            if status == "done" { return .taskAlreadyDone }
            if status != "open" || expiresAt <= now { return .taskExpired }
            if attempts >= maxAttempts { return .noAttemptsLeft }

            let publicID = UUID()
            let reviewStatus = photo.verdict == "flagged" ? "pending" : "not_needed"
            let inserted = try await connection.query(
                """
                INSERT INTO photos (public_id, task_id, worker_id, class_id, verdict, review_status, upload_sha256,
                    blob_sha256, byte_size, width, height, phash, device_pitch, device_roll, captured_at,
                    received_at, idempotency_key, exif)
                VALUES (\(publicID), \(photo.taskID), \(Int32(photo.workerID)), \(Int32(photo.classID)), \(photo.verdict),
                    \(reviewStatus), \(ByteBuffer(bytes: photo.uploadSHA256)), \(photo.blobSHA256.map { ByteBuffer(bytes: $0) }),
                    \(Int64(photo.byteSize)), \(photo.width.map(Int32.init)), \(photo.height.map(Int32.init)), \(photo.phash),
                    \(photo.devicePitch.map(Float.init)), \(photo.deviceRoll.map(Float.init)), \(photo.capturedAt),
                    \(now), \(photo.idempotencyKey), \(photo.exifJSON)::jsonb)
                RETURNING id
                """, logger: logger)
            var rowID: Int64 = 0
            for try await id in inserted.decode(Int64.self) { rowID = id }
            if !photo.reasons.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO photo_reasons (photo_id, code, severity, message)
                    SELECT \(rowID), * FROM unnest(\(photo.reasons.map(\.code))::text[], \(photo.reasons.map(\.severity))::text[],
                                                   \(photo.reasons.map(\.message))::text[])
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
            if photo.verdict == "rejected" {
                try await connection.query("UPDATE tasks SET attempts = attempts + 1 WHERE id = \(photo.taskID)", logger: logger)
            } else {
                try await connection.query(
                    "UPDATE tasks SET status = 'done', completed_at = \(now) WHERE id = \(photo.taskID)", logger: logger)
            }
            return .recorded(StoredPhoto(
                publicID: publicID, taskID: photo.taskID, workerID: photo.workerID, verdict: photo.verdict,
                reviewStatus: reviewStatus, reasons: photo.reasons,
                blobKey: photo.blobSHA256.map { $0.map { String(format: "%02x", $0) }.joined() }, receivedAt: now))
        }
    }

    /// Blob keys referenced by any photo row (for `store check`).
    public func referencedBlobKeys() async throws -> Set<String> {
        let rows = try await client.query(
            "SELECT DISTINCT encode(blob_sha256, 'hex') FROM photos WHERE blob_sha256 IS NOT NULL", logger: logger)
        var keys: Set<String> = []
        for try await key in rows.decode(String.self) { keys.insert(key) }
        return keys
    }

    private static func bindings(_ build: (inout PostgresBindings) -> Void) -> PostgresBindings {
        var bindings = PostgresBindings()
        build(&bindings)
        return bindings
    }

    private func photos(whereSQL: String, binds: PostgresBindings) async throws -> [StoredPhoto] {
        let logger = self.logger
        return try await client.withConnection { connection in
            try await Self.photos(on: connection, logger: logger, whereSQL: whereSQL, binds: binds)
        }
    }

    private static func photos(
        on connection: PostgresConnection, logger: Logger, whereSQL: String, binds bindings: PostgresBindings
    ) async throws -> [StoredPhoto] {
        // `whereSQL` is always a constant from this file; values travel as binds.
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT p.public_id, p.task_id, p.worker_id, p.verdict, p.review_status, encode(p.blob_sha256, 'hex'),
                       p.received_at,
                       coalesce((SELECT array_agg(code ORDER BY code) FROM photo_reasons r WHERE r.photo_id = p.id), '{}'),
                       coalesce((SELECT array_agg(severity ORDER BY code) FROM photo_reasons r WHERE r.photo_id = p.id), '{}'),
                       coalesce((SELECT array_agg(message ORDER BY code) FROM photo_reasons r WHERE r.photo_id = p.id), '{}')
                FROM photos p WHERE \(whereSQL) ORDER BY p.id LIMIT 1
                """, binds: bindings)
        let rows = try await connection.query(query, logger: logger)
        var result: [StoredPhoto] = []
        for try await row in rows.decode((UUID, Int64, Int32, String, String, String?, Date, [String], [String], [String]).self) {
            let reasons = zip(row.7, zip(row.8, row.9)).map { PhotoReasonRecord(code: $0, severity: $1.0, message: $1.1) }
            result.append(StoredPhoto(
                publicID: row.0, taskID: row.1, workerID: Int(row.2), verdict: row.3, reviewStatus: row.4,
                reasons: reasons, blobKey: row.5, receivedAt: row.6))
        }
        return result
    }
}
