import Foundation
import PostgresNIO
import Store
import Testing
import VantageTestSupport

@Suite("store check and uploads that re-use a blob", .enabled(if: TestDatabase.isConfigured))
struct StoreCheckTests {
    @Test func repairNeverSweepsABlobAnUploadIsReusing() async throws {
        try await TestDatabase.withMigratedDatabase { client, _ in
            let world = try await ReviewWorld.make(client, workers: ["ana"])
            let folder = try Fixtures.temporaryFolder("vantage-blobs")
            defer { try? FileManager.default.removeItem(at: folder) }
            let blobs = BlobStore(root: folder)
            let old = Date().addingTimeInterval(-7200)
            func oldBlob(_ text: String) throws -> (key: String, digest: Data) {
                let key = try blobs.put(Data(text.utf8))
                try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: blobs.url(forKey: key).path)
                return (key, try #require(BlobStore.digest(hex: key)))
            }
            // An old blob no row names yet: exactly what an upload of the same photo finds on disk.
            let reused = try oldBlob("the same photo again")
            let orphan = try oldBlob("a photo whose row never committed")

            let tasks = PostgresTaskRepository(client: client, logger: world.logger)
            let batch = try await tasks.generate(.init(assignment: .worker(name: "ana", count: 1), classes: .overlap, seed: 9))
            let task = try #require(try await tasks.list(workerName: "ana", status: nil, now: Date()).first { $0.task.batchID == batch.batchID })
            let photo = NewPhoto(
                taskID: task.task.id, workerID: task.task.workerID, classID: task.offeredClasses[0].id, verdict: "accepted",
                reasons: [], uploadSHA256: reused.digest, blobSHA256: reused.digest, byteSize: 20, width: 800, height: 600,
                phash: nil, devicePitch: nil, deviceRoll: nil, capturedAt: nil, idempotencyKey: nil, exifJSON: "{}")
            let check = StoreCheck(client: client, blobs: blobs, logger: world.logger)
            let (entered, signal) = AsyncStream.makeStream(of: Void.self)
            let report = try await withThrowingTaskGroup(of: StoreCheck.Report?.self) { group in
                group.addTask {
                    let outcome = try await PostgresUploadRepository(client: client, logger: world.logger).record(photo) {
                        // Inside the upload's transaction, holding the blob's lock: the sweep runs now.
                        signal.yield()
                        try await Task.sleep(for: .milliseconds(800))
                    }
                    guard case .recorded = outcome else { throw StoreError(.conflict, "not recorded: \(outcome)") }
                    return nil
                }
                group.addTask {
                    for await _ in entered { break }
                    return try await check.run(repair: true, grace: 60)
                }
                var report: StoreCheck.Report?
                for try await result in group { report = report ?? result }
                return try #require(report)
            }
            #expect(blobs.contains(key: reused.key), "the re-used blob survives the sweep")
            #expect(!blobs.contains(key: orphan.key), "a real orphan is still swept")
            #expect(report.removedOrphans == 1)
            let again = try await check.run(repair: false)
            #expect(again.rowsWithoutBlobs.isEmpty && again.orphanBlobs.isEmpty)
        }
    }
}
