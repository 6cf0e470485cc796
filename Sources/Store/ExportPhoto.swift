public import Foundation

/// One photo of the curated set (accepted, or flagged and approved) with what an export publishes.
public struct ExportPhoto: Sendable, Equatable {
    /// `photos.id`.
    public var id: Int64
    /// Stable public id; export file names are derived from it.
    public var publicID: UUID
    /// Blob key of the stored upright JPEG.
    public var blobKey: String
    /// Class label (the ObjectNet label for ObjectNet classes).
    public var className: String
    /// ObjectNet folder name, when the class has one.
    public var folder: String?
    /// ObjectNet id (0…312), when the class has one.
    public var objectnetID: Int?
    /// Requested rotation id.
    public var rotationID: Int
    /// Requested viewpoint name.
    public var viewpoint: String
    /// Requested room name.
    public var room: String
    /// The worker's anonymous id (never the name).
    public var anonymousWorkerID: String
    /// EXIF capture time, when known.
    public var capturedAt: Date?

    /// Creates a record.
    public init(id: Int64, publicID: UUID, blobKey: String, className: String, folder: String?, objectnetID: Int?,
                rotationID: Int, viewpoint: String, room: String, anonymousWorkerID: String, capturedAt: Date?) {
        self.id = id
        self.publicID = publicID
        self.blobKey = blobKey
        self.className = className
        self.folder = folder
        self.objectnetID = objectnetID
        self.rotationID = rotationID
        self.viewpoint = viewpoint
        self.room = room
        self.anonymousWorkerID = anonymousWorkerID
        self.capturedAt = capturedAt
    }
}
