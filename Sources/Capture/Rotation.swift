/// One of the object poses a task asks for.
///
/// Task frame: x points to the camera's right, y horizontally toward the camera, z up (against gravity).
/// The object's own +z is its top (the labelled axis of the box the phone animates); the identity is
/// "upright". Each pose is the shortest rotation taking the object's top to `topDirection`.
public struct Rotation: Sendable, Hashable, Codable {
    /// Database id (0..<50 for the generated set).
    public var id: Int
    /// The rotation from the object frame into the task frame.
    public var quaternion: Quaternion
    /// A short description a worker can follow ("lying on its side, top pointing left").
    public var description: String
    /// True when this pose is kept for axially symmetric classes.
    public var axialDistinct: Bool
    /// True for the one pose offered to spherical classes.
    public var spherical: Bool

    /// Creates a rotation.
    public init(id: Int, quaternion: Quaternion, description: String, axialDistinct: Bool, spherical: Bool) {
        self.id = id
        self.quaternion = quaternion
        self.description = description
        self.axialDistinct = axialDistinct
        self.spherical = spherical
    }

    /// Where the object's top points, in the task frame.
    public var topDirection: Vector3 { quaternion.rotate(Vector3(0, 0, 1)) }
}
