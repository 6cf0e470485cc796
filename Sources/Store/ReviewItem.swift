public import Foundation

/// A photo as a reviewer sees it: the task's controls, the automatic reasons, where the stored
/// file is, and every decision taken on it so far.
public struct ReviewItem: Sendable, Equatable, Codable {
    /// `photos.id` (what `review approve` takes).
    public var id: Int64
    /// The public id the worker API reported.
    public var publicID: UUID
    /// Uploader's name.
    public var worker: String
    /// Automatic verdict: `accepted`, `flagged` or `rejected`.
    public var verdict: String
    /// `not_needed`, `pending`, `approved` or `rejected`.
    public var reviewStatus: String
    /// The class the worker said they photographed.
    public var className: String
    /// The task the photo answers.
    public var taskID: Int64
    /// Requested room.
    public var room: String
    /// Requested viewpoint.
    public var viewpoint: String
    /// Requested rotation id.
    public var rotationID: Int
    /// Human description of the requested pose.
    public var rotationDescription: String
    /// Why validation flagged (or rejected) it.
    public var reasons: [PhotoReasonRecord]
    /// Blob key (hex SHA-256 of the stored bytes), when stored.
    public var blobKey: String?
    /// Path of the stored upright JPEG, filled in by the caller that knows the blob root.
    public var storedPath: String?
    /// Stored size.
    public var width: Int?
    /// Stored size.
    public var height: Int?
    /// EXIF capture time.
    public var capturedAt: Date?
    /// When the server recorded it.
    public var receivedAt: Date
    /// Review decisions, oldest first.
    public var history: [ReviewDecision]
}
