import Crypto
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

/// Rows for upload tests, inserted with plain SQL so the server is tested on its own.
struct UploadWorld {
    var openTask: Int64
    var secondTask: Int64
    var expiredTask: Int64
    var otherWorkersTask: Int64
    static let aliceToken = "token-alice-0123456789abcdef"
    static let bobToken = "token-bob-0123456789abcdef"
    static let carolToken = "token-carol-revoked"

    static func make(_ client: PostgresClient, now: Date = Date()) async throws -> UploadWorld {
        let logger = TestDatabase.logger
        try await client.query("INSERT INTO rooms (name) VALUES ('kitchen')", logger: logger)
        try await client.query("INSERT INTO viewpoints (name, pitch_degrees) VALUES ('angled', -45)", logger: logger)
        try await client.query(
            "INSERT INTO rotations (id, qw, qx, qy, qz, description, axial_distinct, spherical) VALUES (0, 1, 0, 0, 0, 'upright', true, true)",
            logger: logger)
        try await client.query("INSERT INTO classes (name, source) VALUES ('Mug', 'test'), ('Banana', 'test')", logger: logger)
        for (name, token, status) in [("alice", aliceToken, "active"), ("bob", bobToken, "active"), ("carol", carolToken, "revoked")] {
            let hash = ByteBuffer(bytes: Array(SHA256.hash(data: Data(token.utf8))))
            let revokedAt: Date? = status == "revoked" ? now : nil
            try await client.query(
                "INSERT INTO workers (name, anonymous_id, token_hash, status, revoked_at) VALUES (\(name), \("anon-" + name), \(hash), \(status), \(revokedAt))",
                logger: logger)
        }
        try await client.query("INSERT INTO task_batches (seed, parameters) VALUES (1, '{}')", logger: logger)
        func task(_ worker: String, issued: Date, expires: Date) async throws -> Int64 {
            let rows = try await client.query(
                """
                INSERT INTO tasks (batch_id, worker_id, offered_class_ids, rotation_id, viewpoint_id, room_id, issued_at, expires_at, max_attempts)
                SELECT 1, w.id, ARRAY(SELECT id FROM classes ORDER BY id), 0, 1, 1, \(issued), \(expires), 2
                FROM workers w WHERE w.name = \(worker) RETURNING id
                """, logger: logger)
            for try await id in rows.decode(Int64.self) { return id }
            throw StoreError(.notFound, "no task")
        }
        let hour: TimeInterval = 3600
        return UploadWorld(
            openTask: try await task("alice", issued: now - hour, expires: now + 24 * hour),
            secondTask: try await task("alice", issued: now - hour, expires: now + 24 * hour),
            expiredTask: try await task("alice", issued: now - 48 * hour, expires: now - hour),
            otherWorkersTask: try await task("bob", issued: now - hour, expires: now + 24 * hour))
    }
}

/// A phone-like JPEG that passes every check (distinct per seed).
func goodPhoto(seed: UInt64) throws -> [UInt8] {
    try PhotoFixtures.jpeg(PhotoFixtures.scene(width: 800, height: 600, seed: seed))
}

func uploadHeaders(token: String?, objectClass: String = "Mug", pitch: String? = "-45", key: String? = nil) -> HTTPFields {
    var fields = HTTPFields()
    if let token { fields[.authorization] = "Bearer \(token)" }
    fields[.contentType] = "image/jpeg"
    fields[HTTPField.Name("X-Object-Class")!] = objectClass
    if let pitch { fields[HTTPField.Name("X-Device-Pitch")!] = pitch }
    fields[HTTPField.Name("X-Device-Roll")!] = "0"
    if let key { fields[HTTPField.Name("Idempotency-Key")!] = key }
    return fields
}

