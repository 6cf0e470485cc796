import Foundation
import Inference
import Photo
import Store
import VantageTestSupport
@testable import Evaluation

/// Small, fast inputs for evaluator tests: the engine's tiny EfficientNet-shaped test graph (32×32 in,
/// 10 classes out) installed under a bundled model's name, and folders of generated JPEGs.
enum EvaluationFixtures {
    /// A model folder holding the tiny graph as `efficientnet-lite0` (and, when `unprepared`, lite1's manifest without its graph).
    static func tinyModelFolder() throws -> URL {
        let folder = try Fixtures.temporaryFolder("vantage-models")
        let graph = try Data(contentsOf: Fixtures.packageRoot.appendingPathComponent("Fixtures/models/test/tiny_effnet.onnx"))
        try graph.write(to: folder.appendingPathComponent("efficientnet-lite0.onnx"))
        for (name, sha) in [("efficientnet-lite0", BlobStore.key(for: graph)), ("efficientnet-lite1", String(repeating: "0", count: 64))] {
            let manifest = """
                {"name": "\(name)", "onnx_file": "\(name).onnx", "onnx_sha256": "\(sha)", "input_name": "x", "output_name": "y",
                 "input_size": 32, "crop_ratio": 0.875, "mean": [127, 127, 127], "std": [128, 128, 128],
                 "label_space": "imagenet-1k", "reported_imagenet_top1": 75.1}
                """
            try Data(manifest.utf8).write(to: folder.appendingPathComponent("\(name).json"))
        }
        return folder
    }

    /// `count` generated JPEGs labelled with ObjectNet class names, cycling through `classes`.
    static func dataset(count: Int, classes: [String] = ["Banana", "Alarm clock", "Air freshener"], seed: UInt64 = 1,
                        unreadable: Set<Int> = []) throws -> URL {
        let folder = try Fixtures.temporaryFolder("vantage-dataset")
        var labels = "file,label\n"
        for index in 0..<count {
            let name = String(format: "img%03d.jpg", index)
            let bytes: [UInt8] = unreadable.contains(index)
                ? Array("not a jpeg".utf8)
                : try PhotoFixtures.jpeg(PhotoFixtures.scene(width: 64, height: 48, seed: seed + UInt64(index)), exif: nil)
            try Data(bytes).write(to: folder.appendingPathComponent(name))
            labels += "\(name),\(classes[index % classes.count])\n"
        }
        try Data(labels.utf8).write(to: folder.appendingPathComponent("labels.csv"))
        return folder
    }

    /// Imports the ObjectNet catalog into the test database.
    static func importCatalog(_ catalog: PostgresCatalogRepository) async throws {
        _ = try await catalog.importCatalog(.objectNet, fixtures: Fixtures.packageRoot.appendingPathComponent("Fixtures"))
    }
}
