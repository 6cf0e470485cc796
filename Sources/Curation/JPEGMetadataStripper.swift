/// Rewrites a JPEG keeping only what decoding needs: frame, tables, scans, restart markers, a plain
/// JFIF APP0 and Adobe APP14 (colour transform). Every other APPn (EXIF, XMP, ICC, maker data,
/// IPTC), comments, and anything after EOI (phones append motion-photo video there) are dropped.
/// Entropy-coded data is copied byte for byte, so pixels are unchanged.
public enum JPEGMetadataStripper {
    /// The stripped JPEG; throws when the marker layout is broken or EOI is missing.
    public static func strip(_ bytes: [UInt8]) throws -> [UInt8] {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
            throw CurationError(.badBlob, "A stored photo is not a JPEG (no start-of-image marker).")
        }
        var out: [UInt8] = [0xFF, 0xD8]
        out.reserveCapacity(bytes.count)
        var position = 2
        var sawFrame = false
        while true {
            guard position < bytes.count, bytes[position] == 0xFF else { throw broken() }
            while position < bytes.count, bytes[position] == 0xFF { position += 1 }
            guard position < bytes.count else { throw broken() }
            let marker = bytes[position]
            position += 1
            switch marker {
            case 0xD9:
                guard sawFrame else { throw broken() }
                out.append(contentsOf: [0xFF, 0xD9])
                return out
            case 0x01, 0xD0...0xD7, 0xD8:
                out.append(contentsOf: [0xFF, marker])
                continue
            default:
                break
            }
            guard position + 2 <= bytes.count else { throw broken() }
            let length = Int(bytes[position]) << 8 | Int(bytes[position + 1])
            guard length >= 2, position + length <= bytes.count else { throw broken() }
            let segment = bytes[(position - 2)..<(position + length)]
            let body = bytes[(position + 2)..<(position + length)]
            position += length
            if keeps(marker, body) { out.append(contentsOf: segment) }
            if (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker) { sawFrame = true }
            guard marker == 0xDA else { continue }
            // Entropy-coded data runs to the next marker that is neither a stuffed 0x00 nor a restart.
            let start = position
            while position + 1 < bytes.count {
                if bytes[position] == 0xFF {
                    let next = bytes[position + 1]
                    if next != 0x00 && !(0xD0...0xD7).contains(next) && next != 0xFF { break }
                }
                position += 1
            }
            guard position + 1 < bytes.count else { throw broken() }
            out.append(contentsOf: bytes[start..<position])
        }
    }

    static func keeps(_ marker: UInt8, _ body: ArraySlice<UInt8>) -> Bool {
        switch marker {
        case 0xE0:
            // Plain JFIF only, without an embedded thumbnail (JFXX extensions carry thumbnails).
            guard body.count >= 14, Array(body.prefix(5)) == [0x4A, 0x46, 0x49, 0x46, 0x00] else { return false }
            let b = body.startIndex
            return body[b + 12] == 0 && body[b + 13] == 0
        case 0xEE:
            return body.count >= 5 && Array(body.prefix(5)) == [0x41, 0x64, 0x6F, 0x62, 0x65]  // "Adobe"
        case 0xE1...0xEF, 0xFE:
            return false
        default:
            return true
        }
    }

    static func broken() -> CurationError {
        CurationError(.badBlob, "A stored photo's JPEG marker layout is broken or it ends before its end-of-image marker.")
    }
}
