import CZlib
import Photo
import Testing
import VantageTestSupport

/// A PNG read back independently of the encoder: chunks with CRCs checked, zlib inflate, unfiltering.
struct DecodedPNG {
    var chunkTypes: [String]
    var width: Int
    var height: Int
    var channels: Int
    var pixels: [UInt8]

    init(_ bytes: [UInt8]) throws {
        #expect(Array(bytes.prefix(8)) == PNGEncoder.signature)
        var position = 8
        var types: [String] = [], header: [UInt8] = [], data: [UInt8] = []
        func read32(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
        while position + 12 <= bytes.count {
            let length = read32(position)
            let type = String(decoding: bytes[(position + 4)..<(position + 8)], as: UTF8.self)
            let body = Array(bytes[(position + 8)..<(position + 8 + length)])
            let stored = UInt32(read32(position + 8 + length))
            let computed = bytes[(position + 4)..<(position + 8 + length)].withContiguousStorageIfAvailable {
                UInt32(truncatingIfNeeded: crc32(0, $0.baseAddress, UInt32($0.count)))
            }
            #expect(stored == computed, "CRC of \(type)")
            types.append(type)
            if type == "IHDR" { header = body }
            if type == "IDAT" { data += body }
            position += 12 + length
        }
        #expect(position == bytes.count, "no bytes after IEND")
        chunkTypes = types
        width = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        height = Int(header[4]) << 24 | Int(header[5]) << 16 | Int(header[6]) << 8 | Int(header[7])
        #expect(header[8] == 8 && header[10] == 0 && header[11] == 0 && header[12] == 0)
        channels = header[9] == 2 ? 3 : 1
        let rowBytes = width * channels
        var raw = [UInt8](repeating: 0, count: (rowBytes + 1) * height)
        var rawLength = uLongf(raw.count)
        let status = raw.withUnsafeMutableBufferPointer { out in
            data.withUnsafeBufferPointer { uncompress(out.baseAddress, &rawLength, $0.baseAddress, uLong($0.count)) }
        }
        #expect(status == Z_OK && Int(rawLength) == raw.count)
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

@Suite("PNG encoder")
struct PNGEncoderTests {
    @Test func roundTripsRGBAndGrayWithOnlyCriticalChunks() throws {
        let scene = PhotoFixtures.scene(width: 97, height: 61, seed: 4)
        for level in [0, 6, 9] {
            let png = try PNGEncoder.encode(scene, level: level)
            let decoded = try DecodedPNG(png)
            #expect(decoded.chunkTypes == ["IHDR", "IDAT", "IEND"])
            #expect(decoded.width == 97 && decoded.height == 61 && decoded.channels == 3)
            #expect(decoded.pixels == scene.pixels)
        }
        let gray = try PixelImage(width: 13, height: 7, channels: 1, pixels: (0..<91).map { UInt8($0 * 3 % 256) })
        let decoded = try DecodedPNG(try PNGEncoder.encode(gray))
        #expect(decoded.channels == 1 && decoded.pixels == gray.pixels)
    }

    @Test func isDeterministicAndSplitsLargeData() throws {
        let scene = PhotoFixtures.scene(width: 800, height: 600, seed: 9)
        let first = try PNGEncoder.encode(scene), second = try PNGEncoder.encode(scene)
        #expect(first == second)
        // Incompressible pixels at level 0 need several IDAT chunks; the reader joins them.
        var noise = SplitNoise(seed: 3)
        let random = try PixelImage(width: 700, height: 600, channels: 3, pixels: (0..<(700 * 600 * 3)).map { _ in noise.next() })
        let decoded = try DecodedPNG(try PNGEncoder.encode(random, level: 0))
        #expect(decoded.chunkTypes.first == "IHDR" && decoded.chunkTypes.last == "IEND")
        #expect(decoded.chunkTypes.filter { $0 == "IDAT" }.count > 1 && Set(decoded.chunkTypes) == ["IHDR", "IDAT", "IEND"])
        #expect(decoded.pixels == random.pixels)
        #expect(throws: PhotoError.self) { try PNGEncoder.encode(scene, level: 10) }
    }
}

struct SplitNoise {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt8 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return UInt8(truncatingIfNeeded: state >> 33)
    }
}
