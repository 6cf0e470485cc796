import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain TCP connection to 127.0.0.1 for tests that must misbehave: half a head, a stalled body, a
/// trickle. Non-blocking: every wait polls and sleeps, so no test holds a thread of the shared pool, and
/// every wait has an upper bound, so no test can hang.
final class RawConnection {
    /// What a read found.
    enum Read: Equatable {
        case bytes([UInt8])
        case nothingYet
        case closed
    }

    /// What the server sent, and whether it closed, when `waitForClose` stopped waiting.
    struct Ending {
        var closed: Bool
        var received: [UInt8]
        var seconds: Double
    }

    /// One HTTP response as read off the socket.
    struct Response {
        var status: Int
        var head: String
        var body: [UInt8]
    }

    /// A failure to connect or a response that did not come.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private var descriptor: Int32

    /// Connects to `port` on 127.0.0.1.
    init(port: Int) throws {
        #if canImport(Glibc)
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            _ = systemClose(descriptor)
            throw Failure(description: "connect() to port \(port) failed: errno \(code)")
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    deinit { close() }

    /// Closes our end.
    func close() {
        guard descriptor >= 0 else { return }
        _ = systemClose(descriptor)
        descriptor = -1
    }

    /// Sends `text`; false once the server has closed or reset the connection.
    @discardableResult
    func send(_ text: String) async -> Bool { await send(Array(text.utf8)) }

    /// Sends `bytes`, waiting while the kernel's buffer is full but at most `seconds`; false once the
    /// server has closed or reset the connection, or when time is up.
    @discardableResult
    func send(_ bytes: [UInt8], within seconds: Double = 30) async -> Bool {
        #if canImport(Glibc)
        let flags = Int32(MSG_NOSIGNAL)
        #else
        let flags: Int32 = 0
        #endif
        let clock = ContinuousClock()
        let start = clock.now
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { systemSend(descriptor, $0.baseAddress, $0.count, flags) }
            if sent >= 0 {
                offset += sent
                continue
            }
            guard errno == EAGAIN || errno == EWOULDBLOCK, clock.now - start < .seconds(seconds) else { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    /// Whatever has arrived, without waiting.
    func read() -> Read {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count > 0 { return .bytes(Array(buffer[0..<count])) }
        if count == 0 { return .closed }
        return errno == EAGAIN || errno == EWOULDBLOCK ? .nothingYet : .closed
    }

    /// Reads until the server closes (or resets) the connection or `seconds` pass.
    func waitForClose(within seconds: Double) async -> Ending {
        let clock = ContinuousClock()
        let start = clock.now
        var received: [UInt8] = []
        while true {
            switch read() {
            case .bytes(let bytes):
                received += bytes
                continue
            case .closed:
                return Ending(closed: true, received: received, seconds: Self.seconds(clock.now - start))
            case .nothingYet:
                break
            }
            if clock.now - start > .seconds(seconds) {
                return Ending(closed: false, received: received, seconds: Self.seconds(clock.now - start))
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Reads one response with a `Content-Length` body, waiting at most `seconds`.
    func readResponse(within seconds: Double) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        var received: [UInt8] = []
        var closed = false
        while clock.now - start < .seconds(seconds) {
            if let response = Self.parse(received) { return response }
            guard !closed else { break }
            switch read() {
            case .bytes(let bytes): received += bytes
            case .closed: closed = true
            case .nothingYet: try? await Task.sleep(for: .milliseconds(20))
            }
        }
        throw Failure(description: "no whole response within \(seconds) s; got \(String(decoding: received, as: UTF8.self).debugDescription)")
    }

    private static func parse(_ bytes: [UInt8]) -> Response? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard bytes.count >= 4, let end = (0...(bytes.count - 4)).first(where: { Array(bytes[$0..<($0 + 4)]) == separator }) else {
            return nil
        }
        let head = String(decoding: bytes[0..<end], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, let status = statusLine.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
            return nil
        }
        let length = lines.dropFirst().compactMap { line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
            return Int(parts[1].trimmingCharacters(in: .whitespaces))
        }.first ?? 0
        let bodyStart = end + 4
        guard bytes.count >= bodyStart + length else { return nil }
        return Response(status: status, head: head, body: Array(bytes[bodyStart..<(bodyStart + length)]))
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

private func systemClose(_ descriptor: Int32) -> Int32 {
    #if canImport(Glibc)
    Glibc.close(descriptor)
    #else
    Darwin.close(descriptor)
    #endif
}

private func systemSend(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int, _ flags: Int32) -> Int {
    #if canImport(Glibc)
    Glibc.send(descriptor, bytes, count, flags)
    #else
    Darwin.send(descriptor, bytes, count, flags)
    #endif
}
