import Foundation
import Testing
import VantageTestSupport
@testable import Inference

@Suite("ModelCatalog: manifests, SHA-256 and shape checks")
struct ModelCatalogTests {
    @Test("SHA-256 matches the FIPS test vectors")
    func sha256() {
        #expect(Data("abc".utf8).withUnsafeBytes { ModelDigest.hex($0) } == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Data(String(repeating: "a", count: 1000).utf8)
        #expect(long.withUnsafeBytes { ModelDigest.hex($0) } == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    /// A catalog folder whose "efficientnet-lite0" is a tiny test graph.
    private func catalog(sha: String? = nil, inputSize: Int) throws -> (ModelCatalog, URL) {
        let folder = try Fixtures.temporaryFolder()
        let graph = try Data(contentsOf: TestModels.url("conv_basic.onnx"))
        try graph.write(to: folder.appendingPathComponent("efficientnet-lite0.onnx"))
        let digest = sha ?? graph.withUnsafeBytes { ModelDigest.hex($0) }
        let manifest = """
            {"name": "efficientnet-lite0", "onnx_file": "efficientnet-lite0.onnx", "onnx_sha256": "\(digest)",
             "input_name": "x", "output_name": "y", "input_size": \(inputSize), "crop_ratio": 0.875,
             "mean": [127, 127, 127], "std": [128, 128, 128], "label_space": "imagenet-1k", "reported_imagenet_top1": 75.1}
            """
        try Data(manifest.utf8).write(to: folder.appendingPathComponent("efficientnet-lite0.json"))
        return (ModelCatalog(folder: folder), folder)
    }

    @Test("a graph whose input shape differs from its manifest is refused with one sentence")
    func shapeMismatch() throws {
        let (catalog, folder) = try catalog(inputSize: 224)
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = try #require(throws: InferenceError.self) { try catalog.load(named: "efficientnet-lite0") }
        #expect(error.code == .shapeMismatch)
        #expect(error.message.contains("224"))
    }

    @Test("a prepared file that does not match the manifest's SHA-256 is refused")
    func digestMismatch() throws {
        let (catalog, folder) = try catalog(sha: String(repeating: "0", count: 64), inputSize: 224)
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = try #require(throws: InferenceError.self) { try catalog.load(named: "efficientnet-lite0") }
        #expect(error.code == .modelUnavailable && error.message.contains("SHA-256"))
    }

    @Test("listing shows prepared state; unknown names are refused")
    func listing() throws {
        let (catalog, folder) = try catalog(inputSize: 224)
        defer { try? FileManager.default.removeItem(at: folder) }
        let entries = try catalog.list()
        #expect(entries.map(\.manifest.name) == ["efficientnet-lite0"])
        #expect(entries.first?.isPrepared == true)
        #expect(throws: InferenceError.self) { try catalog.load(named: "resnet-9000") }
    }
}
