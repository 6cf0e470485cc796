import ArgumentParser
import Capture
import Foundation
import Store

/// `vantage tasks …`: design, list and check capture tasks.
struct TasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "Generate, list and check bias-controlled capture tasks.",
        subcommands: [Generate.self, List.self, Stats.self])

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate tasks: 10 offered classes (least collected first), rotation, viewpoint and room drawn independently.")
        @Option(help: "Tasks in all (round-robin over active workers, or for --worker).") var count: Int?
        @Option(help: "Give every task to this worker.") var worker: String?
        @Option(name: .customLong("per-worker"), help: "Tasks for each active worker.") var perWorker: Int?
        @Option(help: "Seed: the same seed and database state give the same tasks.") var seed: UInt64
        @Option(help: "overlap, all, or a file of class names (one per line).") var classes = "all"
        @Option(name: .customLong("expires-in"), help: "Expiry, as 7d, 12h, 30m.") var expiresIn = "7d"
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            if let count, count <= 0 { throw ValidationError("--count must be positive, not \(count).") }
            if let perWorker, perWorker <= 0 { throw ValidationError("--per-worker must be positive, not \(perWorker).") }
            switch (count, perWorker) {
            case (nil, nil): throw ValidationError("Give --count N or --per-worker K.")
            case (.some, .some): throw ValidationError("Give either --count or --per-worker, not both.")
            default: break
            }
            if perWorker != nil, worker != nil { throw ValidationError("--per-worker gives tasks to every worker; use --count with --worker.") }
            do { _ = try ExpiryDuration(parsing: expiresIn) } catch { throw ValidationError(String(describing: error)) }
        }

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                let assignment: TaskGenerationRequest.Assignment
                if let perWorker {
                    assignment = .perWorker(count: perWorker)
                } else if let worker {
                    assignment = .worker(name: worker, count: count ?? 0)
                } else {
                    assignment = .roundRobin(count: count ?? 0)
                }
                let request = TaskGenerationRequest(
                    assignment: assignment, classes: try .init(parsing: classes), seed: seed,
                    expiresInSeconds: try ExpiryDuration(parsing: expiresIn).seconds)
                let logger = context.logger
                let result = try await context.withMigratedClient { client in
                    try await PostgresTaskRepository(client: client, logger: logger).generate(request)
                }
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    print(String(decoding: try encoder.encode(result), as: UTF8.self))
                } else {
                    print("generated \(result.tasks) tasks for \(result.workers) workers from \(result.classes) classes (batch \(result.batchID))")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tasks as CSV or JSON.")
        @Option(help: "Only this worker's tasks.") var worker: String?
        @Option(help: "open, done, expired or cancelled.") var status: String?
        @Option(help: "csv or json.") var format = "csv"

        func validate() throws {
            if let status, CaptureTask.Status(rawValue: status) == nil {
                throw ValidationError("--status must be open, done, expired or cancelled.")
            }
            guard format == "csv" || format == "json" else { throw ValidationError("--format must be csv or json.") }
        }

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                let logger = context.logger
                let worker = self.worker, status = self.status.flatMap(CaptureTask.Status.init(rawValue:))
                let tasks = try await context.withMigratedClient { client in
                    try await PostgresTaskRepository(client: client, logger: logger).list(workerName: worker, status: status, now: Date())
                }
                if format == "json" {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    encoder.dateEncodingStrategy = .iso8601
                    print(String(decoding: try encoder.encode(tasks), as: UTF8.self))
                } else {
                    let formatter = ISO8601DateFormatter()
                    var out = TaskAssignment.csvHeader + "\n"
                    for task in tasks { out += task.csvRow(formatDate: formatter.string(from:)) + "\n" }
                    print(out, terminator: "")
                }
            }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Marginal counts per control and pairwise Cramér's V (bias-corrected) of room, viewpoint, rotation and first offered class.")
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                let logger = context.logger
                let stats = try await context.withMigratedClient { client in
                    try await PostgresTaskRepository(client: client, logger: logger).statistics()
                }
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    print(String(decoding: try encoder.encode(stats), as: UTF8.self))
                } else {
                    print(stats.text)
                }
            }
        }
    }
}
