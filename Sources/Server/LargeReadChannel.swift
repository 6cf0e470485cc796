import HummingbirdCore
import Logging
import NIOCore

/// HTTP/1 connections that read from the socket in blocks of up to 1 MB instead of NIO's 64 KB.
///
/// A 2 MB photo arrived in about 35 reads, each a fresh buffer, a trip through the HTTP decoder and a
/// hop through the request body's async sequence. Larger reads cut those per-upload costs; the
/// allocator still starts small and shrinks again for connections that send little.
struct LargeReadChannel: ServerChildChannel {
    let http1: HTTP1Channel

    /// Largest single read.
    static let maximumRead = 1 << 20

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        let allocator = AdaptiveRecvByteBufferAllocator(minimum: 4096, initial: 64 * 1024, maximum: Self.maximumRead)
        return channel.setOption(ChannelOptions.recvAllocator, value: allocator).flatMap {
            http1.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}
