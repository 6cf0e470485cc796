import Foundation
import Photo
import Testing
import VantageTestSupport
@testable import Inference

@Suite("Preprocessing reads PNG files (by content) as well as JPEG")
struct PNGPreprocessingTests {
    /// EfficientNet-style values at the ImageNet size, so the 400×300 image is not DCT-scaled as a JPEG.
    static func preprocessing(borderCrop: Int = 0) -> Preprocessing {
        Preprocessing(size: 224, cropRatio: 0.875, mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375],
                      borderCrop: borderCrop)
    }

    static func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
    }

    @Test func aPNGAndAQuality100JPEGOfTheSameImageGiveNearlyTheSameTensor() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let scene = PhotoFixtures.scene(width: 400, height: 300, seed: 21)
        let png = folder.appendingPathComponent("scene.png"), jpeg = folder.appendingPathComponent("scene.jpg")
        try Data(try PNGEncoder.encode(scene)).write(to: png)
        try Data(try JPEGCodec.encode(scene, quality: 100, subsampling: .s444)).write(to: jpeg)
        let fromPNG = try Self.preprocessing().tensor(contentsOf: png)
        let fromJPEG = try Self.preprocessing().tensor(contentsOf: jpeg)
        #expect(fromPNG.count == 3 * 224 * 224 && fromJPEG.count == fromPNG.count)
        // The PNG is lossless, so it equals preprocessing the pixels themselves.
        #expect(fromPNG == (try Self.preprocessing().tensor(rgb: scene.pixels, width: 400, height: 300)))
        // Quality 100 still rounds in the DCT: a few levels of 255 at most, a fraction of one std.
        #expect(Self.maxDifference(fromPNG, fromJPEG) < 0.15)
        let mean = zip(fromPNG, fromJPEG).map { abs($0 - $1) }.reduce(0, +) / Float(fromPNG.count)
        #expect(mean < 0.01)
    }

    @Test func aTwoPixelRedBorderCroppedByTwoGivesTheUnborderedTensor() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let scene = PhotoFixtures.scene(width: 400, height: 300, seed: 22)
        var bordered = [UInt8](repeating: 0, count: 404 * 304 * 3)
        for y in 0..<304 {
            for x in 0..<404 {
                let target = (y * 404 + x) * 3
                if x < 2 || y < 2 || x >= 402 || y >= 302 {
                    bordered[target] = 255 // ObjectNet's red frame
                } else {
                    let source = ((y - 2) * 400 + (x - 2)) * 3
                    bordered.replaceSubrange(target..<(target + 3), with: scene.pixels[source..<(source + 3)])
                }
            }
        }
        // Named .jpg on purpose: the content, not the name, makes it a PNG.
        let framed = folder.appendingPathComponent("framed.jpg"), plain = folder.appendingPathComponent("plain.png")
        try Data(try PNGEncoder.encode(try PixelImage(width: 404, height: 304, channels: 3, pixels: bordered))).write(to: framed)
        try Data(try PNGEncoder.encode(scene)).write(to: plain)
        let cropped = try Self.preprocessing(borderCrop: 2).tensor(contentsOf: framed)
        let unbordered = try Self.preprocessing().tensor(contentsOf: plain)
        #expect(Self.maxDifference(cropped, unbordered) < 1e-5)
        // Without the crop the red frame shows in the tensor.
        #expect(Self.maxDifference(try Self.preprocessing().tensor(contentsOf: framed), unbordered) > 0.1)
    }

    @Test func aDamagedPNGIsAnUnreadableImageNamingTheFile() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var bytes = try PNGEncoder.encode(PhotoFixtures.scene(width: 64, height: 48))
        bytes.removeLast(30)
        let file = folder.appendingPathComponent("broken.png")
        try Data(bytes).write(to: file)
        let error = try #require(throws: InferenceError.self) { try Self.preprocessing().tensor(contentsOf: file) }
        #expect(error.code == .unreadableImage && error.message.contains("broken.png") && error.message.contains("PNG"))
    }
}
