import Foundation
import Inference
import Store
import Testing
import VantageTestSupport
@testable import Evaluation

@Suite(.enabled(if: TestDatabase.isConfigured), .serialized)
struct EvaluatorTests {
    /// Predictions of a run as comparable values, independent of run ids and insertion order.
    static func stored(_ repository: PostgresEvaluationRepository, runID: Int) async throws -> [String] {
        try await repository.predictions(runID: runID).map {
            "\($0.model) \($0.imageID) \($0.topImageNet) \($0.topScores) \($0.topOverlap) \($0.topOverlapScores)"
        }.sorted()
    }

    static func options(_ dataset: URL, chunk: Int = 2) -> Evaluator.Options {
        var options = Evaluator.Options(set: .dataset(dataset))
        options.models = ["efficientnet-lite0"]
        options.chunkSize = chunk
        options.threads = 1
        return options
    }

    /// Evaluates `dataset` once, uninterrupted, in a fresh database: the reference every other schedule must equal.
    static func reference(_ dataset: URL, models: URL) async throws -> [String] {
        try await TestDatabase.withMigratedDatabase { client, _ in
            let catalog = PostgresCatalogRepository(client: client, logger: TestDatabase.logger)
            let repository = PostgresEvaluationRepository(client: client, logger: TestDatabase.logger)
            try await EvaluationFixtures.importCatalog(catalog)
            let result = try await Evaluator(catalog: catalog, evaluations: repository, models: ModelCatalog(folder: models)).run(options(dataset))
            #expect(result.complete)
            return try await stored(repository, runID: result.runID)
        }
    }

    @Test func interruptedThenResumedEqualsOneRun() async throws {
        let models = try EvaluationFixtures.tinyModelFolder()
        let dataset = try EvaluationFixtures.dataset(count: 10)
        defer { try? FileManager.default.removeItem(at: models); try? FileManager.default.removeItem(at: dataset) }
        let expected = try await Self.reference(dataset, models: models)
        #expect(expected.count == 10)
        try await TestDatabase.withMigratedDatabase { client, _ in
            let catalog = PostgresCatalogRepository(client: client, logger: TestDatabase.logger)
            let repository = PostgresEvaluationRepository(client: client, logger: TestDatabase.logger)
            try await EvaluationFixtures.importCatalog(catalog)
            let evaluator = Evaluator(catalog: catalog, evaluations: repository, models: ModelCatalog(folder: models))
            var interrupted = Self.options(dataset)
            interrupted.maximumChunks = 2
            let first = try await evaluator.run(interrupted)
            #expect(!first.complete)
            #expect(first.chunksEvaluated == 2)
            #expect(try await repository.predictions(runID: first.runID).count == 4)
            #expect(first.summaries.first?.curated.missing == 6)

            let resumed = try await evaluator.run(Self.options(dataset))
            #expect(resumed.runID == first.runID)
            #expect(resumed.resumed)
            #expect(resumed.complete)
            #expect(resumed.chunksEvaluated == 3)
            #expect(try await Self.stored(repository, runID: resumed.runID) == expected)

            // The same parameters once more: the finished run is found again and nothing is recomputed.
            let again = try await evaluator.run(Self.options(dataset))
            #expect(again.runID == first.runID && again.chunksEvaluated == 0 && again.complete)
            #expect(again.summaries == resumed.summaries)
            // --new-run starts over.
            var fresh = Self.options(dataset)
            fresh.newRun = true
            #expect(try await evaluator.run(fresh).runID != first.runID)
        }
    }

    @Test func twoConcurrentEvaluatorsEqualOne() async throws {
        let models = try EvaluationFixtures.tinyModelFolder()
        let dataset = try EvaluationFixtures.dataset(count: 24)
        defer { try? FileManager.default.removeItem(at: models); try? FileManager.default.removeItem(at: dataset) }
        let expected = try await Self.reference(dataset, models: models)
        try await TestDatabase.withMigratedDatabase { client, _ in
            let catalog = PostgresCatalogRepository(client: client, logger: TestDatabase.logger)
            let repository = PostgresEvaluationRepository(client: client, logger: TestDatabase.logger)
            try await EvaluationFixtures.importCatalog(catalog)
            let evaluator = Evaluator(catalog: catalog, evaluations: repository, models: ModelCatalog(folder: models))
            var a = Self.options(dataset), b = Self.options(dataset)
            a.workerName = "test:a"
            b.workerName = "test:b"
            async let first = evaluator.run(a)
            async let second = evaluator.run(b)
            let (x, y) = try await (first, second)
            #expect(x.runID == y.runID)
            #expect(x.complete && y.complete)
            #expect(x.chunksEvaluated + y.chunksEvaluated == 12)
            #expect(x.summaries == y.summaries)
            #expect(try await Self.stored(repository, runID: x.runID) == expected)
        }
    }

