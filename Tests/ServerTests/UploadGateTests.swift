import NIOCore
import Testing
@testable import Server

@Suite struct UploadGateTests {
    @Test func aWorkerHasAFewUploadsInFlight() async throws {
        let gate = UploadGate(slots: 2, perWorker: 2, maxWait: .seconds(5))
        let refused = try await gate.asWorkerUpload(7) {
            try await gate.asWorkerUpload(7) {
                // A third of worker 7's refused, another worker's admitted.
                let other = try await gate.asWorkerUpload(8) { true }
                do {
                    _ = try await gate.asWorkerUpload(7) { true }
                    return !other
                } catch UploadGate.Refusal.workerBusy {
                    return other
                }
            }
        }
        #expect(refused)
        // Once they finish, the worker may upload again.
        #expect(try await gate.asWorkerUpload(7) { true })
    }

    @Test func slotsAreHandedOverAndTheWaitIsBounded() async throws {
        let gate = UploadGate(slots: 1, perWorker: 4, maxWait: .milliseconds(200))
        let (held, release) = AsyncStream.makeStream(of: Void.self)
        let (entered, enteredSignal) = AsyncStream.makeStream(of: Void.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await gate.withSlot {
                    enteredSignal.yield()
                    for await _ in held { break }
                }
            }
            for await _ in entered { break }
            // The only slot is held: a second upload waits 200 ms, then is told the server is busy.
            await #expect(throws: UploadGate.Refusal.serverBusy) { try await gate.withSlot {} }
            // A waiter queued while the slot is held gets it when it is released.
            group.addTask { try await gate.withSlot {} }
            try await Task.sleep(for: .milliseconds(20))
            release.yield()
            try await group.waitForAll()
        }
        #expect(try await gate.withSlot { 42 } == 42)
    }
}
