import Foundation
import Hummingbird
import NIOCore
import Store
import Validation

/// `/v1`: the worker's tasks, photo uploads (raw PUT or multipart POST) and photo status.
struct WorkerRoutes {
    let repository: PostgresUploadRepository
    let deadline: DatabaseDeadline
    let uploader: PhotoUploader
    let limiter: RateLimiter
    let gate: UploadGate
    let maxUploadBytes: Int

    func register(on group: RouterGroup<WorkerContext>) {
        group.get("tasks") { _, context in try await self.listTasks(context: context) }
        group.put("tasks/:task_id/photo") { request, context in try await self.putPhoto(request, context: context) }
        group.post("tasks/:task_id/photo") { request, context in try await self.postPhoto(request, context: context) }
        group.get("photos/:photo_id") { _, context in try await self.photo(context: context) }
    }

    private struct TaskBody: Encodable {
        struct RotationBody: Encodable {
            var id: Int
            var quaternion: [Double]
            var description: String
        }

        var id: Int64
        var offered_classes: [String]
        var rotation: RotationBody
        var viewpoint: String
        var room: String
        var expires_at: Date
        var attempts_left: Int
    }

    private func listTasks(context: WorkerContext) async throws -> Response {
        let worker = try context.requireWorker()
        let repository = self.repository
        let tasks = try await deadline.run { try await repository.openTasks(workerID: worker.id) }
        let body = tasks.map {
            TaskBody(
                id: $0.id, offered_classes: $0.offeredClasses.map(\.name),
                rotation: .init(id: $0.rotationID, quaternion: $0.quaternion, description: $0.rotationDescription),
                viewpoint: $0.viewpoint, room: $0.room, expires_at: $0.expiresAt, attempts_left: max(0, $0.maxAttempts - $0.attempts))
        }
        return try jsonResponse(["tasks": body])
    }

    private func putPhoto(_ request: Request, context: WorkerContext) async throws -> Response {
        let worker = try context.requireWorker()
        let taskID = try Self.taskID(context)
        return try await concerning(taskID, worker: worker) {
            if let type = request.headers[.contentType]?.lowercased() {
                if type.hasPrefix("image/heic") || type.hasPrefix("image/heif") {
                    throw Self.heic
                }
                guard type.hasPrefix("image/jpeg") else {
                    throw APIError(.unsupportedMediaType, "unsupported_media_type", "Send the photo as image/jpeg.")
                }
            }
            let objectClass = try Self.header(request, "X-Object-Class", required: true)!
            let pitch = try Self.angle(request, "X-Device-Pitch")
            let roll = try Self.angle(request, "X-Device-Roll")
            let key = try Self.idempotencyKey(request)
            try checkRate(worker)
            let bytes = try await readBody(request)
            return try await answer(.init(
                taskID: taskID, worker: worker, objectClass: objectClass, pitch: pitch, roll: roll, idempotencyKey: key, bytes: bytes),
                context: context)
        }
    }

    private func postPhoto(_ request: Request, context: WorkerContext) async throws -> Response {
        let worker = try context.requireWorker()
        let taskID = try Self.taskID(context)
        return try await concerning(taskID, worker: worker) {
            guard let boundary = request.headers[.contentType].flatMap(MultipartForm.boundary(fromContentType:)) else {
                throw APIError(.unsupportedMediaType, "unsupported_media_type", "POST the photo as multipart/form-data (or PUT image/jpeg).")
            }
            try checkRate(worker)
            let body = try await readBody(request, extra: 64 * 1024)
            let form: MultipartForm
            do {
                form = try MultipartForm(body: body, boundary: boundary)
            } catch let failure as MultipartForm.Failure {
                throw APIError(.badRequest, "bad_multipart", failure.message)
            }
            guard let photo = form.fields["photo"], !photo.isEmpty else {
                throw APIError(.badRequest, "missing_photo", "The form has no 'photo' field.")
            }
            guard photo.count <= maxUploadBytes else {
                throw APIError(.contentTooLarge, "body_too_large", "The photo is larger than \(maxUploadBytes) bytes.")
            }
            guard let objectClass = form.string("class"), !objectClass.isEmpty else {
                throw APIError(.badRequest, "missing_class", "The form has no 'class' field.")
            }
            let pitch = try Self.angle(form.string("pitch"), name: "pitch")
            let roll = try Self.angle(form.string("roll"), name: "roll")
            let key = try Self.idempotencyKey(request)
            return try await answer(.init(
                taskID: taskID, worker: worker, objectClass: objectClass, pitch: pitch, roll: roll, idempotencyKey: key, bytes: photo),
                context: context)
        }
    }

