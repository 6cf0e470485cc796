import Foundation
import Logging
import Photo
import PostgresNIO
import Store
import Testing
import VantageTestSupport

/// A migrated database set up through the CLI (catalog, workers, tasks), with photos recorded the
/// way the upload server records them and their blobs under a temporary blob root.
struct CLIPhotoWorld: Sendable {
    let client: PostgresClient
    let vantage: CommandRunner
    let blobs: BlobStore
    let folder: URL

    static func make(_ client: PostgresClient, url: DatabaseURL, workers: [String]) throws -> CLIPhotoWorld {
        let folder = try Fixtures.temporaryFolder("vantage-cli-review")
        let blobRoot = folder.appendingPathComponent("blobs", isDirectory: true)
        let vantage = CommandRunner(environment: [
            "VANTAGE_DATABASE_URL": url.string(includingPassword: true), "VANTAGE_BLOB_ROOT": blobRoot.path, "USER": "tester",
        ])
        #expect(try vantage.run(["catalog", "import", "objectnet", "--rooms", "kitchen"]).status == 0)
        for worker in workers {
            #expect(try vantage.run(["workers", "add", worker, "--rooms", "kitchen"]).status == 0)
            #expect(try vantage.run(["tasks", "generate", "--count", "8", "--worker", worker, "--seed", "5", "--classes", "overlap"]).status == 0)
        }
        return CLIPhotoWorld(client: client, vantage: vantage, blobs: BlobStore(root: blobRoot), folder: folder)
    }

    /// Records a photo (with a real stored JPEG unless rejected) on the worker's next open task; returns its id.
    @discardableResult
    func photo(_ worker: String, _ verdict: String, reasons: [String] = [], seed: UInt64 = 1) async throws -> Int64 {
        let logger = TestDatabase.logger
        let tasks = try await PostgresTaskRepository(client: client, logger: logger).list(workerName: worker, status: .open, now: Date())
        let task = try #require(tasks.first)
        let jpeg = try PhotoFixtures.jpeg(PhotoFixtures.scene(width: 120, height: 90, seed: seed), exif: nil)
        let key = verdict == "rejected" ? nil : try blobs.put(Data(jpeg))
        let digest = Data(BlobStore.key(for: jpeg).chunked().map { UInt8($0, radix: 16)! })
        let outcome = try await PostgresUploadRepository(client: client, logger: logger).record(NewPhoto(
            taskID: task.task.id, workerID: task.task.workerID, classID: task.offeredClasses[0].id, verdict: verdict,
            reasons: reasons.map { PhotoReasonRecord(code: $0, severity: verdict == "rejected" ? "reject" : "flag", message: "\($0).") },
            uploadSHA256: digest, blobSHA256: key == nil ? nil : digest, byteSize: jpeg.count, width: 120, height: 90, phash: nil,
            devicePitch: nil, deviceRoll: nil, capturedAt: Date(timeIntervalSince1970: 1_790_000_000), idempotencyKey: "\(worker)-\(task.task.id)-\(seed)",
            exifJSON: "{}"))
        guard case .recorded(let stored) = outcome else { throw StoreError(.conflict, "not recorded") }
        return try #require(try await PostgresReviewRepository(client: client, logger: logger).item(.publicID(stored.publicID))).id
    }
}

extension String {
    /// Two-character pieces (hex bytes).
    func chunked() -> [String] {
        stride(from: 0, to: count, by: 2).map { String(dropFirst($0).prefix(2)) }
    }
}

func jsonObject(_ text: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
}