    @Test func unreadableImagesAreMissingPredictionsCountedWrong() async throws {
        let models = try EvaluationFixtures.tinyModelFolder()
        let dataset = try EvaluationFixtures.dataset(count: 4, unreadable: [1])
        defer { try? FileManager.default.removeItem(at: models); try? FileManager.default.removeItem(at: dataset) }
        try await TestDatabase.withMigratedDatabase { client, _ in
            let catalog = PostgresCatalogRepository(client: client, logger: TestDatabase.logger)
            let repository = PostgresEvaluationRepository(client: client, logger: TestDatabase.logger)
            try await EvaluationFixtures.importCatalog(catalog)
            let result = try await Evaluator(catalog: catalog, evaluations: repository, models: ModelCatalog(folder: models))
                .run(Self.options(dataset, chunk: 4))
            #expect(result.complete)
            #expect(result.unreadable.count == 1)
            #expect(result.unreadable.first?.contains("img001.jpg") == true)
            #expect(result.summaries.first?.curated.n == 4)
            #expect(result.summaries.first?.curated.missing == 1)
        }
    }

    /// Two threads decode and infer the images of a chunk side by side; an unreadable image in the middle of
    /// a chunk must still be the one without a prediction, and every other image must get what one thread stores.
    @Test func twoThreadsWithUnreadableImagesStoreWhatOneThreadStores() async throws {
        let models = try EvaluationFixtures.tinyModelFolder()
        let dataset = try EvaluationFixtures.dataset(count: 7, unreadable: [2, 5])
        defer { try? FileManager.default.removeItem(at: models); try? FileManager.default.removeItem(at: dataset) }
        var results: [[String]] = []
        var unreadable: [[String]] = []
        for (threads, chunk) in [(1, 2), (2, 4), (3, 7)] {
            let (stored, failures) = try await TestDatabase.withMigratedDatabase { client, _ in
                let catalog = PostgresCatalogRepository(client: client, logger: TestDatabase.logger)
                let repository = PostgresEvaluationRepository(client: client, logger: TestDatabase.logger)
                try await EvaluationFixtures.importCatalog(catalog)
                var options = Self.options(dataset, chunk: chunk)
                options.threads = threads
                let result = try await Evaluator(catalog: catalog, evaluations: repository, models: ModelCatalog(folder: models)).run(options)
                #expect(result.complete)
                return (try await Self.stored(repository, runID: result.runID), result.unreadable)
            }
            results.append(stored)
            unreadable.append(failures)
        }
        #expect(results[0].count == 5)
        #expect(results.allSatisfy { $0 == results[0] })
        #expect(unreadable.allSatisfy { $0.count == 2 && $0[0].contains("img002.jpg") && $0[1].contains("img005.jpg") })
    }

    @Test func badInputWritesNothing() async throws {
        let models = try EvaluationFixtures.tinyModelFolder()
        let good = try EvaluationFixtures.dataset(count: 2)
        let unknown = try EvaluationFixtures.dataset(count: 3, classes: ["Banana", "Not a class"])
        defer { for url in [models, good, unknown] { try? FileManager.default.removeItem(at: url) } }
        try await TestDatabase.withMigratedDatabase { client, _ in
            let catalog = PostgresCatalogRepository(client: client, logger: TestDatabase.logger)
            let repository = PostgresEvaluationRepository(client: client, logger: TestDatabase.logger)
            let evaluator = Evaluator(catalog: catalog, evaluations: repository, models: ModelCatalog(folder: models))
            // No catalog yet.
            let noCatalog = try await #require(throws: EvaluationError.self) { try await evaluator.run(Self.options(good)) }
            #expect(noCatalog.message.contains("vantage catalog import objectnet"))
            try await EvaluationFixtures.importCatalog(catalog)
            let labels = try await #require(throws: EvaluationError.self) { try await evaluator.run(Self.options(unknown)) }
            #expect(labels.code == .unknownLabels)
            #expect(labels.message.contains("line 3 \"Not a class\""))
            var unprepared = Self.options(good)
            unprepared.models = ["efficientnet-lite1"]
            let model = try await #require(throws: InferenceError.self) { try await evaluator.run(unprepared) }
            #expect(model.message.contains("not prepared"))
            #expect(try await repository.run(id: nil) == nil)
        }
    }

