import Hummingbird
import NIOCore

/// The request context of the endpoint: Hummingbird's core context plus the client's address,
/// which the per-IP rate limit keys on.
public struct AdvocateRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's IP address: the peer's, or behind a trusted proxy the one it forwarded
    /// (``ForwardedClientMiddleware``); nil when there is no socket (router tests).
    public internal(set) var clientIP: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientIP = source.channel.remoteAddress?.ipAddress
    }

    public var maxUploadSize: Int { ServerConfiguration.maximumBodySize }
}
