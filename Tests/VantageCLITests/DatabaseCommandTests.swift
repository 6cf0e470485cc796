import Foundation
import Testing
import VantageTestSupport

@Suite("vantage db", .serialized)
struct DatabaseCommandTests {
    @Test func localClusterLifecycle() throws {
        let home = try Fixtures.temporaryFolder("vantage-home")
        let vantage = CommandRunner(environment: ["VANTAGE_HOME": home.path])
        defer {
            _ = try? vantage.run(["db", "stop"])
            try? FileManager.default.removeItem(at: home)
        }

        let fresh = try vantage.run(["db", "status"])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(fresh.stdout.contains("stopped"))

        let start = try vantage.run(["db", "start"])
        #expect(start.status == 0, "\(start.stderr)")
        let again = try vantage.run(["db", "start"])
        #expect(again.status == 0, "starting twice must be harmless: \(again.stderr)")

        let pending = try vantage.run(["db", "status"])
        #expect(pending.stdout.contains("running on port"))
        #expect(pending.stdout.contains("0 applied"))
        #expect(pending.stdout.contains("0001_initial  pending"))

        let migrate = try vantage.run(["db", "migrate"])
        #expect(migrate.status == 0, "\(migrate.stderr)")
        #expect(migrate.stdout.contains("applied 0001_initial.sql"))
        let noop = try vantage.run(["db", "migrate"])
        #expect(noop.stdout.contains("up to date"))

        let applied = try vantage.run(["db", "status", "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(applied.stdout.utf8)) as? [String: Any])
        let migrations = try #require(json["migrations"] as? [[String: Any]])
        #expect(!migrations.isEmpty)
        #expect(migrations.allSatisfy { $0["applied_at"] is String })

        // The printed URL works for psql.
        let url = try vantage.run(["db", "url"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(url.hasPrefix("postgres://vantage:"))
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        psql.arguments = [url, "-tAc", "SELECT count(*) FROM schema_migrations"]
        let pipe = Pipe()
        psql.standardOutput = pipe
        try psql.run()
        let count = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        psql.waitUntilExit()
        #expect(psql.terminationStatus == 0)
        #expect(Int(count.trimmingCharacters(in: .whitespacesAndNewlines)) == migrations.count)

        let stop = try vantage.run(["db", "stop"])
        #expect(stop.status == 0)
        #expect(try vantage.run(["db", "status"]).stdout.contains("stopped"))
        #expect(try vantage.run(["db", "stop"]).status == 0, "stopping twice must be harmless")

        // Any command that needs the database starts the local cluster itself.
        let migrateStopped = try vantage.run(["db", "migrate"])
        #expect(migrateStopped.status == 0, "\(migrateStopped.stderr)")
        #expect(try vantage.run(["db", "status"]).stdout.contains("running on port"))
    }

    @Test(.enabled(if: TestDatabase.isConfigured, "needs VANTAGE_TEST_DATABASE_URL"))
    func externalDatabase() async throws {
        try await TestDatabase.withEmptyDatabase { url in
            let vantage = CommandRunner(environment: ["VANTAGE_DATABASE_URL": url.string(includingPassword: true)])
            let migrate = try vantage.run(["db", "migrate"])
            #expect(migrate.status == 0, "\(migrate.stderr)")
            let status = try vantage.run(["db", "status"])
            #expect(status.status == 0)
            #expect(status.stdout.contains("0 pending"))
            #expect(try vantage.run(["db", "migrate"]).stdout.contains("up to date"))
        }
    }

    @Test(arguments: [
        ("postgres://nobody@127.0.0.1:1/vantage?sslmode=disable", "Cannot reach the database at 127.0.0.1:1"),
        ("mysql://nobody@localhost/vantage", "The database URL is not valid"),
    ])
    func badDatabaseURLGivesOneSentence(url: String, expected: String) throws {
        let vantage = CommandRunner(environment: ["VANTAGE_DATABASE_URL": url])
        let result = try vantage.run(["db", "migrate"])
        #expect(result.status != 0)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "one sentence, no stack trace: \(result.stderr)")
    }
}
