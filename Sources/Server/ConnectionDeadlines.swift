import Logging
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client is too slow: a head that does not arrive in time, a body that stalls
/// or trickles, a kept-alive connection left idle (the rules are `ConnectionDeadlineState`'s).
///
/// Sits after the HTTP codec, so it sees request and response parts and the server's read requests; a
/// `ByteObserver` at the front of the pipeline tells it about raw bytes, which is all a partial head is.
/// One scheduled task on the channel's event loop at a time: it is set for the earliest moment anything
/// could run out and, when it fires early because bytes have moved the deadline on, sets itself again.
final class ConnectionDeadlines: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var state: ConnectionDeadlineState
    private let logger: Logger
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    private var started = false

    init(limits: ConnectionDeadlineState.Limits, logger: Logger) {
        self.state = ConnectionDeadlineState(limits: limits, now: .now())
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: state.headArrived(now: .now())
        case .body(let bytes): state.bodyArrived(count: bytes.readableBytes, now: .now())
        case .end: state.endArrived(now: .now())
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // While a body arrives the clocks stop here and start again in `read` straight after, unless the
        // server's buffer is full; `read` sets the timer, so each read does not cancel and set one.
        if state.receivesBody { state.readFinished(now: .now()) }
        if !state.isPaused { reschedule(context: context) }
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if state.isPaused {
            state.readRequested(now: .now())
            reschedule(context: context)
        }
        context.read()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            state.responseEnded(now: .now())
            reschedule(context: context)
        }
        context.write(data, promise: promise)
    }

    /// Raw bytes arrived; the next `channelReadComplete` sets the timer.
    fileprivate func bytesArrived() {
        if state.awaitsFirstByte || state.isPaused { state.bytesArrived(now: .now()) }
    }

    private func start(context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        state = ConnectionDeadlineState(limits: state.limits, now: .now())
        reschedule(context: context)
    }

    /// Keeps a timer that fires no later than the current expiry; one set earlier is left to set itself
    /// again when it fires, so arriving bytes cost no timer churn. No expiry (processing): no timer.
    private func reschedule(context: ChannelHandlerContext) {
        guard let deadline = state.expiry?.deadline else {
            cancelTimer()
            return
        }
        if let timerDeadline, timerDeadline <= deadline { return }
        cancelTimer()
        timerDeadline = deadline
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.timerFired(context: context)
        }
    }

    private func timerFired(context: ChannelHandlerContext) {
        timer = nil
        timerDeadline = nil
        guard let (deadline, reason) = state.expiry else { return }
        guard NIODeadline.now() >= deadline else {
            reschedule(context: context)
            return
        }
        logger.debug(
            "Closing a connection whose client is too slow.",
            metadata: ["expired": "\(reason.rawValue)", "remote_address": "\(context.channel.remoteAddress?.description ?? "?")"])
        context.close(promise: nil)
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
    }
}

extension ConnectionDeadlines {
    /// Tells `ConnectionDeadlines` that bytes came off the socket, before the HTTP decoder has made a
    /// part of them; goes first in the pipeline.
    final class ByteObserver: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer

        private let deadlines: ConnectionDeadlines

        init(_ deadlines: ConnectionDeadlines) {
            self.deadlines = deadlines
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            deadlines.bytesArrived()
            context.fireChannelRead(data)
        }
    }
}

@available(*, unavailable)
extension ConnectionDeadlines: Sendable {}

@available(*, unavailable)
extension ConnectionDeadlines.ByteObserver: Sendable {}
