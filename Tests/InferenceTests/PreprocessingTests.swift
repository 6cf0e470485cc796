import Foundation
import Testing
import VantageTestSupport
@testable import Inference

@Suite("Preprocessing: PIL-matching resize, crop and normalisation")
struct PreprocessingTests {
    struct Reference: Decodable, Sendable, CustomTestStringConvertible {
        struct Input: Decodable, Sendable { var file: String; var width: Int; var height: Int }
        struct Output: Decodable, Sendable { var file: String; var shape: [Int] }
        var name: String
        var input: Input
        var size: Int
        var crop_ratio: Double
        var border_crop: Int
        var mean: [Float]
        var std: [Float]
        var output: Output
        var tolerance: Float
        var testDescription: String { name }
    }

    struct Manifest: Decodable { var preprocessing: [Reference] }

    static let references: [Reference] = {
        guard let data = try? Data(contentsOf: TestModels.url("manifest.json")) else { return [] }
        return (try? JSONDecoder().decode(Manifest.self, from: data))?.preprocessing ?? []
    }()

    @Test("matches the PIL reference", arguments: references)
    func matchesPIL(_ reference: Reference) throws {
        let pixels = [UInt8](try Data(contentsOf: TestModels.url(reference.input.file)))
        let preprocessing = Preprocessing(size: reference.size, cropRatio: reference.crop_ratio, mean: reference.mean,
                                          std: reference.std, borderCrop: reference.border_crop)
        let tensor = try preprocessing.tensor(rgb: pixels, width: reference.input.width, height: reference.input.height)
        let expected = try TestModels.floats(reference.output.file)
        #expect(tensor.count == expected.count)
        let error = zip(tensor, expected).map { abs($0 - $1) }.max() ?? .infinity
        #expect(error <= reference.tolerance + 1e-6, "max abs error \(error)")
    }

    @Test("a file that is not a JPEG, and a damaged JPEG, are unreadable images")
    func unreadableImages() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = folder.appendingPathComponent("notes.jpg")
        try Data("hello".utf8).write(to: text)
        let preprocessing = Preprocessing(size: 32, cropRatio: 0.875, mean: [127, 127, 127], std: [128, 128, 128])
        let notJPEG = try #require(throws: InferenceError.self) { try preprocessing.tensor(contentsOf: text) }
        #expect(notJPEG.code == .unreadableImage && notJPEG.message.contains("notes.jpg"))
        let damaged = try #require(throws: InferenceError.self) { try preprocessing.tensor(jpeg: [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 1, 2, 3]) }
        #expect(damaged.code == .unreadableImage)
        let missing = try #require(throws: InferenceError.self) { try preprocessing.tensor(contentsOf: folder.appendingPathComponent("none.jpg")) }
        #expect(missing.code == .unreadableImage)
    }

    @Test("a border crop larger than the image is refused, not read out of bounds")
    func borderTooLarge() throws {
        let preprocessing = Preprocessing(size: 8, cropRatio: 0.875, mean: [0, 0, 0], std: [1, 1, 1], borderCrop: 5)
        #expect(throws: InferenceError.self) { try preprocessing.tensor(rgb: [UInt8](repeating: 0, count: 10 * 10 * 3), width: 10, height: 10) }
    }
}
