#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks, before the first build, that the server will be able to listen where it was asked
/// to, so that a port already taken fails at once with what to do, instead of after a build of
/// every page (minutes at 100,000 referrers) with NIO's
/// `bind(descriptor:ptr:bytes:): Address already in use) (errno: 98)`.
///
/// Why by hand: Hummingbird binds only when its service runs, and no package offers a check
/// without serving. The probe binds a socket with `SO_REUSEADDR`, as the server does, and closes
/// it at once; any failure it cannot explain is left for the server to report.
enum ListenProbe {
    /// Why `host:port` cannot be listened on now, as a sentence; nil when it can (or when the
    /// reason is not one of the three a user can act on).
    static func problem(host: String, port: Int) -> String? {
        let hostAdvice = "use 127.0.0.1 for this machine only or 0.0.0.0 for every interface"
        // Resolved as NIO resolves the server's address (no hints, the first answer), so that the
        // probe binds the address the server will: `localhost` may be ::1 or 127.0.0.1.
        var addresses: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), nil, &addresses)
        guard resolved == 0, let address = addresses else {
            return "--host \(host) is not an address or a name this machine can resolve (\(String(cString: gai_strerror(resolved)))); \(hostAdvice)"
        }
        defer { freeaddrinfo(addresses) }
        #if canImport(Glibc)
        let stream = Int32(SOCK_STREAM.rawValue)
        #else
        let stream = SOCK_STREAM
        #endif
        let descriptor = socket(address.pointee.ai_family, stream, 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var on: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) != 0 else { return nil }
        let shown = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        switch errno {
        case EADDRINUSE:
            return "\(shown) is already in use: another program (perhaps another advocate serve) listens there; "
                + "stop it, or choose another port with --port"
        case EACCES:
            return "not allowed to listen on port \(port): ports below 1024 need privileges; "
                + "choose a port such as 8080 (with a reverse proxy in front for port 80 or 443)"
        case EADDRNOTAVAIL:
            return "--host \(host) is not an address of this machine; \(hostAdvice)"
        default:
            return nil
        }
    }
}
