import ArgumentParser
import Evaluation
import Foundation
import Store

/// `vantage report`: write an evaluation run's report folder.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write report.json, predictions-<model>.csv, report.md and report.html for an evaluation run.")

    @Option(help: "Run id (default: the latest run).")
    var run: Int?

    @Option(help: "The report folder (created; an earlier report in it is replaced).")
    var out: String

    @Option(name: .customLong("protocol"), help: "all-classes or overlap for the charts (default: the run's own).")
    var chartProtocol: String?

    func validate() throws {
        if let run, run < 1 { throw ValidationError("--run must be a positive run id.") }
        if let chartProtocol, ScoringProtocol(rawValue: chartProtocol) == nil { throw ValidationError("--protocol must be all-classes or overlap.") }
        if out.isEmpty { throw ValidationError("--out needs a folder.") }
    }

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext.load()
            let logger = context.logger
            let folder = URL(fileURLWithPath: out)
            let scoring = chartProtocol.flatMap(ScoringProtocol.init(rawValue:))
            let runID = run
            let written = try await context.withMigratedClient { client in
                try await ReportWriter(
                    catalog: PostgresCatalogRepository(client: client, logger: logger),
                    evaluations: PostgresEvaluationRepository(client: client, logger: logger),
                    controls: PostgresControlRepository(client: client, logger: logger)
                ).write(runID: runID, to: folder, chartProtocol: scoring)
            }
            print("report of run \(written.runID) written to \(written.folder.path): \(written.files.joined(separator: ", "))")
        }
    }
}
