import ArgumentParser
import Foundation
import Store

/// `vantage store …`: consistency of photo rows and blob files.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Check photo rows against blob files.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List rows without blobs (must be none) and blobs without rows; --repair removes old orphans.")
        @Flag(help: "Remove orphan blobs and crashed-write temporaries older than the grace period.") var repair = false
        @Option(help: "Grace period in seconds for orphans (uploads in flight).") var graceSeconds = 3600
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard graceSeconds >= 0 else { throw ValidationError("--grace-seconds must not be negative.") }
        }

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                let blobs = BlobStore(root: context.blobRoot)
                let logger = context.logger
                let (repair, grace) = (self.repair, TimeInterval(graceSeconds))
                let report = try await context.withMigratedClient { client in
                    try await StoreCheck(client: client, blobs: blobs, logger: logger).run(repair: repair, grace: grace)
                }
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    print(String(decoding: try encoder.encode(report), as: UTF8.self))
                } else {
                    print("rows without blobs: \(report.rowsWithoutBlobs.count)")
                    for key in report.rowsWithoutBlobs { print("  missing \(key)") }
                    print("orphan blobs: \(report.orphanBlobs.count)" + (repair ? " (removed \(report.removedOrphans) past the grace period)" : ""))
                }
                if !report.rowsWithoutBlobs.isEmpty { throw ExitCode(2) }
            }
        }
    }
}
