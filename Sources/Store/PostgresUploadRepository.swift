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
        let rows = try await client.execute(UploadStatements.WorkerByToken(tokenHash: tokenHash), logger: logger)
        for try await (id, name, status) in rows {
            return AuthenticatedWorker(id: Int(id), name: name, status: status)
        }
        return nil
    }

    /// One task with its controls and offered classes.
    public func task(id: Int64) async throws -> UploadTask? {
        for try await row in try await client.execute(UploadStatements.TaskByID(id: id), logger: logger) {
            return UploadStatements.TaskByID.task(row)
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
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(publicID)
        let query = PostgresQuery(unsafeSQL: UploadStatements.photoColumns + "\nWHERE p.public_id = $1", binds: bindings)
        for try await row in try await client.query(query, logger: logger).decode(UploadStatements.PhotoRow.self) {
            return UploadStatements.storedPhoto(row)
        }
        return nil
    }

    /// A photo seen before for this request: its first result (same task and bytes), or the
    /// worker's photo whose idempotency key this request reuses for something else.
    public func match(workerID: Int, idempotencyKey: String?, taskID: Int64, uploadSHA256: Data) async throws -> UploadMatch? {
        let statement = UploadStatements.Replay(
            workerID: workerID, idempotencyKey: idempotencyKey, taskID: taskID, uploadSHA256: uploadSHA256)
        for try await row in try await client.execute(statement, logger: logger) {
            return UploadStatements.Replay.match(row)
        }
        return nil
    }

    /// Another task's photo with exactly these bytes (as received or as stored), if any.
    public func exactDuplicate(sha256: Data, excludingTask taskID: Int64) async throws -> UUID? {
        let statement = UploadStatements.ExactDuplicate(sha256: sha256, excludingTask: taskID)
        for try await id in try await client.execute(statement, logger: logger) { return id }
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
        let statement = UploadStatements.NearDuplicates(
            phash: phash, bands: [keys(48), keys(32), keys(16), keys(0)], excludingTask: taskID)
        let rows = try await client.execute(statement, logger: logger)
        var result: [(UUID, Int)] = []
        for try await (id, distance) in rows where distance <= maxDistance {
            result.append((id, Int(distance)))
        }
        return result.sorted { $0.1 < $1.1 }.map { (id: $0.0, distance: $0.1) }
    }

    /// Records a validated photo in one transaction with the task row locked, so concurrent uploads
    /// to one task serialise and exactly one completes it. Retries (same idempotency key, or the same
    /// bytes for the task) get the first result back and store nothing new; a key reused for another
    /// task or other bytes stores nothing and says so.
    ///
    /// A kept photo claims its digests (`photo_digests`): when another task's photo holds one, the
    /// photo is recorded as rejected with `duplicateExact` instead. It also takes the shared lock
    /// on its blob key and then calls `ensureBlob`, which must make sure the blob exists (writing it
    /// again if `store check --repair` removed it meanwhile) before the row can name it.
    public func record(
        _ photo: NewPhoto,
        duplicateExact: PhotoReasonRecord = PhotoReasonRecord(
            code: "duplicate_exact", severity: "reject", message: "The same file was already uploaded for another task."),
        now: Date = Date(),
        ensureBlob: @Sendable () async throws -> Void = {}
    ) async throws -> UploadOutcome {
        do {
            return try await recordOnce(photo, duplicateExact: duplicateExact, now: now, ensureBlob: ensureBlob)
        } catch where PostgresErrorText.sqlState(error) == "23505" {
            // The same key committed for another task while this transaction waited: say which.
            let found = try await match(
                workerID: photo.workerID, idempotencyKey: photo.idempotencyKey, taskID: photo.taskID, uploadSHA256: photo.uploadSHA256)
            switch found {
            case .replay(let first): return .replay(first)
            case .keyReused(let other): return .idempotencyKeyReused(other)
            case nil: throw error
            }
        }
    }

    private func recordOnce(
        _ photo: NewPhoto, duplicateExact: PhotoReasonRecord, now: Date, ensureBlob: @Sendable () async throws -> Void
    ) async throws -> UploadOutcome {
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            var state: (String, Date, Int16, Int16)?
            for try await row in try await connection.execute(UploadStatements.LockTask(taskID: photo.taskID), logger: logger) {
                state = row
            }
            guard let (status, expiresAt, attempts, maxAttempts) = state else {
                throw StoreError(.notFound, "Task \(photo.taskID) does not exist.")
            }
            // Under the lock: a retry that raced its original sees the original's row now.
            let replay = UploadStatements.Replay(
                workerID: photo.workerID, idempotencyKey: photo.idempotencyKey, taskID: photo.taskID,
                uploadSHA256: photo.uploadSHA256)
            for try await row in try await connection.execute(replay, logger: logger) {
                switch UploadStatements.Replay.match(row) {
                case .replay(let first): return .replay(first)
                case .keyReused(let other): return .idempotencyKeyReused(other)
                }
            }
            if status == "done" { return .taskAlreadyDone }
            if status != "open" || expiresAt <= now { return .taskExpired }
            if attempts >= maxAttempts { return .noAttemptsLeft }

            var photo = photo
            var claimed: [Data] = []
            if photo.verdict != "rejected", let blob = photo.blobSHA256 {
                let digests = Array(Set([photo.uploadSHA256, blob])).sorted { $0.lexicographicallyPrecedes($1) }
                for try await digest in try await connection.execute(UploadStatements.ClaimDigests(digests: digests), logger: logger) {
                    claimed.append(digest)
                }
                if claimed.count < digests.count {
                    // Another task's photo has these bytes: this one is the duplicate, stored nowhere.
                    try await connection.query("DELETE FROM photo_digests WHERE sha256 = ANY(\(claimed.map { ByteBuffer(bytes: $0) }))", logger: logger)
                    claimed = []
                    photo.verdict = "rejected"
                    photo.blobSHA256 = nil
                    photo.reasons = photo.reasons.filter { $0.code != duplicateExact.code } + [duplicateExact]
                } else {
                    for try await _ in try await connection.execute(
                        UploadStatements.LockBlobShared(lockKey: BlobStore.lockKey(forDigest: blob)), logger: logger) {}
                    try await ensureBlob()
                }
            }

            let publicID = UUID()
            let reviewStatus = photo.verdict == "flagged" ? "pending" : "not_needed"
            let record = UploadStatements.RecordPhoto(
                publicID: publicID, photo: photo, reviewStatus: reviewStatus, now: now, claimedDigests: claimed)
            for try await _ in try await connection.execute(record, logger: logger) {}
            return .recorded(StoredPhoto(
                publicID: publicID, taskID: photo.taskID, workerID: photo.workerID, verdict: photo.verdict,
                reviewStatus: reviewStatus, reasons: photo.reasons.sorted { $0.code < $1.code },
                blobKey: photo.blobSHA256.map { BlobStore.hex(Array($0)) }, receivedAt: now))
        }
    }

    /// Removes an unreferenced blob through `remove`, under the exclusive lock on its key, after
    /// checking again that no photo row names it; false when one does (an upload re-used it).
    public func removeUnreferencedBlob(key: String, remove: @Sendable () throws -> Void) async throws -> Bool {
        guard let digest = BlobStore.digest(hex: key) else { return false }
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT true FROM (SELECT pg_advisory_xact_lock(\(BlobStore.lockKey(forDigest: digest)))) AS locked", logger: logger)
            let rows = try await connection.query(
                "SELECT count(*) FROM photos WHERE blob_sha256 = \(ByteBuffer(bytes: digest))", logger: logger)
            for try await count in rows.decode(Int64.self) where count > 0 { return false }
            try remove()
            return true
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
}
