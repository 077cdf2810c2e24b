import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1.1 channel plus what of RFC 9112 and RFC 9110 it leaves out, decided
/// from the request's head while it still has its version (Hummingbird turns requests into
/// HTTPTypes, which carry none):
/// - an HTTP/1.0 connection closes after its response unless the client asked to keep it
///   (`Connection: keep-alive`), RFC 9112 §9.3: a client that reads until the server closes
///   (ApacheBench, scripts on raw sockets) waited for the idle timeout; and when it asked, the
///   response says `Connection: keep-alive`, without which such a client waits for the close;
///   an HTTP/1.1 request asking to close in any spelling (`Close`, `TE, close`) closes it too;
/// - an HTTP/1.1 request with `Expect: 100-continue` gets `100 Continue` at once, RFC 9110
///   §10.1.1: libcurl, .NET and PHP clients waited a second or more before sending their body;
///   unless its Content-Length is over the endpoint's limit, whose 413 is then its only answer,
///   so the client never sends a body that would be thrown away, and the connection closes;
/// - a method NIO's parser does not know (`FOO`) is answered 501, RFC 9110 §9.1, where
///   Hummingbird answered every parse error 400, and so is a transfer coding other than
///   chunked, RFC 9112 §6.1; a head past NIO's parser's bound (80 KiB: a long address or many
///   headers) is answered 431, RFC 6585 §5;
/// - an HTTP/1.1 request without a Host header, or any request with two, is answered 400,
///   RFC 9112 §3.2;
/// - such a refusal closes the connection, but only after the answers to the requests pipelined
///   before it, RFC 9112 §9.3.2: a referral's 201 was lost when `FOO` followed it in one read.
struct HTTP1ConformingChannel: ServerChildChannel {
    let http1: HTTP1Channel
    let connections: ConnectionBudget
    /// How long a request's body may take to arrive whole once its head is read.
    let bodyDeadline: TimeAmount

    /// A server builder for ``Application``, closing connections idle for `idleTimeout`
    /// (Hummingbird's own timer: no request part read, no response in progress), a request
    /// whose body is not whole within it (408), and at once a connection past the budget.
    static func server(idleTimeout: Duration, connections: ConnectionBudget) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            HTTP1ConformingChannel(http1: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: TimeAmount(idleTimeout))),
                                   connections: connections, bodyDeadline: bodyDeadline(idleTimeout: idleTimeout))
        }
    }

    /// A second before the idle timeout, or half of it when that is shorter (`--idle-timeout 1`):
    /// a body that stops altogether is then answered 408 rather than closed by the idle timer
    /// without a word.
    static func bodyDeadline(idleTimeout: Duration) -> TimeAmount {
        TimeAmount(max(idleTimeout - .seconds(1), idleTimeout / 2))
    }

    /// A setup refused for a connection past the budget: NIO closes it before it is registered,
    /// so nothing can be written to it (as nginx past `worker_connections`).
    struct OverBudget: Error {}

    /// What the request's body stream ends with when its deadline passed (the client was
    /// answered 408), so that the endpoint logs 408 too, not the 400 of a malformed body.
    struct BodyDeadlinePassed: Error {}

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        let (admitted, firstRefusal) = connections.admit()
        guard admitted else {
            if firstRefusal {
                logger.warning("closing new connections at once: \(connections.maximum) are open, the most this server holds (half its open-file limit, less 64)")
            }
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(OverBudget())
        }
        let connections = connections
        channel.closeFuture.whenComplete { _ in connections.release() }
        return http1.setup(channel: channel, logger: logger).flatMapThrowing { value in
            // Right after NIO's decoder, while the request still has its version; what this
            // handler writes goes straight to NIO's response encoder.
            let decoder = try channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try channel.pipeline.syncOperations.addHandler(VersionAwareRequestHead(bodyDeadline: bodyDeadline), position: .after(decoder))
            return value
        }
    }

    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}

