import Foundation
import Store

/// Bounds a database call: a pool that cannot connect waits for a connection forever, and a
/// request must get a 503 instead of hanging.
///
/// A task group would not do: it waits for every child before returning, so a body that does not
/// react to cancellation (a lease or a query on a connection the server dropped) would hold the
/// request past the deadline. The body therefore runs in its own task, and whichever of body and
/// timer finishes first answers; the loser is cancelled and its result dropped.
struct DatabaseDeadline: Sendable {
    /// Seconds a request-path database call may take before the request gets a 503.
    let seconds: Int

    /// Bounds `body` by the configured deadline.
    func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await Self.run(seconds: seconds, body)
    }

    /// Bounds a commit, which may wait for a checkpoint's fsync: three times the deadline.
    func runCommit<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await Self.run(seconds: seconds * 3, body)
    }

    static func run<T: Sendable>(seconds: Int, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let answer = FirstAnswer<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                answer.install(continuation)
                let work = Task {
                    do { answer.resume(.success(try await body())) } catch { answer.resume(.failure(error)) }
                }
                let timer = Task {
                    try? await Task.sleep(for: .seconds(seconds))
                    guard !Task.isCancelled else { return }
                    work.cancel()
                    answer.resume(.failure(StoreError(.databaseUnreachable, "The database did not answer within \(seconds) seconds.")))
                }
                answer.onFinish { work.cancel(); timer.cancel() }
            }
        } onCancel: {
            answer.resume(.failure(CancellationError()))
        }
    }
}

/// Resumes a continuation once, with whichever result arrives first; later results are dropped.
private final class FirstAnswer<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var early: Result<T, any Error>?
    private var finished = false
    private var cleanup: (@Sendable () -> Void)?

    func install(_ continuation: CheckedContinuation<T, any Error>) {
        lock.lock()
        if let early {
            lock.unlock()
            continuation.resume(with: early)
            return
        }
        self.continuation = continuation
        lock.unlock()
    }

    func onFinish(_ body: @escaping @Sendable () -> Void) {
        lock.lock()
        if finished {
            lock.unlock()
            body()
            return
        }
        cleanup = body
        lock.unlock()
    }

    func resume(_ result: Result<T, any Error>) {
        lock.lock()
        guard !finished else { lock.unlock(); return }
        finished = true
        let continuation = self.continuation
        self.continuation = nil
        if continuation == nil { early = result }
        let cleanup = self.cleanup
        self.cleanup = nil
        lock.unlock()
        continuation?.resume(with: result)
        cleanup?()
    }
}
