public import Foundation

/// What the validator knows about the upload besides its bytes.
public struct ValidationContext: Sendable {
    /// When the task was issued; nil skips the capture-window check.
    public var issuedAt: Date?
    /// When the bytes arrived (end of the capture window).
    public var receivedAt: Date
    /// Camera pitch the task's viewpoint asks for (degrees above the horizon); nil skips the attitude check.
    public var expectedPitch: Double?
    /// Device pitch reported by the capture client, degrees.
    public var devicePitch: Double?
    /// Device roll reported by the capture client, degrees.
    public var deviceRoll: Double?
    /// SHA-256 of the bytes when the caller already computed it (the upload path hashes them for
    /// its retry lookup first); nil makes the validator hash them itself.
    public var sha256: [UInt8]?

    /// Creates a context; `receivedAt` defaults to now.
    public init(issuedAt: Date? = nil, receivedAt: Date = Date(), expectedPitch: Double? = nil,
                devicePitch: Double? = nil, deviceRoll: Double? = nil, sha256: [UInt8]? = nil) {
        self.issuedAt = issuedAt
        self.receivedAt = receivedAt
        self.expectedPitch = expectedPitch
        self.devicePitch = devicePitch
        self.deviceRoll = deviceRoll
        self.sha256 = sha256?.count == 32 ? sha256 : nil
    }
}

/// The camera pitch each viewpoint asks for: degrees of the optical axis above the horizon
/// (convention shared with the catalog).
public enum ViewpointPitch {
    /// Looking straight down.
    public static let top: Double = -90
    /// Looking down at 45°.
    public static let angled: Double = -45
    /// Level.
    public static let side: Double = 0

    /// The pitch for a viewpoint name (`top`, `angled`, `side`), nil for any other.
    public static func degrees(for viewpoint: String) -> Double? {
        switch viewpoint.lowercased() {
        case "top": top
        case "angled": angled
        case "side": side
        default: nil
        }
    }
}
