public import Capture
public import Logging
public import PostgresNIO

/// Controls in PostgreSQL (`rooms`, `viewpoints`, `rotations`).
public struct PostgresControlRepository: ControlRepository {
    let client: PostgresClient
    let logger: Logger

    /// Creates a repository on a running client.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Seeds defaults where missing; safe to call from any command, any number of times.
    public func ensureDefaults() async throws {
        try await inTransaction(client, logger: logger) { connection in
            try await Self.ensureDefaults(on: connection, logger: logger)
        }
    }

    static func ensureDefaults(on connection: PostgresConnection, logger: Logger) async throws {
        // Serialise concurrent first uses so defaults are inserted once.
        try await connection.query("SELECT pg_advisory_xact_lock(7023447737)", logger: logger)
        let roomCount = try await count("SELECT count(*) FROM rooms", on: connection, logger: logger)
        if roomCount == 0 {
            for name in Room.defaultNames {
                try await connection.query("INSERT INTO rooms (name) VALUES (\(name)) ON CONFLICT (name) DO NOTHING", logger: logger)
            }
        }
        let viewpointCount = try await count("SELECT count(*) FROM viewpoints", on: connection, logger: logger)
        if viewpointCount == 0 {
            for viewpoint in Viewpoint.defaults {
                try await connection.query(
                    "INSERT INTO viewpoints (name, pitch_degrees) VALUES (\(viewpoint.name), \(Float(viewpoint.pitchDegrees))) ON CONFLICT (name) DO NOTHING",
                    logger: logger)
            }
        }
        let rotationCount = try await count("SELECT count(*) FROM rotations", on: connection, logger: logger)
        if rotationCount < RotationSet.standardCount {
            for rotation in RotationSet.standard.rotations {
                let q = rotation.quaternion
                try await connection.query(
                    """
                    INSERT INTO rotations (id, qw, qx, qy, qz, description, axial_distinct, spherical)
                    VALUES (\(Int16(rotation.id)), \(q.w), \(q.x), \(q.y), \(q.z), \(rotation.description), \(rotation.axialDistinct), \(rotation.spherical))
                    ON CONFLICT (id) DO NOTHING
                    """, logger: logger)
            }
        }
    }

    static func count(_ sql: String, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        for try await value in rows.decode(Int.self) { return value }
        return 0
    }

    /// Replaces the active room set.
    public func setRooms(_ names: [String]) async throws {
        try await inTransaction(client, logger: logger) { connection in
            try await Self.ensureDefaults(on: connection, logger: logger)
            try await Self.setRooms(names, on: connection, logger: logger)
        }
    }

    static func setRooms(_ names: [String], on connection: PostgresConnection, logger: Logger) async throws {
        guard !names.isEmpty else { throw StoreError(.invalidInput, "At least one room is needed.") }
        for name in names {
            guard Room.isValidName(name) else {
                throw StoreError(.invalidInput, "Room name \"\(name)\" must be lowercase letters, digits and dashes, starting with a letter.")
            }
        }
        guard Set(names).count == names.count else { throw StoreError(.invalidInput, "A room is listed twice.") }
        for name in names {
            try await connection.query(
                "INSERT INTO rooms (name) VALUES (\(name)) ON CONFLICT (name) DO UPDATE SET active = true", logger: logger)
        }
        try await connection.query("UPDATE rooms SET active = false WHERE NOT (name = ANY(\(names)))", logger: logger)
    }

    /// Replaces the active viewpoint set.
    public func setViewpoints(_ viewpoints: [(name: String, pitchDegrees: Double)]) async throws {
        try await inTransaction(client, logger: logger) { connection in
            try await Self.ensureDefaults(on: connection, logger: logger)
            try await Self.setViewpoints(viewpoints, on: connection, logger: logger)
        }
    }

    static func setViewpoints(_ viewpoints: [(name: String, pitchDegrees: Double)], on connection: PostgresConnection, logger: Logger) async throws {
        guard !viewpoints.isEmpty else { throw StoreError(.invalidInput, "At least one viewpoint is needed.") }
        for viewpoint in viewpoints {
            try await connection.query(
                """
                INSERT INTO viewpoints (name, pitch_degrees) VALUES (\(viewpoint.name), \(Float(viewpoint.pitchDegrees)))
                ON CONFLICT (name) DO UPDATE SET pitch_degrees = EXCLUDED.pitch_degrees, active = true
                """, logger: logger)
        }
        let names = viewpoints.map(\.name)
        try await connection.query("UPDATE viewpoints SET active = false WHERE NOT (name = ANY(\(names)))", logger: logger)
    }

    /// Active rooms.
    public func rooms() async throws -> [Room] {
        try await Self.rooms(on: client, logger: logger)
    }

    static func rooms(on client: PostgresClient, logger: Logger) async throws -> [Room] {
        var result: [Room] = []
        let rows = try await client.query("SELECT id, name FROM rooms WHERE active ORDER BY id", logger: logger)
        for try await (id, name) in rows.decode((Int16, String).self) { result.append(Room(id: Int(id), name: name)) }
        return result
    }

    /// Active viewpoints.
    public func viewpoints() async throws -> [Viewpoint] {
        var result: [Viewpoint] = []
        let rows = try await client.query("SELECT id, name, pitch_degrees FROM viewpoints WHERE active ORDER BY id", logger: logger)
        for try await (id, name, pitch) in rows.decode((Int16, String, Float).self) {
            result.append(Viewpoint(id: Int(id), name: name, pitchDegrees: Double(pitch)))
        }
        return result
    }

    /// Stored rotations.
    public func rotations() async throws -> [Rotation] {
        var result: [Rotation] = []
        let rows = try await client.query(
            "SELECT id, qw, qx, qy, qz, description, axial_distinct, spherical FROM rotations ORDER BY id", logger: logger)
        for try await (id, w, x, y, z, description, axial, spherical) in rows.decode((Int16, Double, Double, Double, Double, String, Bool, Bool).self) {
            result.append(Rotation(
                id: Int(id), quaternion: Quaternion(w: w, x: x, y: y, z: z), description: description,
                axialDistinct: axial, spherical: spherical))
        }
        return result
    }
}