/// A live server on a fresh migrated database with `UploadWorld`'s rows and its own blob folder.
func withUploadServer(
    configure: @Sendable (inout ServerConfiguration) -> Void = { _ in },
    _ body: @Sendable @escaping (any TestClientProtocol, UploadWorld, PostgresClient, BlobStore) async throws -> Void
) async throws {
    try await TestDatabase.withMigratedDatabase { client, _ in
        let world = try await UploadWorld.make(client)
        let folder = try Fixtures.temporaryFolder("vantage-blobs")
        defer { try? FileManager.default.removeItem(at: folder) }
        let blobs = BlobStore(root: folder)
        var configuration = ServerConfiguration(port: 0, uploadsPerMinute: 1000, blobRoot: folder)
        // The whole suite shares 2 cores with inference tests; a 5 s deadline answered 503 there.
        configuration.databaseTimeoutSeconds = 60
        configure(&configuration)
        let app = buildApplication(configuration: configuration, client: client, logger: TestDatabase.logger, runsClient: false)
        try await app.test(.live) { http in
            try await body(http, world, client, blobs)
        }
    }
}

func json(_ buffer: ByteBuffer) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(buffer: buffer))) as? [String: Any] ?? [:]
}

func errorCode(_ buffer: ByteBuffer) -> String? {
    (json(buffer)["error"] as? [String: Any])?["code"] as? String
}

@Suite("Worker upload endpoint", .enabled(if: TestDatabase.isConfigured, "needs VANTAGE_TEST_DATABASE_URL"))
struct UploadTests {
    func withServer(
        maxUploadBytes: Int = 25_000_000, uploadsPerMinute: Int = 1000,
        _ body: @Sendable @escaping (any TestClientProtocol, UploadWorld, PostgresClient, BlobStore) async throws -> Void
    ) async throws {
        try await withUploadServer(configure: {
            $0.maxUploadBytes = maxUploadBytes
            $0.uploadsPerMinute = uploadsPerMinute
        }, body)
    }

