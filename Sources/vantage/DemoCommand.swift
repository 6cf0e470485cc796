import ArgumentParser
import Demo
import Foundation
import Store

/// `vantage demo`: the whole pipeline end to end on a database of its own.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the pipeline end to end on a demo database and write a report.",
        discussion: """
            Recreates the database vantage_demo on the same server (your own database is untouched), \
            imports the catalog, adds three workers, generates tasks, uploads photos through the real HTTP \
            endpoint on loopback (good ones and one of each rejection and flag reason), reviews the flagged \
            ones, evaluates the bundled models against a control set and writes the report to .vantage/demo/report/. \
            Needs the prepared models and demo photos (scripts/demo.sh prepares both).
            """)

    @Option(help: "Tasks per demo worker (3 workers; at least 8).") var tasksPerWorker = 16
    @Option(help: "Models to evaluate, comma-separated (default: every bundled model).") var models: String?

    func validate() throws {
        guard (8...200).contains(tasksPerWorker) else { throw ValidationError("--tasks-per-worker must be between 8 and 200.") }
    }

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext.load()
            let logger = context.logger
            let migrations = try Migration.load(from: context.paths.migrations)
            var configuration = DemoRunner.Configuration(
                fixtures: context.paths.fixtures, work: context.paths.home.appendingPathComponent("demo", isDirectory: true))
            configuration.tasksPerWorker = tasksPerWorker
            configuration.models = models.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
            let runner = DemoRunner(configuration: configuration, logger: logger)
            try runner.checkInputs()
            let main = try context.database.connectionURL()
            let url = try await Database.recreateScratchDatabase(named: "vantage_demo", on: main, logger: logger)
            print("demo database: vantage_demo at \(url.endpointDescription) (recreated; \(main.database) is untouched)")
            let summary = try await Database.withClient(url: url, logger: logger) { client in
                try await MigrationRunner(migrations: migrations, logger: logger).migrate(client)
                return try await runner.run(client: client) { line in print(line) }
            }
            print("")
            func percent(_ value: Double?) -> String { value.map { String(format: "%5.1f%%", $0 * 100) } ?? "    -" }
            func points(_ value: Double?) -> String { value.map { String(format: "%+6.1f", $0 * 100) } ?? "     -" }
            func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
            print(pad("model", 20) + pad("curated top-1 [95% CI]", 26) + pad("top-5", 8) + pad("control top-1", 15)
                  + pad("top-5", 8) + pad("drop top-1", 12) + pad("top-5", 8) + "ImageNet top-1")
            for model in summary.summaries {
                let curated = model.curated
                let interval = curated.top1Interval.map { String(format: "[%.1f, %.1f]", $0.lowerBound * 100, $0.upperBound * 100) } ?? ""
                print(pad(model.model, 20) + pad(percent(curated.top1) + " " + interval, 26) + pad(percent(curated.top5), 8)
                      + pad(percent(model.control?.top1), 15) + pad(percent(model.control?.top5), 8)
                      + pad(points(model.drop?.top1), 12) + pad(points(model.drop?.top5), 8)
                      + (model.reportedImageNetTop1.map { String(format: "%.1f%% (reported)", $0 * 100) } ?? "-"))
            }
            let scoring = summary.summaries.first.map { $0.protocol.rawValue } ?? "overlap"
            print("(protocol \(scoring), n = \(summary.summaries.first?.curated.n ?? 0) curated photos; Wilson 95% intervals; "
                  + "figures from synthetic variants of one real photograph; both protocols are in the report)")
            print("")
            print("report: \(summary.report.appendingPathComponent("report.html").path)")
            print("        \(summary.report.path)/report.md, report.json, predictions-<model>.csv")
        }
    }
}