@Suite("vantage review and worker quality", .enabled(if: TestDatabase.isConfigured), .serialized)
struct ReviewCommandTests {
    @Test func reviewFlow() async throws {
        try await TestDatabase.withMigratedDatabase { client, url in
            let world = try CLIPhotoWorld.make(client, url: url, workers: ["ana"])
            defer { try? FileManager.default.removeItem(at: world.folder) }
            let vantage = world.vantage
            let blurry = try await world.photo("ana", "flagged", reasons: ["blurry"], seed: 1)
            let camera = try await world.photo("ana", "flagged", reasons: ["camera_unknown"], seed: 2)
            let accepted = try await world.photo("ana", "accepted", seed: 3)

            let next = try vantage.run(["review", "next", "--json"])
            #expect(next.status == 0, "\(next.stderr)")
            let item = jsonObject(next.stdout)
            #expect(item["id"] as? Int == Int(blurry) && item["reviewStatus"] as? String == "pending")
            #expect(((item["reasons"] as? [[String: Any]])?.first?["code"] as? String) == "blurry")
            let path = try #require(item["storedPath"] as? String)
            #expect(FileManager.default.fileExists(atPath: path))
            #expect(try vantage.run(["review", "next"]).stdout.contains("room kitchen"))

            // Bad input: one sentence, non-zero exit, nothing written.
            let notFlagged = try vantage.run(["review", "approve", String(accepted), "--reviewer", "rita"])
            #expect(notFlagged.status != 0 && notFlagged.stderr.contains("not flagged, so there is nothing to review"))
            #expect(notFlagged.stderr.split(separator: "\n").count == 1)
            let badReason = try vantage.run(["review", "reject", String(blurry), "--reason", "ugly"])
            #expect(badReason.status != 0 && badReason.stderr.contains("Unknown review reason \"ugly\""))
            #expect(try vantage.run(["review", "approve", "abc"]).status != 0)
            #expect(try vantage.run(["review", "approve", "424242"]).stderr.contains("There is no photo 424242."))
            #expect(try vantage.run(["review", "bulk-approve", "--where-only-flags", "too_dark"]).status != 0, "reject codes are not flags")
            #expect(jsonObject(try vantage.run(["review", "show", String(blurry), "--json"]).stdout)["history"] as? [Any] != nil)
            #expect((jsonObject(try vantage.run(["review", "show", String(blurry), "--json"]).stdout)["history"] as? [Any])?.isEmpty == true)

            // Decisions and their history.
            let reject = try vantage.run(["review", "reject", String(blurry), "--reason", "screen_photo", "--note", "a monitor", "--reviewer", "rita"])
            #expect(reject.status == 0 && reject.stdout.contains("rejected (screen_photo) by rita"), "\(reject.stderr)")
            let twice = try vantage.run(["review", "approve", String(blurry)])
            #expect(twice.status != 0 && twice.stderr.contains("already rejected by rita"))
            #expect(try vantage.run(["review", "reopen", String(blurry), "--reviewer", "sam"]).status == 0)
            #expect(try vantage.run(["review", "approve", String(blurry)]).stdout.contains("approved by tester"), "$USER is the default reviewer")
            let history = jsonObject(try vantage.run(["review", "show", String(blurry), "--json"]).stdout)["history"] as? [[String: Any]] ?? []
            #expect(history.map { $0["decision"] as? String } == ["reject", "reopen", "approve"])
            #expect(history.map { $0["reviewer"] as? String } == ["rita", "sam", "tester"])

            let bulk = try vantage.run(["review", "bulk-approve", "--where-only-flags", "camera_unknown,edited"])
            #expect(bulk.status == 0 && bulk.stdout.contains("approved 1 photos: \(camera)"), "\(bulk.stderr)")
            #expect(try vantage.run(["review", "next"]).stdout.contains("the review queue is empty"))
            #expect(try vantage.run(["review", "next", "--json"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "null")
        }
    }

    @Test func holdAndRelease() async throws {
        try await TestDatabase.withMigratedDatabase { client, url in
            let world = try CLIPhotoWorld.make(client, url: url, workers: ["bob"])
            defer { try? FileManager.default.removeItem(at: world.folder) }
            let vantage = world.vantage
            #expect(try vantage.run(["workers", "policy"]).stdout.contains("max rejection rate 0.5, min photos 20"))
            #expect(try vantage.run(["workers", "policy", "--max-rejection-rate", "2"]).status != 0)
            #expect(try vantage.run(["workers", "policy", "--max-rejection-rate", "0.5", "--min-photos", "3"]).stdout.contains("min photos 3"))

            try await world.photo("bob", "accepted", seed: 1)
            try await world.photo("bob", "rejected", reasons: ["too_dark"], seed: 2)
            try await world.photo("bob", "rejected", reasons: ["too_dark"], seed: 3)
            let report = try vantage.run(["workers", "report", "--json"])
            #expect(report.status == 0, "\(report.stderr)")
            let rows = (try JSONSerialization.jsonObject(with: Data(report.stdout.utf8))) as? [[String: Any]] ?? []
            let bob = try #require(rows.first { $0["worker"] as? String == "bob" })
            #expect(bob["status"] as? String == "on_hold" && bob["uploads"] as? Int == 3 && bob["rejected"] as? Int == 2)
            #expect((bob["rejectedByReason"] as? [String: Int]) == ["too_dark": 2])
            #expect(try vantage.run(["workers", "report"]).stdout.contains("bob\ton_hold\t3\t1\t0\t0\t0\t0\t2\t0.667\ttoo_dark=2\t-"))

            let noTasks = try vantage.run(["tasks", "generate", "--count", "1", "--worker", "bob", "--seed", "1"])
            #expect(noTasks.status != 0 && noTasks.stderr.contains("on hold"))
            #expect(try vantage.run(["workers", "list"]).stdout.contains("bob\ton_hold"))

            let release = try vantage.run(["workers", "release", "bob", "--by", "admin", "--note", "retrained"])
            #expect(release.status == 0 && release.stdout.contains("bob is active"), "\(release.stderr)")
            let again = try vantage.run(["workers", "release", "bob"])
            #expect(again.status != 0 && again.stderr.contains("Worker bob is active, not on hold."))
            #expect(try vantage.run(["tasks", "generate", "--count", "1", "--worker", "bob", "--seed", "1"]).status == 0)
            #expect(try vantage.run(["workers", "enforce"]).stdout.contains("no worker put on hold"))
            #expect(try vantage.run(["workers", "hold", "bob", "--reason", "shared background"]).stdout.contains("bob is on_hold"))
        }
    }
}
