import Crypto
import Foundation
import Logging
import NIOPosix
import Store
import Validation

/// The upload path: checks the task, validates the photo, stores the sanitised blob durably, then
/// records the rows in one transaction. Retries get their first result back.
struct PhotoUploader: Sendable {
    /// What the client sent, already bounded.
    struct Upload: Sendable {
        var taskID: Int64
        var worker: AuthenticatedWorker
        var objectClass: String
        var pitch: Double?
        var roll: Double?
        var idempotencyKey: String?
        var bytes: [UInt8]
    }

    /// The JSON answered for an upload.
    struct Answer: Encodable, Sendable {
        struct ReasonBody: Encodable, Sendable {
            var code: String
            var severity: String
            var message: String
        }

        var photo_id: String
        var task_id: Int64
        var verdict: String
        var reasons: [ReasonBody]

        init(_ photo: StoredPhoto) {
            photo_id = photo.publicID.uuidString.lowercased()
            task_id = photo.taskID
            verdict = photo.verdict
            reasons = photo.reasons.map { ReasonBody(code: $0.code, severity: $0.severity, message: $0.message) }
        }

        /// 201 when the task is done, 422 when the photo was rejected.
        var status: Int { verdict == "rejected" ? 422 : 201 }
    }

    let repository: PostgresUploadRepository
    let deadline: DatabaseDeadline
    let blobs: BlobStore
    let validator: PhotoValidator
    let gate: UploadGate
    let metrics: ServerMetrics

    func upload(_ upload: Upload, logger: Logger) async throws -> Answer {
        let repository = self.repository
        let taskID = upload.taskID
        guard let task = try await deadline.run({ try await repository.task(id: taskID) }) else {
            throw APIError(.notFound, "task_not_found", "Task \(taskID) does not exist.", taskID: taskID)
        }
        guard task.workerID == upload.worker.id else {
            throw APIError(.forbidden, "not_your_task", "Task \(taskID) belongs to another worker.", taskID: taskID)
        }
        let uploadSHA = Data(SHA256.hash(data: upload.bytes))
        switch try await deadline.run({
            try await repository.match(
                workerID: upload.worker.id, idempotencyKey: upload.idempotencyKey, taskID: taskID, uploadSHA256: uploadSHA)
        }) {
        case .replay(let first): return Answer(first)
        case .keyReused(let other): throw Self.keyReused(other, taskID: taskID)
        case nil: break
        }
        try Self.checkOpen(task)
        guard let chosen = Self.offeredClass(upload.objectClass, in: task) else {
            throw APIError(
                .badRequest, "class_not_offered",
                "X-Object-Class must name one of the task's offered classes (by name or id).", taskID: taskID)
        }

        let context = ValidationContext(
            issuedAt: task.issuedAt, receivedAt: Date(), expectedPitch: task.viewpointPitch,
            devicePitch: upload.pitch, deviceRoll: upload.roll, sha256: Array(uploadSHA))
        let bytes = upload.bytes
        let validator = self.validator
        // The CPU-bound part (a DCT-scaled decode, the marker walk, two digests) holds one of the
        // server's validation slots; the database and the disk are waited for outside it.
        let (local, prepared): (ValidationReport, PreparedPhoto?)
        do {
            (local, prepared) = try await gate.withSlot {
                let report = validator.validate(bytes, context: context)
                return (report, report.verdict == .rejected ? nil : try? PreparedPhoto(jpeg: bytes))
            }
        } catch UploadGate.Refusal.serverBusy {
            throw APIError(.serviceUnavailable, "server_busy", "The server is busy validating other photos; retry shortly.",
                           retryAfterSeconds: 2, taskID: taskID)
        }
        var report = local
        let index = PostgresDuplicateIndex(repository: repository, deadline: deadline, excludingTask: task.id)
        try await validator.checkDuplicates(&report, index: index)
        let verdict = report.verdict.rawValue

        var blobSHA: Data?
        if report.verdict != .rejected {
            guard let prepared else {
                throw APIError(.unprocessableContent, "cannot_store", "The photo passed the checks but its JPEG layout cannot be stored.", taskID: taskID)
            }
            try await store(prepared)
            blobSHA = Data(prepared.sha256)
        }
        let record = NewPhoto(
            taskID: task.id, workerID: upload.worker.id, classID: chosen, verdict: verdict,
            reasons: report.reasons.map(Self.record), uploadSHA256: uploadSHA, blobSHA256: blobSHA, byteSize: bytes.count,
            width: report.width, height: report.height,
            phash: report.perceptualHash.map { Int64(bitPattern: $0) }, devicePitch: upload.pitch, deviceRoll: upload.roll,
            capturedAt: report.capturedAt, idempotencyKey: upload.idempotencyKey, exifJSON: Self.exifJSON(report.exif))
        let uploader = self
        let stored = blobSHA == nil ? nil : prepared
        // A late commit after the deadline is still consistent: the retry replays it.
        let outcome = try await deadline.runCommit {
            try await repository.record(record, duplicateExact: Self.record(PhotoValidator.duplicateExact())) {
                // Under the blob's lock: if `store check --repair` removed a blob this upload re-uses, write it again.
                if let stored, !uploader.blobs.contains(key: BlobStore.hex(stored.sha256)) {
                    try await uploader.store(stored)
                }
            }
        }
        switch outcome {
        case .recorded(let photo):
            metrics.recordUpload(bytes: bytes.count, verdict: photo.verdict, reasons: photo.reasons.map(\.code))
            logger.info("photo recorded", metadata: ["task_id": "\(task.id)", "verdict": "\(photo.verdict)"])
            return Answer(photo)
        case .replay(let photo):
            return Answer(photo)
        case .idempotencyKeyReused(let other):
            throw Self.keyReused(other, taskID: taskID)
        case .taskAlreadyDone:
            throw APIError(.conflict, "task_done", "Task \(task.id) was already completed by another upload.", taskID: taskID)
        case .taskExpired:
            throw APIError(.gone, "task_expired", "Task \(task.id) has expired.", taskID: taskID)
        case .noAttemptsLeft:
            throw APIError(.conflict, "attempts_exhausted", "Task \(task.id) has no attempts left.", taskID: taskID)
        }
    }

