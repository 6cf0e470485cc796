public import Foundation

/// One appended row of a photo's review history.
public struct ReviewDecision: Sendable, Equatable, Codable {
    /// What a reviewer can decide.
    public enum Kind: String, Sendable, Codable {
        /// Keep the flagged photo in the curated set.
        case approve
        /// Keep it out, with a reason.
        case reject
        /// Put a decided photo back into the queue.
        case reopen
    }

    /// `reviews.id`.
    public var id: Int64
    /// `photos.id`.
    public var photoID: Int64
    /// Who decided.
    public var reviewer: String
    /// The decision.
    public var decision: Kind
    /// Set for rejections.
    public var reason: ReviewReason?
    /// Free text.
    public var note: String?
    /// When it was recorded (database clock).
    public var decidedAt: Date

    /// Creates a history entry.
    public init(id: Int64, photoID: Int64, reviewer: String, decision: Kind, reason: ReviewReason?, note: String?, decidedAt: Date) {
        self.id = id
        self.photoID = photoID
        self.reviewer = reviewer
        self.decision = decision
        self.reason = reason
        self.note = note
        self.decidedAt = decidedAt
    }
}
