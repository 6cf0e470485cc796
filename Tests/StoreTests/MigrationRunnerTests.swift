import Foundation
import PostgresNIO
import Testing
import VantageTestSupport
@testable import Store

@Suite("Migrations", .enabled(if: TestDatabase.isConfigured, "needs VANTAGE_TEST_DATABASE_URL"))
struct MigrationRunnerTests {
    let projectMigrations = try! Migration.load(from: Fixtures.packageRoot.appendingPathComponent("Migrations"))

    @Test func appliesToAnEmptyDatabaseThenIsANoOp() async throws {
        let migrations = projectMigrations
        try await TestDatabase.withEmptyDatabase { url in
            try await Database.withClient(url: url, logger: TestDatabase.logger) { client in
                let runner = MigrationRunner(migrations: migrations, logger: TestDatabase.logger)
                let before = try await runner.status(client)
                #expect(before.allSatisfy { $0.appliedAt == nil })
                #expect(before.count == migrations.count)

                let first = try await runner.migrate(client)
                #expect(first.map(\.version) == migrations.map(\.version))
                let after = try await runner.status(client)
                #expect(after.allSatisfy { $0.appliedAt != nil })

                let second = try await runner.migrate(client)
                #expect(second.isEmpty)

                // The domain tables exist.
                let rows = try await client.query(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('classes', 'tasks', 'photos', 'reviews', 'predictions', 'workers', 'rotations')")
                for try await count in rows.decode(Int.self) { #expect(count == 7) }
            }
        }
    }

    @Test func refusesAChangedMigrationNamingTheFile() async throws {
        let original = Migration(version: 1, name: "first", sql: "CREATE TABLE a (id int);")
        let changed = Migration(version: 1, name: "first", sql: "CREATE TABLE a (id bigint);")
        try await TestDatabase.withEmptyDatabase { url in
            try await Database.withClient(url: url, logger: TestDatabase.logger) { client in
                try await MigrationRunner(migrations: [original], logger: TestDatabase.logger).migrate(client)
                let error = await #expect(throws: StoreError.self) {
                    try await MigrationRunner(migrations: [changed], logger: TestDatabase.logger).migrate(client)
                }
                #expect(error?.code == .migrationChanged)
                #expect(error?.message.contains("0001_first.sql") == true)
            }
        }
    }

    @Test func aFailingMigrationRollsBackWhole() async throws {
        let good = Migration(version: 1, name: "good", sql: "CREATE TABLE a (id int);")
        let bad = Migration(version: 2, name: "bad", sql: "CREATE TABLE b (id int);\nSELECT * FROM missing_table;")
        try await TestDatabase.withEmptyDatabase { url in
            try await Database.withClient(url: url, logger: TestDatabase.logger) { client in
                let runner = MigrationRunner(migrations: [good, bad], logger: TestDatabase.logger)
                let error = await #expect(throws: StoreError.self) { try await runner.migrate(client) }
                #expect(error?.message.contains("0002_bad.sql") == true)
                let status = try await runner.status(client)
                #expect(status.map { $0.appliedAt != nil } == [true, false])
                let rows = try await client.query("SELECT count(*) FROM information_schema.tables WHERE table_name = 'b'")
                for try await count in rows.decode(Int.self) { #expect(count == 0) }
            }
        }
    }

    @Test func concurrentMigratorsApplyOnce() async throws {
        let migrations = projectMigrations
        try await TestDatabase.withEmptyDatabase { url in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        try await Database.withClient(url: url, logger: TestDatabase.logger) { client in
                            try await MigrationRunner(migrations: migrations, logger: TestDatabase.logger).migrate(client).count
                        }
                    }
                }
                var total = 0
                for try await count in group { total += count }
                #expect(total == migrations.count)
            }
        }
    }
}

@Suite("SQL script splitting")
struct SQLScriptTests {
    @Test func splitsOnSemicolonsOutsideQuotesCommentsAndDollarBodies() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE a (t text DEFAULT 'x;y');
            /* block; comment */ CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
            SELECT "odd;name" FROM a;
            -- trailing comment only
            """
        let statements = SQLScript.statements(script)
        #expect(statements.count == 3)
        #expect(statements[0].hasSuffix("DEFAULT 'x;y')"))
        #expect(statements[1].contains("$body$ SELECT 1; $body$"))
        #expect(statements[2] == "SELECT \"odd;name\" FROM a")
    }

    @Test func migrationFilesMustBeNumbered() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("SELECT 1;".utf8).write(to: folder.appendingPathComponent("1_bad.sql"))
        #expect(throws: StoreError.self) { try Migration.load(from: folder) }
    }
}

@Suite("Database URLs")
struct DatabaseURLTests {
    @Test func parsesTCPAndSocketForms() throws {
        let tcp = try DatabaseURL(parsing: "postgres://alice:s%40cret@db.example:6543/vantage?sslmode=disable")
        #expect(tcp.host == "db.example")
        #expect(tcp.port == 6543)
        #expect(tcp.username == "alice")
        #expect(tcp.password == "s@cret")
        #expect(tcp.database == "vantage")
        #expect(tcp.tls == .disable)
        #expect(!tcp.string(includingPassword: false).contains("s@cret"))

        let socket = try DatabaseURL(parsing: "postgresql://bob@/db?host=/tmp/pg&port=5433")
        #expect(socket.socketPath == "/tmp/pg/.s.PGSQL.5433")
        #expect(socket.username == "bob")
        #expect(socket.tls == .disable)
    }

    @Test(arguments: ["mysql://x@h/db", "postgres://", "not a url", "postgres://u@h/db?sslmode=sometimes", "postgres://u@h:99999/db"])
    func rejectsBadURLs(_ text: String) {
        #expect(throws: StoreError.self) { try DatabaseURL(parsing: text) }
    }
}