    /// Writes the blob durably. fsync blocks: NIO's thread pool, not a cooperative thread; the key
    /// is the digest PreparedPhoto already computed.
    private func store(_ prepared: PreparedPhoto) async throws {
        let blobs = self.blobs
        _ = try await NIOThreadPool.singleton.runIfActive { try blobs.put(prepared.bytes, sha256: prepared.sha256) }
    }

    static func record(_ reason: Reason) -> PhotoReasonRecord {
        PhotoReasonRecord(code: reason.code.rawValue, severity: reason.severity.rawValue, message: reason.message)
    }

    static func keyReused(_ other: StoredPhoto, taskID: Int64) -> APIError {
        let place = other.taskID == taskID ? "other bytes for this task" : "task \(other.taskID)"
        return APIError(
            .unprocessableContent, "idempotency_key_reused",
            "This Idempotency-Key was already used for \(place); send each photo with a key of its own.", taskID: taskID)
    }

    static func checkOpen(_ task: UploadTask, now: Date = Date()) throws {
        if task.status == "done" {
            throw APIError(.conflict, "task_done", "Task \(task.id) is already completed.", taskID: task.id)
        }
        if task.status != "open" || task.expiresAt <= now {
            throw APIError(.gone, "task_expired", "Task \(task.id) has expired.", taskID: task.id)
        }
        if task.attempts >= task.maxAttempts {
            throw APIError(.conflict, "attempts_exhausted", "Task \(task.id) has no attempts left.", taskID: task.id)
        }
    }

    static func offeredClass(_ text: String, in task: UploadTask) -> Int? {
        let wanted = text.trimmingCharacters(in: .whitespaces)
        if let id = Int(wanted), task.offeredClasses.contains(where: { $0.id == id }) { return id }
        return task.offeredClasses.first { $0.name.caseInsensitiveCompare(wanted) == .orderedSame }?.id
    }

    static func exifJSON(_ exif: ExifSummary?) -> String {
        guard let exif else { return "{}" }
        var object: [String: String] = [:]
        object["make"] = exif.make
        object["model"] = exif.model
        object["software"] = exif.software
        object["datetime_original"] = exif.dateTimeOriginal
        object["orientation"] = exif.orientation.map(String.init)
        object["has_gps"] = exif.hasGPS ? "true" : "false"
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
