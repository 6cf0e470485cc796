/// What a JPEG's headers say, up to its first scan: frame size, components, and where the EXIF
/// block and other metadata sit. Read through `JPEGSegments` before libjpeg-turbo sees the bytes.
public struct JPEGStructure: Sendable, Equatable {
    /// Frame width from the SOF header (as stored, before any EXIF orientation).
    public let width: Int
    /// Frame height from the SOF header.
    public let height: Int
    /// Number of colour components (1 gray, 3 YCbCr, 4 CMYK).
    public let components: Int
    /// Whether the frame is progressive (SOF2/SOF6/SOF10/SOF14).
    public let isProgressive: Bool
    /// Byte range of the first EXIF APP1 payload, starting at "Exif\0\0".
    public let exifPayload: Range<Int>?
    /// Byte ranges of whole segments (marker included) that carry metadata: every APPn except a
    /// JFIF APP0, ICC APP2 and Adobe APP14, and every comment.
    public let metadataSegments: [Range<Int>]

    /// Whether the bytes start like a JPEG (FF D8 FF).
    public static func looksLikeJPEG(_ bytes: [UInt8]) -> Bool { JPEGSegments.looksLikeJPEG(bytes) }

    /// Parses markers from SOI to the first SOS; throws when the layout is broken or has no frame.
    public init(parsing bytes: [UInt8]) throws {
        try self.init(bytes, JPEGSegments(parsing: bytes, through: .firstScan))
    }

    /// The headers of already parsed `segments` of `bytes`.
    public init(_ bytes: [UInt8], _ segments: JPEGSegments) throws {
        var frame: (width: Int, height: Int, components: Int, progressive: Bool)?
        var exif: Range<Int>?
        var metadata: [Range<Int>] = []
        for (marker, range, body) in segments.segments {
            if JPEGSegments.isFrame(marker) {
                guard frame == nil else { continue }
                guard body.count >= 6 else {
                    throw PhotoError(.corrupt, "The JPEG frame header is too short.")
                }
                let b = body.lowerBound
                let height = Int(bytes[b + 1]) << 8 | Int(bytes[b + 2])
                let width = Int(bytes[b + 3]) << 8 | Int(bytes[b + 4])
                frame = (width, height, Int(bytes[b + 5]), [0xC2, 0xC6, 0xCA, 0xCE].contains(marker))
            } else if marker == 0xE1 {
                metadata.append(range)
                if exif == nil, JPEGSanitizer.isExif(bytes[body]) { exif = body }
            } else if (0xE0...0xEF).contains(marker) || marker == 0xFE {
                if !JPEGSanitizer.isDecodingSegment(marker, bytes[body]) { metadata.append(range) }
            } else if marker == 0xDA, frame == nil {
                break
            }
        }
        guard let frame else {
            throw PhotoError(.corrupt, "The JPEG has no frame header before its first scan.")
        }
        guard frame.width > 0, frame.height > 0, frame.components > 0 else {
            throw PhotoError(.corrupt, "The JPEG frame header declares an empty image.")
        }
        width = frame.width
        height = frame.height
        components = frame.components
        isProgressive = frame.progressive
        exifPayload = exif
        metadataSegments = metadata
    }

    /// `bytes` without the metadata segments, with `exifPayload` (starting "Exif\0\0") as the only
    /// APP1, right after SOI (and after a JFIF APP0 when there is one).
    public func replacingMetadata(in bytes: [UInt8], exifPayload payload: [UInt8]?) throws -> [UInt8] {
        let app1 = try payload.map { try JPEGSanitizer.segment(0xE1, $0) } ?? []
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + app1.count)
        out.append(contentsOf: [0xFF, 0xD8])
        var cursor = 2
        // A JFIF APP0 must stay first.
        if bytes.count >= 8, bytes[2] == 0xFF, bytes[3] == 0xE0 {
            let length = Int(bytes[4]) << 8 | Int(bytes[5])
            if length >= 2, 4 + length <= bytes.count, !metadataSegments.contains(where: { $0.lowerBound == 2 }) {
                out.append(contentsOf: bytes[2..<(4 + length)])
                cursor = 4 + length
            }
        }
        out.append(contentsOf: app1)
        for segment in metadataSegments where segment.lowerBound >= cursor && segment.upperBound <= bytes.count {
            out.append(contentsOf: bytes[cursor..<segment.lowerBound])
            cursor = segment.upperBound
        }
        out.append(contentsOf: bytes[cursor...])
        return out
    }
}
