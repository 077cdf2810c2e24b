import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1.1 channel, closing each HTTP/1.0 connection after its response unless
/// the client asked to keep it (`Connection: keep-alive`), as RFC 9112 §9.3 has it.
///
/// Hummingbird turns requests into HTTPTypes, which carry no version, so an HTTP/1.0 request
/// without that header was treated as HTTP/1.1 and its connection kept open: a client that reads
/// until the server closes (ApacheBench, scripts on raw sockets) waited for its idle timeout.
struct HTTP10ClosingChannel: ServerChildChannel {
    let http1: HTTP1Channel

    /// A server builder for ``Application``.
    static var server: HTTPServerBuilder {
        HTTPServerBuilder { responder in HTTP10ClosingChannel(http1: HTTP1Channel(responder: responder)) }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        http1.setup(channel: channel, logger: logger).flatMapThrowing { value in
            // Right after NIO's decoder, while the request still has its version.
            let decoder = try channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try channel.pipeline.syncOperations.addHandler(ConnectionCloseForHTTP10(), position: .after(decoder))
            return value
        }
    }

    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}

/// Adds `Connection: close` to an HTTP/1.0 request that did not ask for keep-alive.
private final class ConnectionCloseForHTTP10: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data), head.version == .http1_0, !head.isKeepAlive else {
            context.fireChannelRead(data)
            return
        }
        head.headers.replaceOrAdd(name: "connection", value: "close")
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}
