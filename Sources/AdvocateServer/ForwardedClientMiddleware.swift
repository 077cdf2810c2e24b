import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// Makes the client of a request that came through a trusted reverse proxy the address the
/// proxy forwarded (`X-Forwarded-For`), for the per-IP rate limit and the access log. A request
/// carrying the header from a peer that is not trusted keeps its peer, since anyone can send the
/// header; the first one is logged with the flag that would fix it, as it usually means the server
/// runs behind a proxy nobody named, where every visitor shares one rate limit.
struct ForwardedClientMiddleware: RouterMiddleware {
    typealias Context = AdvocateRequestContext

    static let header = HTTPField.Name("X-Forwarded-For")!

    let trustedProxies: TrustedProxies
    private let warning = OnceFlag()

    init(trustedProxies: TrustedProxies) {
        self.trustedProxies = trustedProxies
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let forwarded = request.headers[values: Self.header]
        guard let peer = context.clientIP, !forwarded.isEmpty else { return try await next(request, context) }
        guard trustedProxies.contains(peer) else {
            if trustedProxies.isEmpty, warning.isFirst() {
                context.logger.warning("""
                    requests arrive through a proxy at \(peer) (X-Forwarded-For): start with --trusted-proxy \(peer) \
                    so that the per-IP limit counts each visitor, not the proxy
                    """)
            }
            return try await next(request, context)
        }
        guard let client = trustedProxies.client(forwardedFor: forwarded) else { return try await next(request, context) }
        var context = context
        context.clientIP = client
        return try await next(request, context)
    }
}

/// True the first time it is asked, false after: for a warning a server logs once.
private final class OnceFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    func isFirst() -> Bool {
        !raised.exchange(true, ordering: .relaxed)
    }
}
