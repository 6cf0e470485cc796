/// Why a reviewer rejected a flagged photo; the raw values are the codes `reviews.reason_code` accepts.
public enum ReviewReason: String, Sendable, Codable, CaseIterable {
    /// Not the class the worker named.
    case wrongObject = "wrong_object"
    /// Not the requested room.
    case wrongRoom = "wrong_room"
    /// Not the requested object pose.
    case wrongPose = "wrong_pose"
    /// Not the requested camera viewpoint.
    case wrongViewpoint = "wrong_viewpoint"
    /// Too blurry to recognise.
    case blurry
    /// A photo of a screen.
    case screenPhoto = "screen_photo"
    /// A face or other private information is visible.
    case faceOrPrivate = "face_or_private"
    /// A background shared by many workers (a central workplace).
    case sharedBackground = "shared_background"
    /// The same scene as another photo.
    case duplicate
    /// Anything else (say what in the note).
    case other

    /// Parses a code, refusing unknown ones with a sentence listing the valid codes.
    public init(code: String) throws {
        guard let reason = ReviewReason(rawValue: code) else {
            throw StoreError(.invalidInput, "Unknown review reason \"\(code)\" (reasons: \(Self.allCases.map(\.rawValue).joined(separator: ", "))).")
        }
        self = reason
    }
}
