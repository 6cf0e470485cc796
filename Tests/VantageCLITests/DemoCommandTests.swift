import Foundation
import Testing
import VantageTestSupport

private var demoInputsPrepared: Bool {
    let fixtures = Fixtures.packageRoot.appendingPathComponent("Fixtures")
    return FileManager.default.fileExists(atPath: fixtures.appendingPathComponent("demo/.cache/coffee.jpg").path)
        && FileManager.default.fileExists(atPath: fixtures.appendingPathComponent("models/efficientnet-lite0.onnx").path)
}

/// `vantage demo` end to end through the built binary: real HTTP, real database, real models.
/// Needs the demo photo and EfficientNet-Lite0 prepared (scripts/test.sh prepares both).
@Suite("vantage demo", .enabled(if: TestDatabase.isConfigured && demoInputsPrepared), .serialized)
struct DemoCommandTests {
    @Test func demoRunsTheWholePipelineAndWritesTheReport() async throws {
        try await TestDatabase.withEmptyDatabase { url in
            let home = try Fixtures.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: home) }
            let vantage = CommandRunner(environment: ["VANTAGE_DATABASE_URL": url.string(includingPassword: true), "VANTAGE_HOME": home.path])

            let result = try vantage.run(["demo", "--tasks-per-worker", "8", "--models", "efficientnet-lite0"], timeout: 900)
            #expect(result.status == 0, "\(result.stderr)")
            // Every deliberate case got the status and reason it was built for.
            for (code, status) in [("not_jpeg", 415), ("body_too_large", 413), ("too_many_pixels", 422), ("exif_missing", 422),
                                   ("captured_outside_task_window", 422), ("attitude_mismatch", 422), ("duplicate_exact", 422),
                                   ("blurry", 201), ("gps_present", 201), ("duplicate_near", 201)] {
                let line = result.stdout.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(code + " ") }
                #expect(line?.contains("HTTP \(status)") == true && line?.contains("expected") == false, "\(code): \(line ?? "missing")")
            }
            #expect(result.stdout.contains("review: 5 flagged photos approved, 1 rejected (blurry)"))

            let report = home.appendingPathComponent("demo/report")
            let markdown = try String(contentsOf: report.appendingPathComponent("report.md"), encoding: .utf8)
            #expect(markdown.contains("synthetic variant"))
            #expect(FileManager.default.fileExists(atPath: report.appendingPathComponent("report.html").path))
            // 24 tasks, each completed once: 23 curated photos (one flagged photo rejected by review).
            let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report.appendingPathComponent("report.json"))) as? [String: Any])
            #expect(json.keys.contains("models") || json.keys.contains("run"), "\(json.keys.sorted())")
            let predictions = try String(contentsOf: report.appendingPathComponent("predictions-efficientnet-lite0.csv"), encoding: .utf8)
            #expect(predictions.split(separator: "\n").count == 23)
            #expect(result.stdout.contains("report: \(report.path)/report.html"))
        }
    }

    @Test func unknownModelStopsBeforeAnythingIsWritten() async throws {
        try await TestDatabase.withEmptyDatabase { url in
            let home = try Fixtures.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: home) }
            let vantage = CommandRunner(environment: ["VANTAGE_DATABASE_URL": url.string(includingPassword: true), "VANTAGE_HOME": home.path])
            let result = try vantage.run(["demo", "--models", "resnet-9000"])
            #expect(result.status != 0)
            #expect(result.stderr == "error: There is no bundled model named resnet-9000 (see vantage models list).\n")
            #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("demo").path))
            #expect(try vantage.run(["demo", "--tasks-per-worker", "3"]).status != 0)
        }
    }
}
