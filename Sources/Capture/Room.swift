/// A room (background) a worker can photograph in.
public struct Room: Sendable, Hashable, Codable {
    /// Database id.
    public var id: Int
    /// Lowercase name with dashes ("living-room").
    public var name: String

    /// Creates a room.
    public init(id: Int, name: String) {
        self.id = id
        self.name = name
    }

    /// ObjectNet's four backgrounds, seeded when the database has no rooms yet.
    public static let defaultNames = ["kitchen", "living-room", "bedroom", "bathroom"]

    /// True for names the database accepts: a lowercase letter, then up to 39 lowercase letters, digits or dashes.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.first, first.isASCIILowercaseLetter, name.count <= 40 else { return false }
        return name.allSatisfy { $0.isASCIILowercaseLetter || $0.isASCIIDigit || $0 == "-" }
    }
}
