#if canImport(Glibc)
import Glibc
#endif

/// The one JPEG marker parser: every marker segment, standalone marker and run of entropy-coded
/// data in file order, read with our own bounds checks before libjpeg-turbo sees the bytes.
/// Validation, storage sanitisation and export all walk the file through it.
public struct JPEGSegments: Sendable, Equatable {
    /// One piece of the file, in order.
    public enum Part: Sendable, Equatable {
        /// A marker with a length field (APPn, DQT, DHT, SOFn, SOS header, COM, …): `range` spans
        /// from its 0xFF to the end of the segment, `body` is the payload after the length field.
        case segment(marker: UInt8, range: Range<Int>, body: Range<Int>)
        /// A marker without a length field (SOI, EOI, TEM; RSTn outside a scan).
        case standalone(marker: UInt8, range: Range<Int>)
        /// Entropy-coded data after an SOS header, restart markers and stuffed bytes included.
        case entropyCoded(Range<Int>)
    }

    /// How far to read.
    public enum Extent: Sendable {
        /// Stop after the first SOS header: enough for frame size and metadata, at header cost.
        case firstScan
        /// Read through EOI (or the end of the data, when it is truncated).
        case whole
    }

    /// The parts read, in file order.
    public let parts: [Part]
    /// Offset just past EOI; nil when reading stopped at the first scan or the data ends first.
    public let endOfImage: Int?
    /// Whether the data ended inside a scan, before EOI (`.whole` only).
    public let isTruncated: Bool

    /// Whether the bytes start like a JPEG (FF D8 FF).
    public static func looksLikeJPEG(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF
    }

    /// Whether `marker` starts a frame (SOF0–SOF15 except DHT, JPG and DAC).
    public static func isFrame(_ marker: UInt8) -> Bool {
        (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
    }

    /// Parses `bytes`; throws `PhotoError(.notJPEG)` without SOI and `.corrupt` when the marker
    /// layout is broken before the first scan or no scan starts. Past the first scan a broken
    /// layout ends the walk as truncation does, where decoders stop too.
    public init(parsing bytes: [UInt8], through extent: Extent) throws {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
            throw PhotoError(.notJPEG, "The data does not start with a JPEG start-of-image marker.")
        }
        var parts: [Part] = [.standalone(marker: 0xD8, range: 0..<2)]
        var position = 2
        var sawScan = false
        var end: Int?
        var truncated = false
        reading: while true {
            guard position < bytes.count else {
                guard sawScan else { throw PhotoError(.corrupt, "The JPEG ends before its first scan.") }
                truncated = true
                break reading
            }
            guard bytes[position] == 0xFF else {
                guard sawScan else { throw PhotoError(.corrupt, "The JPEG marker layout is broken before the first scan.") }
                truncated = true
                break reading
            }
            // Fill bytes (repeated FF) are allowed before any marker.
            let markerStart = position
            while position < bytes.count, bytes[position] == 0xFF { position += 1 }
            guard position < bytes.count else {
                guard sawScan else { throw PhotoError(.corrupt, "The JPEG ends before its first scan.") }
                truncated = true
                break reading
            }
            let marker = bytes[position]
            position += 1
            switch marker {
            case 0xD9:
                guard sawScan else { throw PhotoError(.corrupt, "The JPEG ends before its first scan.") }
                parts.append(.standalone(marker: marker, range: markerStart..<position))
                end = position
                break reading
            case 0x00:
                guard sawScan else { throw PhotoError(.corrupt, "The JPEG marker layout is broken before the first scan.") }
                truncated = true
                break reading
            case 0x01, 0xD0...0xD8:
                parts.append(.standalone(marker: marker, range: markerStart..<position))
                continue reading
            default:
                break
            }
            let length = position + 2 <= bytes.count ? Int(bytes[position]) << 8 | Int(bytes[position + 1]) : 0
            guard length >= 2, position + length <= bytes.count else {
                guard sawScan else {
                    throw PhotoError(.corrupt, position + 2 <= bytes.count
                        ? "A JPEG segment claims more bytes than the file holds." : "The JPEG ends inside a segment header.")
                }
                truncated = true
                break reading
            }
            let body = (position + 2)..<(position + length)
            position += length
            parts.append(.segment(marker: marker, range: markerStart..<position, body: body))
            guard marker == 0xDA else { continue reading }
            sawScan = true
            if case .firstScan = extent { break reading }
            let scanEnd = Self.endOfEntropyData(bytes, from: position)
            if scanEnd > position { parts.append(.entropyCoded(position..<scanEnd)) }
            position = scanEnd
        }
        self.parts = parts
        endOfImage = end
        isTruncated = truncated
    }

    /// The first offset at or after `start` holding a marker that ends entropy-coded data: 0xFF
    /// followed by anything but a stuffed 0x00, a restart marker or another fill 0xFF.
    static func endOfEntropyData(_ bytes: [UInt8], from start: Int) -> Int {
        bytes.withUnsafeBufferPointer { buffer -> Int in
            guard let base = buffer.baseAddress else { return start }
            let count = buffer.count
            var position = start
            while position < count {
                // memchr finds the next 0xFF at memory speed; entropy data is megabytes long.
                guard let found = memchr(base + position, 0xFF, count - position) else { return count }
                let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                var next = index + 1
                while next < count, base[next] == 0xFF { next += 1 }
                guard next < count else { return count }
                let following = base[next]
                if following == 0x00 || (0xD0...0xD7).contains(following) {
                    position = next + 1
                    continue
                }
                return index
            }
            return count
        }
    }

    /// The segments with a length field, with their marker, whole range and body.
    public var segments: [(marker: UInt8, range: Range<Int>, body: Range<Int>)] {
        parts.compactMap {
            if case let .segment(marker, range, body) = $0 { return (marker, range, body) }
            return nil
        }
    }
}