    /// Runs an upload as one of the worker's in-flight uploads, and names the task in every error.
    private func concerning(_ taskID: Int64, worker: AuthenticatedWorker, _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await gate.asWorkerUpload(worker.id, body)
        } catch UploadGate.Refusal.workerBusy {
            throw APIError(
                .tooManyRequests, "too_many_in_flight",
                "You already have \(gate.perWorker) uploads in progress; wait for one to finish.", retryAfterSeconds: 1, taskID: taskID)
        } catch var error as APIError where error.taskID == nil && error.status.code < 500 {
            error.taskID = taskID
            throw error
        }
    }

    static let heic = APIError(
        .unsupportedMediaType, Reason.Code.heicNotAccepted.rawValue,
        "The photo is HEIC/HEIF; set the camera to JPEG (on an iPhone: Settings, Camera, Formats, Most Compatible) or upload a JPEG copy.")

    private func answer(_ upload: PhotoUploader.Upload, context: WorkerContext) async throws -> Response {
        guard Self.looksLikeJPEG(upload.bytes) else {
            let reason = PhotoValidator.formatReason(upload.bytes)
            if reason.code == .heicNotAccepted { throw Self.heic }
            throw APIError(.unsupportedMediaType, reason.code.rawValue, reason.message + " Upload the camera's JPEG.")
        }
        let answer = try await uploader.upload(upload, logger: context.logger)
        return try jsonResponse(answer, status: answer.status == 201 ? .created : .unprocessableContent)
    }

    private func photo(context: WorkerContext) async throws -> Response {
        let worker = try context.requireWorker()
        guard let text = context.parameters.get("photo_id"), let id = UUID(uuidString: text) else {
            throw APIError(.badRequest, "bad_photo_id", "The photo id must be a UUID.")
        }
        let repository = self.repository
        let found = try await deadline.run { try await repository.photo(publicID: id) }
        guard let photo = found, photo.workerID == worker.id else {
            throw APIError(.notFound, "photo_not_found", "No photo \(text.lowercased()) of yours exists.")
        }
        struct Body: Encodable {
            var photo_id: String
            var task_id: Int64
            var verdict: String
            var review_status: String
            var reasons: [PhotoReasonRecord]
            var received_at: Date
        }
        return try jsonResponse(Body(
            photo_id: photo.publicID.uuidString.lowercased(), task_id: photo.taskID, verdict: photo.verdict,
            review_status: photo.reviewStatus, reasons: photo.reasons, received_at: photo.receivedAt))
    }

    // MARK: - Bounded input

    private func checkRate(_ worker: AuthenticatedWorker) throws {
        guard limiter.allow(worker.id) else {
            throw APIError(.tooManyRequests, "rate_limited", "Too many uploads; wait a minute and retry.", retryAfterSeconds: 60)
        }
    }

    /// Reads the body, refusing at once when Content-Length is over the limit and stopping at the limit otherwise.
    private func readBody(_ request: Request, extra: Int = 0) async throws -> [UInt8] {
        let limit = maxUploadBytes + extra
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(.contentTooLarge, "body_too_large", "The photo is larger than \(maxUploadBytes) bytes.")
        }
        // Straight from NIO's chunks into one array sized by Content-Length (bounded above): one
        // copy of a multi-megabyte photo instead of collecting a ByteBuffer and copying it out.
        var bytes: [UInt8] = []
        if let length = request.headers[.contentLength].flatMap(Int.init), length > 0 {
            bytes.reserveCapacity(length)
        }
        for try await chunk in request.body {
            guard bytes.count + chunk.readableBytes <= limit else {
                throw APIError(.contentTooLarge, "body_too_large", "The photo is larger than \(maxUploadBytes) bytes.")
            }
            chunk.withUnsafeReadableBytes { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    private static func taskID(_ context: WorkerContext) throws -> Int64 {
        guard let text = context.parameters.get("task_id"), let id = Int64(text), id > 0 else {
            throw APIError(.badRequest, "bad_task_id", "The task id must be a positive integer.")
        }
        return id
    }

    private static func header(_ request: Request, _ name: String, required: Bool = false) throws -> String? {
        guard let value = request.headers.first(where: { $0.name.canonicalName == name.lowercased() })?.value else {
            if required { throw APIError(.badRequest, "missing_header", "The \(name) header is required.") }
            return nil
        }
        guard value.utf8.count <= 200 else { throw APIError(.badRequest, "bad_header", "The \(name) header is too long.") }
        return value
    }

    private static func angle(_ request: Request, _ name: String) throws -> Double? {
        try angle(try header(request, name), name: name)
    }

    private static func angle(_ text: String?, name: String) throws -> Double? {
        guard let text, !text.isEmpty else { return nil }
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, (-180...180).contains(value) else {
            throw APIError(.badRequest, "bad_angle", "\(name) must be a number of degrees between -180 and 180.")
        }
        return value
    }

    private static func idempotencyKey(_ request: Request) throws -> String? {
        guard let key = try header(request, "Idempotency-Key") else { return nil }
        guard !key.isEmpty, key.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw APIError(.badRequest, "bad_idempotency_key", "Idempotency-Key must be 1 to 200 visible ASCII characters.")
        }
        return key
    }

    static func looksLikeJPEG(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF
    }
}