    @Test func authenticationAndOwnership() async throws {
        try await withServer { http, world, _, _ in
            let photo = try goodPhoto(seed: 1)
            try await http.execute(uri: "/v1/tasks", method: .get) { #expect($0.status == .unauthorized) }
            try await http.execute(uri: "/v1/tasks", method: .get, headers: [.authorization: "Bearer nope"]) {
                #expect($0.status == .unauthorized)
                #expect(errorCode($0.body) == "unauthorized")
            }
            try await http.execute(uri: "/v1/tasks", method: .get, headers: [.authorization: "Bearer \(UploadWorld.carolToken)"]) {
                #expect($0.status == .forbidden)
            }
            try await http.execute(
                uri: "/v1/tasks/\(world.otherWorkersTask)/photo", method: .put,
                headers: uploadHeaders(token: UploadWorld.aliceToken), body: ByteBuffer(bytes: photo)
            ) {
                #expect($0.status == .forbidden)
                #expect(errorCode($0.body) == "not_your_task")
            }
            try await http.execute(
                uri: "/v1/tasks/999999/photo", method: .put, headers: uploadHeaders(token: UploadWorld.aliceToken),
                body: ByteBuffer(bytes: photo)
            ) { #expect($0.status == .notFound) }
            try await http.execute(
                uri: "/v1/tasks/\(world.expiredTask)/photo", method: .put, headers: uploadHeaders(token: UploadWorld.aliceToken),
                body: ByteBuffer(bytes: photo)
            ) {
                #expect($0.status == .gone)
                #expect(errorCode($0.body) == "task_expired")
            }
            try await http.execute(uri: "/v1/tasks", method: .get, headers: [.authorization: "Bearer \(UploadWorld.aliceToken)"]) {
                #expect($0.status == .ok)
                let tasks = json($0.body)["tasks"] as? [[String: Any]] ?? []
                #expect(tasks.count == 2, "two open, unexpired tasks")
                #expect(tasks.first?["viewpoint"] as? String == "angled")
                #expect(tasks.first?["offered_classes"] as? [String] == ["Mug", "Banana"])
                #expect(tasks.first?["attempts_left"] as? Int == 2)
            }
        }
    }

    @Test func acceptedUploadIsStoredOnceAndRetriesReplay() async throws {
        try await withServer { http, world, client, blobs in
            let photo = try goodPhoto(seed: 2)
            let uri = "/v1/tasks/\(world.openTask)/photo"
            var photoID = ""
            try await http.execute(uri: uri, method: .put, headers: uploadHeaders(token: UploadWorld.aliceToken, key: "k-1"), body: ByteBuffer(bytes: photo)) {
                #expect($0.status == .created, "\(String(buffer: $0.body))")
                let body = json($0.body)
                #expect(body["verdict"] as? String == "accepted", "\(body)")
                photoID = body["photo_id"] as? String ?? ""
            }
            // Same key, and same bytes without a key: the first result, nothing new stored.
            try await http.execute(uri: uri, method: .put, headers: uploadHeaders(token: UploadWorld.aliceToken, key: "k-1"), body: ByteBuffer(bytes: photo)) {
                #expect($0.status == .created)
                #expect(json($0.body)["photo_id"] as? String == photoID)
            }
            try await http.execute(uri: uri, method: .put, headers: uploadHeaders(token: UploadWorld.aliceToken), body: ByteBuffer(bytes: photo)) {
                #expect($0.status == .created)
                #expect(json($0.body)["photo_id"] as? String == photoID)
            }
            // A different photo for the completed task.
            try await http.execute(uri: uri, method: .put, headers: uploadHeaders(token: UploadWorld.aliceToken), body: ByteBuffer(bytes: try goodPhoto(seed: 3))) {
                #expect($0.status == .conflict)
                #expect(errorCode($0.body) == "task_done")
            }
            try await http.execute(uri: "/v1/photos/\(photoID)", method: .get, headers: [.authorization: "Bearer \(UploadWorld.aliceToken)"]) {
                #expect($0.status == .ok)
                #expect(json($0.body)["verdict"] as? String == "accepted")
            }
            try await http.execute(uri: "/v1/photos/\(photoID)", method: .get, headers: [.authorization: "Bearer \(UploadWorld.bobToken)"]) {
                #expect($0.status == .notFound)
            }
            let rows = try await client.query("SELECT count(*), min(encode(blob_sha256, 'hex')) FROM photos", logger: TestDatabase.logger)
            for try await (count, key) in rows.decode((Int, String).self) {
                #expect(count == 1)
                #expect(blobs.contains(key: key))
                // Stored bytes are a sanitised JPEG.
                #expect(JPEGStructure.looksLikeJPEG(Array(try blobs.get(key: key))))
            }
            // Identical bytes for another task: the duplicate verdict.
            try await http.execute(
                uri: "/v1/tasks/\(world.secondTask)/photo", method: .put, headers: uploadHeaders(token: UploadWorld.aliceToken),
                body: ByteBuffer(bytes: photo)
            ) {
                let body = json($0.body)
                let codes = (body["reasons"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
                #expect(codes.contains("duplicate_exact"), "\(body)")
            }
        }
    }

    @Test func badInputGetsTheRightStatus() async throws {
        try await withServer(maxUploadBytes: 300_000) { http, world, _, _ in
            let uri = "/v1/tasks/\(world.openTask)/photo"
            let photo = try goodPhoto(seed: 4)
            try await http.execute(uri: uri, method: .put, headers: uploadHeaders(token: UploadWorld.aliceToken), body: ByteBuffer(string: "GIF89a not a jpeg")) {
                #expect($0.status == .unsupportedMediaType)
            }
            try await http.execute(uri: uri, method: .put, headers: uploadHeaders(token: UploadWorld.aliceToken, pitch: "steep"), body: ByteBuffer(bytes: photo)) {
                #expect($0.status == .badRequest)
                #expect(errorCode($0.body) == "bad_angle")
            }
            try await http.execute(uri: uri, method: .put, headers: uploadHeaders(token: UploadWorld.aliceToken, objectClass: "Teapot"), body: ByteBuffer(bytes: photo)) {
                #expect($0.status == .badRequest)
                #expect(errorCode($0.body) == "class_not_offered")
            }
            try await http.execute(uri: uri, method: .put, headers: uploadHeaders(token: UploadWorld.aliceToken), body: ByteBuffer(repeating: 0xFF, count: 400_000)) {
                #expect($0.status == .contentTooLarge)
                #expect(errorCode($0.body) == "body_too_large")
            }
            try await http.execute(uri: "/v1/tasks/abc/photo", method: .put, headers: uploadHeaders(token: UploadWorld.aliceToken), body: ByteBuffer(bytes: photo)) {
                #expect($0.status == .badRequest)
            }
            // A photo without EXIF is rejected: 422, recorded, and the task stays open for a retake.
            let bare = try PhotoFixtures.jpeg(PhotoFixtures.scene(width: 800, height: 600, seed: 5), exif: nil)
            try await http.execute(uri: uri, method: .put, headers: uploadHeaders(token: UploadWorld.aliceToken), body: ByteBuffer(bytes: bare)) {
                #expect($0.status == .unprocessableContent)
                let body = json($0.body)
                #expect(body["verdict"] as? String == "rejected")
                #expect((body["reasons"] as? [[String: Any]])?.isEmpty == false)
            }
            try await http.execute(uri: "/v1/tasks", method: .get, headers: [.authorization: "Bearer \(UploadWorld.aliceToken)"]) {
                let tasks = json($0.body)["tasks"] as? [[String: Any]] ?? []
                let open = tasks.first { ($0["id"] as? Int).map(Int64.init) == world.openTask }
                #expect(open?["attempts_left"] as? Int == 1)
            }
        }
    }

    @Test func multipartFormUpload() async throws {
        try await withServer { http, world, _, _ in
            let boundary = "vantage-test-boundary"
            var body = ByteBuffer()
            func field(_ name: String, _ value: String) {
                body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
            }
            field("class", "Banana")
            field("pitch", "-44.5")
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"p.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
            body.writeBytes(try goodPhoto(seed: 6))
            body.writeString("\r\n--\(boundary)--\r\n")
            var headers = HTTPFields()
            headers[.authorization] = "Bearer \(UploadWorld.aliceToken)"
            headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
            try await http.execute(uri: "/v1/tasks/\(world.openTask)/photo", method: .post, headers: headers, body: body) {
                #expect($0.status == .created, "\(String(buffer: $0.body))")
            }
        }
    }

    @Test func concurrentUploadsToOneTaskHaveOneWinner() async throws {
        try await withServer { http, world, client, _ in
            let photos = try (0..<6).map { try goodPhoto(seed: 100 + UInt64($0)) }
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for photo in photos {
                    group.addTask {
                        try await http.execute(
                            uri: "/v1/tasks/\(world.openTask)/photo", method: .put,
                            headers: uploadHeaders(token: UploadWorld.aliceToken), body: ByteBuffer(bytes: photo)
                        ).status
                    }
                }
                var all: [HTTPResponse.Status] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses.filter { $0 == .created }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == .conflict }.count == photos.count - 1, "\(statuses)")
            let rows = try await client.query("SELECT count(*) FROM photos WHERE task_id = \(world.openTask)", logger: TestDatabase.logger)
            for try await count in rows.decode(Int.self) { #expect(count == 1) }
        }
    }

    @Test func perWorkerRateLimit() async throws {
        try await withServer(uploadsPerMinute: 2) { http, world, _, _ in
            var statuses: [HTTPResponse.Status] = []
            for seed in 0..<3 {
                let response = try await http.execute(
                    uri: "/v1/tasks/\(world.expiredTask)/photo", method: .put, headers: uploadHeaders(token: UploadWorld.aliceToken),
                    body: ByteBuffer(bytes: try goodPhoto(seed: 200 + UInt64(seed))))
                statuses.append(response.status)
            }
            #expect(statuses == [.gone, .gone, .tooManyRequests])
        }
    }

    @Test func databaseOutageIs503() async throws {
        let url = try DatabaseURL(parsing: "postgres://nobody@127.0.0.1:1/none?sslmode=disable")
        let client = PostgresClient(configuration: url.clientConfiguration(), backgroundLogger: TestDatabase.logger)
        let app = buildApplication(configuration: ServerConfiguration(port: 0), client: client, logger: TestDatabase.logger)
        try await app.test(.live) { http in
            try await http.execute(uri: "/v1/tasks", method: .get, headers: [.authorization: "Bearer \(UploadWorld.aliceToken)"]) {
                #expect($0.status == .serviceUnavailable)
                #expect(errorCode($0.body) == "database_unavailable")
            }
        }
    }
}
