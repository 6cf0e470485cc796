import Foundation
import Photo
import Store
import Testing
import VantageTestSupport

/// `vantage evaluate` and `vantage report` as a person runs them, on a project root whose
/// `efficientnet-lite0` is the engine's tiny test graph (fast in debug builds).
@Suite(.enabled(if: TestDatabase.isConfigured))
struct EvaluateCommandTests {
    /// A project root: the real migrations and catalog, a models folder with the tiny graph as lite0 and
    /// lite1's manifest without its graph (not prepared).
    static func projectRoot() throws -> URL {
        let root = try Fixtures.temporaryFolder("vantage-root")
        let manager = FileManager.default
        try manager.createSymbolicLink(at: root.appendingPathComponent("Migrations"), withDestinationURL: Fixtures.packageRoot.appendingPathComponent("Migrations"))
        let fixtures = root.appendingPathComponent("Fixtures")
        let models = fixtures.appendingPathComponent("models")
        try manager.createDirectory(at: models, withIntermediateDirectories: true)
        try manager.createSymbolicLink(at: fixtures.appendingPathComponent("catalog"), withDestinationURL: Fixtures.packageRoot.appendingPathComponent("Fixtures/catalog"))
        let graph = try Data(contentsOf: Fixtures.packageRoot.appendingPathComponent("Fixtures/models/test/tiny_effnet.onnx"))
        try graph.write(to: models.appendingPathComponent("efficientnet-lite0.onnx"))
        for (name, sha) in [("efficientnet-lite0", BlobStore.key(for: graph)), ("efficientnet-lite1", String(repeating: "0", count: 64))] {
            try Data("""
                {"name": "\(name)", "onnx_file": "\(name).onnx", "onnx_sha256": "\(sha)", "input_name": "x", "output_name": "y",
                 "input_size": 32, "crop_ratio": 0.875, "mean": [127, 127, 127], "std": [128, 128, 128],
                 "label_space": "imagenet-1k", "reported_imagenet_top1": 75.1}
                """.utf8).write(to: models.appendingPathComponent("\(name).json"))
        }
        return root
    }

    static func dataset(in folder: URL, labels: [String]?) throws -> URL {
        let dataset = folder.appendingPathComponent("dataset-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dataset, withIntermediateDirectories: true)
        var text = "file,label\n"
        for (index, label) in (labels ?? ["Banana", "Banana"]).enumerated() {
            let bytes = try PhotoFixtures.jpeg(PhotoFixtures.scene(width: 64, height: 48, seed: UInt64(index + 1)), exif: nil)
            try Data(bytes).write(to: dataset.appendingPathComponent("img\(index).jpg"))
            text += "img\(index).jpg,\(label)\n"
        }
        if labels != nil { try Data(text.utf8).write(to: dataset.appendingPathComponent("labels.csv")) }
        return dataset
    }

    @Test func badInputIsOneSentenceAndWritesNothing() async throws {
        let root = try Self.projectRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        try await TestDatabase.withMigratedDatabase { client, url in
            let vantage = CommandRunner(environment: ["VANTAGE_DATABASE_URL": url.string(includingPassword: true), "VANTAGE_ROOT": root.path])
            #expect(try vantage.run(["catalog", "import", "objectnet"]).status == 0)

            let unlabelled = try Self.dataset(in: root, labels: nil)
            let noLabels = try vantage.run(["evaluate", "--dataset", unlabelled.path, "--models", "efficientnet-lite0"])
            #expect(noLabels.status == 1)
            #expect(noLabels.stderr.contains("has no labels.csv"))
            #expect(noLabels.stderr.split(separator: "\n").count == 1)

            let unknown = try Self.dataset(in: root, labels: ["Banana", "Bananas", "Banana", "alarm clock"])
            let labels = try vantage.run(["evaluate", "--dataset", unknown.path, "--models", "efficientnet-lite0"])
            #expect(labels.status == 1)
            #expect(labels.stderr.contains("line 3 \"Bananas\"") && labels.stderr.contains("line 5 \"alarm clock\""))

            let good = try Self.dataset(in: root, labels: ["Banana", "Alarm clock"])
            let json = root.appendingPathComponent("out.json")
            let model = try vantage.run(["evaluate", "--dataset", good.path, "--models", "efficientnet-lite1", "--json", json.path])
            #expect(model.status == 1)
            #expect(model.stderr.contains("not prepared"))
            #expect(!FileManager.default.fileExists(atPath: json.path))

            let out = root.appendingPathComponent("report")
            let report = try vantage.run(["report", "--out", out.path])
            #expect(report.status == 1)
            #expect(report.stderr.contains("no evaluation run yet"))
            #expect(!FileManager.default.fileExists(atPath: out.path))
            let rows = try await client.query("SELECT count(*) FROM evaluation_runs", logger: TestDatabase.logger)
            for try await count in rows.decode(Int.self) { #expect(count == 0) }
        }
    }

    @Test func evaluateThenReport() async throws {
        let root = try Self.projectRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        try await TestDatabase.withMigratedDatabase { _, url in
            let vantage = CommandRunner(environment: ["VANTAGE_DATABASE_URL": url.string(includingPassword: true), "VANTAGE_ROOT": root.path])
            #expect(try vantage.run(["catalog", "import", "objectnet"]).status == 0)
            let dataset = try Self.dataset(in: root, labels: ["Banana", "Alarm clock", "Air freshener"])
            let json = root.appendingPathComponent("figures.json")
            let first = try vantage.run(["evaluate", "--dataset", dataset.path, "--models", "efficientnet-lite0", "--protocol", "overlap", "--json", json.path])
            #expect(first.status == 0)
            #expect(first.stdout.contains("intervals: Wilson 95%"))
            #expect(first.stdout.contains("reported"))
            #expect(first.stderr.contains("evaluate: 3/3"))   // plain progress lines when stderr is not a terminal
            let figures = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [[String: Any]]
            #expect(figures?.first?["model"] as? String == "efficientnet-lite0")
            #expect(figures?.first?["protocol"] as? String == "overlap")
            #expect(figures?.first?["n"] as? Int == 2)   // Air freshener has no ImageNet counterpart
            #expect((figures?.first?["top1_ci95"] as? [Double])?.count == 2)

            let again = try vantage.run(["evaluate", "--dataset", dataset.path, "--models", "efficientnet-lite0"])
            #expect(again.status == 0)
            #expect(again.stdout.contains("run 1 (resumed)"))

            let out = root.appendingPathComponent("report")
            let report = try vantage.run(["report", "--out", out.path])
            #expect(report.status == 0)
            let files = try Set(FileManager.default.contentsOfDirectory(atPath: out.path))
            #expect(files == ["report.json", "report.md", "report.html", "predictions-efficientnet-lite0.csv"])
        }
    }
}
