import ArgumentParser
import Foundation
import Store

/// `vantage demo`: the main job end to end on the local database.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start the local database, migrate, and show the state (grows as Vantage does).")

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext.load()
            let migrations = try Migration.load(from: context.paths.migrations)
            let logger = context.logger
            let applied = try await context.withClient { client in
                try await MigrationRunner(migrations: migrations, logger: logger).migrate(client)
            }
            print("migrated: \(applied.count) new, \(migrations.count) in all")
            print(try await DatabaseStatus.gather(context: context).text)
        }
    }
}
