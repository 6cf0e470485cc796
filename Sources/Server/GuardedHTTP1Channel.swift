import HummingbirdCore
import Logging
import NIOCore

/// HTTP/1 connections (with `LargeReadChannel`'s reads) that slow clients cannot hold open for ever and
/// that stop at `ConnectionLimiter`'s maximum: each admitted connection gets `ConnectionDeadlines`, one
/// over the limit gets `ConnectionRefusal`.
struct GuardedHTTP1Channel: ServerChildChannel {
    let largeReads: LargeReadChannel
    let limits: ConnectionDeadlineState.Limits
    let limiter: ConnectionLimiter

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        let admitted = limiter.admit(channel)
        let limits = self.limits
        return largeReads.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            if admitted {
                let deadlines = ConnectionDeadlines(limits: limits, logger: logger)
                // After the codec, so it sees parts; before Hummingbird's state handler and the async channel,
                // so it sees their read requests.
                try pipeline.addHandler(deadlines, position: .before(try pipeline.handler(type: HTTPConnectionStateHandler.self)))
                try pipeline.addHandler(ConnectionDeadlines.ByteObserver(deadlines), position: .first)
            } else {
                logger.debug("Refusing a connection: the server is full.", metadata: ["max_connections": "\(limiter.maximum)"])
                try pipeline.addHandler(ConnectionRefusal(), position: .first)
            }
            return value
        }.flatMapErrorThrowing { error in
            // A channel that never gets going is closed here, or it would stay counted.
            channel.close(promise: nil)
            throw error
        }
    }

    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        await largeReads.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 with `GuardedHTTP1Channel`'s deadlines and connection limit, from `configuration`.
    static func http1Guarded(_ configuration: ServerConfiguration) -> HTTPServerBuilder {
        let limits = ConnectionDeadlineState.Limits(configuration)
        let limiter = ConnectionLimiter(maximum: configuration.maxConnections)
        return .init { responder in
            GuardedHTTP1Channel(largeReads: LargeReadChannel(http1: HTTP1Channel(responder: responder)), limits: limits, limiter: limiter)
        }
    }
}
