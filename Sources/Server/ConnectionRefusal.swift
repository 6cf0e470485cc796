import NIOCore

/// Answers a connection the server has no room for with a bare `503 too_many_connections` and closes it,
/// without reading what the client sent; goes first in the pipeline, so the HTTP stack never sees a byte.
final class ConnectionRefusal: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The whole response: the JSON error body `APIError` writes, and `Connection: close`.
    static let response: [UInt8] = {
        let body = APIError.tooManyConnections.jsonBody
        let head = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
            + "Content-Length: \(body.count)\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + body
    }()

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        let buffer = context.channel.allocator.buffer(bytes: Self.response)
        context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Dropped: a refused connection's request is never served.
    }
}

@available(*, unavailable)
extension ConnectionRefusal: Sendable {}
