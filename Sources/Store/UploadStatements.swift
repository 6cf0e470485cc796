import Foundation
import PostgresNIO

/// The upload path's statements, prepared once per connection. Every upload runs each of them, and
/// as plain extended-protocol queries they were parsed and planned on every call: planning was about
/// a third of PostgreSQL's time per upload. Prepared, the server can settle on a generic plan.
enum UploadStatements {
    /// Columns of a photo as answered to its worker, with its reasons in code order (one lateral
    /// aggregate instead of three correlated subqueries).
    static let photoSelectList = """
        p.public_id, p.task_id, p.worker_id, p.verdict, p.review_status, encode(p.blob_sha256, 'hex'),
        p.received_at, coalesce(r.codes, '{}'), coalesce(r.severities, '{}'), coalesce(r.messages, '{}')
        """
    static let photoFrom = """
        FROM photos p
        LEFT JOIN LATERAL (
            SELECT array_agg(code ORDER BY code) AS codes, array_agg(severity ORDER BY code) AS severities,
                   array_agg(message ORDER BY code) AS messages
            FROM photo_reasons WHERE photo_id = p.id) r ON true
        """
    static let photoColumns = "SELECT " + photoSelectList + "\n" + photoFrom

    typealias PhotoRow = (UUID, Int64, Int32, String, String, String?, Date, [String], [String], [String])

    static func storedPhoto(_ row: PhotoRow) -> StoredPhoto {
        let reasons = zip(row.7, zip(row.8, row.9)).map { PhotoReasonRecord(code: $0, severity: $1.0, message: $1.1) }
        return StoredPhoto(
            publicID: row.0, taskID: row.1, workerID: Int(row.2), verdict: row.3, reviewStatus: row.4,
            reasons: reasons, blobKey: row.5, receivedAt: row.6)
    }

    /// The worker behind a token hash.
    struct WorkerByToken: PostgresPreparedStatement {
        static let sql = "SELECT id, name, status FROM workers WHERE token_hash = $1"
        static let bindingDataTypes: [PostgresDataType] = [.bytea]
        typealias Row = (Int32, String, String)
        var tokenHash: Data

        func makeBindings() -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 1)
            bindings.append(ByteBuffer(bytes: tokenHash))
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// One task with its controls and offered classes (in offer order).
    struct TaskByID: PostgresPreparedStatement {
        static let sql = """
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
            WHERE t.id = $1
            """
        static let bindingDataTypes: [PostgresDataType] = [.int8]
        typealias Row = (Int64, Int32, String, Int16, Int16, Date, Date, String, Double, String, Int32,
                         Double, Double, Double, Double, String, [Int32], [String])
        var id: Int64

