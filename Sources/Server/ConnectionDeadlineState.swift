import NIOCore

/// What one HTTP/1 connection is waiting for from its client, and the moment that wait has lasted too
/// long: the rules `ConnectionDeadlines` enforces, kept free of NIO's pipeline so they can be checked
/// with made-up clocks.
///
/// - **Head**: the whole request head must arrive within `header` of the accept or, on a kept-alive
///   connection, of the next request's first byte. A deadline, not a gap between reads: a client sending
///   one byte a second is cut off all the same.
/// - **Idle**: after a response, the next request's first byte must come within `idle`.
/// - **Body**, while one is being received:
///   - no gap of `body` without a byte, and
///   - a rate floor after a grace of `body`: `t` seconds after the head, at least
///     `minBodyBytesPerSecond × (t − body)` bytes must have arrived. So a body of `n` bytes has
///     `body + n / minBodyBytesPerSecond` seconds in all; with the defaults (60 s, 16 KiB/s) a 25 MB upload
///     has 26 minutes, and a phone sending 100 KB/s, six times the floor, never comes near it. A trickle
///     buys only as much time as it sends bytes, and the body's size (bounded by the route) bounds that.
///   While the server is not asking for body bytes (its request buffer is full because the route is busy),
///   neither clock runs: the client is not the one holding things up.
/// - **Processing**: from the end of a request body until its response is written, nothing runs out.
struct ConnectionDeadlineState {
    /// The limits, from `ServerConfiguration`.
    struct Limits: Sendable {
        var header: TimeAmount
        var body: TimeAmount
        var minBodyBytesPerSecond: Int
        var idle: TimeAmount

        init(header: TimeAmount, body: TimeAmount, minBodyBytesPerSecond: Int, idle: TimeAmount) {
            self.header = header
            self.body = body
            self.minBodyBytesPerSecond = max(0, minBodyBytesPerSecond)
            self.idle = idle
        }

        init(_ configuration: ServerConfiguration) {
            self.init(
                header: Self.amount(configuration.headerTimeoutSeconds), body: Self.amount(configuration.bodyTimeoutSeconds),
                minBodyBytesPerSecond: configuration.minBodyBytesPerSecond, idle: Self.amount(configuration.idleTimeoutSeconds))
        }

        /// Seconds as a `TimeAmount`, at least a millisecond so a zero or negative setting cannot spin.
        private static func amount(_ seconds: Double) -> TimeAmount {
            .nanoseconds(Int64(max(0.001, min(seconds, 1e9)) * 1e9))
        }
    }

    /// Which wait ran out.
    enum Expiry: String, Sendable {
        case header, idle, bodyStalled = "body_stalled", bodyTooSlow = "body_too_slow"
    }

    private struct Body {
        var start: NIODeadline
        var lastByte: NIODeadline
        var received: Int
    }

    let limits: Limits
    /// When the current head's deadline started; nil while a kept-alive connection waits for a first byte.
    private var headStart: NIODeadline?
    private var idleStart: NIODeadline
    /// The request whose body is arriving, if any.
    private var body: Body?
    /// Requests whose head has arrived and whose response has not been written in full.
    private var responsesPending = 0
    /// Since when the server has not asked for more bytes while a body is arriving.
    private var pausedSince: NIODeadline?

    /// A connection accepted at `now`: its first head is due within `limits.header`.
    init(limits: Limits, now: NIODeadline) {
        self.limits = limits
        self.headStart = now
        self.idleStart = now
    }

    /// True when nothing of the next request has arrived on a kept-alive connection.
    var awaitsFirstByte: Bool { headStart == nil && body == nil && responsesPending == 0 }

    /// True while a request body is arriving.
    var receivesBody: Bool { body != nil }

    /// True while the body clocks are stopped because the server asked for no more bytes.
    var isPaused: Bool { pausedSince != nil }

    /// Raw bytes came off the socket.
    mutating func bytesArrived(now: NIODeadline) {
        if awaitsFirstByte { headStart = now }
        resume(now: now)
    }

    /// A request head arrived in full.
    mutating func headArrived(now: NIODeadline) {
        headStart = nil
        responsesPending += 1
        pausedSince = nil
        body = Body(start: now, lastByte: now, received: 0)
    }

    /// `count` body bytes arrived.
    mutating func bodyArrived(count: Int, now: NIODeadline) {
        resume(now: now)
        body?.received += count
        body?.lastByte = now
    }

    /// The request's end arrived: the server is processing it, or already answered it.
    mutating func endArrived(now: NIODeadline) {
        body = nil
        pausedSince = nil
        if responsesPending == 0 { becomeIdle(now: now) }
    }

    /// A response was written in full.
    mutating func responseEnded(now: NIODeadline) {
        responsesPending = max(0, responsesPending - 1)
        if responsesPending == 0, body == nil { becomeIdle(now: now) }
    }

    /// A read from the socket finished; until the server asks for the next one, its clocks stop.
    mutating func readFinished(now: NIODeadline) {
        if body != nil, pausedSince == nil { pausedSince = now }
    }

    /// The server asked for more bytes.
    mutating func readRequested(now: NIODeadline) {
        resume(now: now)
    }

    /// The moment the current wait runs out and which wait that is; nil while the server is processing
    /// a request or is not asking for body bytes.
    var expiry: (deadline: NIODeadline, reason: Expiry)? {
        if let body {
            guard pausedSince == nil else { return nil }
            let stalled = body.lastByte + limits.body
            guard limits.minBodyBytesPerSecond > 0 else { return (stalled, .bodyStalled) }
            let allowance = Double(body.received) / Double(limits.minBodyBytesPerSecond)
            let tooSlow = body.start + limits.body + .nanoseconds(Int64(min(allowance, 1e9) * 1e9))
            return stalled <= tooSlow ? (stalled, .bodyStalled) : (tooSlow, .bodyTooSlow)
        }
        if responsesPending > 0 { return nil }
        if let headStart { return (headStart + limits.header, .header) }
        return (idleStart + limits.idle, .idle)
    }

    private mutating func becomeIdle(now: NIODeadline) {
        headStart = nil
        idleStart = now
    }

    /// Moves the body's clocks on by the time the server was not reading, so that time is not the client's.
    private mutating func resume(now: NIODeadline) {
        guard let since = pausedSince else { return }
        pausedSince = nil
        guard var moved = body else { return }
        let paused = now - since
        moved.start = moved.start + paused
        moved.lastByte = moved.lastByte + paused
        body = moved
    }
}
