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
        let client = PostgresClient(configuration: serverClientConfiguration(url), backgroundLogger: logger)
        var app = buildApplication(configuration: configuration, client: client, logger: logger)
        app.beforeServerStarts {
            try await MigrationRunner(migrations: migrations, logger: logger).migrate(client)
        }
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    /// The pool's settings for the server. Its connections run the same few prepared statements for
    /// every upload; PostgreSQL plans a prepared statement afresh on each of its first five
    /// executions per connection before it considers a cached generic plan, which was a third of
    /// the database's time per upload in a 96-upload benchmark round. The upload path's queries are
    /// indexed lookups whose best plan does not depend on the values, so generic plans from the start.
    static func serverClientConfiguration(_ url: DatabaseURL) -> PostgresClient.Configuration {
        var configuration = url.clientConfiguration()
        configuration.options.additionalStartupParameters.append(("plan_cache_mode", "force_generic_plan"))
        return configuration
    }
}
