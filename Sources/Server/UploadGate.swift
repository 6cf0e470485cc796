import NIOCore
import NIOPosix
import Synchronization

/// Admission for uploads, so that load beyond the machine's cores queues briefly and is then
/// refused with a retry hint instead of piling up memory and latency.
///
/// Two limits: a worker may have `perWorker` uploads in flight from the moment the request starts
/// (one token cannot open a hundred stalled bodies), and at most `slots` uploads are validated at
/// once across the server. A slot is asked for only once the whole body is in hand, so stalled
/// clients never hold one; a request waits for a slot at most `maxWait`, first come first served.
final class UploadGate: Sendable {
    /// Why an upload was not admitted.
    enum Refusal: Error, Equatable {
        /// The worker already has `perWorker` uploads in flight.
        case workerBusy
        /// No validation slot freed within the bounded wait.
        case serverBusy
    }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var freeSlots: Int
        var waiters: [Waiter] = []
        var nextWaiter: UInt64 = 0
        var inFlight: [Int: Int] = [:]
    }

    /// Validation slots.
    let slots: Int
    /// Uploads in flight per worker.
    let perWorker: Int
    /// Longest wait for a slot.
    let maxWait: TimeAmount
    private let state: Mutex<State>
    private let timers: any EventLoopGroup

    /// Creates a gate; `slots` is usually the number of cores.
    init(slots: Int, perWorker: Int, maxWait: TimeAmount, timers: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.slots = max(1, slots)
        self.perWorker = max(1, perWorker)
        self.maxWait = maxWait
        self.timers = timers
        state = Mutex(State(freeSlots: max(1, slots)))
    }

    /// Runs `body` as one of the worker's in-flight uploads; refuses at once when it has
    /// `perWorker` already.
    func asWorkerUpload<T>(_ worker: Int, _ body: () async throws -> T) async throws -> T {
        let admitted = state.withLock { state -> Bool in
            let current = state.inFlight[worker, default: 0]
            guard current < perWorker else { return false }
            state.inFlight[worker] = current + 1
            return true
        }
        guard admitted else { throw Refusal.workerBusy }
        defer {
            state.withLock { state in
                let left = state.inFlight[worker, default: 1] - 1
                state.inFlight[worker] = left > 0 ? left : nil
            }
        }
        return try await body()
    }

    /// Runs `body` holding a validation slot, waiting at most `maxWait` for one.
    func withSlot<T>(_ body: () async throws -> T) async throws -> T {
        guard await acquire() else { throw Refusal.serverBusy }
        defer { release() }
        return try await body()
    }

    /// Takes a free slot or queues; true once a slot is held, false when the wait ran out.
    private func acquire() async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let id: UInt64? = state.withLock { state in
                if state.freeSlots > 0 {
                    state.freeSlots -= 1
                    return nil
                }
                state.nextWaiter += 1
                state.waiters.append(Waiter(id: state.nextWaiter, continuation: continuation))
                return state.nextWaiter
            }
            guard let id else {
                continuation.resume(returning: true)
                return
            }
            timers.next().scheduleTask(in: maxWait) { [self] in
                let expired = state.withLock { state -> Waiter? in
                    guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                    return state.waiters.remove(at: index)
                }
                expired?.continuation.resume(returning: false)
            }
        }
    }

    /// Hands the slot to the longest waiter, or frees it.
    private func release() {
        let next = state.withLock { state -> Waiter? in
            guard !state.waiters.isEmpty else {
                state.freeSlots += 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.continuation.resume(returning: true)
    }
}
