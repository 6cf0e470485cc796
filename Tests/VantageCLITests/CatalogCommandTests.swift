import Foundation
import Testing
import VantageTestSupport

@Suite("vantage catalog, workers, tasks", .enabled(if: TestDatabase.isConfigured), .serialized)
struct CatalogCommandTests {
    @Test func adminFlow() async throws {
        try await TestDatabase.withEmptyDatabase { url in
            let vantage = CommandRunner(environment: ["VANTAGE_DATABASE_URL": url.string(includingPassword: true)])
            let imported = try vantage.run(["catalog", "import", "objectnet", "--rooms", "kitchen,bedroom,garage"])
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect(imported.stdout.contains("imported 313 classes (313 new), 125 ImageNet links"))
            #expect(try vantage.run(["catalog", "import", "objectnet"]).stdout.contains("(0 new)"))
            #expect(try vantage.run(["catalog", "list"]).stdout.contains("Alarm clock\tnone\t409;530"))

            let added = try vantage.run(["workers", "add", "ana", "--rooms", "garage,kitchen", "--json"])
            #expect(added.status == 0, "\(added.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(added.stdout.utf8)) as? [String: Any])
            #expect(json["name"] as? String == "ana" && (json["token"] as? String)?.count == 43 && json["id"] is Int)

            let badRoom = try vantage.run(["workers", "add", "bob", "--rooms", "attic"])
            #expect(badRoom.status != 0 && badRoom.stderr.contains("Unknown room \"attic\""))
            let badWorker = try vantage.run(["tasks", "generate", "--count", "5", "--worker", "zed", "--seed", "1"])
            #expect(badWorker.status != 0 && badWorker.stderr.contains("No worker named zed."))
            #expect(try vantage.run(["tasks", "generate", "--count", "0", "--seed", "1"]).status != 0)

            let generated = try vantage.run(["tasks", "generate", "--count", "20", "--worker", "ana", "--seed", "3", "--classes", "overlap", "--expires-in", "2d"])
            #expect(generated.status == 0, "\(generated.stderr)")
            let csv = try vantage.run(["tasks", "list", "--worker", "ana", "--status", "open", "--format", "csv"])
            let lines = csv.stdout.split(separator: "\n")
            #expect(lines.first == "id,worker,room,viewpoint,rotation,offered_classes,status,issued_at,expires_at")
            #expect(lines.count == 21)
            #expect(lines.dropFirst().allSatisfy { $0.contains(",ana,") && ($0.contains("garage") || $0.contains("kitchen")) })
            let stats = try vantage.run(["tasks", "stats", "--json"])
            let statsJSON = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
            #expect(statsJSON["total"] as? Int == 20)

            let folder = try Fixtures.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("bad.csv")
            try Data("name,imagenet_ids,symmetry\nZorbax,,none\nCup,abc,none\n".utf8).write(to: file)
            let bad = try vantage.run(["catalog", "import", file.path])
            #expect(bad.status != 0 && bad.stderr.contains("bad.csv line 3"))
            #expect(!(try vantage.run(["catalog", "list"]).stdout.contains("\tZorbax\t")))

            #expect(try vantage.run(["workers", "revoke", "ana"]).stdout.contains("revoked"))
            #expect(try vantage.run(["workers", "list"]).stdout.contains("ana\trevoked"))
        }
    }
}
