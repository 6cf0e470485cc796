import Foundation
import Hummingbird
import NIOCore
import PostgresNIO
import ServiceLifecycle
import Testing
import VantageTestSupport
@testable import Server

/// Slow clients and the connection limit against a running server, over plain sockets. Every assertion
/// is on an event (the server closed the connection, a response came) with a generous upper bound; the
/// lower bounds only say the server did not close before its deadline, which load cannot make flaky.
@Suite("Connection deadlines and limit over real sockets", .enabled(if: TestDatabase.isConfigured, "needs VANTAGE_TEST_DATABASE_URL"))
struct ConnectionDeadlinesTests {
    /// Added to every timeout an assertion waits for: the machine is shared and may be loaded.
    static let slack = 15.0

    @Test func aTricklingHeadIsClosedAtTheHeaderDeadline() async throws {
        let timeout = 1.5
        try await withServer({ $0.headerTimeoutSeconds = timeout }) { port, _ in
            let slow = try RawConnection(port: port)
            let clock = ContinuousClock()
            let start = clock.now
            let head = Array(("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + String(repeating: "a", count: 1000)).utf8)
            var ending: RawConnection.Ending?
            // One byte every 300 ms: a timeout between reads would never fire.
            var index = 0
            while ending == nil, index < head.count, clock.now - start < .seconds(timeout + Self.slack) {
                await slow.send([head[index]])
                if index == 2 { #expect(try await Self.healthz(port) == 200, "a normal request is served meanwhile") }
                let wait = await slow.waitForClose(within: 0.3)
                #expect(wait.received.isEmpty, "no response to half a head")
                if wait.closed { ending = wait }
                index += 1
            }
            let elapsed = Self.seconds(clock.now - start)
            #expect(ending?.closed == true, "closed within \(timeout) s + \(Self.slack) s of slack")
            #expect(elapsed >= timeout - 0.5, "not before the deadline")
        }
    }

    @Test func aStalledBodyIsClosedAfterTheBodyTimeout() async throws {
        let timeout = 1.5
        try await withServer({ $0.bodyTimeoutSeconds = timeout; $0.minBodyBytesPerSecond = 0 }) { port, world in
            let upload = try RawConnection(port: port)
            #expect(await upload.send(Self.uploadHead(task: world.openTask, length: 1_000_000)))
            #expect(await upload.send([UInt8](repeating: 0xFF, count: 1000)))
            let clock = ContinuousClock()
            let start = clock.now
            #expect(try await Self.healthz(port) == 200, "a normal request is served meanwhile")
            let ending = await upload.waitForClose(within: timeout + Self.slack)
            #expect(ending.closed)
            #expect(ending.received.isEmpty, "the route was waiting for the body: \(String(decoding: ending.received, as: UTF8.self))")
            #expect(Self.seconds(clock.now - start) >= timeout - 0.5, "not before the timeout")
        }
    }

    @Test func aTricklingBodyIsClosedAtTheRateFloor() async throws {
        let timeout = 1.0
        try await withServer({ $0.bodyTimeoutSeconds = timeout; $0.minBodyBytesPerSecond = 16_384 }) { port, world in
            let upload = try RawConnection(port: port)
            #expect(await upload.send(Self.uploadHead(task: world.openTask, length: 1_000_000)))
            let clock = ContinuousClock()
            let start = clock.now
            var ending: RawConnection.Ending?
            // 100 bytes every 300 ms: never a gap of the body timeout, far below the floor.
            while ending == nil, clock.now - start < .seconds(timeout + Self.slack) {
                await upload.send([UInt8](repeating: 0xFF, count: 100))
                let wait = await upload.waitForClose(within: 0.3)
                if wait.closed { ending = wait }
            }
            #expect(ending?.closed == true, "closed within \(timeout) s + \(Self.slack) s of slack")
            #expect(ending?.received.isEmpty == true)
            #expect(Self.seconds(clock.now - start) >= timeout - 0.5, "not before the grace ends")
        }
    }

    @Test func aBusyRouteIsNotTheClientsStall() async throws {
        // A route that sleeps past the body timeout before it reads: the server's buffer fills, reads
        // stop, and the client waits on TCP. That wait is the server's, so the upload must still succeed.
        let router = Router()
        router.put("/busy") { request, _ -> String in
            try await Task.sleep(for: .seconds(3))
            var count = 0
            for try await chunk in request.body { count += chunk.readableBytes }
            return "\(count)"
        }
        var configuration = ServerConfiguration(port: 0)
        configuration.bodyTimeoutSeconds = 1
        // Far below what loopback carries even in a debug build on a loaded machine, far above a stall.
        configuration.minBodyBytesPerSecond = 200_000
        let app = Application(
            router: router, server: .http1Guarded(configuration), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            logger: TestDatabase.logger)
        try await app.test(.live) { http in
            let upload = try RawConnection(port: try #require(http.port))
            let total = 30_000_000
            #expect(await upload.send("PUT /busy HTTP/1.1\r\nHost: localhost\r\nContent-Length: \(total)\r\n\r\n"))
            #expect(await upload.send([UInt8](repeating: 0xFF, count: total), within: 3 + 4 * Self.slack), "the server reads on once the route does")
            let response = try await upload.readResponse(within: 2 * Self.slack)
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == "\(total)")
        }
    }

    @Test func anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout() async throws {
        let timeout = 1.5
        try await withServer({ $0.idleTimeoutSeconds = timeout }) { port, _ in
            let kept = try RawConnection(port: port)
            for _ in 0..<2 {
                #expect(await kept.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"))
                #expect(try await kept.readResponse(within: Self.slack).status == 200, "kept alive after a response")
            }
            #expect(try await Self.healthz(port) == 200, "a normal request is served meanwhile")
            let ending = await kept.waitForClose(within: timeout + Self.slack)
            #expect(ending.closed)
            #expect(ending.received.isEmpty)
        }
    }

    @Test func connectionsBeyondTheLimitAreRefusedUntilOneCloses() async throws {
        try await withServer({ $0.maxConnections = 3 }) { port, _ in
            var open: [RawConnection] = []
            for _ in 0..<3 {
                let connection = try RawConnection(port: port)
                #expect(await connection.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"))
                #expect(try await connection.readResponse(within: Self.slack).status == 200)
                open.append(connection)
            }

            let fourth = try RawConnection(port: port)
            let refused = try await fourth.readResponse(within: Self.slack)
            #expect(refused.status == 503)
            #expect(refused.head.contains("\r\nRetry-After: 1"))
            #expect(refused.head.contains("\r\nConnection: close"))
            #expect(refused.head.contains("\r\nContent-Type: application/json; charset=utf-8"))
            #expect(errorCode(ByteBuffer(bytes: refused.body)) == "too_many_connections")
            #expect(await fourth.waitForClose(within: Self.slack).closed)

            #expect(await open[0].send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"))
            #expect(try await open[0].readResponse(within: Self.slack).status == 200, "the three admitted are still served")
            open.removeFirst().close()

            // Admitted again once the server has seen the close; until then a try may still be refused.
            let clock = ContinuousClock()
            let start = clock.now
            var statuses: [Int] = []
            while statuses.last != 200, clock.now - start < .seconds(Self.slack) {
                if let status = try? await Self.healthz(port, within: 5) { statuses.append(status) }
                if statuses.last != 200 { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(statuses.last == 200, "statuses: \(statuses)")
            #expect(statuses.allSatisfy { $0 == 200 || $0 == 503 })
        }
    }

    // MARK: - Helpers

    /// Runs the server on a free port with `configure`'s changes to the defaults (long enough that only
    /// the limit under test can act), with the upload rows in place, and stops it afterwards.
    func withServer(
        _ configure: (inout ServerConfiguration) -> Void, _ body: @Sendable @escaping (Int, UploadWorld) async throws -> Void
    ) async throws {
        let folder = try Fixtures.temporaryFolder("vantage-blobs")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = ServerConfiguration(port: 0, blobRoot: folder)
        configuration.databaseTimeoutSeconds = 60
        configure(&configuration)
        let settings = configuration
        try await TestDatabase.withMigratedDatabase { client, _ in
            let world = try await UploadWorld.make(client)
            let (ports, listening) = AsyncStream.makeStream(of: Int.self)
            let app = buildApplication(
                configuration: settings, client: client, logger: TestDatabase.logger, runsClient: false,
                onListening: { listening.yield($0) })
            let services = ServiceGroup(configuration: .init(services: [app], logger: TestDatabase.logger))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    defer { listening.finish() }
                    try await services.run()
                }
                var iterator = ports.makeAsyncIterator()
                guard let port = await iterator.next() else {
                    try await group.waitForAll()
                    throw RawConnection.Failure(description: "the server stopped before it listened")
                }
                do {
                    try await body(port, world)
                } catch {
                    await services.triggerGracefulShutdown()
                    throw error
                }
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
    }

    /// The status of `GET /healthz` on a connection of its own.
    static func healthz(_ port: Int, within seconds: Double = slack) async throws -> Int {
        let connection = try RawConnection(port: port)
        await connection.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        return try await connection.readResponse(within: seconds).status
    }

    /// A valid photo upload's head for `task`, announcing `length` bytes.
    static func uploadHead(task: Int64, length: Int) -> String {
        "PUT /v1/tasks/\(task)/photo HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(UploadWorld.aliceToken)\r\n"
            + "Content-Type: image/jpeg\r\nX-Object-Class: Mug\r\nX-Device-Pitch: -45\r\nX-Device-Roll: 0\r\n"
            + "Content-Length: \(length)\r\n\r\n"
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
