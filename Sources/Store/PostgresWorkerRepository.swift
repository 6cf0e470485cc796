public import Capture
import Foundation
public import Logging
public import PostgresNIO

/// Workers in PostgreSQL (`workers`, `worker_rooms`).
public struct PostgresWorkerRepository: WorkerRepository {
    let client: PostgresClient
    let logger: Logger

    /// Creates a repository on a running client.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Checks the name and rooms, then inserts the worker and their rooms in one transaction.
    public func add(name: String, rooms: [String]) async throws -> NewWorker {
        guard Worker.isValidName(name) else {
            throw StoreError(.invalidInput, "Worker name \"\(name)\" must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.")
        }
        guard !rooms.isEmpty else { throw StoreError(.invalidInput, "A worker needs at least one room.") }
        let token = WorkerToken.generate()
        let hash = WorkerToken.hash(token)
        var generator = SystemRandomNumberGenerator()
        let anonymousID = "w" + (0..<8).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let id: Int32 = try await inTransaction(client, logger: logger) { connection in
            try await PostgresControlRepository.ensureDefaults(on: connection, logger: logger)
            var roomIDs: [Int16] = []
            for room in rooms {
                let rows = try await connection.query("SELECT id FROM rooms WHERE name = \(room) AND active", logger: logger)
                var found: Int16?
                for try await roomID in rows.decode(Int16.self) { found = roomID }
                guard let found else {
                    let known = try await Self.activeRoomNames(connection, logger: logger)
                    throw StoreError(.notFound, "Unknown room \"\(room)\" (rooms: \(known.joined(separator: ", "))).")
                }
                if !roomIDs.contains(found) { roomIDs.append(found) }
            }
            let existing = try await connection.query("SELECT 1 FROM workers WHERE name = \(name)", logger: logger)
            for try await _ in existing { throw StoreError(.conflict, "A worker named \(name) already exists.") }
            let rows = try await connection.query(
                "INSERT INTO workers (name, anonymous_id, token_hash) VALUES (\(name), \(anonymousID), \(ByteBuffer(bytes: hash))) RETURNING id",
                logger: logger)
            var workerID: Int32 = 0
            for try await value in rows.decode(Int32.self) { workerID = value }
            try await connection.query(
                "INSERT INTO worker_rooms (worker_id, room_id) SELECT \(workerID), unnest(\(roomIDs)::smallint[])", logger: logger)
            return workerID
        }
        guard let worker = try await worker(where: "w.id = \(id)") else {
            throw StoreError(.notFound, "Worker \(name) vanished right after it was added.")
        }
        return NewWorker(worker: worker, token: token)
    }

    static func activeRoomNames(_ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        var names: [String] = []
        for try await name in try await connection.query("SELECT name FROM rooms WHERE active ORDER BY id", logger: logger).decode(String.self) {
            names.append(name)
        }
        return names
    }

    /// Every worker.
    public func list() async throws -> [Worker] {
        try await workers(where: "true")
    }

    /// Marks the worker revoked; their token stops working at once.
    public func revoke(name: String) async throws -> Worker {
        let rows = try await client.query(
            "UPDATE workers SET status = 'revoked', revoked_at = now() WHERE name = \(name) AND status <> 'revoked' RETURNING id",
            logger: logger)
        var updated = false
        for try await _ in rows.decode(Int32.self) { updated = true }
        guard let worker = try await worker(named: name) else {
            throw StoreError(.notFound, "No worker named \(name).")
        }
        if !updated { logger.info("worker already revoked", metadata: ["worker": "\(name)"]) }
        return worker
    }

    /// Looks a worker up by the SHA-256 of their token.
    public func worker(tokenHash: [UInt8]) async throws -> Worker? {
        guard tokenHash.count == 32 else { return nil }
        return try await worker(where: "w.token_hash = \(ByteBuffer(bytes: tokenHash))")
    }

    /// Looks a worker up by name.
    public func worker(named name: String) async throws -> Worker? {
        try await worker(where: "w.name = \(name)")
    }

    private func worker(where condition: PostgresQuery) async throws -> Worker? {
        try await workers(where: condition).first
    }

    private func workers(where condition: PostgresQuery) async throws -> [Worker] {
        var query = PostgresQuery(unsafeSQL: """
            SELECT w.id, w.name, w.anonymous_id, w.status, w.created_at,
                   COALESCE(array_agg(r.name ORDER BY r.id) FILTER (WHERE r.name IS NOT NULL), '{}')
            FROM workers w LEFT JOIN worker_rooms wr ON wr.worker_id = w.id LEFT JOIN rooms r ON r.id = wr.room_id
            WHERE
            """)
        query.sql += " " + condition.sql
        query.binds = condition.binds
        query.sql += " GROUP BY w.id ORDER BY w.id"
        var result: [Worker] = []
        for try await (id, name, anonymousID, status, createdAt, rooms) in try await client.query(query, logger: logger)
            .decode((Int32, String, String, String, Date, [String]).self)
        {
            result.append(Worker(
                id: Int(id), name: name, anonymousID: anonymousID, status: Worker.Status(rawValue: status) ?? .revoked,
                rooms: rooms, createdAt: createdAt))
        }
        return result
    }
}
