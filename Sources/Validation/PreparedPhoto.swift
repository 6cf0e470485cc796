import Crypto
import Photo

/// The bytes to store for an accepted or flagged photo: pixels made upright by a lossless DCT
/// transform (never recompressed), EXIF kept but with Orientation 1 and without GPS, serial
/// numbers, owner name, maker note, thumbnail, XMP or IPTC.
public struct PreparedPhoto: Sendable {
    /// The JPEG to store.
    public var bytes: [UInt8]
    /// Stored (upright) width; may be up to 15 pixels less than reported when a rotation had to
    /// trim partial edge blocks.
    public var width: Int
    /// Stored (upright) height.
    public var height: Int
    /// SHA-256 of `bytes` (the blob key).
    public var sha256: [UInt8]

    /// Prepares `bytes` for storage; throws `PhotoError` when the JPEG cannot be transformed.
    public init(jpeg bytes: [UInt8]) throws {
        let structure = try JPEGStructure(parsing: bytes)
        let exifRange = structure.exifPayload
        let orientation = exifRange.flatMap { try? ExifMetadata(payload: bytes[$0]) }?.orientation ?? .up
        var upright = bytes
        var uprightStructure = structure
        if let transform = JPEGCodec.Transform(uprighting: orientation) {
            // tjTransform copies the original markers; they are replaced just below.
            upright = try JPEGCodec.transform(bytes, transform)
            uprightStructure = try JPEGStructure(parsing: upright)
        }
        let payload = try exifRange.map {
            try ExifWriter.sanitized(bytes[$0], width: uprightStructure.width, height: uprightStructure.height)
        }
        self.bytes = try uprightStructure.replacingMetadata(in: upright, exifPayload: payload)
        width = uprightStructure.width
        height = uprightStructure.height
        sha256 = Array(SHA256.hash(data: self.bytes))
    }
}
