import Photo
import Testing
import VantageTestSupport

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
