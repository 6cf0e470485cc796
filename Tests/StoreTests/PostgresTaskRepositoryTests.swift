import Capture
import Foundation
import PostgresNIO
import Store
import Testing
import VantageTestSupport

@Suite("Catalog, workers and tasks in PostgreSQL", .enabled(if: TestDatabase.isConfigured))
struct PostgresTaskRepositoryTests {
    static let fixtures = Fixtures.packageRoot.appendingPathComponent("Fixtures")

    @Test func catalogImportIsIdempotent() async throws {
        try await TestDatabase.withMigratedDatabase { client, _ in
            let catalog = PostgresCatalogRepository(client: client, logger: TestDatabase.logger)
            let first = try await catalog.importCatalog(.objectNet, fixtures: Self.fixtures)
            #expect(first.classes == 313 && first.inserted == 313 && first.imagenetClasses == 1000 && first.imagenetLinks == 125)
            let again = try await catalog.importCatalog(.objectNet, fixtures: Self.fixtures)
            #expect(again.inserted == 0)
            let entries = try await catalog.entries()
            #expect(entries.count == 313)
            #expect(entries.first { $0.catalogClass.name == "T-shirt" }?.catalogClass.folder == "t-shirt")
            #expect(Set(entries.flatMap(\.catalogClass.imagenetIndices)).count == 125)
            let controls = PostgresControlRepository(client: client, logger: TestDatabase.logger)
            #expect(try await controls.rooms().map(\.name) == Room.defaultNames)
            #expect(try await controls.viewpoints().map(\.pitchDegrees) == [-90, -45, 0])
            let rotations = try await controls.rotations()
            #expect(rotations.count == 50)
            #expect(rotations.map(\.id) == RotationSet.standard.rotations.map(\.id))
            #expect(zip(rotations, RotationSet.standard.rotations).allSatisfy { $0.quaternion.angle(to: $1.quaternion) < 1e-6 })  // acos turns a 1-ulp dot error into ~3e-8 rad
        }
    }

    @Test func malformedCustomCatalogWritesNothing() async throws {
        try await TestDatabase.withMigratedDatabase { client, _ in
            let folder = try Fixtures.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("mine.csv")
            try Data("name,imagenet_ids,symmetry\nMug,,none\nBall,,roundish\n".utf8).write(to: file)
            let catalog = PostgresCatalogRepository(client: client, logger: TestDatabase.logger)
            await #expect(throws: CatalogError.self) { try await catalog.importCatalog(.file(file), fixtures: Self.fixtures) }
            #expect(try await catalog.entries().isEmpty)
            try Data("name,imagenet_ids,symmetry\nMug,504,none\nBall,,spherical\n".utf8).write(to: file)
            let result = try await catalog.importCatalog(.file(file), fixtures: Self.fixtures)
            #expect(result.classes == 2 && result.imagenetLinks == 1)
        }
    }

    @Test func workersTokensAndRooms() async throws {
        try await TestDatabase.withMigratedDatabase { client, _ in
            let workers = PostgresWorkerRepository(client: client, logger: TestDatabase.logger)
            let added = try await workers.add(name: "ana", rooms: ["kitchen", "bedroom"])
            #expect(added.worker.rooms == ["kitchen", "bedroom"])
            #expect(added.token.count >= 43)
            #expect(try await workers.worker(tokenHash: WorkerToken.hash(added.token))?.name == "ana")
            #expect(try await workers.worker(tokenHash: WorkerToken.hash(added.token + "x")) == nil)
            await #expect(throws: StoreError.self) { try await workers.add(name: "ana", rooms: ["kitchen"]) }
            await #expect(throws: StoreError.self) { try await workers.add(name: "bob", rooms: ["garage"]) }
            #expect(try await workers.list().map(\.name) == ["ana"])
            #expect(try await workers.revoke(name: "ana").status == .revoked)
            await #expect(throws: StoreError.self) { try await workers.revoke(name: "nobody") }
        }
    }

