public import Logging
public import Store
import Hummingbird
import PostgresNIO
import ServiceLifecycle

/// Runs `vantage serve`: migrates, then serves until SIGTERM or SIGINT, finishing in-flight
/// requests and closing the pool on the way out (one ServiceGroup for server and client).
public enum VantageServer {
    /// Serves the API on `configuration`'s address against the database at `url`.
    public static func run(
        configuration: ServerConfiguration, url: DatabaseURL, migrations: [Migration], logger: Logger
    ) async throws {
        try await Database.probe(url, logger: logger)
        let client = PostgresClient(configuration: url.clientConfiguration(), backgroundLogger: logger)
        var app = buildApplication(configuration: configuration, client: client, logger: logger)
        app.beforeServerStarts {
            try await MigrationRunner(migrations: migrations, logger: logger).migrate(client)
        }
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}
