import Curation
import Foundation
import Testing
import VantageTestSupport

/// Relative path → bytes of every regular file under `root`.
func filesUnder(_ root: URL) throws -> [String: Data] {
    var files: [String: Data] = [:]
    guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return files }
    for case let url as URL in enumerator where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
        files[String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))] = try Data(contentsOf: url)
    }
    return files
}

@Suite("vantage export", .enabled(if: TestDatabase.isConfigured), .serialized)
struct ExportCommandTests {
    @Test func exportsRefusesAndRepeatsByteForByte() async throws {
        try await TestDatabase.withMigratedDatabase { client, url in
            let world = try CLIPhotoWorld.make(client, url: url, workers: ["ana"])
            defer { try? FileManager.default.removeItem(at: world.folder) }
            let vantage = world.vantage
            for seed in 1...2 { try await world.photo("ana", "accepted", seed: UInt64(seed)) }
            let flagged = try await world.photo("ana", "flagged", reasons: ["blurry"], seed: 3)
            try await world.photo("ana", "flagged", reasons: ["blurry"], seed: 4)
            #expect(try vantage.run(["review", "approve", String(flagged)]).status == 0)

            let out = world.folder.appendingPathComponent("set")
            let first = try vantage.run(["export", "--out", out.path])
            #expect(first.status == 0 && first.stdout.contains("exported 3 images"), "\(first.stderr)")
            let files = try filesUnder(out)
            #expect(files.keys.filter { $0.hasSuffix(".png") }.count == 3)
            let answers = try JSONDecoder().decode([String: Int].self, from: try #require(files["answers.json"]))
            #expect(answers.count == 3 && answers.keys.allSatisfy { $0.count == 19 && $0.hasSuffix(".png") })

            // Into a non-empty folder without --force: one sentence, nothing changed.
            let refused = try vantage.run(["export", "--out", out.path, "--format", "jpeg"])
            #expect(refused.status != 0 && refused.stderr.contains("is not empty"))
            #expect(try filesUnder(out) == files)
            #expect(try vantage.run(["export", "--out", out.path, "--format", "bmp"]).status != 0)

            // Same database, same bytes; --force replaces a previous export.
            let second = world.folder.appendingPathComponent("again")
            #expect(try vantage.run(["export", "--out", second.path]).status == 0)
            #expect(try filesUnder(second) == files)
            let jpeg = try vantage.run(["export", "--out", out.path, "--format", "jpeg", "--classes", "all", "--force", "--json"])
            #expect(jsonObject(jpeg.stdout)["images"] as? Int == 3, "\(jpeg.stderr)")
            #expect(try filesUnder(out).keys.filter { $0.hasSuffix(".jpg") }.count == 3)
        }
    }

    static let lite0Prepared = FileManager.default.fileExists(
        atPath: Fixtures.packageRoot.appendingPathComponent("Fixtures/models/efficientnet-lite0.onnx").path)

    /// The challenge check end to end: the export's answers.json and the predictions CSV that
    /// `vantage report` writes for a run over the exported folder pass the scorer's format rules.
    @Test(.enabled(if: lite0Prepared, "needs scripts/prepare-models.sh"))
    func exportAndReportPassTheChallengeFormat() async throws {
        try await TestDatabase.withMigratedDatabase { client, url in
            let world = try CLIPhotoWorld.make(client, url: url, workers: ["ana"])
            defer { try? FileManager.default.removeItem(at: world.folder) }
            let vantage = world.vantage
            for seed in 1...3 { try await world.photo("ana", "accepted", seed: UInt64(seed)) }
            let out = world.folder.appendingPathComponent("set"), report = world.folder.appendingPathComponent("report")
            #expect(try vantage.run(["export", "--out", out.path]).status == 0)
            let evaluated = try vantage.run(["evaluate", "--models", "efficientnet-lite0", "--dataset", out.path, "--crop-border", "2", "--threads", "1"])
            #expect(evaluated.status == 0, "\(evaluated.stderr)")
            let reported = try vantage.run(["report", "--out", report.path])
            #expect(reported.status == 0, "\(reported.stderr)")
            let answers = try ChallengeScorer.answers(try Data(contentsOf: out.appendingPathComponent("answers.json")))
            let csv = try String(contentsOf: report.appendingPathComponent("predictions-efficientnet-lite0.csv"), encoding: .utf8)
            let score = try ChallengeScorer.score(predictionsCSV: csv, answers: answers)
            #expect(score.imagesScored == 3 && score.totalImages == 3)
        }
    }
}