    @Test func generationIsReproducibleAndAtomic() async throws {
        try await TestDatabase.withMigratedDatabase { client, _ in
            let logger = TestDatabase.logger
            _ = try await PostgresCatalogRepository(client: client, logger: logger).importCatalog(.objectNet, fixtures: Self.fixtures)
            let workers = PostgresWorkerRepository(client: client, logger: logger)
            let ana = try await workers.add(name: "ana", rooms: ["kitchen", "bedroom"]).worker
            _ = try await workers.add(name: "bob", rooms: ["bathroom"])
            let tasks = PostgresTaskRepository(client: client, logger: logger)
            let now = Date()
            let first = try await tasks.generate(.init(assignment: .perWorker(count: 50), classes: .overlap, seed: 11, issuedAt: now))
            #expect(first.tasks == 100 && first.workers == 2 && first.classes == 113)
            let second = try await tasks.generate(.init(assignment: .perWorker(count: 50), classes: .overlap, seed: 11, issuedAt: now))
            let all = try await tasks.list(workerName: nil, status: nil, now: now)
            #expect(all.count == 200)
            let firstBatch = all.filter { $0.task.batchID == first.batchID }, secondBatch = all.filter { $0.task.batchID == second.batchID }
            #expect(firstBatch.map { [$0.task.workerID, $0.task.rotationID, $0.task.viewpointID, $0.task.roomID] + $0.task.offeredClassIDs }
                == secondBatch.map { [$0.task.workerID, $0.task.rotationID, $0.task.viewpointID, $0.task.roomID] + $0.task.offeredClassIDs })
            #expect(all.filter { $0.workerName == "ana" }.allSatisfy { ["kitchen", "bedroom"].contains($0.room.name) })
            #expect(all.filter { $0.workerName == "bob" }.allSatisfy { $0.room.name == "bathroom" })
            #expect(all.allSatisfy { $0.offeredClasses.count == 10 && $0.task.status == .open })
            // COPY sends the times as text with an explicit +00 offset; they must come back as the same instants (to the ms).
            #expect(all.allSatisfy { abs($0.task.issuedAt.timeIntervalSince(now)) < 0.001 })
            #expect(all.allSatisfy { abs($0.task.expiresAt.timeIntervalSince($0.task.issuedAt) - 7 * 86_400) < 0.001 })

            // The server's lookups.
            let open = try await tasks.openTasks(workerID: ana.id, now: now)
            #expect(open.count == 100 && open.allSatisfy { $0.workerName == "ana" })
            #expect(try await tasks.task(id: open[0].task.id) == open[0])
            #expect(try await tasks.openTasks(workerID: ana.id, now: now.addingTimeInterval(8 * 86_400)).isEmpty)
            #expect(try await tasks.list(workerName: "ana", status: .expired, now: now.addingTimeInterval(8 * 86_400)).count == 100)

            // Bad input writes nothing.
            await #expect(throws: StoreError.self) {
                try await tasks.generate(.init(assignment: .worker(name: "nobody", count: 5), seed: 1))
            }
            await #expect(throws: StoreError.self) {
                try await tasks.generate(.init(assignment: .roundRobin(count: 5), classes: .names(["Mug", "Unicorn"]), seed: 1))
            }
            await #expect(throws: StoreError.self) { try await tasks.generate(.init(assignment: .roundRobin(count: 0), seed: 1)) }
            #expect(try await tasks.list(workerName: nil, status: nil, now: now).count == 200)

            let stats = try await tasks.statistics()
            #expect(stats.total == 200)
            #expect(stats.marginals.map(\.variable) == ["room", "viewpoint", "rotation", "first_class"])
            #expect(stats.associations.count == 6)
        }
    }
    /// Migration 0005 checks task references once per statement instead of by foreign keys; the rules
    /// must stay those of the foreign keys it replaced, on both sides.
    @Test func taskReferencesAreStillEnforced() async throws {
        try await TestDatabase.withMigratedDatabase { client, _ in
            let logger = TestDatabase.logger
            _ = try await PostgresCatalogRepository(client: client, logger: logger).importCatalog(.objectNet, fixtures: Self.fixtures)
            let ana = try await PostgresWorkerRepository(client: client, logger: logger).add(name: "ana", rooms: ["kitchen"]).worker
            let tasks = PostgresTaskRepository(client: client, logger: logger)
            let batch = try await tasks.generate(.init(assignment: .perWorker(count: 30), seed: 5)).batchID
            let stored = try await tasks.list(workerName: "ana", status: nil, now: Date())
            let first = try #require(stored.first).task

            func violation(_ query: PostgresQuery) async -> String? {
                do {
                    try await client.query(query, logger: logger)
                    return nil
                } catch {
                    return PostgresErrorText.sqlState(error)
                }
            }
            func insert(batch: Int, worker: Int, rotation: Int, viewpoint: Int, room: Int) -> PostgresQuery {
                let (b, w, r, v, m) = (Int32(batch), Int32(worker), Int16(rotation), Int16(viewpoint), Int16(room))
                return """
                    INSERT INTO tasks (batch_id, worker_id, offered_class_ids, rotation_id, viewpoint_id, room_id, issued_at, expires_at)
                    VALUES (\(b), \(w), '{1}', \(r), \(v), \(m), now(), now() + interval '1 day')
                    """
            }
            let good = (batch: batch, worker: ana.id, rotation: first.rotationID, viewpoint: first.viewpointID, room: first.roomID)
            #expect(await violation(insert(batch: good.batch, worker: good.worker, rotation: good.rotation, viewpoint: good.viewpoint, room: good.room)) == nil)
            #expect(await violation(insert(batch: good.batch + 100, worker: good.worker, rotation: good.rotation, viewpoint: good.viewpoint, room: good.room)) == "23503")
            #expect(await violation(insert(batch: good.batch, worker: good.worker + 100, rotation: good.rotation, viewpoint: good.viewpoint, room: good.room)) == "23503")
            #expect(await violation(insert(batch: good.batch, worker: good.worker, rotation: 999, viewpoint: good.viewpoint, room: good.room)) == "23503")
            #expect(await violation(insert(batch: good.batch, worker: good.worker, rotation: good.rotation, viewpoint: 999, room: good.room)) == "23503")
            #expect(await violation(insert(batch: good.batch, worker: good.worker, rotation: good.rotation, viewpoint: good.viewpoint, room: 999)) == "23503")
            #expect(await violation("UPDATE tasks SET room_id = 999 WHERE id = \(first.id)") == "23503")
            #expect(await violation("UPDATE tasks SET status = 'cancelled' WHERE id = \(first.id)") == nil)

            // The referenced side: rows that tasks point at cannot be deleted or truncated away.
            #expect(await violation("DELETE FROM workers WHERE id = \(Int32(ana.id))") == "23503")
            #expect(await violation("DELETE FROM task_batches WHERE id = \(Int32(batch))") == "23503")
            #expect(await violation("DELETE FROM rotations WHERE id = \(Int16(first.rotationID))") == "23503")
            #expect(await violation("DELETE FROM viewpoints WHERE id = \(Int16(first.viewpointID))") == "23503")
            // worker_rooms has its own foreign key to rooms; without that row only the tasks guard the room.
            #expect(await violation("DELETE FROM worker_rooms WHERE room_id = \(Int16(first.roomID))") == nil)
            #expect(await violation("DELETE FROM rooms WHERE id = \(Int16(first.roomID))") == "23503")
            #expect(await violation("TRUNCATE task_batches") == "23503")
            // An unreferenced room can still go.
            #expect(await violation("INSERT INTO rooms (name) VALUES ('garage')") == nil)
            #expect(await violation("DELETE FROM rooms WHERE name = 'garage'") == nil)
            #expect(try await tasks.list(workerName: nil, status: nil, now: Date()).count == 31)
        }
    }
}
