import ArgumentParser
import Foundation
import Store

/// `vantage db …`: the local cluster and migrations.
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Start, stop and migrate the database.",
        subcommands: [Start.self, Stop.self, Status.self, URLCommand.self, Migrate.self]
    )

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create and start the project-local PostgreSQL cluster (harmless when it runs).")
        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                guard case .local(let cluster) = context.database else {
                    print("VANTAGE_DATABASE_URL is set: nothing to start (the external server runs on its own).")
                    return
                }
                try cluster.start()
                let status = try cluster.status()
                print("local cluster running on port \(status.port ?? 0) (\(cluster.folder.path))")
            }
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the project-local PostgreSQL cluster (harmless when it is stopped).")
        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                guard case .local(let cluster) = context.database else {
                    print("VANTAGE_DATABASE_URL is set: nothing to stop.")
                    return
                }
                try cluster.stop()
                print("local cluster stopped")
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the database, whether it runs, and applied and pending migrations.")
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                let report = try await DatabaseStatus.gather(context: context)
                if json {
                    print(try report.jsonString())
                } else {
                    print(report.text)
                }
            }
        }
    }

    struct URLCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "url", abstract: "Print a connection URL usable by psql.")
        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                switch context.database {
                case .local(let cluster):
                    try cluster.start()
                    print(try cluster.tcpURL().string(includingPassword: true))
                case .external(let url):
                    print(url.string(includingPassword: true))
                }
            }
        }
    }

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply pending migrations (a no-op when none are pending).")
        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                let migrations = try Migration.load(from: context.paths.migrations)
                let logger = context.logger
                let applied = try await context.withClient { client in
                    try await MigrationRunner(migrations: migrations, logger: logger).migrate(client)
                }
                if applied.isEmpty {
                    print("database is up to date (\(migrations.count) migrations applied)")
                } else {
                    for migration in applied { print("applied \(migration.fileName)") }
                }
            }
        }
    }
}
