public import Capture
public import Foundation
import Logging
import PostgresNIO

extension PostgresTaskRepository {
    /// Everything needed to turn stored ids into names, loaded once per call (these tables are small).
    struct Lookup {
        var rooms: [Int: Room] = [:]
        var viewpoints: [Int: Viewpoint] = [:]
        var rotations: [Int: Rotation] = [:]
        var classes: [Int: TaskAssignment.OfferedClass] = [:]
        var workers: [Int: String] = [:]
    }

    func lookup() async throws -> Lookup {
        var lookup = Lookup()
        for try await (id, name) in try await client.query("SELECT id, name FROM rooms", logger: logger).decode((Int16, String).self) {
            lookup.rooms[Int(id)] = Room(id: Int(id), name: name)
        }
        for try await (id, name, pitch) in try await client.query("SELECT id, name, pitch_degrees FROM viewpoints", logger: logger)
            .decode((Int16, String, Float).self)
        {
            lookup.viewpoints[Int(id)] = Viewpoint(id: Int(id), name: name, pitchDegrees: Double(pitch))
        }
        for rotation in try await PostgresControlRepository(client: client, logger: logger).rotations() {
            lookup.rotations[rotation.id] = rotation
        }
        for try await (id, name, symmetry) in try await client.query("SELECT id, name, symmetry FROM classes", logger: logger)
            .decode((Int32, String, String).self)
        {
            lookup.classes[Int(id)] = .init(id: Int(id), name: name, symmetry: Symmetry(rawValue: symmetry) ?? .none)
        }
        for try await (id, name) in try await client.query("SELECT id, name FROM workers", logger: logger).decode((Int32, String).self) {
            lookup.workers[Int(id)] = name
        }
        return lookup
    }

    /// Open tasks that have not expired, for the upload server's task list.
    public func openTasks(workerID: Int, now: Date) async throws -> [TaskAssignment] {
        try await assignments(where: "t.worker_id = \(Int32(workerID)) AND t.status = 'open' AND t.expires_at > \(now)", now: now)
    }

    /// One task.
    public func task(id: Int64) async throws -> TaskAssignment? {
        try await assignments(where: "t.id = \(id)", now: Date()).first
    }

    /// Tasks by worker and status (expired = open past its expiry).
    public func list(workerName: String?, status: CaptureTask.Status?, now: Date) async throws -> [TaskAssignment] {
        var workerID: Int32?
        if let workerName {
            for try await id in try await client.query("SELECT id FROM workers WHERE name = \(workerName)", logger: logger).decode(Int32.self) {
                workerID = id
            }
            guard workerID != nil else { throw StoreError(.notFound, "No worker named \(workerName).") }
        }
        // -1 stands for "any worker" so one bound query serves both cases.
        let worker = workerID ?? -1
        let condition: PostgresQuery
        switch status {
        case nil: condition = "(\(worker) = -1 OR t.worker_id = \(worker))"
        case .open: condition = "(\(worker) = -1 OR t.worker_id = \(worker)) AND t.status = 'open' AND t.expires_at > \(now)"
        case .expired: condition = "(\(worker) = -1 OR t.worker_id = \(worker)) AND t.status = 'open' AND t.expires_at <= \(now)"
        case .done: condition = "(\(worker) = -1 OR t.worker_id = \(worker)) AND t.status = 'done'"
        case .cancelled: condition = "(\(worker) = -1 OR t.worker_id = \(worker)) AND t.status = 'cancelled'"
        }
        return try await assignments(where: condition, now: now)
    }

    private func assignments(where condition: PostgresQuery, now: Date) async throws -> [TaskAssignment] {
        let lookup = try await lookup()
        var query = PostgresQuery(unsafeSQL: """
            SELECT t.id, t.batch_id, t.worker_id, t.offered_class_ids, t.rotation_id, t.viewpoint_id, t.room_id,
                   t.status, t.issued_at, t.expires_at
            FROM tasks t WHERE
            """)
        query.sql += " " + condition.sql + " ORDER BY t.id"
        query.binds = condition.binds
        var result: [TaskAssignment] = []
        for try await (id, batchID, workerID, offered, rotationID, viewpointID, roomID, status, issuedAt, expiresAt) in try await client
            .query(query, logger: logger)
            .decode((Int64, Int32, Int32, [Int32], Int16, Int16, Int16, String, Date, Date).self)
        {
            var shownStatus = CaptureTask.Status(rawValue: status) ?? .open
            if shownStatus == .open, expiresAt <= now { shownStatus = .expired }
            guard let room = lookup.rooms[Int(roomID)], let viewpoint = lookup.viewpoints[Int(viewpointID)],
                  let rotation = lookup.rotations[Int(rotationID)]
            else { throw StoreError(.notFound, "Task \(id) refers to a control that no longer exists.") }
            let task = CaptureTask(
                id: id, batchID: Int(batchID), workerID: Int(workerID), offeredClassIDs: offered.map(Int.init),
                rotationID: Int(rotationID), viewpointID: Int(viewpointID), roomID: Int(roomID), status: shownStatus,
                issuedAt: issuedAt, expiresAt: expiresAt)
            result.append(TaskAssignment(
                task: task, workerName: lookup.workers[Int(workerID)] ?? String(workerID), room: room, viewpoint: viewpoint,
                rotation: rotation,
                offeredClasses: offered.map { lookup.classes[Int($0)] ?? .init(id: Int($0), name: String($0), symmetry: .none) }))
        }
        return result
    }

    /// Grouped counts from the database, statistics in Capture.
    public func statistics() async throws -> TaskStatistics {
        let lookup = try await lookup()
        var rows: [(ids: [Int], count: Int)] = []
        for try await (room, viewpoint, rotation, firstClass, count) in try await client.query(
            """
            SELECT room_id, viewpoint_id, rotation_id, offered_class_ids[1], count(*)
            FROM tasks GROUP BY 1, 2, 3, 4
            """, logger: logger
        ).decode((Int16, Int16, Int16, Int32, Int64).self) {
            rows.append(([Int(room), Int(viewpoint), Int(rotation), Int(firstClass)], Int(count)))
        }
        return TaskStatistics(
            variables: ["room", "viewpoint", "rotation", "first_class"], rows: rows,
            labels: [
                lookup.rooms.mapValues(\.name), lookup.viewpoints.mapValues(\.name),
                lookup.rotations.mapValues { String($0.id) }, lookup.classes.mapValues(\.name),
            ])
    }
}
