import Foundation
public import Logging
public import PostgresNIO
public import Store

/// A fresh, migrated database per suite on the PostgreSQL named by `VANTAGE_TEST_DATABASE_URL`
/// (or libpq's `PG*` variables), dropped afterwards so suites can run in parallel.
public enum TestDatabase {
    /// The server tests may create databases on, when one is configured.
    public static var adminURL: DatabaseURL? {
        let environment = ProcessInfo.processInfo.environment
        if let text = environment["VANTAGE_TEST_DATABASE_URL"], !text.isEmpty {
            return try? DatabaseURL(parsing: text)
        }
        guard let host = environment["PGHOST"], !host.isEmpty else { return nil }
        return DatabaseURL(
            host: host.hasPrefix("/") ? nil : host, socketDirectory: host.hasPrefix("/") ? host : nil,
            port: environment["PGPORT"].flatMap(Int.init) ?? 5432,
            username: environment["PGUSER"] ?? "postgres", password: environment["PGPASSWORD"],
            database: environment["PGDATABASE"] ?? "postgres", tls: .disable)
    }

    /// True when a test server is configured; database tests are skipped otherwise.
    public static var isConfigured: Bool { adminURL != nil }

    /// A logger that stays quiet unless `VANTAGE_TEST_LOG_LEVEL` says otherwise.
    public static var logger: Logger {
        var logger = Logger(label: "vantage-test")
        logger.logLevel = ProcessInfo.processInfo.environment["VANTAGE_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        return logger
    }

    /// Creates an empty database, runs `body` with its URL, and drops it.
    public static func withEmptyDatabase<T: Sendable>(_ body: @Sendable (DatabaseURL) async throws -> T) async throws -> T {
        guard let admin = adminURL else {
            throw StoreError(.databaseUnreachable, "VANTAGE_TEST_DATABASE_URL is not set.")
        }
        let name = "vantage_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await Database.withClient(url: admin, logger: logger) { client in
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        var url = admin
        url.database = name
        do {
            let result = try await body(url)
            try await drop(name, admin: admin)
            return result
        } catch {
            try? await drop(name, admin: admin)
            throw error
        }
    }

    /// Creates a database, applies the project's migrations, runs `body` with a client, and drops it.
    public static func withMigratedDatabase<T: Sendable>(
        _ body: @Sendable (PostgresClient, DatabaseURL) async throws -> T
    ) async throws -> T {
        try await withEmptyDatabase { url in
            try await Database.withClient(url: url, logger: logger) { client in
                try await MigrationRunner(migrations: try Migration.load(from: Fixtures.packageRoot.appendingPathComponent("Migrations")), logger: logger)
                    .migrate(client)
                return try await body(client, url)
            }
        }
    }

    private static func drop(_ name: String, admin: DatabaseURL) async throws {
        try await Database.withClient(url: admin, logger: logger) { client in
            try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
        }
    }
}
