import Crypto
import Foundation
import Logging
import NIOPosix
import Store
import Validation

/// The upload path: checks the task, validates the photo, stores the upright blob durably, then
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
        var verdict: String
        var reasons: [ReasonBody]

        init(_ photo: StoredPhoto) {
            photo_id = photo.publicID.uuidString.lowercased()
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
    let metrics: ServerMetrics

    func upload(_ upload: Upload, logger: Logger) async throws -> Answer {
        let repository = self.repository
        guard let task = try await deadline.run({ try await repository.task(id: upload.taskID) }) else {
            throw APIError(.notFound, "task_not_found", "Task \(upload.taskID) does not exist.")
        }
        guard task.workerID == upload.worker.id else {
            throw APIError(.forbidden, "not_your_task", "Task \(upload.taskID) belongs to another worker.")
        }
        let uploadSHA = Data(SHA256.hash(data: upload.bytes))
        if let first = try await deadline.run({
            try await repository.replay(
                workerID: upload.worker.id, idempotencyKey: upload.idempotencyKey, taskID: task.id, uploadSHA256: uploadSHA)
        }) {
            return Answer(first)
        }
        try Self.checkOpen(task)
        guard let chosen = Self.offeredClass(upload.objectClass, in: task) else {
            throw APIError(
                .badRequest, "class_not_offered",
                "X-Object-Class must name one of the task's offered classes (by name or id).")
        }

        let context = ValidationContext(
            issuedAt: task.issuedAt, receivedAt: Date(), expectedPitch: task.viewpointPitch,
            devicePitch: upload.pitch, deviceRoll: upload.roll, sha256: Array(uploadSHA))
        let index = PostgresDuplicateIndex(repository: repository, deadline: deadline, excludingTask: task.id)
        let bytes = upload.bytes
        // Validation decodes at 1/8 scale on a cooperative thread, never on an event loop.
        let report = try await validator.validate(bytes, context: context, duplicates: index)
        let verdict = report.verdict.rawValue

        var blobSHA: Data?
        if report.verdict != .rejected {
            let prepared: PreparedPhoto
            do {
                prepared = try PreparedPhoto(jpeg: bytes)
            } catch {
                throw APIError(.unprocessableContent, "cannot_store", "The photo passed the checks but cannot be made upright losslessly.")
            }
            let blobs = self.blobs
            // fsync blocks: NIO's thread pool, not a cooperative thread. The blob key is the digest
            // PreparedPhoto already computed.
            _ = try await NIOThreadPool.singleton.runIfActive { try blobs.put(prepared.bytes, sha256: prepared.sha256) }
            blobSHA = Data(prepared.sha256)
        }
        let record = NewPhoto(
            taskID: task.id, workerID: upload.worker.id, classID: chosen, verdict: verdict,
            reasons: report.reasons.map { PhotoReasonRecord(code: $0.code.rawValue, severity: $0.severity.rawValue, message: $0.message) },
            uploadSHA256: uploadSHA, blobSHA256: blobSHA, byteSize: bytes.count, width: report.width, height: report.height,
            phash: report.perceptualHash.map { Int64(bitPattern: $0) }, devicePitch: upload.pitch, deviceRoll: upload.roll,
            capturedAt: report.capturedAt, idempotencyKey: upload.idempotencyKey, exifJSON: Self.exifJSON(report.exif))
        // A late commit after the deadline is still consistent: the retry replays it.
        switch try await deadline.runCommit({ try await repository.record(record) }) {
        case .recorded(let photo):
            metrics.recordUpload(bytes: bytes.count, verdict: verdict, reasons: record.reasons.map(\.code))
            logger.info("photo recorded", metadata: ["task_id": "\(task.id)", "verdict": "\(verdict)"])
            return Answer(photo)
        case .replay(let photo):
            return Answer(photo)
        case .taskAlreadyDone:
            throw APIError(.conflict, "task_done", "Task \(task.id) was already completed by another upload.")
        case .taskExpired:
            throw APIError(.gone, "task_expired", "Task \(task.id) has expired.")
        case .noAttemptsLeft:
            throw APIError(.conflict, "attempts_exhausted", "Task \(task.id) has no attempts left.")
        }
    }

    static func checkOpen(_ task: UploadTask, now: Date = Date()) throws {
        if task.status == "done" {
            throw APIError(.conflict, "task_done", "Task \(task.id) is already completed.")
        }
        if task.status != "open" || task.expiresAt <= now {
            throw APIError(.gone, "task_expired", "Task \(task.id) has expired.")
        }
        if task.attempts >= task.maxAttempts {
            throw APIError(.conflict, "attempts_exhausted", "Task \(task.id) has no attempts left.")
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
