import NIOCore
import Testing
@testable import Server

/// The deadline rules on a made-up clock: seconds after an arbitrary origin.
@Suite("Connection deadline rules")
struct ConnectionDeadlineStateTests {
    static let defaults = ConnectionDeadlineState.Limits(ServerConfiguration())

    static func at(_ seconds: Double) -> NIODeadline {
        .uptimeNanoseconds(1_000_000_000_000 + UInt64(seconds * 1e9))
    }

    @Test func configurationDefaultsAreNginxLike() {
        let configuration = ServerConfiguration()
        #expect(configuration.headerTimeoutSeconds == 60)
        #expect(configuration.bodyTimeoutSeconds == 60)
        #expect(configuration.minBodyBytesPerSecond == 16_384)
        #expect(configuration.idleTimeoutSeconds == 75)
        #expect(configuration.maxConnections == 1024)
        #expect(Self.defaults.header == .seconds(60))
        #expect(Self.defaults.idle == .seconds(75))
    }

    @Test func theHeadIsDueAtTheAcceptDeadlineHoweverBytesTrickle() {
        var state = ConnectionDeadlineState(limits: Self.defaults, now: Self.at(0))
        for second in stride(from: 1.0, through: 59, by: 1) {
            state.bytesArrived(now: Self.at(second))
        }
        #expect(state.expiry?.deadline == Self.at(60))
        #expect(state.expiry?.reason == .header)
    }

    @Test func nothingRunsOutWhileTheServerProcesses() {
        var state = ConnectionDeadlineState(limits: Self.defaults, now: Self.at(0))
        state.headArrived(now: Self.at(1))
        state.bodyArrived(count: 5000, now: Self.at(2))
        state.endArrived(now: Self.at(2))
        #expect(state.expiry == nil)
        state.responseEnded(now: Self.at(500))
        #expect(state.expiry?.deadline == Self.at(575))
        #expect(state.expiry?.reason == .idle)
    }

    @Test func aKeptAliveConnectionWaitsIdleThenGetsAHeadDeadlineFromItsFirstByte() {
        var state = ConnectionDeadlineState(limits: Self.defaults, now: Self.at(0))
        state.headArrived(now: Self.at(1))
        state.endArrived(now: Self.at(1))
        state.responseEnded(now: Self.at(2))
        #expect(state.awaitsFirstByte)
        #expect(state.expiry?.reason == .idle)
        state.bytesArrived(now: Self.at(50))
        #expect(state.expiry?.deadline == Self.at(110))
        #expect(state.expiry?.reason == .header)
        state.bytesArrived(now: Self.at(100))
        #expect(state.expiry?.deadline == Self.at(110), "later bytes do not move the head's deadline")
    }

    @Test func aStalledBodyRunsOutABodyTimeoutAfterItsLastByte() {
        var state = ConnectionDeadlineState(limits: Self.defaults, now: Self.at(0))
        state.headArrived(now: Self.at(0))
        state.bodyArrived(count: 10_000_000, now: Self.at(5))
        #expect(state.expiry?.deadline == Self.at(65))
        #expect(state.expiry?.reason == .bodyStalled)
    }

    @Test func aTricklingBodyRunsOutAtTheRateFloor() {
        var state = ConnectionDeadlineState(limits: Self.defaults, now: Self.at(0))
        state.headArrived(now: Self.at(0))
        var ranOut: (second: Double, reason: ConnectionDeadlineState.Expiry)?
        // 1 KB a second, never a gap near the body timeout: only the floor can stop it.
        for second in stride(from: 1.0, through: 3600, by: 1) {
            if let expiry = state.expiry, expiry.deadline <= Self.at(second) {
                ranOut = (second, expiry.reason)
                break
            }
            state.bodyArrived(count: 1000, now: Self.at(second))
        }
        #expect(ranOut?.reason == .bodyTooSlow)
        #expect((ranOut?.second ?? .infinity) < 70, "60 s of grace, then 1 KB a second is far below 16 KiB a second")
    }

    @Test func aSlowButRealPhoneUploadOf25MBNeverRunsOut() {
        var state = ConnectionDeadlineState(limits: Self.defaults, now: Self.at(0))
        state.headArrived(now: Self.at(0))
        // 100 KB/s in 10 KB reads, and a first read only after 10 s of radio wake-up and slow start.
        var received = 0
        var now = 10.0
        var ranOut = false
        while received < 25_000_000 {
            if let expiry = state.expiry, expiry.deadline <= Self.at(now) { ranOut = true }
            state.bodyArrived(count: 10_000, now: Self.at(now))
            received += 10_000
            now += 0.1
        }
        state.endArrived(now: Self.at(now))
        #expect(!ranOut)
        #expect(state.expiry == nil)
    }

    @Test func theBodyClocksStopWhileTheServerAsksForNoBytes() {
        var state = ConnectionDeadlineState(limits: Self.defaults, now: Self.at(0))
        state.headArrived(now: Self.at(0))
        state.bodyArrived(count: 10_000_000, now: Self.at(1))
        state.readFinished(now: Self.at(1))
        #expect(state.isPaused)
        #expect(state.expiry == nil, "a busy route is not the client's stall")
        state.readRequested(now: Self.at(500))
        #expect(state.expiry?.deadline == Self.at(560))
        #expect(state.expiry?.reason == .bodyStalled)
    }

    @Test func anEarlyResponseLeavesTheBodyClocksRunningUntilTheBodyEnds() {
        var state = ConnectionDeadlineState(limits: Self.defaults, now: Self.at(0))
        state.headArrived(now: Self.at(0))
        state.responseEnded(now: Self.at(1))
        #expect(state.expiry?.deadline == Self.at(60))
        state.endArrived(now: Self.at(2))
        #expect(state.expiry?.deadline == Self.at(77))
        #expect(state.expiry?.reason == .idle)
    }
}
