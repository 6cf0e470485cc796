import Crypto
public import Photo

/// The bytes to store for an accepted or flagged photo: the camera's own entropy-coded data and its
/// Orientation tag, never transformed or recompressed, with every private byte dropped by
/// `JPEGSanitizer`'s whitelist and the EXIF cut down to capture facts. Readers apply the
/// orientation when they decode.
public struct PreparedPhoto: Sendable {
    /// The JPEG to store.
    public var bytes: [UInt8]
    /// Width as displayed (after the EXIF orientation).
    public var width: Int
    /// Height as displayed.
    public var height: Int
    /// The orientation kept in the stored EXIF (`.up` when there was none, or it was invalid).
    public var orientation: ExifOrientation
    /// SHA-256 of `bytes` (the blob key).
    public var sha256: [UInt8]

    /// Prepares `bytes` for storage; throws `PhotoError` when the marker layout is broken.
    public init(jpeg bytes: [UInt8]) throws {
        let segments = try JPEGSegments(parsing: bytes, through: .whole)
        let structure = try JPEGStructure(bytes, segments)
        let facts = try structure.exifPayload.flatMap { try ExifWriter.captureFacts(of: bytes[$0]) }
        let orientation = facts.flatMap { try? ExifMetadata(payload: $0[...]) }?.orientation ?? .up
        self.bytes = try JPEGSanitizer.sanitized(bytes, segments: segments, exif: facts)
        self.orientation = orientation
        width = orientation.swapsDimensions ? structure.height : structure.width
        height = orientation.swapsDimensions ? structure.width : structure.height
        sha256 = Array(SHA256.hash(data: self.bytes))
    }
}
