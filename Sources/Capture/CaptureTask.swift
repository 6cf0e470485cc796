public import Foundation

/// One capture task as stored: who, which classes to choose from, and the controls.
public struct CaptureTask: Sendable, Hashable, Codable {
    /// Lifecycle, as shown to people (`expired` is an open task past its expiry).
    public enum Status: String, Sendable, Codable, Hashable, CaseIterable {
        /// Waiting for a photo.
        case open
        /// A photo was accepted for it.
        case done
        /// Open but past its expiry time.
        case expired
        /// Withdrawn by an administrator.
        case cancelled
    }

    /// Database id.
    public var id: Int64
    /// The batch (`tasks generate` run) it came from.
    public var batchID: Int
    /// The worker asked to do it.
    public var workerID: Int
    /// Catalog class ids offered, in order (the worker photographs one they own).
    public var offeredClassIDs: [Int]
    /// Rotation id (see `RotationSet`).
    public var rotationID: Int
    /// Viewpoint id.
    public var viewpointID: Int
    /// Room id.
    public var roomID: Int
    /// Status now.
    public var status: Status
    /// When it was issued.
    public var issuedAt: Date
    /// When it stops being offered.
    public var expiresAt: Date

    /// Creates a task.
    public init(
        id: Int64, batchID: Int, workerID: Int, offeredClassIDs: [Int], rotationID: Int, viewpointID: Int, roomID: Int,
        status: Status, issuedAt: Date, expiresAt: Date
    ) {
        self.id = id
        self.batchID = batchID
        self.workerID = workerID
        self.offeredClassIDs = offeredClassIDs
        self.rotationID = rotationID
        self.viewpointID = viewpointID
        self.roomID = roomID
        self.status = status
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }
}
