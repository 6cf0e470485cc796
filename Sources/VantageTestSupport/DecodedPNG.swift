import CZlib
import Photo

/// A PNG read back independently of the encoder: chunks with CRCs checked, zlib inflate, unfiltering.
public struct DecodedPNG: Sendable {
    /// Why a PNG could not be read back.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Decoded field.
    public var chunkTypes: [String]
    /// Decoded field.
    public var width: Int
    /// Decoded field.
    public var height: Int
    /// Decoded field.
    public var channels: Int
    /// Decoded field.
    public var pixels: [UInt8]

    /// Reads `bytes`, checking signature, CRCs, header and inflate; throws on the first mismatch.
    public init(_ bytes: [UInt8]) throws {
        func check(_ condition: Bool, _ what: String) throws { if !condition { throw Failure(description: what) } }
        try check(Array(bytes.prefix(8)) == PNGEncoder.signature, "PNG signature")
        var position = 8
        var types: [String] = [], header: [UInt8] = [], data: [UInt8] = []
        func read32(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
        while position + 12 <= bytes.count {
            let length = read32(position)
            try check(position + 12 + length <= bytes.count, "chunk length")
            let type = String(decoding: bytes[(position + 4)..<(position + 8)], as: UTF8.self)
            let body = Array(bytes[(position + 8)..<(position + 8 + length)])
            let stored = UInt32(read32(position + 8 + length))
            let computed = bytes[(position + 4)..<(position + 8 + length)].withContiguousStorageIfAvailable {
                UInt32(truncatingIfNeeded: crc32(0, $0.baseAddress, UInt32($0.count)))
            }
            try check(stored == computed, "CRC of \(type)")
            types.append(type)
            if type == "IHDR" { header = body }
            if type == "IDAT" { data += body }
            position += 12 + length
        }
        try check(position == bytes.count, "no bytes after IEND")
        chunkTypes = types
        width = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        height = Int(header[4]) << 24 | Int(header[5]) << 16 | Int(header[6]) << 8 | Int(header[7])
        try check(header.count == 13 && header[8] == 8 && header[10] == 0 && header[11] == 0 && header[12] == 0, "IHDR fields")
        channels = header[9] == 2 ? 3 : 1
        let rowBytes = width * channels
        var raw = [UInt8](repeating: 0, count: (rowBytes + 1) * height)
        var rawLength = uLongf(raw.count)
        let status = raw.withUnsafeMutableBufferPointer { out in
            data.withUnsafeBufferPointer { uncompress(out.baseAddress, &rawLength, $0.baseAddress, uLong($0.count)) }
        }
        try check(status == Z_OK && Int(rawLength) == raw.count, "zlib stream")
        var pixels = [UInt8](repeating: 0, count: rowBytes * height)
        for y in 0..<height {
            let filter = raw[y * (rowBytes + 1)]
            for i in 0..<rowBytes {
                let x = Int(raw[y * (rowBytes + 1) + 1 + i])
                let a = i >= channels ? Int(pixels[y * rowBytes + i - channels]) : 0
                let b = y > 0 ? Int(pixels[(y - 1) * rowBytes + i]) : 0
                let c = i >= channels && y > 0 ? Int(pixels[(y - 1) * rowBytes + i - channels]) : 0
                let predicted: Int
                switch filter {
                case 0: predicted = 0
                case 1: predicted = a
                case 2: predicted = b
                case 3: predicted = (a + b) / 2
                default:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predicted = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                }
                pixels[y * rowBytes + i] = UInt8(truncatingIfNeeded: x + predicted)
            }
        }
        self.pixels = pixels
    }
}
