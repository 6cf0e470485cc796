import Foundation
import Logging
import PostgresNIO
import Store
import Testing
import VantageTestSupport

/// A catalog, workers with tasks, and a way to record photos through the upload repository.
struct ReviewWorld: Sendable {
    let client: PostgresClient
    let logger: Logger

    static func make(_ client: PostgresClient, workers: [String]) async throws -> ReviewWorld {
        let logger = TestDatabase.logger
        _ = try await PostgresCatalogRepository(client: client, logger: logger)
            .importCatalog(.objectNet, fixtures: Fixtures.packageRoot.appendingPathComponent("Fixtures"))
        let repository = PostgresWorkerRepository(client: client, logger: logger)
        for name in workers { _ = try await repository.add(name: name, rooms: ["kitchen"]) }
        return ReviewWorld(client: client, logger: logger)
    }

    /// Records one photo for a fresh task of `worker`; returns its database id.
    @discardableResult
    func photo(_ worker: String, _ verdict: String, reasons: [String] = [], receivedAt: Date = Date()) async throws -> Int64 {
        let tasks = PostgresTaskRepository(client: client, logger: logger)
        let batch = try await tasks.generate(.init(assignment: .worker(name: worker, count: 1), classes: .overlap, seed: UInt64.random(in: 0...1000)))
        let task = try #require(try await tasks.list(workerName: worker, status: nil, now: Date()).first { $0.task.batchID == batch.batchID })
        let severity = verdict == "rejected" ? "reject" : "flag"
        let bytes = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
        let outcome = try await PostgresUploadRepository(client: client, logger: logger).record(
            NewPhoto(
                taskID: task.task.id, workerID: task.task.workerID, classID: task.offeredClasses[0].id, verdict: verdict,
                reasons: reasons.map { PhotoReasonRecord(code: $0, severity: severity, message: "The \($0) check fired.") },
                uploadSHA256: bytes, blobSHA256: verdict == "rejected" ? nil : bytes, byteSize: 100, width: 800, height: 600,
                phash: nil, devicePitch: nil, deviceRoll: nil, capturedAt: receivedAt, idempotencyKey: nil, exifJSON: "{}"),
            now: receivedAt)
        guard case .recorded(let stored) = outcome else { throw StoreError(.conflict, "not recorded: \(outcome)") }
        var id: Int64 = 0
        for try await value in try await client.query("SELECT id FROM photos WHERE public_id = \(stored.publicID)", logger: logger)
            .decode(Int64.self) { id = value }
        return id
    }

    func count(_ sql: String) async throws -> Int {
        var count: Int64 = 0
        for try await value in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int64.self) { count = value }
        return Int(count)
    }
}

