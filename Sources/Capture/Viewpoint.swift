/// A camera viewpoint, fixed by the pitch of the camera's optical axis.
///
/// Sign convention (the upload check uses the same): pitch is the angle of the optical axis above the
/// horizon in degrees; −90 looks straight down, 0 looks level, +90 straight up.
public struct Viewpoint: Sendable, Hashable, Codable {
    /// Database id.
    public var id: Int
    /// Lowercase name ("top").
    public var name: String
    /// Pitch of the optical axis above the horizon, degrees in −90...90.
    public var pitchDegrees: Double

    /// Creates a viewpoint.
    public init(id: Int, name: String, pitchDegrees: Double) {
        self.id = id
        self.name = name
        self.pitchDegrees = pitchDegrees
    }

    /// ObjectNet's three viewpoints (name, pitch), seeded when the database has none yet.
    public static let defaults: [(name: String, pitchDegrees: Double)] = [("top", -90), ("angled", -45), ("side", 0)]

    /// Parses `top:-90,angled:-45,side:0` (the CLI's `--viewpoints`); a bare known name takes its default pitch.
    public static func parseList(_ text: String) throws -> [(name: String, pitchDegrees: Double)] {
        var result: [(name: String, pitchDegrees: Double)] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
            let name = pieces[0]
            guard Room.isValidName(name) else {
                throw CatalogError("Viewpoint name \"\(name)\" must be lowercase letters, digits and dashes, starting with a letter.")
            }
            let pitch: Double
            if pieces.count == 2 {
                guard let value = Double(pieces[1]), value.isFinite, (-90...90).contains(value) else {
                    throw CatalogError("Viewpoint \(name): pitch \"\(pieces[1])\" is not a number of degrees in -90...90.")
                }
                pitch = value
            } else if let known = defaults.first(where: { $0.name == name }) {
                pitch = known.pitchDegrees
            } else {
                throw CatalogError("Viewpoint \(name) needs a pitch, as in \(name):-30 (degrees above the horizon).")
            }
            guard !result.contains(where: { $0.name == name }) else {
                throw CatalogError("Viewpoint \(name) is listed twice.")
            }
            result.append((name, pitch))
        }
        return result
    }
}
