#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A rotation as a unit quaternion (w, x, y, z).
public struct Quaternion: Sendable, Hashable, Codable {
    /// Scalar part.
    public var w: Double
    /// Vector part, x.
    public var x: Double
    /// Vector part, y.
    public var y: Double
    /// Vector part, z.
    public var z: Double

    /// Creates a quaternion from its components (not normalised).
    public init(w: Double, x: Double, y: Double, z: Double) {
        self.w = w
        self.x = x
        self.y = y
        self.z = z
    }

    /// The rotation by `angle` radians about the unit vector `axis`.
    public init(axis: Vector3, angle: Double) {
        let half = angle / 2
        let s = sin(half)
        self.init(w: cos(half), x: axis.x * s, y: axis.y * s, z: axis.z * s)
    }

    /// The shortest rotation taking unit vector `from` onto unit vector `to`; a half turn about
    /// `fallbackAxis` when they are opposite (where the shortest one is not unique).
    public init(from: Vector3, to: Vector3, fallbackAxis: Vector3) {
        let dot = from.dot(to)
        if dot < -1 + 1e-12 {
            self.init(axis: fallbackAxis, angle: .pi)
            return
        }
        let cross = from.cross(to)
        self = Quaternion(w: 1 + dot, x: cross.x, y: cross.y, z: cross.z).normalized
    }

    /// Euclidean length; 1 for a rotation.
    public var norm: Double { (w * w + x * x + y * y + z * z).squareRoot() }

    /// The same rotation with length exactly 1 (up to rounding).
    public var normalized: Quaternion {
        let n = norm
        return Quaternion(w: w / n, x: x / n, y: y / n, z: z / n)
    }

    /// Composition: `self` applied after `other`.
    public static func * (lhs: Quaternion, rhs: Quaternion) -> Quaternion {
        Quaternion(
            w: lhs.w * rhs.w - lhs.x * rhs.x - lhs.y * rhs.y - lhs.z * rhs.z,
            x: lhs.w * rhs.x + lhs.x * rhs.w + lhs.y * rhs.z - lhs.z * rhs.y,
            y: lhs.w * rhs.y - lhs.x * rhs.z + lhs.y * rhs.w + lhs.z * rhs.x,
            z: lhs.w * rhs.z + lhs.x * rhs.y - lhs.y * rhs.x + lhs.z * rhs.w)
    }

    /// Rotates a vector.
    public func rotate(_ v: Vector3) -> Vector3 {
        let p = self * Quaternion(w: 0, x: v.x, y: v.y, z: v.z) * Quaternion(w: w, x: -x, y: -y, z: -z)
        return Vector3(p.x, p.y, p.z)
    }

    /// The angle in radians of the rotation taking `self` to `other` (0...π).
    public func angle(to other: Quaternion) -> Double {
        let dot = abs(w * other.w + x * other.x + y * other.y + z * other.z)
        return 2 * acos(min(1, dot))
    }
}

/// A 3-vector in the task frame.
public struct Vector3: Sendable, Hashable, Codable {
    /// Components.
    public var x: Double, y: Double, z: Double

    /// Creates a vector.
    public init(_ x: Double, _ y: Double, _ z: Double) {
        self.x = x
        self.y = y
        self.z = z
    }

    /// Dot product.
    public func dot(_ o: Vector3) -> Double { x * o.x + y * o.y + z * o.z }
    /// Cross product.
    public func cross(_ o: Vector3) -> Vector3 { Vector3(y * o.z - z * o.y, z * o.x - x * o.z, x * o.y - y * o.x) }
    /// Length.
    public var length: Double { dot(self).squareRoot() }
    /// The angle between two unit vectors, radians.
    public func angle(to o: Vector3) -> Double { acos(max(-1, min(1, dot(o) / (length * o.length)))) }
}
