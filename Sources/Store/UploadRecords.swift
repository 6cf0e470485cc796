public import Foundation

/// The worker behind a bearer token, as the upload path needs it.
public struct AuthenticatedWorker: Sendable, Equatable {
    /// Database id.
    public var id: Int
    /// Name.
    public var name: String
    /// `active`, `on_hold` or `revoked`.
    public var status: String
}

/// A task as the upload path sees it: who owns it, its state, its window and its controls.
public struct UploadTask: Sendable, Equatable {
    /// Task id.
    public var id: Int64
    /// Owner.
    public var workerID: Int
    /// `open`, `done` or `cancelled`.
    public var status: String
    /// Rejected attempts so far.
    public var attempts: Int
    /// Attempts allowed.
    public var maxAttempts: Int
    /// Issue time.
    public var issuedAt: Date
    /// Expiry time.
    public var expiresAt: Date
    /// Offered classes: (id, name, ObjectNet id when known).
    public var offeredClasses: [(id: Int, name: String)]
    /// Requested viewpoint name and camera pitch in degrees.
    public var viewpoint: String
    /// Expected pitch, degrees (−90 looks straight down).
    public var viewpointPitch: Double
    /// Room name.
    public var room: String
    /// Rotation id, quaternion (w, x, y, z) and description.
    public var rotationID: Int
    /// Unit quaternion (w, x, y, z).
    public var quaternion: [Double]
    /// Human description of the pose.
    public var rotationDescription: String

    public static func == (a: UploadTask, b: UploadTask) -> Bool {
        a.id == b.id && a.status == b.status && a.attempts == b.attempts
    }
}

/// One validation reason as stored.
public struct PhotoReasonRecord: Sendable, Equatable, Codable {
    /// Stable code.
    public var code: String
    /// `reject` or `flag`.
    public var severity: String
    /// One sentence.
    public var message: String

    /// Creates a reason.
    public init(code: String, severity: String, message: String) {
        self.code = code
        self.severity = severity
        self.message = message
    }
}

/// A photo to record, once validated (and, unless rejected, once its blob is durable).
public struct NewPhoto: Sendable {
    /// Task it answers.
    public var taskID: Int64
    /// Uploading worker.
    public var workerID: Int
    /// Class the worker says they photographed.
    public var classID: Int
    /// `accepted`, `flagged` or `rejected`.
    public var verdict: String
    /// Reasons.
    public var reasons: [PhotoReasonRecord]
    /// SHA-256 of the received bytes.
    public var uploadSHA256: Data
    /// SHA-256 of the stored bytes (nil when not stored).
    public var blobSHA256: Data?
    /// Received size.
    public var byteSize: Int
    /// Upright size.
    public var width: Int?
    /// Upright size.
    public var height: Int?
    /// Perceptual hash.
    public var phash: Int64?
    /// Device attitude.
    public var devicePitch: Double?
    /// Device attitude.
    public var deviceRoll: Double?
    /// EXIF capture time.
    public var capturedAt: Date?
    /// Client's retry key.
    public var idempotencyKey: String?
    /// EXIF summary as JSON text.
    public var exifJSON: String

    /// Creates a record.
    public init(
        taskID: Int64, workerID: Int, classID: Int, verdict: String, reasons: [PhotoReasonRecord],
        uploadSHA256: Data, blobSHA256: Data?, byteSize: Int, width: Int?, height: Int?, phash: Int64?,
        devicePitch: Double?, deviceRoll: Double?, capturedAt: Date?, idempotencyKey: String?, exifJSON: String
    ) {
        self.taskID = taskID
        self.workerID = workerID
        self.classID = classID
        self.verdict = verdict
        self.reasons = reasons
        self.uploadSHA256 = uploadSHA256
        self.blobSHA256 = blobSHA256
        self.byteSize = byteSize
        self.width = width
        self.height = height
        self.phash = phash
        self.devicePitch = devicePitch
        self.deviceRoll = deviceRoll
        self.capturedAt = capturedAt
        self.idempotencyKey = idempotencyKey
        self.exifJSON = exifJSON
    }
}

/// A recorded photo, as answered to its worker.
public struct StoredPhoto: Sendable, Equatable, Codable {
    /// Public id.
    public var publicID: UUID
    /// Task it answers.
    public var taskID: Int64
    /// Uploader.
    public var workerID: Int
    /// Verdict.
    public var verdict: String
    /// Review state.
    public var reviewStatus: String
    /// Reasons.
    public var reasons: [PhotoReasonRecord]
    /// Stored blob key (hex), when stored.
    public var blobKey: String?
    /// When received.
    public var receivedAt: Date
}

/// What recording an upload came to.
public enum UploadOutcome: Sendable, Equatable {
    /// Recorded now.
    case recorded(StoredPhoto)
    /// The same request was seen before: its first result.
    case replay(StoredPhoto)
    /// The task was completed meanwhile (a concurrent upload won).
    case taskAlreadyDone
    /// The task expired meanwhile.
    case taskExpired
    /// Rejected attempts are used up.
    case noAttemptsLeft
    /// The idempotency key already names another upload (another task or other bytes): this photo.
    case idempotencyKeyReused(StoredPhoto)
}

/// A photo found for an upload request before it is recorded.
public enum UploadMatch: Sendable, Equatable {
    /// The same upload (task and bytes) was recorded before: its first result.
    case replay(StoredPhoto)
    /// The request's idempotency key names this other upload.
    case keyReused(StoredPhoto)
}
