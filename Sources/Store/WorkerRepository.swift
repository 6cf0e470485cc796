public import Capture

/// A new worker and the token to hand them (shown once, never stored).
public struct NewWorker: Sendable, Equatable, Codable {
    /// The stored worker.
    public var worker: Worker
    /// The bearer token.
    public var token: String
}

/// Workers and their rooms.
public protocol WorkerRepository: Sendable {
    /// Adds a worker who can photograph in `rooms` (active room names); returns the token once.
    func add(name: String, rooms: [String]) async throws -> NewWorker
    /// Every worker, by id.
    func list() async throws -> [Worker]
    /// Revokes a worker's token; their open tasks stay for the record.
    func revoke(name: String) async throws -> Worker
    /// The worker whose token hashes to `tokenHash` (any status: callers decide what revoked means).
    func worker(tokenHash: [UInt8]) async throws -> Worker?
    /// The worker with this name.
    func worker(named name: String) async throws -> Worker?
}
