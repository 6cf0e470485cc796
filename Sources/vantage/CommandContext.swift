import ArgumentParser
import Foundation
import Logging
import PostgresNIO
import Store

/// What every database-backed subcommand shares: paths, the database and a logger.
struct CommandContext {
    let paths: ProjectPaths
    let database: Database
    let logger: Logger

    /// Finds the project and the database from the environment.
    static func load(verbose: Bool = false) throws -> CommandContext {
        let paths = try ProjectPaths.discover()
        var logger = Logger(label: "vantage")
        logger.logLevel = verbose ? .debug : (ProcessInfo.processInfo.environment["VANTAGE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning)
        return CommandContext(paths: paths, database: try Database.resolve(paths: paths), logger: logger)
    }

    /// Where photo blobs live: `VANTAGE_BLOB_ROOT`, default `<home>/blobs`.
    var blobRoot: URL {
        if let root = ProcessInfo.processInfo.environment["VANTAGE_BLOB_ROOT"], !root.isEmpty {
            return URL(fileURLWithPath: root, isDirectory: true)
        }
        return paths.home.appendingPathComponent("blobs", isDirectory: true)
    }

    /// The server logs at info unless `VANTAGE_LOG_LEVEL` says otherwise.
    var serverLogger: Logger {
        var logger = Logger(label: "vantage-server")
        logger.logLevel = ProcessInfo.processInfo.environment["VANTAGE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        return logger
    }

    /// Connects (starting the local cluster when it is the default), migrates nothing, runs `body`.
    func withClient<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let url = try database.connectionURL()
        return try await Database.withClient(url: url, logger: logger, body)
    }

    /// Connects and applies pending migrations first, for commands that need the schema.
    func withMigratedClient<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let migrations = try Migration.load(from: paths.migrations)
        let logger = self.logger
        return try await withClient { client in
            try await MigrationRunner(migrations: migrations, logger: logger).migrate(client)
            return try await body(client)
        }
    }
}

/// Runs a command body and turns any library error into one sentence on stderr and exit status 1.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ValidationError {
        throw error
    } catch let error as ExitCode {
        throw error
    } catch {
        FileHandle.standardError.write(Data(("error: " + describe(error) + "\n").utf8))
        throw ExitCode.failure
    }
}

/// One sentence for any error, never a stack trace.
func describe(_ error: any Error) -> String {
    let text: String
    if let error = error as? StoreError {
        text = error.message
    } else if error is PSQLError || error is PostgresTransactionError {
        text = PostgresErrorText.describe(error)
    } else {
        text = String(describing: error)
    }
    return text.hasSuffix(".") ? text : text + "."
}
