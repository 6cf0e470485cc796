import Capture
import Foundation
public import Logging
import NIOCore
public import PostgresNIO

/// Tasks in PostgreSQL (`task_batches`, `tasks`); batches are written with COPY in one transaction.
public struct PostgresTaskRepository: TaskRepository {
    let client: PostgresClient
    let logger: Logger

    /// Creates a repository on a running client.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    // MARK: - Generation

    /// Reads the design inputs, plans the tasks with a seeded sampler and COPYs them, all in one
    /// transaction: either the whole batch is stored or nothing is.
    public func generate(_ request: TaskGenerationRequest) async throws -> TaskGenerationResult {
        guard (1...86_400 * 366).contains(request.expiresInSeconds) else {
            throw StoreError(.invalidInput, "The expiry must be between one second and 366 days.")
        }
        let requested: Int
        switch request.assignment {
        case .roundRobin(let count), .worker(_, let count), .perWorker(let count): requested = count
        }
        guard requested > 0 else { throw StoreError(.invalidInput, "The task count must be positive, not \(requested).") }
        guard requested <= TaskGenerationRequest.maximumCount else {
            throw StoreError(.invalidInput, "At most \(TaskGenerationRequest.maximumCount) tasks can be generated at once.")
        }
        return try await inTransaction(client, logger: logger) { connection in
            try await PostgresControlRepository.ensureDefaults(on: connection, logger: logger)
            let assignees = try await assignees(for: request.assignment, on: connection)
            let assignments: [Int]
            switch request.assignment {
            case .roundRobin(let count): assignments = (0..<count).map { $0 % assignees.count }
            case .worker(_, let count): assignments = Array(repeating: 0, count: count)
            case .perWorker(let count):
                guard count * assignees.count <= TaskGenerationRequest.maximumCount else {
                    throw StoreError(.invalidInput, "\(count) tasks for each of \(assignees.count) workers is more than \(TaskGenerationRequest.maximumCount).")
                }
                assignments = assignees.indices.flatMap { Array(repeating: $0, count: count) }
            }
            let candidates = try await candidates(for: request.classes, on: connection)
            let rotationIDs = try await ids("SELECT id FROM rotations ORDER BY id", on: connection)
            let viewpointIDs = try await ids("SELECT id FROM viewpoints WHERE active ORDER BY id", on: connection)
            let drawing: TaskSampler.Drawing
            do {
                let sampler = try TaskSampler(candidates: candidates, rotationIDs: rotationIDs, viewpointIDs: viewpointIDs)
                drawing = try sampler.drawing(assignees: assignees, assignments: assignments, seed: request.seed)
            } catch let error as CatalogError {
                throw StoreError(.invalidInput, error.message)
            }

            let parameters = try String(decoding: JSONEncoder().encode(BatchParameters(request: request)), as: UTF8.self)
            var batchID: Int32 = 0
            for try await id in try await connection.query(
                "INSERT INTO task_batches (seed, parameters) VALUES (\(Int64(bitPattern: request.seed)), \(parameters)::jsonb) RETURNING id",
                logger: logger
            ).decode(Int32.self) { batchID = id }

            let issuedAt = request.issuedAt
            let expiresAt = issuedAt.addingTimeInterval(TimeInterval(request.expiresInSeconds))
            let started = ContinuousClock.now
            try await Self.copy(drawing, batchID: Int(batchID), issuedAt: issuedAt, expiresAt: expiresAt, on: connection, logger: logger)
            logger.info("generated tasks", metadata: [
                "batch_id": "\(batchID)", "tasks": "\(assignments.count)", "draw_and_copy": "\(ContinuousClock.now - started)",
            ])
            return TaskGenerationResult(
                batchID: Int(batchID), tasks: assignments.count, workers: Set(assignments).count, classes: candidates.count)
        }
    }

