/// One worker's record: what they uploaded and what became of it.
public struct WorkerQuality: Sendable, Equatable, Codable {
    /// Worker name.
    public var worker: String
    /// The id published with their photos.
    public var anonymousID: String
    /// `active`, `on_hold` or `revoked`.
    public var status: String
    /// Why they are on hold, when they are.
    public var holdReason: String?
    /// Photos recorded (every verdict).
    public var uploads: Int
    /// Accepted automatically.
    public var accepted: Int
    /// Flagged for review (any review state).
    public var flagged: Int
    /// Rejected automatically.
    public var rejected: Int
    /// Flagged and still waiting for a reviewer.
    public var pending: Int
    /// Flagged and approved by a reviewer.
    public var reviewerApproved: Int
    /// Flagged and rejected by a reviewer.
    public var reviewerRejected: Int
    /// Automatic rejections by reason code (a photo can have several reasons).
    public var rejectedByReason: [String: Int]
    /// Reviewer rejections by review reason (the photo's current decision).
    public var reviewerRejectedByReason: [String: Int]
    /// (rejected + reviewerRejected) / uploads over all photos; 0 without uploads.
    public var rejectionRate: Double
    /// Photos counted by the hold policy (received since the last release).
    public var policyPhotos: Int
    /// Of those, rejected automatically or by a reviewer.
    public var policyRejected: Int

    /// Creates a record.
    public init(
        worker: String, anonymousID: String, status: String, holdReason: String?, uploads: Int, accepted: Int, flagged: Int,
        rejected: Int, pending: Int, reviewerApproved: Int, reviewerRejected: Int, rejectedByReason: [String: Int],
        reviewerRejectedByReason: [String: Int], policyPhotos: Int, policyRejected: Int
    ) {
        self.worker = worker
        self.anonymousID = anonymousID
        self.status = status
        self.holdReason = holdReason
        self.uploads = uploads
        self.accepted = accepted
        self.flagged = flagged
        self.rejected = rejected
        self.pending = pending
        self.reviewerApproved = reviewerApproved
        self.reviewerRejected = reviewerRejected
        self.rejectedByReason = rejectedByReason
        self.reviewerRejectedByReason = reviewerRejectedByReason
        self.rejectionRate = uploads == 0 ? 0 : Double(rejected + reviewerRejected) / Double(uploads)
        self.policyPhotos = policyPhotos
        self.policyRejected = policyRejected
    }
}