        func makeBindings() -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 1)
            bindings.append(id)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }

        static func task(_ row: Row) -> UploadTask {
            UploadTask(
                id: row.0, workerID: Int(row.1), status: row.2, attempts: Int(row.3), maxAttempts: Int(row.4),
                issuedAt: row.5, expiresAt: row.6,
                offeredClasses: zip(row.16, row.17).map { (id: Int($0), name: $1) },
                viewpoint: row.7, viewpointPitch: row.8, room: row.9, rotationID: Int(row.10),
                quaternion: [row.11, row.12, row.13, row.14], rotationDescription: row.15)
        }
    }

    /// A photo seen before for this request: the worker's photo with this idempotency key
    /// (preferred), or the same bytes for the same task. A nil key matches nothing on its side.
    /// The last column says whether it is the same upload (this task, these bytes): a replay;
    /// a key match that is not is a reused key.
    struct Replay: PostgresPreparedStatement {
        static let sql = "SELECT " + photoSelectList + """
            , (p.task_id = $3 AND p.upload_sha256 = $4)
            """ + "\n" + photoFrom + """

            WHERE (p.worker_id = $1 AND p.idempotency_key = $2) OR (p.task_id = $3 AND p.upload_sha256 = $4)
            ORDER BY (p.worker_id = $1 AND p.idempotency_key = $2) IS TRUE DESC, p.id
            LIMIT 1
            """
        static let bindingDataTypes: [PostgresDataType] = [.int4, .text, .int8, .bytea]
        typealias Row = (UUID, Int64, Int32, String, String, String?, Date, [String], [String], [String], Bool)
        var workerID: Int
        var idempotencyKey: String?
        var taskID: Int64
        var uploadSHA256: Data

        func makeBindings() -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 4)
            bindings.append(Int32(workerID))
            bindings.append(idempotencyKey)
            bindings.append(taskID)
            bindings.append(ByteBuffer(bytes: uploadSHA256))
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }

        /// What the row means for this request.
        static func match(_ row: Row) -> UploadMatch {
            let photo = storedPhoto((row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9))
            return row.10 ? .replay(photo) : .keyReused(photo)
        }
    }

    /// Takes, until the transaction ends, the shared lock on a blob key that `store check --repair`
    /// takes exclusively before it removes an unreferenced blob.
    struct LockBlobShared: PostgresPreparedStatement {
        static let sql = "SELECT true FROM (SELECT pg_advisory_xact_lock_shared($1)) AS locked"
        static let bindingDataTypes: [PostgresDataType] = [.int8]
        typealias Row = Bool
        var lockKey: Int64

        func makeBindings() -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 1)
            bindings.append(lockKey)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Bool.self) }
    }

    /// Claims digests for a kept photo; answers the ones claimed now. A digest another transaction
    /// is claiming waits for it, then counts as taken when it committed.
    struct ClaimDigests: PostgresPreparedStatement {
        static let sql = """
            INSERT INTO photo_digests (sha256) SELECT unnest($1::bytea[])
            ON CONFLICT DO NOTHING RETURNING sha256
            """
        static let bindingDataTypes: [PostgresDataType] = [.byteaArray]
        typealias Row = Data
        var digests: [Data]

        func makeBindings() -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 1)
            bindings.append(digests.map { ByteBuffer(bytes: $0) })
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { Data(buffer: try row.decode(ByteBuffer.self)) }
    }

    /// Another task's kept photo with exactly these bytes, as received or as stored.
    struct ExactDuplicate: PostgresPreparedStatement {
        static let sql = """
            SELECT public_id FROM photos
            WHERE (upload_sha256 = $1 OR blob_sha256 = $1) AND task_id <> $2 AND verdict <> 'rejected'
            LIMIT 1
            """
        static let bindingDataTypes: [PostgresDataType] = [.bytea, .int8]
        typealias Row = UUID
        var sha256: Data
        var excludingTask: Int64

        func makeBindings() -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 2)
            bindings.append(ByteBuffer(bytes: sha256))
            bindings.append(excludingTask)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(UUID.self) }
    }

    /// Candidates for a near duplicate: photos sharing a 16-bit band of the hash within one bit,
    /// with their exact distance.
    struct NearDuplicates: PostgresPreparedStatement {
        static let sql = """
            SELECT public_id, bit_count((phash # $1)::bit(64))::int4 FROM photos
            WHERE (phash_b0 = ANY($2) OR phash_b1 = ANY($3) OR phash_b2 = ANY($4) OR phash_b3 = ANY($5))
              AND task_id <> $6 AND verdict <> 'rejected'
            """
        static let bindingDataTypes: [PostgresDataType] = [.int8, .int4Array, .int4Array, .int4Array, .int4Array, .int8]
        typealias Row = (UUID, Int32)
        var phash: Int64
        var bands: [[Int32]]
        var excludingTask: Int64

        func makeBindings() -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 6)
            bindings.append(phash)
            for band in bands { bindings.append(band) }
            bindings.append(excludingTask)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// The task's state, with its row locked until the transaction ends.
    struct LockTask: PostgresPreparedStatement {
        static let sql = "SELECT status, expires_at, attempts, max_attempts FROM tasks WHERE id = $1 FOR UPDATE"
        static let bindingDataTypes: [PostgresDataType] = [.int8]
        typealias Row = (String, Date, Int16, Int16)
        var taskID: Int64

        func makeBindings() -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 1)
            bindings.append(taskID)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// The photo, its reasons and the task's new state in one statement: a rejection uses an
    /// attempt, anything else completes the task.
    struct RecordPhoto: PostgresPreparedStatement {
        static let sql = """
            WITH inserted AS (
                INSERT INTO photos (public_id, task_id, worker_id, class_id, verdict, review_status, upload_sha256,
                    blob_sha256, byte_size, width, height, phash, device_pitch, device_roll, captured_at,
                    received_at, idempotency_key, exif)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::jsonb)
                RETURNING id
            ), reasons AS (
                INSERT INTO photo_reasons (photo_id, code, severity, message)
                SELECT inserted.id, u.code, u.severity, u.message
                FROM inserted, unnest($19::text[], $20::text[], $21::text[]) AS u(code, severity, message)
                ON CONFLICT DO NOTHING
            ), claimed AS (
                UPDATE photo_digests SET photo_id = inserted.id FROM inserted WHERE sha256 = ANY($22::bytea[])
            ), task AS (
                UPDATE tasks SET
                    attempts = attempts + CASE WHEN $5 = 'rejected' THEN 1 ELSE 0 END,
                    status = CASE WHEN $5 = 'rejected' THEN status ELSE 'done' END,
                    completed_at = CASE WHEN $5 = 'rejected' THEN completed_at ELSE $16 END
                WHERE id = $2
            )
            SELECT id FROM inserted
            """
        static let bindingDataTypes: [PostgresDataType] = [
            .uuid, .int8, .int4, .int4, .text, .text, .bytea, .bytea, .int8, .int4, .int4, .int8, .float4, .float4,
            .timestamptz, .timestamptz, .text, .text, .textArray, .textArray, .textArray, .byteaArray,
        ]
        typealias Row = Int64
        var publicID: UUID
        var photo: NewPhoto
        var reviewStatus: String
        var now: Date
        var claimedDigests: [Data]

        func makeBindings() -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 22)
            bindings.append(publicID)
            bindings.append(photo.taskID)
            bindings.append(Int32(photo.workerID))
            bindings.append(Int32(photo.classID))
            bindings.append(photo.verdict)
            bindings.append(reviewStatus)
            bindings.append(ByteBuffer(bytes: photo.uploadSHA256))
            bindings.append(photo.blobSHA256.map { ByteBuffer(bytes: $0) })
            bindings.append(Int64(photo.byteSize))
            bindings.append(photo.width.map(Int32.init))
            bindings.append(photo.height.map(Int32.init))
            bindings.append(photo.phash)
            bindings.append(photo.devicePitch.map(Float.init))
            bindings.append(photo.deviceRoll.map(Float.init))
            bindings.append(photo.capturedAt)
            bindings.append(now)
            bindings.append(photo.idempotencyKey)
            bindings.append(photo.exifJSON)
            bindings.append(photo.reasons.map(\.code))
            bindings.append(photo.reasons.map(\.severity))
            bindings.append(photo.reasons.map(\.message))
            bindings.append(claimedDigests.map { ByteBuffer(bytes: $0) })
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int64.self) }
    }
}
