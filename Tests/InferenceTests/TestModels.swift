import Foundation
import Testing
import VantageTestSupport

/// The committed tiny ONNX models and their ONNX Runtime references (Fixtures/models/test).
enum TestModels {
    struct Tensor: Decodable, Sendable {
        var name: String
        var shape: [Int]
        var file: String
    }

    struct Entry: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var model: String
        var operators: [String]
        var input: Tensor
        var output: Tensor
        var tolerance: Float
        var testDescription: String { name }
    }

    struct Unsupported: Decodable {
        var model: String
        var `operator`: String
        var node: String
    }

    struct Manifest: Decodable {
        var models: [Entry]
        var unsupported: [Unsupported]
    }

    static let folder = Fixtures.packageRoot.appendingPathComponent("Fixtures/models/test")

    static let manifest: Manifest? = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("manifest.json")) else { return nil }
        return try? JSONDecoder().decode(Manifest.self, from: data)
    }()

    static var entries: [Entry] { manifest?.models ?? [] }

    static func url(_ file: String) -> URL { folder.appendingPathComponent(file) }

    /// Raw little-endian float32.
    static func floats(_ file: String) throws -> [Float] {
        let data = try Data(contentsOf: url(file))
        return data.withUnsafeBytes { bytes in
            (0..<data.count / 4).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }
}