    @Test func reportFolderHasEveryFileAndReplacesOnlyReports() async throws {
        let models = try EvaluationFixtures.tinyModelFolder()
        let dataset = try EvaluationFixtures.dataset(count: 6)
        let control = try EvaluationFixtures.dataset(count: 4, seed: 99)
        let out = try Fixtures.temporaryFolder("vantage-report")
        defer { for url in [models, dataset, control, out] { try? FileManager.default.removeItem(at: url) } }
        try await TestDatabase.withMigratedDatabase { client, _ in
            let catalog = PostgresCatalogRepository(client: client, logger: TestDatabase.logger)
            let repository = PostgresEvaluationRepository(client: client, logger: TestDatabase.logger)
            try await EvaluationFixtures.importCatalog(catalog)
            var options = Self.options(dataset)
            options.control = control
            let result = try await Evaluator(catalog: catalog, evaluations: repository, models: ModelCatalog(folder: models)).run(options)
            #expect(result.summaries.first?.control?.n == 4)
            #expect(result.summaries.first?.drop?.commonClasses == 3)

            let writer = ReportWriter(catalog: catalog, evaluations: repository, controls: PostgresControlRepository(client: client, logger: TestDatabase.logger))
            let folder = out.appendingPathComponent("report")
            let written = try await writer.write(runID: nil, to: folder, notes: ["test note"])
            #expect(written.runID == result.runID)
            #expect(Set(written.files) == ["report.json", "report.md", "report.html", "predictions-efficientnet-lite0.csv",
                                           "predictions-efficientnet-lite0-control.csv"])
            let csv = try String(contentsOf: folder.appendingPathComponent("predictions-efficientnet-lite0.csv"), encoding: .utf8)
            let rows = csv.split(separator: "\n")
            #expect(rows.count == 6)
            for row in rows {
                let fields = row.split(separator: ",")
                #expect(fields.count == 11)
                for slot in stride(from: 1, to: 11, by: 2) { #expect((-1...312).contains(Int(fields[slot]) ?? 999)) }
            }
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("report.json"))) as? [String: Any]
            #expect((json?["models"] as? [Any])?.count == 1)
            let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
            #expect(html.contains("<svg") && html.contains("reported") && html.contains("test note") && !html.contains("<script"))
            // Writing again replaces the earlier report; a folder of other files is refused and left alone.
            try await writer.write(runID: result.runID, to: folder)
            let other = out.appendingPathComponent("other")
            try FileManager.default.createDirectory(at: other, withIntermediateDirectories: false)
            try Data("keep".utf8).write(to: other.appendingPathComponent("notes.txt"))
            await #expect(throws: EvaluationError.self) { try await writer.write(runID: nil, to: other) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: other.path) == ["notes.txt"])
            await #expect(throws: EvaluationError.self) { try await writer.write(runID: 999, to: out.appendingPathComponent("none")) }
        }
    }

    /// ImageNet label space over the shared dev samples: the run's all-classes top-1 is the plain top-1 check
    /// (Classifier's top class equals the label), image by image. A few images keep debug builds quick.
    @Test func imagenetSpaceMatchesThePlainTopOneCheck() async throws {
        guard let shared = Fixtures.sharedData?.appendingPathComponent("imagenet-samples-dev"),
              FileManager.default.fileExists(atPath: Fixtures.packageRoot.appendingPathComponent("Fixtures/models/efficientnet-lite0.onnx").path)
        else { return }
        let rows = try String(contentsOf: shared.appendingPathComponent("labels.csv"), encoding: .utf8)
            .split(whereSeparator: \.isNewline).dropFirst().prefix(6).map { $0.split(separator: ",").map(String.init) }
        let folder = try Fixtures.temporaryFolder("vantage-imagenet")
        defer { try? FileManager.default.removeItem(at: folder) }
        var labels = "file,label\n"
        for row in rows {
            try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent(row[0]), withDestinationURL: shared.appendingPathComponent(row[0]))
            labels += "\(row[0]),\(row[2])\n"
        }
        try Data(labels.utf8).write(to: folder.appendingPathComponent("labels.csv"))
        let modelFolder = Fixtures.packageRoot.appendingPathComponent("Fixtures/models")
        let loaded = try ModelCatalog(folder: modelFolder).load(named: "efficientnet-lite0")
        let classifier = Classifier(model: loaded, labels: try ImageNetLabels(contentsOf: Fixtures.packageRoot.appendingPathComponent("Fixtures/catalog/imagenet-1k.csv")))
        let plain = try classifier.classify(rows.map { folder.appendingPathComponent($0[0]) }, top: 1)
        let plainCorrect = zip(plain, rows).filter { $0.top.first?.index == Int($1[1]) }.count
        try await TestDatabase.withMigratedDatabase { client, _ in
            let catalog = PostgresCatalogRepository(client: client, logger: TestDatabase.logger)
            let repository = PostgresEvaluationRepository(client: client, logger: TestDatabase.logger)
            try await EvaluationFixtures.importCatalog(catalog)
            var options = Evaluator.Options(set: .dataset(folder))
            options.models = ["efficientnet-lite0"]
            options.labelSpace = .imagenet
            let result = try await Evaluator(catalog: catalog, evaluations: repository, models: ModelCatalog(folder: modelFolder)).run(options)
            #expect(result.summaries.first?.curated == Accuracy(n: rows.count, top1Correct: plainCorrect, top5Correct: result.summaries.first?.curated.top5Correct ?? -1))
            let stored = try await repository.predictions(runID: result.runID).sorted { $0.imageID < $1.imageID }
            #expect(stored.map { $0.topImageNet.first } == plain.map { $0.top.first?.index })
        }
    }
}
