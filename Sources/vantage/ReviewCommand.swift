import ArgumentParser
import Foundation
import Store
import Validation

/// `vantage review …`: the queue of flagged photos and the human decisions on them.
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Review flagged photos: show the next one, approve, reject, reopen, bulk-approve.",
        discussion: """
            Every decision is appended to the photo's history with the reviewer and the time; nothing \
            is overwritten. Reject reasons: \(ReviewReason.allCases.map(\.rawValue).joined(separator: ", ")).
            """,
        subcommands: [Next.self, Show.self, Approve.self, Reject.self, Reopen.self, BulkApprove.self])

    /// Who decides: `--reviewer`, else `$USER`.
    struct ReviewerOptions: ParsableArguments {
        @Option(help: "Reviewer name recorded with the decision (default: $USER).") var reviewer: String?
        @Option(help: "A note kept with the decision (at most 2000 characters).") var note: String?

        var name: String? {
            reviewer ?? ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 }
        }

        func validate() throws {
            guard let name else { throw ValidationError("Name the reviewer with --reviewer (or set USER).") }
            guard !name.isEmpty, name.count <= PostgresReviewRepository.maximumReviewerLength,
                  name.trimmingCharacters(in: .whitespaces) == name
            else { throw ValidationError("The reviewer name must be 1 to 100 characters without surrounding spaces.") }
            if let note, note.count > PostgresReviewRepository.maximumNoteLength {
                throw ValidationError("The note is longer than 2000 characters.")
            }
        }
    }

    static func target(_ text: String) throws -> ReviewTarget {
        guard let target = ReviewTarget(text) else {
            throw ValidationError("\"\(text)\" is not a photo id (a positive number, or the photo's UUID).")
        }
        return target
    }

    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    static func describe(_ item: ReviewItem, pending: Int?) -> String {
        var lines = ["photo \(item.id) (\(item.publicID.uuidString.lowercased())) by \(item.worker): \(item.verdict), review \(item.reviewStatus)"
            + (pending.map { " (\($0) pending)" } ?? "")]
        lines.append("class: \(item.className)")
        lines.append("task \(item.taskID): room \(item.room), viewpoint \(item.viewpoint), rotation \(item.rotationID) (\(item.rotationDescription))")
        for reason in item.reasons { lines.append("reason: \(reason.code) [\(reason.severity)] \(reason.message)") }
        lines.append("file: \(item.storedPath ?? "(not stored)")")
        for decision in item.history {
            lines.append("history: \(decision.decidedAt.formatted(.iso8601)) \(decision.reviewer) \(decision.decision.rawValue)"
                + (decision.reason.map { " \($0.rawValue)" } ?? "") + (decision.note.map { " — \($0)" } ?? ""))
        }
        return lines.joined(separator: "\n")
    }

    struct Next: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the oldest flagged photo waiting for a decision.")
        @Flag(help: "Print JSON (null when the queue is empty).") var json = false

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                let logger = context.logger, blobs = BlobStore(root: context.blobRoot)
                let (item, pending) = try await context.withMigratedClient { client in
                    let reviews = PostgresReviewRepository(client: client, logger: logger)
                    var item = try await reviews.next()
                    let path = item?.blobKey.map { blobs.url(forKey: $0).path }
                    item?.storedPath = path
                    return (item, try await reviews.pendingCount())
                }
                if json {
                    if let item { try printJSON(item) } else { print("null") }
                } else if let item {
                    print(describe(item, pending: pending))
                } else {
                    print("the review queue is empty")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one photo with its reasons and review history.")
        @Argument(help: "Photo id or UUID.") var id: String
        @Flag(help: "Print JSON.") var json = false

        func validate() throws { _ = try ReviewCommand.target(id) }

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                let logger = context.logger, blobs = BlobStore(root: context.blobRoot)
                let target = try ReviewCommand.target(id)
                let item = try await context.withMigratedClient { client in
                    var item = try await PostgresReviewRepository(client: client, logger: logger).item(target)
                    let path = item?.blobKey.map { blobs.url(forKey: $0).path }
                    item?.storedPath = path
                    return item
                }
                guard let item else { throw StoreError(.notFound, "There is no photo \(target).") }
                if json { try printJSON(item) } else { print(describe(item, pending: nil)) }
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a pending flagged photo (it joins the curated set).")
        @Argument(help: "Photo id or UUID.") var id: String
        @OptionGroup var options: ReviewerOptions

        func validate() throws { _ = try ReviewCommand.target(id) }

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                let logger = context.logger, target = try ReviewCommand.target(id), reviewer = options.name ?? "", note = options.note
                let decision = try await context.withMigratedClient { client in
                    try await PostgresReviewRepository(client: client, logger: logger).approve(target, reviewer: reviewer, note: note)
                }
                print("photo \(decision.photoID) approved by \(decision.reviewer)")
            }
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a pending flagged photo for a reason.")
        @Argument(help: "Photo id or UUID.") var id: String
        @Option(help: "One of: \(ReviewReason.allCases.map(\.rawValue).joined(separator: ", ")).") var reason: String
        @OptionGroup var options: ReviewerOptions

        func validate() throws {
            _ = try ReviewCommand.target(id)
            guard ReviewReason(rawValue: reason) != nil else {
                throw ValidationError("Unknown review reason \"\(reason)\" (reasons: \(ReviewReason.allCases.map(\.rawValue).joined(separator: ", "))).")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                let logger = context.logger, target = try ReviewCommand.target(id), reviewer = options.name ?? "", note = options.note
                let reason = try ReviewReason(code: self.reason)
                let decision = try await context.withMigratedClient { client in
                    try await PostgresReviewRepository(client: client, logger: logger)
                        .reject(target, reason: reason, reviewer: reviewer, note: note)
                }
                print("photo \(decision.photoID) rejected (\(reason.rawValue)) by \(decision.reviewer)")
            }
        }
    }

    struct Reopen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a decided photo back into the queue (its history stays).")
        @Argument(help: "Photo id or UUID.") var id: String
        @OptionGroup var options: ReviewerOptions

        func validate() throws { _ = try ReviewCommand.target(id) }

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                let logger = context.logger, target = try ReviewCommand.target(id), reviewer = options.name ?? "", note = options.note
                let decision = try await context.withMigratedClient { client in
                    try await PostgresReviewRepository(client: client, logger: logger).reopen(target, reviewer: reviewer, note: note)
                }
                print("photo \(decision.photoID) reopened by \(decision.reviewer)")
            }
        }
    }

    struct BulkApprove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bulk-approve",
            abstract: "Approve every pending photo whose validation reasons are all among the given codes.")
        @Option(name: .customLong("where-only-flags"), help: "Validation reason codes, comma-separated (e.g. camera_unknown,edited).")
        var whereOnlyFlags: String
        @OptionGroup var options: ReviewerOptions

        var codes: [String] { whereOnlyFlags.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }

        func validate() throws {
            guard !codes.isEmpty, codes.count <= PostgresReviewRepository.maximumBulkCodes else {
                throw ValidationError("Give 1 to \(PostgresReviewRepository.maximumBulkCodes) validation reason codes.")
            }
            for code in codes where Reason.Code(rawValue: code)?.severity != .flag {
                let known = Reason.Code.allCases.filter { $0.severity == .flag }.map(\.rawValue).joined(separator: ", ")
                throw ValidationError("\"\(code)\" is not a validation flag code (flag codes: \(known)).")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                let logger = context.logger, codes = Set(self.codes), reviewer = options.name ?? "", note = options.note
                let approved = try await context.withMigratedClient { client in
                    try await PostgresReviewRepository(client: client, logger: logger).bulkApprove(onlyFlags: codes, reviewer: reviewer, note: note)
                }
                print("approved \(approved.count) photos" + (approved.isEmpty ? "" : ": " + approved.map(String.init).joined(separator: " ")))
            }
        }
    }
}
