public import Foundation

/// A person who photographs objects at home; authenticates with a bearer token whose hash is stored.
public struct Worker: Sendable, Hashable, Codable {
    /// Whether the worker may receive tasks and upload.
    public enum Status: String, Sendable, Codable, Hashable {
        /// Can work.
        case active
        /// Paused by a reviewer (e.g. many rejected photos).
        case onHold = "on_hold"
        /// Token no longer accepted.
        case revoked
    }

    /// Database id.
    public var id: Int
    /// Unique name: letters, digits, `.`, `_`, `-`, up to 64 characters.
    public var name: String
    /// The id published with photos instead of the name.
    public var anonymousID: String
    /// Whether the worker can work.
    public var status: Status
    /// Names of the rooms the worker can photograph in.
    public var rooms: [String]
    /// When the worker was added.
    public var createdAt: Date

    /// Creates a worker.
    public init(id: Int, name: String, anonymousID: String, status: Status, rooms: [String], createdAt: Date) {
        self.id = id
        self.name = name
        self.anonymousID = anonymousID
        self.status = status
        self.rooms = rooms
        self.createdAt = createdAt
    }

    /// True for names the database accepts.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first.isNumber, name.count <= 64 else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
    }
}
