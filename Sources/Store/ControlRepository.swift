public import Capture

/// Rooms, viewpoints and rotations: the controls tasks are designed from.
public protocol ControlRepository: Sendable {
    /// Seeds the default rooms and viewpoints (when there are none) and the 50 rotations; idempotent.
    func ensureDefaults() async throws
    /// Makes exactly these rooms active (adding new ones); others stay for history but are inactive.
    func setRooms(_ names: [String]) async throws
    /// Makes exactly these viewpoints active with these pitches.
    func setViewpoints(_ viewpoints: [(name: String, pitchDegrees: Double)]) async throws
    /// Active rooms, by id.
    func rooms() async throws -> [Room]
    /// Active viewpoints, by id.
    func viewpoints() async throws -> [Viewpoint]
    /// Stored rotations, by id.
    func rotations() async throws -> [Rotation]
}