    /// What `task_batches.parameters` records, so a batch can be explained and replayed.
    struct BatchParameters: Encodable {
        var assignment: String
        var worker: String?
        var count: Int
        var classes: String
        var classNames: [String]?
        var expiresInSeconds: Int
        var seed: String

        init(request: TaskGenerationRequest) {
            switch request.assignment {
            case .roundRobin(let count): (assignment, worker, self.count) = ("round_robin", nil, count)
            case .worker(let name, let count): (assignment, worker, self.count) = ("worker", name, count)
            case .perWorker(let count): (assignment, worker, self.count) = ("per_worker", nil, count)
            }
            switch request.classes {
            case .all: classes = "all"
            case .overlap: classes = "overlap"
            case .names(let names): (classes, classNames) = ("names", names)
            }
            expiresInSeconds = request.expiresInSeconds
            seed = String(request.seed)
        }
    }

    private func assignees(for assignment: TaskGenerationRequest.Assignment, on connection: PostgresConnection) async throws -> [TaskSampler.Assignee] {
        var workerFilter: PostgresQuery = "w.status = 'active'"
        if case .worker(let name, _) = assignment {
            var status: String?
            for try await value in try await connection.query("SELECT status FROM workers WHERE name = \(name)", logger: logger).decode(String.self) {
                status = value
            }
            guard let status else { throw StoreError(.notFound, "No worker named \(name).") }
            guard status == "active" else {
                throw StoreError(.invalidInput, "Worker \(name) is \(status.replacingOccurrences(of: "_", with: " ")) and gets no tasks.")
            }
            workerFilter = "w.name = \(name)"
        }
        var query = PostgresQuery(unsafeSQL: """
            SELECT w.id, COALESCE(array_agg(r.id ORDER BY r.id) FILTER (WHERE r.id IS NOT NULL), '{}')
            FROM workers w
            LEFT JOIN worker_rooms wr ON wr.worker_id = w.id
            LEFT JOIN rooms r ON r.id = wr.room_id AND r.active
            WHERE
            """)
        query.sql += " " + workerFilter.sql + " GROUP BY w.id ORDER BY w.id"
        query.binds = workerFilter.binds
        var result: [TaskSampler.Assignee] = []
        for try await (id, rooms) in try await connection.query(query, logger: logger).decode((Int32, [Int16]).self) {
            result.append(TaskSampler.Assignee(workerID: Int(id), roomIDs: rooms.map(Int.init)))
        }
        if case .worker(let name, _) = assignment, result.first?.roomIDs.isEmpty == true {
            throw StoreError(.invalidInput, "Worker \(name) has no active room to photograph in.")
        }
        // Workers whose rooms were all deactivated cannot be given tasks; the others still can.
        result.removeAll { $0.roomIDs.isEmpty }
        guard !result.isEmpty else {
            throw StoreError(.notFound, "There are no active workers with an active room; add one with vantage workers add.")
        }
        return result
    }

    private func candidates(for classes: TaskGenerationRequest.Classes, on connection: PostgresConnection) async throws -> [TaskSampler.Candidate] {
        var accepted: [Int: Int] = [:]
        for try await (id, count) in try await connection.query(
            """
            SELECT class_id, count(*) FROM photos
            WHERE verdict = 'accepted' OR review_status = 'approved' GROUP BY class_id
            """, logger: logger
        ).decode((Int32, Int64).self) { accepted[Int(id)] = Int(count) }

        var rows: [(id: Int, name: String, overlap: Bool)] = []
        for try await (id, name, overlap) in try await connection.query(
            """
            SELECT c.id, c.name, EXISTS (SELECT 1 FROM class_imagenet ci WHERE ci.class_id = c.id)
            FROM classes c WHERE c.active ORDER BY c.id
            """, logger: logger
        ).decode((Int32, String, Bool).self) { rows.append((Int(id), name, overlap)) }
        guard !rows.isEmpty else {
            throw StoreError(.notFound, "The catalog is empty; import one first (vantage catalog import objectnet).")
        }
        let chosen: [Int]
        switch classes {
        case .all: chosen = rows.map(\.id)
        case .overlap: chosen = rows.filter(\.overlap).map(\.id)
        case .names(let names):
            let byName = Dictionary(rows.map { ($0.name, $0.id) }, uniquingKeysWith: { first, _ in first })
            var ids = Set<Int>()
            for name in names {
                guard let id = byName[name] else { throw StoreError(.notFound, "Unknown class \"\(name)\" in the class list.") }
                ids.insert(id)
            }
            chosen = ids.sorted()
        }
        guard !chosen.isEmpty else { throw StoreError(.notFound, "No active class matches the class selection.") }
        return chosen.map { TaskSampler.Candidate(id: $0, acceptedCount: accepted[$0] ?? 0) }
    }

