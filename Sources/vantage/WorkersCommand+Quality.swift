import ArgumentParser
import Capture
import Foundation
import Store

/// `vantage workers report|hold|release|enforce|policy`: worker scores and the hold policy.
extension WorkersCommand {
    static func actor(_ given: String?) throws -> String {
        guard let name = given ?? ProcessInfo.processInfo.environment["USER"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw ValidationError("Name who decides with --by (or set USER).")
        }
        return name
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per worker: uploads, accepted, flagged, rejected (by reason), reviewer decisions, rejection rate.")
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                let logger = context.logger
                let (rows, policy) = try await context.withMigratedClient { client in
                    let quality = PostgresWorkerQualityRepository(client: client, logger: logger)
                    return (try await quality.report(), try await quality.policy())
                }
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    print(String(decoding: try encoder.encode(rows), as: UTF8.self))
                    return
                }
                print("worker\tstatus\tuploads\taccepted\tflagged\tpending\tapproved\treviewer_rejected\trejected\trejection_rate\trejected_by_reason\treviewer_rejected_by_reason")
                func reasons(_ counts: [String: Int]) -> String {
                    counts.isEmpty ? "-" : counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                }
                for row in rows {
                    print([row.worker, row.status, String(row.uploads), String(row.accepted), String(row.flagged), String(row.pending),
                           String(row.reviewerApproved), String(row.reviewerRejected), String(row.rejected),
                           String(format: "%.3f", row.rejectionRate), reasons(row.rejectedByReason), reasons(row.reviewerRejectedByReason)]
                        .joined(separator: "\t"))
                }
                print("policy: " + (policy.enabled
                    ? "hold above \(policy.maxRejectionRate) rejected after \(policy.minPhotos) photos since the last release"
                    : "disabled"))
            }
        }
    }

    struct Hold: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a worker on hold by hand (no new tasks; uploads answered 403).")
        @Argument(help: "Worker name.") var name: String
        @Option(help: "Why (kept in the hold history).") var reason: String
        @Option(help: "Who decides (default: $USER).") var by: String?

        func validate() throws { _ = try WorkersCommand.actor(by) }

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                let logger = context.logger, name = self.name, reason = self.reason, actor = try WorkersCommand.actor(by)
                let worker = try await context.withMigratedClient { client in
                    try await PostgresWorkerQualityRepository(client: client, logger: logger).hold(name: name, actor: actor, reason: reason)
                }
                print("worker \(worker.name) is \(worker.status.rawValue)")
            }
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lift a worker's hold; the policy then counts only photos received from now on.")
        @Argument(help: "Worker name.") var name: String
        @Option(help: "A note kept in the hold history.") var note: String?
        @Option(help: "Who decides (default: $USER).") var by: String?

        func validate() throws { _ = try WorkersCommand.actor(by) }

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                let logger = context.logger, name = self.name, note = self.note, actor = try WorkersCommand.actor(by)
                let worker = try await context.withMigratedClient { client in
                    try await PostgresWorkerQualityRepository(client: client, logger: logger).release(name: name, actor: actor, note: note)
                }
                print("worker \(worker.name) is \(worker.status.rawValue)")
            }
        }
    }

    struct Enforce: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply the hold policy to every active worker now (uploads and review decisions apply it as they happen).")

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                let logger = context.logger
                let held = try await context.withMigratedClient { client in
                    try await PostgresWorkerQualityRepository(client: client, logger: logger).enforce()
                }
                print(held.isEmpty ? "no worker put on hold" : "put on hold: \(held.joined(separator: " "))")
            }
        }
    }

    struct Policy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or set the hold policy (stored; default: above 0.5 rejected after 20 photos).")
        @Option(name: .customLong("max-rejection-rate"), help: "Hold when more than this share (0-1) is rejected.") var maxRejectionRate: Double?
        @Option(name: .customLong("min-photos"), help: "Photos needed before the rate is judged.") var minPhotos: Int?
        @Flag(inversion: .prefixedEnableDisable, help: "Whether the policy holds anyone.") var policy: Bool?

        func validate() throws {
            if let maxRejectionRate, !(0...1).contains(maxRejectionRate) {
                throw ValidationError("--max-rejection-rate is between 0 and 1, not \(maxRejectionRate).")
            }
            if let minPhotos, !(1...1_000_000).contains(minPhotos) {
                throw ValidationError("--min-photos is between 1 and 1000000, not \(minPhotos).")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                let logger = context.logger, rate = maxRejectionRate, minimum = minPhotos, enabled = self.policy
                let stored = try await context.withMigratedClient { client in
                    let quality = PostgresWorkerQualityRepository(client: client, logger: logger)
                    var policy = try await quality.policy()
                    guard rate != nil || minimum != nil || enabled != nil else { return policy }
                    policy.maxRejectionRate = rate ?? policy.maxRejectionRate
                    policy.minPhotos = minimum ?? policy.minPhotos
                    policy.enabled = enabled ?? policy.enabled
                    return try await quality.setPolicy(policy)
                }
                print("policy: \(stored.enabled ? "enabled" : "disabled"), max rejection rate \(stored.maxRejectionRate), min photos \(stored.minPhotos)")
            }
        }
    }
}
