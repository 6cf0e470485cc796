public import Logging
public import PostgresNIO
public import Foundation

/// Applies numbered migrations in order, each in its own transaction, and records them with a checksum.
public struct MigrationRunner: Sendable {
    /// A migration and whether (and when) it was applied.
    public struct Entry: Sendable, Equatable {
        /// The migration's number.
        public var version: Int
        /// Its name.
        public var name: String
        /// When it was applied; nil while pending.
        public var appliedAt: Date?
    }

    /// The migrations this runner knows, in order.
    public let migrations: [Migration]
    private let logger: Logger

    /// Creates a runner for the given migrations.
    public init(migrations: [Migration], logger: Logger) {
        self.migrations = migrations
        self.logger = logger
    }

    /// Applies every pending migration; a no-op when all are applied.
    /// Refuses to run when an applied migration's file changed, naming the file.
    /// Returns the migrations it applied.
    @discardableResult
    public func migrate(_ client: PostgresClient) async throws -> [Migration] {
        try await client.withConnection { connection in
            // One migrator at a time, across processes and machines; taken before creating the
            // bookkeeping table, since concurrent CREATE TABLE IF NOT EXISTS can still collide.
            try await connection.query("SELECT pg_advisory_lock(7023447736)", logger: logger)
            do {
                try await self.ensureTable(connection)
                let applied = try await self.verify(connection)
                var done: [Migration] = []
                for migration in migrations where applied[migration.version] == nil {
                    try await self.apply(migration, on: connection)
                    done.append(migration)
                }
                try await connection.query("SELECT pg_advisory_unlock(7023447736)", logger: logger)
                return done
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(7023447736)", logger: logger)
                throw error
            }
        }
    }

    /// Lists applied and pending migrations; throws when an applied file changed.
    public func status(_ client: PostgresClient) async throws -> [Entry] {
        try await client.withConnection { connection in
            // Read-only: a database never migrated has no bookkeeping table yet, and all are pending.
            let exists = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
            var hasTable = false
            for try await value in exists.decode(Bool.self) { hasTable = value }
            let applied = hasTable ? try await self.verify(connection) : [:]
            var entries = migrations.map { Entry(version: $0.version, name: $0.name, appliedAt: applied[$0.version]?.appliedAt) }
            // Applied migrations the checkout does not have (a newer checkout migrated this database).
            for (version, row) in applied where !migrations.contains(where: { $0.version == version }) {
                entries.append(Entry(version: version, name: row.name, appliedAt: row.appliedAt))
            }
            return entries.sorted { $0.version < $1.version }
        }
    }

    private struct AppliedRow {
        var name: String
        var checksum: String
        var appliedAt: Date
    }

    private func ensureTable(_ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version     integer PRIMARY KEY,
                name        text NOT NULL,
                checksum    text NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            )
            """, logger: logger)
    }

    private func verify(_ connection: PostgresConnection) async throws -> [Int: AppliedRow] {
        var applied: [Int: AppliedRow] = [:]
        let rows = try await connection.query(
            "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version", logger: logger)
        for try await (version, name, checksum, appliedAt) in rows.decode((Int, String, String, Date).self) {
            applied[version] = AppliedRow(name: name, checksum: checksum, appliedAt: appliedAt)
        }
        for migration in migrations {
            if let row = applied[migration.version], row.checksum != migration.checksum {
                throw StoreError(
                    .migrationChanged,
                    "Migration \(migration.fileName) was changed after it was applied (checksum \(row.checksum.prefix(12)) in the database, \(migration.checksum.prefix(12)) on disk); add a new migration instead of editing an applied one.")
            }
        }
        return applied
    }

    private func apply(_ migration: Migration, on connection: PostgresConnection) async throws {
        logger.info("applying migration", metadata: ["migration": "\(migration.fileName)"])
        let statements = SQLScript.statements(migration.sql)
        do {
            try await connection.withTransaction(logger: logger) { connection in
                for statement in statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(migration.checksum))",
                    logger: logger)
            }
        } catch {
            throw StoreError(.migrationFailed, "Migration \(migration.fileName) failed and was rolled back: \(PostgresErrorText.describe(error)).")
        }
    }
}
