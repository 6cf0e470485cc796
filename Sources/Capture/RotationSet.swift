#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The 50 generated poses: top directions spread uniformly on the sphere by a Fibonacci lattice,
/// with points near the poles and the equator snapped onto them (upright, upside down and lying on
/// a side are the poses people can reproduce best).
///
/// Properties the tests hold it to: no two top directions closer than `minimumSeparationDegrees`
/// (about the 20° workers reach a pose within); every direction on the sphere within
/// `coveringRadiusDegrees` of one of them.
public struct RotationSet: Sendable {
    /// The poses, ids 0..<count in lattice order (0 is upright).
    public let rotations: [Rotation]

    /// Lattice size: ObjectNet's 50 poses.
    public static let standardCount = 50
    /// Lattice points within this many degrees of a pole are snapped onto it.
    public static let poleSnapDegrees = 15.0
    /// Lattice points within this many degrees of the equator are snapped onto it.
    public static let equatorSnapDegrees = 6.0
    /// The stated bound: no two of the 50 top directions are closer than this.
    public static let minimumSeparationDegrees = 19.5
    /// Every direction is within this angle of a pose.
    public static let coveringRadiusDegrees = 25.0

    /// The deterministic standard set (pure function of the constants above).
    public static let standard = RotationSet(count: standardCount)

    /// Generates `count` poses.
    public init(count: Int) {
        precondition(count >= 2)
        let goldenAngle = Double.pi * (3 - 5.0.squareRoot())
        var directions: [Vector3] = []
        for i in 0..<count {
            let z = 1 - (2 * Double(i) + 1) / Double(count)
            let radius = (1 - z * z).squareRoot()
            let theta = Double(i) * goldenAngle
            let elevation = asin(z) * 180 / .pi
            if abs(elevation) >= 90 - Self.poleSnapDegrees {
                directions.append(Vector3(0, 0, z > 0 ? 1 : -1))
            } else if abs(elevation) <= Self.equatorSnapDegrees {
                directions.append(Vector3(cos(theta), sin(theta), 0))
            } else {
                directions.append(Vector3(radius * cos(theta), radius * sin(theta), z))
            }
        }
        // Mirror images across the camera's vertical plane show an axially symmetric object the same
        // way (it is mirror-symmetric about any plane through its axis): keep the right half.
        rotations = directions.enumerated().map { index, direction in
            let quaternion = Quaternion(from: Vector3(0, 0, 1), to: direction, fallbackAxis: Vector3(1, 0, 0))
            return Rotation(
                id: index, quaternion: quaternion, description: Self.describe(direction),
                axialDistinct: direction.x >= -1e-9, spherical: index == 0)
        }
    }

    /// The rotation with this id.
    public subscript(id: Int) -> Rotation? { rotations.indices.contains(id) ? rotations[id] : nil }

    /// The poses an axially symmetric class needs.
    public var axialDistinct: [Rotation] { rotations.filter(\.axialDistinct) }
    /// The one pose a spherical class needs.
    public var spherical: Rotation { rotations.first(where: \.spherical)! }

    /// The pose a class of the given symmetry is photographed in when its task asks for `rotation`:
    /// the pose itself, its nearest axial-distinct equivalent (mirrored first), or the spherical pose.
    /// Tasks sample the rotation independently of the class; this keeps that independence.
    public func effective(_ rotation: Rotation, for symmetry: Symmetry) -> Rotation {
        switch symmetry {
        case .none: return rotation
        case .spherical: return spherical
        case .axial:
            if rotation.axialDistinct { return rotation }
            let top = rotation.topDirection
            let mirrored = Vector3(-top.x, top.y, top.z)
            return axialDistinct.min { $0.topDirection.angle(to: mirrored) < $1.topDirection.angle(to: mirrored) }!
        }
    }

    static func describe(_ top: Vector3) -> String {
        let tilt = Int((acos(max(-1, min(1, top.z))) * 180 / .pi).rounded())
        if tilt <= 1 { return "upright" }
        if tilt >= 179 { return "upside down" }
        let azimuth = atan2(top.y, top.x) * 180 / .pi
        let sector = Int(((azimuth + 360 + 22.5).truncatingRemainder(dividingBy: 360)) / 45)
        let way = ["right", "toward the camera and right", "toward the camera", "toward the camera and left",
                   "left", "away and left", "away from the camera", "away and right"][sector]
        if abs(tilt - 90) <= 1 { return "lying on its side, top pointing \(way)" }
        if tilt < 90 { return "tilted \(tilt)° from upright, top leaning \(way)" }
        return "tilted \(180 - tilt)° from upside down, top pointing down and \(way)"
    }
}
