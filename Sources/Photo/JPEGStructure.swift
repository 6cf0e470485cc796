/// The marker layout of a JPEG up to its first scan, parsed by our own bounds-checked reader
/// so that frame size and EXIF location are known before libjpeg-turbo sees the bytes.
public struct JPEGStructure: Sendable, Equatable {
    /// Frame width from the SOF header.
    public let width: Int
    /// Frame height from the SOF header.
    public let height: Int
    /// Number of colour components (1 gray, 3 YCbCr, 4 CMYK).
    public let components: Int
    /// Whether the frame is progressive (SOF2/SOF6/SOF10/SOF14).
    public let isProgressive: Bool
    /// Byte range of the first EXIF APP1 payload, starting at "Exif\0\0".
    public let exifPayload: Range<Int>?
    /// Byte ranges of whole segments (marker included) that carry metadata we never store:
    /// every APP1 (EXIF, XMP) and APP13 (Photoshop/IPTC).
    public let metadataSegments: [Range<Int>]

    /// Whether the bytes start like a JPEG (FF D8 FF).
    public static func looksLikeJPEG(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF
    }

    /// Parses markers from SOI to the first SOS; throws when the layout is broken or has no frame.
    public init(parsing bytes: [UInt8]) throws {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
            throw PhotoError(.notJPEG, "The data does not start with a JPEG start-of-image marker.")
        }
        var position = 2
        var frame: (width: Int, height: Int, components: Int, progressive: Bool)?
        var exif: Range<Int>?
        var metadata: [Range<Int>] = []
        scanning: while true {
            guard position < bytes.count, bytes[position] == 0xFF else {
                throw PhotoError(.corrupt, "The JPEG marker layout is broken before the first scan.")
            }
            // Fill bytes (repeated FF) are allowed before any marker.
            while position < bytes.count, bytes[position] == 0xFF { position += 1 }
            guard position < bytes.count else {
                throw PhotoError(.corrupt, "The JPEG ends before its first scan.")
            }
            let marker = bytes[position]
            let segmentStart = position - 1
            position += 1
            switch marker {
            case 0xD8, 0x01, 0xD0...0xD7:
                continue scanning
            case 0xD9:
                throw PhotoError(.corrupt, "The JPEG ends before its first scan.")
            default:
                break
            }
            guard position + 2 <= bytes.count else {
                throw PhotoError(.corrupt, "The JPEG ends inside a segment header.")
            }
            let length = Int(bytes[position]) << 8 | Int(bytes[position + 1])
            guard length >= 2, position + length <= bytes.count else {
                throw PhotoError(.corrupt, "A JPEG segment claims more bytes than the file holds.")
            }
            let body = (position + 2)..<(position + length)
            position += length
            switch marker {
            case 0xC0...0xCF where marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
                guard frame == nil else { continue scanning }
                guard body.count >= 6 else {
                    throw PhotoError(.corrupt, "The JPEG frame header is too short.")
                }
                let b = body.lowerBound
                let height = Int(bytes[b + 1]) << 8 | Int(bytes[b + 2])
                let width = Int(bytes[b + 3]) << 8 | Int(bytes[b + 4])
                let components = Int(bytes[b + 5])
                frame = (width, height, components, [0xC2, 0xC6, 0xCA, 0xCE].contains(marker))
            case 0xE1:
                metadata.append(segmentStart..<position)
                if exif == nil, body.count >= 6,
                   bytes[body.lowerBound..<(body.lowerBound + 6)].elementsEqual([0x45, 0x78, 0x69, 0x66, 0, 0]) {
                    exif = body
                }
            case 0xED:
                metadata.append(segmentStart..<position)
            case 0xDA:
                break scanning
            default:
                continue scanning
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

    /// `bytes` without the metadata segments, with `exifPayload` (starting "Exif\0\0") as the first APP1.
    public func replacingMetadata(in bytes: [UInt8], exifPayload payload: [UInt8]?) throws -> [UInt8] {
        if let payload, payload.count + 2 > 0xFFFF {
            throw PhotoError(.tooLarge, "The EXIF block does not fit in one JPEG segment.")
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + (payload?.count ?? 0) + 4)
        out.append(contentsOf: [0xFF, 0xD8])
        if let payload {
            let length = payload.count + 2
            out.append(contentsOf: [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)])
            out.append(contentsOf: payload)
        }
        var cursor = 2
        for segment in metadataSegments where segment.lowerBound >= cursor && segment.upperBound <= bytes.count {
            out.append(contentsOf: bytes[cursor..<segment.lowerBound])
            cursor = segment.upperBound
        }
        out.append(contentsOf: bytes[cursor...])
        return out
    }
}
