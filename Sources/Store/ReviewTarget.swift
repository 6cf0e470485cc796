public import Foundation

/// How a reviewer names a photo: its database id (as `review next` shows it) or its public UUID.
public enum ReviewTarget: Sendable, Equatable, CustomStringConvertible {
    /// `photos.id`.
    case id(Int64)
    /// `photos.public_id`, as the worker API reports it.
    case publicID(UUID)

    /// Parses a positive integer or a UUID; nil otherwise.
    public init?(_ text: String) {
        if let id = Int64(text), id > 0 {
            self = .id(id)
        } else if let uuid = UUID(uuidString: text) {
            self = .publicID(uuid)
        } else {
            return nil
        }
    }

    /// The text a reviewer typed, normalised.
    public var description: String {
        switch self {
        case .id(let id): String(id)
        case .publicID(let uuid): uuid.uuidString.lowercased()
        }
    }
}
