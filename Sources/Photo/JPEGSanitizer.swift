/// Rewrites a JPEG by whitelist, keeping the camera's entropy-coded data byte for byte: SOI, a JFIF
/// APP0 (without thumbnail), the given EXIF APP1, ICC profile APP2s, an Adobe APP14, the tables,
/// frame and scans, EOI. Every other APPn (XMP, MPF, maker data, Photoshop/IPTC, thumbnails),
/// comments and anything after EOI (a Motion Photo's video) are dropped.
public enum JPEGSanitizer {
    /// The whitelisted bytes of `bytes` (parsed `.whole` into `segments`), with `exif` (a payload
    /// starting "Exif\0\0") as the only APP1. A truncated scan is kept as received and closed
    /// with EOI, so the decoder sees what the validator saw.
    public static func sanitized(_ bytes: [UInt8], segments: JPEGSegments, exif: [UInt8]?) throws -> [UInt8] {
        var header: [UInt8] = [0xFF, 0xD8]
        var jfif: [UInt8]?
        var icc: [UInt8] = []
        var adobe: [UInt8]?
        var structure: [Range<Int>] = []
        for part in segments.parts {
            switch part {
            case let .segment(marker, range, body):
                switch marker {
                case 0xE0 where jfif == nil && isJFIF(bytes[body]):
                    // The first 14 bytes are JFIF's fixed fields; zero thumbnail size, no thumbnail.
                    var fields = Array(bytes[body.prefix(14)])
                    fields[12] = 0
                    fields[13] = 0
                    jfif = try segment(0xE0, fields)
                case 0xE2 where isICC(bytes[body]):
                    icc.append(contentsOf: bytes[range])
                case 0xEE where adobe == nil && isAdobe(bytes[body]):
                    adobe = Array(bytes[range])
                case 0xDB, 0xC4, 0xCC, 0xDD, 0xDC, 0xDA:
                    structure.append(range)
                case let frame where JPEGSegments.isFrame(frame):
                    structure.append(range)
                default:
                    continue
                }
            case let .standalone(marker, range):
                if (0xD0...0xD7).contains(marker) { structure.append(range) }
            case let .entropyCoded(range):
                structure.append(range)
            }
        }
        header += jfif ?? []
        if let exif { header += try segment(0xE1, exif) }
        header += icc
        header += adobe ?? []
        var out: [UInt8] = []
        out.reserveCapacity(header.count + structure.reduce(0) { $0 + $1.count } + 2)
        out += header
        // Adjacent ranges (the usual case: tables, frame, scan header, scan data) are copied in one move.
        var pending: Range<Int>?
        for range in structure {
            if let run = pending, run.upperBound == range.lowerBound {
                pending = run.lowerBound..<range.upperBound
            } else {
                if let run = pending { out.append(contentsOf: bytes[run]) }
                pending = range
            }
        }
        if let run = pending { out.append(contentsOf: bytes[run]) }
        out += [0xFF, 0xD9]
        return out
    }

    /// What an export writes: the stored pixels and ICC profile as they are, and an EXIF block
    /// holding only the Orientation (none for `.up`), so viewers show the photo upright.
    public static func exportable(_ bytes: [UInt8]) throws -> [UInt8] {
        let segments = try JPEGSegments(parsing: bytes, through: .whole)
        let structure = try JPEGStructure(bytes, segments)
        let orientation = structure.exifPayload.flatMap { try? ExifMetadata(payload: bytes[$0]) }?.orientation ?? .up
        let exif = orientation == .up ? nil : try ExifWriter.orientationOnly(orientation)
        return try sanitized(bytes, segments: segments, exif: exif)
    }

    /// A whole segment: marker, length, payload; throws when the payload does not fit in one.
    public static func segment(_ marker: UInt8, _ payload: [UInt8]) throws -> [UInt8] {
        guard payload.count + 2 <= 0xFFFF else {
            throw PhotoError(.tooLarge, "A JPEG segment holds at most 65533 bytes, not \(payload.count).")
        }
        let length = payload.count + 2
        return [0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    }

    /// Whether an APP1 body is EXIF ("Exif\0\0").
    static func isExif(_ body: ArraySlice<UInt8>) -> Bool { body.starts(with: [0x45, 0x78, 0x69, 0x66, 0, 0]) }

    /// Whether an APP0 body is JFIF with its fixed fields ("JFIF\0" + 9 bytes).
    static func isJFIF(_ body: ArraySlice<UInt8>) -> Bool {
        body.count >= 14 && body.starts(with: [0x4A, 0x46, 0x49, 0x46, 0x00])
    }

    /// Whether an APP2 body is an ICC profile chunk ("ICC_PROFILE\0").
    static func isICC(_ body: ArraySlice<UInt8>) -> Bool { body.starts(with: Array("ICC_PROFILE".utf8) + [0]) }

    /// Whether an APP14 body is Adobe's colour-transform segment.
    static func isAdobe(_ body: ArraySlice<UInt8>) -> Bool { body.count >= 5 && body.starts(with: Array("Adobe".utf8)) }

    /// Whether an APPn or COM segment is one decoding needs (JFIF, ICC, Adobe) rather than metadata.
    static func isDecodingSegment(_ marker: UInt8, _ body: ArraySlice<UInt8>) -> Bool {
        switch marker {
        case 0xE0: isJFIF(body)
        case 0xE2: isICC(body)
        case 0xEE: isAdobe(body)
        default: false
        }
    }
}
