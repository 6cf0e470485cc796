import Photo
import Testing
import VantageTestSupport

@Suite struct JPEGCodecTests {
    @Test func declaredSizeIsRewrittenInTheFrameHeaderOnly() throws {
        let small = try JPEGCodec.encode(PhotoFixtures.uniform(width: 16, height: 16), quality: 50)
        let claimed = try JPEGStructure.declaringSize(width: 10_000, height: 6_000, of: small)
        #expect(claimed.count == small.count)
        #expect(try JPEGCodec.header(claimed).width == 10_000 && JPEGCodec.header(claimed).height == 6_000)
        #expect(throws: PhotoError.self) { try JPEGStructure.declaringSize(width: 0, height: 10, of: small) }
        #expect(throws: PhotoError.self) { try JPEGStructure.declaringSize(width: 10, height: 10, of: [0xFF, 0xD8, 0xFF, 0xD9]) }
    }

    @Test func headerReadsDimensionsWithoutDecoding() throws {
        let bytes = try JPEGCodec.encode(PhotoFixtures.scene(width: 320, height: 200))
        let header = try JPEGCodec.header(bytes)
        #expect(header.width == 320 && header.height == 200)
        #expect(header.subsampling == .s420)
        let structure = try JPEGStructure(parsing: bytes)
        #expect(structure.width == 320 && structure.height == 200 && structure.components == 3)
        #expect(!structure.isProgressive)
    }

    @Test(arguments: JPEGCodec.Scale.allCases)
    func scaledDecodeHasScaledDimensions(scale: JPEGCodec.Scale) throws {
        let bytes = try JPEGCodec.encode(PhotoFixtures.scene(width: 330, height: 250))
        let decoded = try JPEGCodec.decode(bytes, scale: scale, color: .gray)
        #expect(decoded.image.width == scale.scaled(330))
        #expect(decoded.image.height == scale.scaled(250))
        #expect(decoded.image.channels == 1)
        #expect(decoded.warning == nil)
    }

    @Test func fullDecodeRoundTripsCloseToTheOriginal() throws {
        let scene = PhotoFixtures.scene(width: 160, height: 120)
        let decoded = try JPEGCodec.decode(try JPEGCodec.encode(scene, quality: 95), color: .rgb)
        #expect(decoded.image.width == 160 && decoded.image.channels == 3)
        #expect(meanAbsoluteDifference(decoded.image, scene) < 10)
    }

    @Test func decodeRefusesOutputAboveThePixelLimit() throws {
        let bytes = try JPEGCodec.encode(PhotoFixtures.scene(width: 320, height: 200))
        #expect(throws: PhotoError.self) { try JPEGCodec.decode(bytes, maxPixels: 1000) }
    }

    @Test func truncatedStreamDecodesWithAWarning() throws {
        let bytes = try JPEGCodec.encode(PhotoFixtures.scene(width: 320, height: 240))
        let decoded = try JPEGCodec.decode(Array(bytes.prefix(bytes.count / 2)), scale: .eighth, color: .gray)
        #expect(decoded.warning != nil)
    }

    @Test func garbageIsRejected() {
        #expect(throws: PhotoError.self) { try JPEGCodec.header([0xFF]) }
        #expect(throws: PhotoError.self) { try JPEGStructure(parsing: [0xFF]) }
        #expect(throws: PhotoError.self) { try JPEGStructure(parsing: [0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 0]) }
        #expect(throws: PhotoError.self) { try JPEGCodec.decode([0xFF, 0xD8, 0xFF, 0xD9]) }
    }

    @Test(arguments: ExifOrientation.allCases)
    func storingIsTheInverseOfApplying(orientation: ExifOrientation) {
        let image = PhotoFixtures.scene(width: 24, height: 10, seed: 3)
        #expect(image.storing(as: orientation).applying(orientation) == image)
        #expect(image.applying(orientation).width == (orientation.swapsDimensions ? 10 : 24))
    }

    private func meanAbsoluteDifference(_ a: PixelImage, _ b: PixelImage) -> Double {
        guard a.pixels.count == b.pixels.count else { return .infinity }
        let total = zip(a.pixels, b.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
        return Double(total) / Double(a.pixels.count)
    }
}