    private func ids(_ sql: String, on connection: PostgresConnection) async throws -> [Int] {
        var result: [Int] = []
        for try await id in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int16.self) {
            result.append(Int(id))
        }
        return result
    }

    /// Draws the tasks a chunk at a time and streams each chunk as COPY text rows while the server
    /// stores the previous one, so drawing and formatting overlap the insert instead of preceding it.
    /// Digits come from a precomputed table: formatting a million rows is otherwise the client's slowest part.
    static func copy(
        _ drawing: TaskSampler.Drawing, batchID: Int, issuedAt: Date, expiresAt: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        var drawing = drawing
        // "2026-11-30 17:28:04.743+00", not "2026-11-30T17:28:04.743Z": the server parses a numeric
        // offset directly but looks "Z" up among time zone abbreviations, which cost ~0.5 s of its
        // CPU per million rows (two timestamps each). Same instant, same millisecond precision.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [
            .withFullDate, .withTime, .withDashSeparatorInDate, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime,
            .withFractionalSeconds,
        ]
        formatter.timeZone = TimeZone(identifier: "UTC")
        let suffix = Array("\t\(formatter.string(from: issuedAt))+00\t\(formatter.string(from: expiresAt))+00\n".utf8)
        let prefix = Array("\(batchID)\t".utf8)
        let digits: [[UInt8]] = (0..<(1 << 16)).map { Array(String($0).utf8) }
        let per = drawing.offerCount
        let chunkRows = 8192
        var plan = TaskPlan(offeredPerTask: per)
        try await connection.copyFrom(
            table: "tasks",
            columns: ["batch_id", "worker_id", "offered_class_ids", "rotation_id", "viewpoint_id", "room_id", "issued_at", "expires_at"],
            logger: logger
        ) { writer in
            while drawing.remaining > 0 {
                drawing.draw(chunkRows, into: &plan)
                var buffer = ByteBufferAllocator().buffer(capacity: plan.count * (prefix.count + suffix.count + 12 * (per + 4)))
                func write(_ id: some BinaryInteger) {
                    let value = Int(id)
                    if value >= 0 && value < digits.count { buffer.writeBytes(digits[value]) } else { buffer.writeString(String(value)) }
                }
                for index in 0..<plan.count {
                    buffer.writeBytes(prefix)
                    write(plan.workerIDs[index])
                    buffer.writeInteger(UInt8(ascii: "\t"))
                    buffer.writeInteger(UInt8(ascii: "{"))
                    for slot in 0..<per {
                        if slot > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                        write(plan.offeredClassIDs[index * per + slot])
                    }
                    buffer.writeInteger(UInt8(ascii: "}"))
                    buffer.writeInteger(UInt8(ascii: "\t"))
                    write(plan.rotationIDs[index])
                    buffer.writeInteger(UInt8(ascii: "\t"))
                    write(plan.viewpointIDs[index])
                    buffer.writeInteger(UInt8(ascii: "\t"))
                    write(plan.roomIDs[index])
                    buffer.writeBytes(suffix)
                }
                try await writer.write(buffer)
            }
        }
    }
}
