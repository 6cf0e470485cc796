import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Photo
import PostgresNIO
import Testing
import VantageTestSupport
@testable import Server
@testable import Store

/// More open tasks for `worker`, as `UploadWorld.make` creates them.
func openTasks(_ client: PostgresClient, worker: String = "alice", count: Int) async throws -> [Int64] {
    let now = Date()
    let rows = try await client.query(
        """
        INSERT INTO tasks (batch_id, worker_id, offered_class_ids, rotation_id, viewpoint_id, room_id, issued_at, expires_at, max_attempts)
        SELECT 1, w.id, ARRAY(SELECT id FROM classes ORDER BY id), 0, 1, 1, \(now - 3600), \(now + 86400), 2
        FROM workers w, generate_series(1, \(count)) WHERE w.name = \(worker) RETURNING id
        """, logger: TestDatabase.logger)
    var ids: [Int64] = []
    for try await id in rows.decode(Int64.self) { ids.append(id) }
    return ids
}

func reasonCodes(_ buffer: ByteBuffer) -> [String] {
    (json(buffer)["reasons"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
}

@Suite("Phone uploads over HTTP", .enabled(if: TestDatabase.isConfigured, "needs VANTAGE_TEST_DATABASE_URL"))
struct PhoneUploadTests {
    @Test func phonePhotosAreStoredWithTheirPixelsAndOrientationAndNothingPrivate() async throws {
        try await withUploadServer { http, _, client, blobs in
            let orientations: [ExifOrientation] = [.up, .down, .right, .left]
            let tasks = try await openTasks(client, count: orientations.count)
            for (task, orientation) in zip(tasks, orientations) {
                // Odd sizes: partial MCUs at the edges, which a lossless rotation would have trimmed.
                let upright = PhotoFixtures.scene(width: 812, height: 610, seed: 40 + UInt64(orientation.rawValue))
                let phone = try PhotoFixtures.phoneLike(upright, orientation: orientation)
                var photoID = ""
                try await http.execute(
                    uri: "/v1/tasks/\(task)/photo", method: .put, headers: uploadHeaders(token: UploadWorld.aliceToken),
                    body: ByteBuffer(bytes: phone.bytes)
                ) {
                    #expect($0.status == .created, "\(String(buffer: $0.body))")
                    #expect(reasonCodes($0.body) == ["gps_present"])
                    #expect((json($0.body)["task_id"] as? Int).map(Int64.init) == task)
                    photoID = json($0.body)["photo_id"] as? String ?? ""
                }
                let rows = try await client.query(
                    "SELECT encode(blob_sha256, 'hex'), width, height FROM photos WHERE public_id = \(UUID(uuidString: photoID)!)",
                    logger: TestDatabase.logger)
                for try await (key, width, height) in rows.decode((String, Int32, Int32).self) {
                    #expect(width == 812 && height == 610, "recorded as displayed (orientation \(orientation.rawValue))")
                    let stored = [UInt8](try blobs.get(key: key))
                    for needle in phone.privateStrings {
                        #expect(stored.firstRange(of: Array(needle.utf8)) == nil, "\(needle) stored (orientation \(orientation.rawValue))")
                    }
                    #expect(stored.firstRange(of: Array(phone.iccMarker.utf8)) != nil, "ICC profile kept")
                    let exif = try #require(try ExifMetadata(jpeg: stored))
                    #expect(exif.orientation == orientation && !exif.hasGPS && exif.serialNumbers.isEmpty)
                    let original = try JPEGCodec.decode(phone.bytes).image.applying(orientation)
                    #expect(try JPEGCodec.decode(stored).image.applying(orientation) == original, "same upright pixels")
                }
            }
        }
    }

    @Test func heicIsRefusedWithASentence() async throws {
        try await withUploadServer { http, world, _, _ in
            let heic: [UInt8] = [0, 0, 0, 0x18] + Array("ftypheic".utf8) + [UInt8](repeating: 0, count: 64)
            let uri = "/v1/tasks/\(world.openTask)/photo"
            try await http.execute(uri: uri, method: .put, headers: uploadHeaders(token: UploadWorld.aliceToken), body: ByteBuffer(bytes: heic)) {
                #expect($0.status == .unsupportedMediaType)
                #expect(errorCode($0.body) == "heic_not_accepted")
                #expect(((json($0.body)["error"] as? [String: Any])?["message"] as? String)?.contains("Most Compatible") == true)
                #expect((json($0.body)["task_id"] as? Int).map(Int64.init) == world.openTask)
            }
            var headers = uploadHeaders(token: UploadWorld.aliceToken)
            headers[.contentType] = "image/heic"
            try await http.execute(uri: uri, method: .put, headers: headers, body: ByteBuffer(bytes: heic)) {
                #expect($0.status == .unsupportedMediaType)
                #expect(errorCode($0.body) == "heic_not_accepted")
            }
        }
    }

    @Test func anIdempotencyKeyNamesOneUpload() async throws {
        try await withUploadServer { http, world, client, _ in
            let photo = try goodPhoto(seed: 300)
            let headers = uploadHeaders(token: UploadWorld.aliceToken, key: "capture-1")
            var first = ""
            try await http.execute(uri: "/v1/tasks/\(world.openTask)/photo", method: .put, headers: headers, body: ByteBuffer(bytes: photo)) {
                #expect($0.status == .created)
                first = json($0.body)["photo_id"] as? String ?? ""
            }
            // The same key on another task, and with other bytes on the same task: refused, nothing stored.
            try await http.execute(uri: "/v1/tasks/\(world.secondTask)/photo", method: .put, headers: headers, body: ByteBuffer(bytes: photo)) {
                #expect($0.status == .unprocessableContent)
                #expect(errorCode($0.body) == "idempotency_key_reused")
                #expect((json($0.body)["task_id"] as? Int).map(Int64.init) == world.secondTask)
            }
            try await http.execute(
                uri: "/v1/tasks/\(world.openTask)/photo", method: .put, headers: headers, body: ByteBuffer(bytes: try goodPhoto(seed: 301))
            ) {
                #expect($0.status == .unprocessableContent)
                #expect(errorCode($0.body) == "idempotency_key_reused")
            }
            try await http.execute(uri: "/v1/tasks/\(world.openTask)/photo", method: .put, headers: headers, body: ByteBuffer(bytes: photo)) {
                #expect($0.status == .created)
                #expect(json($0.body)["photo_id"] as? String == first, "the same request replays")
            }
            let rows = try await client.query("SELECT count(*) FROM photos", logger: TestDatabase.logger)
            for try await count in rows.decode(Int.self) { #expect(count == 1) }
            let open = try await client.query("SELECT status FROM tasks WHERE id = \(world.secondTask)", logger: TestDatabase.logger)
            for try await status in open.decode(String.self) { #expect(status == "open") }
        }
    }

    @Test func concurrentRetriesWithOneKeyGetOneUploadAndItsReplays() async throws {
        try await withUploadServer { http, _, client, _ in
            let tasks = try await openTasks(client, count: 2)
            let photo = try goodPhoto(seed: 310)
            // Retries of one capture, and the same key sent to a second task at the same moment.
            let requests = (0..<5).map { (task: tasks[0], bytes: photo, $0) } + [(task: tasks[1], bytes: try goodPhoto(seed: 311), 5)]
            let answers = try await withThrowingTaskGroup(of: (Int64, Int, String, String?).self) { group in
                for request in requests {
                    group.addTask {
                        let response = try await http.execute(
                            uri: "/v1/tasks/\(request.task)/photo", method: .put,
                            headers: uploadHeaders(token: UploadWorld.aliceToken, key: "capture-race"), body: ByteBuffer(bytes: request.bytes))
                        return (request.task, Int(response.status.code), json(response.body)["photo_id"] as? String ?? "", errorCode(response.body))
                    }
                }
                var all: [(Int64, Int, String, String?)] = []
                for try await answer in group { all.append(answer) }
                return all
            }
            #expect(!answers.contains { $0.1 >= 500 }, "\(answers)")
            let created = answers.filter { $0.1 == 201 }
            #expect(Set(created.map(\.2)).count == 1, "one photo, replayed: \(answers)")
            #expect(answers.filter { $0.1 == 422 }.allSatisfy { $0.3 == "idempotency_key_reused" }, "\(answers)")
            #expect(created.count + answers.filter { $0.3 == "idempotency_key_reused" }.count == answers.count, "\(answers)")
            let rows = try await client.query("SELECT count(*) FROM photos", logger: TestDatabase.logger)
            for try await count in rows.decode(Int.self) { #expect(count == 1) }
        }
    }

    @Test func identicalBytesRacingToTwoTasksAreAcceptedOnce() async throws {
        try await withUploadServer { http, _, client, _ in
            for round in 0..<3 {
                let tasks = try await openTasks(client, count: 2)
                let photo = try goodPhoto(seed: 320 + UInt64(round))
                let answers = try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
                    for task in tasks {
                        group.addTask {
                            let response = try await http.execute(
                                uri: "/v1/tasks/\(task)/photo", method: .put, headers: uploadHeaders(token: UploadWorld.aliceToken),
                                body: ByteBuffer(bytes: photo))
                            return (Int(response.status.code), reasonCodes(response.body))
                        }
                    }
                    var all: [(Int, [String])] = []
                    for try await answer in group { all.append(answer) }
                    return all
                }
                #expect(answers.filter { $0.0 == 201 }.count == 1, "round \(round): \(answers)")
                #expect(answers.filter { $0.0 == 422 && $0.1.contains("duplicate_exact") }.count == 1, "round \(round): \(answers)")
            }
            let kept = try await client.query(
                "SELECT count(*), count(DISTINCT upload_sha256) FROM photos WHERE verdict <> 'rejected'", logger: TestDatabase.logger)
            for try await (count, distinct) in kept.decode((Int, Int).self) { #expect(count == 3 && distinct == 3) }
        }
    }
}