@Suite("Review queue and worker quality in PostgreSQL", .enabled(if: TestDatabase.isConfigured))
struct ReviewRepositoryTests {
    @Test func reviewTransitionsAndAuditTrail() async throws {
        try await TestDatabase.withMigratedDatabase { client, _ in
            let world = try await ReviewWorld.make(client, workers: ["ana"])
            let start = Date().addingTimeInterval(-100)
            let flaggedFirst = try await world.photo("ana", "flagged", reasons: ["blurry"], receivedAt: start)
            let flaggedSecond = try await world.photo("ana", "flagged", reasons: ["camera_unknown", "edited"], receivedAt: start + 1)
            let accepted = try await world.photo("ana", "accepted", receivedAt: start + 2)
            let rejected = try await world.photo("ana", "rejected", reasons: ["too_dark"], receivedAt: start + 3)
            let reviews = PostgresReviewRepository(client: client, logger: world.logger)

            #expect(try await reviews.pendingCount() == 2)
            let next = try #require(try await reviews.next())
            #expect(next.id == flaggedFirst && next.reviewStatus == "pending" && next.room == "kitchen")
            #expect(next.reasons.map(\.code) == ["blurry"] && next.history.isEmpty && next.blobKey?.count == 64)

            // Photos that were never flagged have nothing to review; nothing is written.
            for id in [accepted, rejected] {
                await #expect(throws: StoreError.self) { try await reviews.approve(.id(id), reviewer: "rita") }
                await #expect(throws: StoreError.self) { try await reviews.reject(.id(id), reason: .blurry, reviewer: "rita") }
            }
            await #expect(throws: StoreError.self) { try await reviews.approve(.id(999_999), reviewer: "rita") }
            await #expect(throws: StoreError.self) { try await reviews.approve(.id(flaggedFirst), reviewer: " ") }
            #expect(throws: StoreError.self) { try ReviewReason(code: "ugly") }
            #expect(try await world.count("SELECT count(*) FROM reviews") == 0)

            // pending → rejected → (second decision refused) → reopened → approved: three rows, in order.
            let rejection = try await reviews.reject(.id(flaggedFirst), reason: .screenPhoto, reviewer: "rita", note: "monitor bezel")
            #expect(rejection.decision == .reject && rejection.reason == .screenPhoto)
            do {
                _ = try await reviews.approve(.id(flaggedFirst), reviewer: "sam")
                Issue.record("a decided photo was decided again")
            } catch let error as StoreError {
                #expect(error.code == .conflict && error.message.contains("already rejected by rita"))
            }
            _ = try await reviews.reopen(.id(flaggedFirst), reviewer: "sam", note: "looks real")
            await #expect(throws: StoreError.self) { try await reviews.reopen(.id(flaggedFirst), reviewer: "sam") }
            let publicID = try #require(try await reviews.item(.id(flaggedFirst))?.publicID)
            _ = try await reviews.approve(.publicID(publicID), reviewer: "sam")
            let item = try #require(try await reviews.item(.id(flaggedFirst)))
            #expect(item.reviewStatus == "approved")
            #expect(item.history.map(\.decision) == [.reject, .reopen, .approve])
            #expect(item.history.map(\.reviewer) == ["rita", "sam", "sam"])
            #expect(item.history[0].note == "monitor bezel" && item.history[0].reason == .screenPhoto)
            #expect(zip(item.history, item.history.dropFirst()).allSatisfy { $0.decidedAt <= $1.decidedAt })
            // approved → pending → rejected: the earlier rows stay as they were.
            _ = try await reviews.reopen(.id(flaggedFirst), reviewer: "rita")
            _ = try await reviews.reject(.id(flaggedFirst), reason: .other, reviewer: "rita", note: "second look")
            let final = try #require(try await reviews.item(.id(flaggedFirst)))
            #expect(final.reviewStatus == "rejected" && final.history.map(\.decision) == [.reject, .reopen, .approve, .reopen, .reject])
            #expect(Array(final.history.prefix(3)) == item.history)

            // History is append-only in the database itself.
            await #expect(throws: (any Error).self) {
                try await client.query("UPDATE reviews SET reviewer = 'mallory'", logger: world.logger)
            }
            await #expect(throws: (any Error).self) { try await client.query("DELETE FROM reviews", logger: world.logger) }
            #expect(try await world.count("SELECT count(*) FROM reviews WHERE reviewer = 'mallory'") == 0)

            // Bulk approval only takes photos whose every reason is listed.
            let onlyCamera = try await world.photo("ana", "flagged", reasons: ["camera_unknown"], receivedAt: start + 4)
            #expect(try await reviews.bulkApprove(onlyFlags: ["camera_unknown"], reviewer: "rita") == [onlyCamera])
            #expect(try await reviews.item(.id(flaggedSecond))?.reviewStatus == "pending")
            #expect(try await reviews.bulkApprove(onlyFlags: ["camera_unknown", "edited"], reviewer: "rita", note: "bulk") == [flaggedSecond])
            #expect(try await reviews.bulkApprove(onlyFlags: ["edited"], reviewer: "rita").isEmpty)
            await #expect(throws: StoreError.self) { try await reviews.bulkApprove(onlyFlags: ["Not A Code"], reviewer: "rita") }
            #expect(try await reviews.item(.id(flaggedSecond))?.history.map(\.note) == ["bulk"])
            #expect(try await reviews.next() == nil)
        }
    }

    @Test func twoReviewersCannotBothDecideOnePhoto() async throws {
        try await TestDatabase.withMigratedDatabase { client, _ in
            let world = try await ReviewWorld.make(client, workers: ["ana"])
            let reviews = PostgresReviewRepository(client: client, logger: world.logger)
            for round in 0..<5 {
                let id = try await world.photo("ana", "flagged", reasons: ["blurry"])
                let outcomes = await withTaskGroup(of: Bool.self) { group in
                    for reviewer in 0..<4 {
                        group.addTask {
                            do {
                                if (reviewer + round) % 2 == 0 {
                                    _ = try await reviews.approve(.id(id), reviewer: "r\(reviewer)")
                                } else {
                                    _ = try await reviews.reject(.id(id), reason: .blurry, reviewer: "r\(reviewer)")
                                }
                                return true
                            } catch {
                                return false
                            }
                        }
                    }
                    var results: [Bool] = []
                    for await result in group { results.append(result) }
                    return results
                }
                #expect(outcomes.filter { $0 }.count == 1)
                #expect(try await reviews.item(.id(id))?.history.count == 1)
            }
        }
    }

    @Test func holdAfterThresholdAndRelease() async throws {
        try await TestDatabase.withMigratedDatabase { client, _ in
            let world = try await ReviewWorld.make(client, workers: ["bob", "cay"])
            let quality = PostgresWorkerQualityRepository(client: client, logger: world.logger)
            #expect(try await quality.policy() == .standard)
            _ = try await quality.setPolicy(WorkerQualityPolicy(enabled: true, maxRejectionRate: 0.5, minPhotos: 4))
            await #expect(throws: StoreError.self) {
                try await quality.setPolicy(WorkerQualityPolicy(enabled: true, maxRejectionRate: 1.5, minPhotos: 4))
            }
            let workers = PostgresWorkerRepository(client: client, logger: world.logger)
            let tasks = PostgresTaskRepository(client: client, logger: world.logger)

            // 1 of 2, 2 of 3: too few photos. 2 of 4: not above half. 3 of 5: held by the upload itself.
            try await world.photo("bob", "accepted")
            try await world.photo("bob", "rejected", reasons: ["too_dark"])
            try await world.photo("bob", "rejected", reasons: ["too_dark", "blurry"])
            try await world.photo("bob", "accepted")
            #expect(try await workers.worker(named: "bob")?.status == .active)
            try await world.photo("bob", "rejected", reasons: ["blurry"])
            #expect(try await workers.worker(named: "bob")?.status == .onHold)

            let bob = try #require(try await quality.report().first { $0.worker == "bob" })
            #expect(bob.status == "on_hold" && bob.holdReason?.contains("3 of 5 photos rejected") == true)
            #expect(bob.uploads == 5 && bob.accepted == 2 && bob.rejected == 3 && bob.flagged == 0)
            #expect(bob.rejectedByReason == ["too_dark": 2, "blurry": 2])
            #expect(abs(bob.rejectionRate - 0.6) < 1e-9)

            // Held: no new tasks, and the token lookup the server uses reports the hold (403).
            await #expect(throws: StoreError.self) { try await tasks.generate(.init(assignment: .worker(name: "bob", count: 1), seed: 1)) }
            let generated = try await tasks.generate(.init(assignment: .perWorker(count: 2), seed: 2))
            #expect(generated.workers == 1)
            #expect(try await world.count(
                "SELECT count(*) FROM tasks t JOIN workers w ON w.id = t.worker_id WHERE w.name = 'bob' AND t.batch_id = \(generated.batchID)") == 0)

            // Release: active again, and the policy counts only photos from now on.
            await #expect(throws: StoreError.self) { try await quality.release(name: "cay", actor: "admin") }
            await #expect(throws: StoreError.self) { try await quality.release(name: "nobody", actor: "admin") }
            #expect(try await quality.release(name: "bob", actor: "admin", note: "talked to bob").status == .active)
            try await world.photo("bob", "rejected", reasons: ["blurry"])
            let released = try #require(try await quality.report().first { $0.worker == "bob" })
            #expect(released.status == "active" && released.holdReason == nil && released.policyPhotos == 1 && released.uploads == 6)

            // A reviewer's rejection counts too: cay 1 accepted + 3 flagged, two rejected by review → 2 of 4, then 3 of 4.
            let reviews = PostgresReviewRepository(client: client, logger: world.logger)
            try await world.photo("cay", "accepted")
            var flagged: [Int64] = []
            for _ in 0..<3 { flagged.append(try await world.photo("cay", "flagged", reasons: ["camera_unknown"])) }
            _ = try await reviews.reject(.id(flagged[0]), reason: .wrongRoom, reviewer: "rita")
            _ = try await reviews.reject(.id(flagged[1]), reason: .wrongRoom, reviewer: "rita")
            #expect(try await workers.worker(named: "cay")?.status == .active)
            _ = try await reviews.reject(.id(flagged[2]), reason: .faceOrPrivate, reviewer: "rita")
            let cay = try #require(try await quality.report().first { $0.worker == "cay" })
            #expect(cay.status == "on_hold" && cay.reviewerRejected == 3 && cay.reviewerRejectedByReason == ["wrong_room": 2, "face_or_private": 1])

            // enforce applies a tightened policy to everyone; a manual hold needs an active worker.
            _ = try await quality.release(name: "cay", actor: "admin")
            _ = try await quality.setPolicy(WorkerQualityPolicy(enabled: true, maxRejectionRate: 0.5, minPhotos: 1))
            #expect(try await quality.enforce() == ["bob"])
            #expect(try await quality.enforce().isEmpty)
            #expect(try await quality.hold(name: "cay", actor: "admin", reason: "shared background").status == .onHold)
            await #expect(throws: StoreError.self) { try await quality.hold(name: "cay", actor: "admin", reason: "again") }
            #expect(try await world.count("SELECT count(*) FROM worker_holds") == 6)
            await #expect(throws: (any Error).self) { try await client.query("DELETE FROM worker_holds", logger: world.logger) }
        }
    }
}