/// Adds `Connection: close` to a request that asked to close (in any case or list) or, in
/// HTTP/1.0, did not ask for keep-alive, and
/// `Connection: keep-alive` to the response of one that did, answers `100 Continue` to an
/// HTTP/1.1 request that expects it and may send its body, and refuses an unknown method (501)
/// or a request without its one Host (400) once the requests before it are answered, and a
/// body not whole within the deadline (408): Hummingbird's idle timer restarts with every byte,
/// so a body sent a byte at a time held its connection, and a descriptor, for good.
private final class VersionAwareRequestHead: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// What a response must say of its connection: nothing more, that it stays open (to an
    /// HTTP/1.0 request that asked for keep-alive), or that it ends (a 413 sent instead of
    /// `100 Continue`).
    private enum Ending { case asItIs, staysOpen, ends }
    /// For each request read whose response has not ended, in order, what that response says of
    /// the connection. A `100 Continue` goes out only when the request is the sole one, so it can
    /// never land inside a pipelined request's response.
    private var unanswered: [Ending] = []
    /// The answer that ends the connection, once a request is refused; nothing read after that
    /// request is passed on. It goes out when `unanswered` is empty.
    private var refusal: (status: HTTPResponseStatus, text: String)?
    private var refusalSent = false
    private let bodyDeadline: TimeAmount
    /// The deadline of the body being read, cancelled at its end.
    private var bodyTimer: Scheduled<Void>?

    init(bodyDeadline: TimeAmount) {
        self.bodyDeadline = bodyDeadline
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard refusal == nil else { return }
        guard case .head(var head) = unwrapInboundIn(data) else {
            if case .end = unwrapInboundIn(data) {
                bodyTimer?.cancel()
                bodyTimer = nil
            }
            context.fireChannelRead(data)
            return
        }
        let hosts = head.headers["host"].count
        guard hosts == 1 || (hosts == 0 && head.version != .http1_1) else {
            refuse(.badRequest, "A request needs exactly one Host header (RFC 9112 §3.2).\n", context: context)
            return
        }
        // NIO's parser reads `gzip, chunked` as chunked and hands on the compressed bytes.
        let codings = head.headers["transfer-encoding"].flatMap { $0.split(separator: ",") }
        let contentLength = head.headers["content-length"].first.flatMap(Int.init)
        guard codings.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).lowercased() == "chunked" }) else {
            refuse(.notImplemented, "This server takes no transfer coding but chunked (RFC 9112 §6.1).\n", context: context)
            return
        }
        var ending = head.version == .http1_0 && head.isKeepAlive ? Ending.staysOpen : .asItIs
        if !head.isKeepAlive {
            // Hummingbird ends the connection after the response only for a header of exactly
            // `close`: HTTP/1.0's default, `Close` or `TE, close` (Perl's LWP) kept it open until
            // the idle timeout. An HTTP/1.1 response says so (RFC 9112 §9.6).
            head.headers.replaceOrAdd(name: "connection", value: "close")
            if head.version == .http1_1 { ending = .ends }
        }
        if head.version == .http1_1, head.headers["expect"].contains(where: { $0.lowercased() == "100-continue" }) {
            if contentLength.map({ $0 <= ServerConfiguration.maximumBodySize }) ?? true {
                if unanswered.isEmpty {
                    context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .continue))), promise: nil)
                }
            } else {
                // Its 413 is sent before a body that may never come, so the connection ends with
                // it (RFC 9110 §15.5.14), pipelined or not: a next request would otherwise be
                // read as that body.
                head.headers.replaceOrAdd(name: "connection", value: "close")
                ending = .ends
            }
        }
        unanswered.append(ending)
        if !codings.isEmpty || (contentLength ?? 0) > 0 {
            let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
            bodyTimer = context.eventLoop.scheduleTask(in: bodyDeadline) { bound.value.handler.bodyIsLate(context: bound.value.context) }
        }
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }

    func channelInactive(context: ChannelHandlerContext) {
        bodyTimer?.cancel()
        bodyTimer = nil
        context.fireChannelInactive()
    }

    /// 408 and the connection closed: at once when the late request is the only one unanswered,
    /// else (its answer would come before theirs) the connection closed without it.
    private func bodyIsLate(context: ChannelHandlerContext) {
        bodyTimer = nil
        guard unanswered.count == 1, refusal == nil else {
            context.close(promise: nil)
            return
        }
        unanswered.removeAll()
        context.fireErrorCaught(HTTP1ConformingChannel.BodyDeadlinePassed())
        refuse(.requestTimeout, "The request body did not arrive in time.\n", context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error as? HTTPParserError {
        case .invalidMethod?:
            refuse(.notImplemented, "This server does not know that method; its pages take GET and HEAD, its endpoints POST.\n", context: context)
        case .headerOverflow?:
            refuse(.requestHeaderFieldsTooLarge, "The request's head (its address and headers) is too large.\n", context: context)
        default:
            context.fireErrorCaught(error)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where head.status.code >= 200 && (unanswered.first ?? .asItIs) != .asItIs && !head.headers.contains(name: "connection"):
            head.headers.add(name: "connection", value: unanswered.first == .ends ? "close" : "keep-alive")
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end:
            if !unanswered.isEmpty { unanswered.removeFirst() }
            context.write(data, promise: promise)
            sendRefusalWhenDue(context: context)
        default:
            context.write(data, promise: promise)
        }
    }

    private func refuse(_ status: HTTPResponseStatus, _ text: String, context: ChannelHandlerContext) {
        refusal = (status, text)
        sendRefusalWhenDue(context: context)
    }

    private func sendRefusalWhenDue(context: ChannelHandlerContext) {
        guard let refusal, !refusalSent, unanswered.isEmpty else { return }
        refusalSent = true
        // Sent before any route sees the path, so without a page's headers: never kept by a cache,
        // whichever page (a private stats page too) the request named. Dated, as an origin
        // server's every answer is (RFC 9110 §6.6.1); Hummingbird dates only its own.
        var headers = HTTPHeaders([("connection", "close"), ("content-type", "text/plain; charset=utf-8"), ("cache-control", "no-store"),
                                   ("x-content-type-options", "nosniff"), ("date", HTTPDate.string(Date()))])
        headers.add(name: "content-length", value: String(refusal.text.utf8.count))
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: refusal.status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: refusal.text)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
