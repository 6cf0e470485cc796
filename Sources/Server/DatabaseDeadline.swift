import Store

/// Bounds a database call: a pool that cannot connect waits for a connection forever, and a
/// request must get a 503 instead of hanging.
enum DatabaseDeadline {
    static func run<T: Sendable>(seconds: Int = 5, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                throw StoreError(.databaseUnreachable, "The database did not answer within \(seconds) seconds.")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}
