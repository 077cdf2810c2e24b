import Foundation

/// One request written on a raw loopback socket: the response (waited for up to 30 s), and
/// whether the server then closed the connection within 2 s. With a body to send after the
/// head, what the server answered in the 3 s before the body (an interim `100 Continue`).
struct LoopbackExchange: Sendable {
    var interim = ""
    var response = ""
    var closedByServer = false

    /// The exchange on a thread of its own: its blocking reads must not hold one of the
    /// cooperative pool's few threads, which the server under test needs to answer.
    static func run(port: Int, request: String, bodyAfterHead body: String? = nil) async throws -> LoopbackExchange {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try LoopbackExchange(port: port, request: request, bodyAfterHead: body) }) }.start()
        }
    }

    init(port: Int, request: String, bodyAfterHead body: String? = nil) throws {
        let descriptor = try Self.connectToLoopback(port: port)
        defer { close(descriptor) }
        Self.transmit(request, on: descriptor)
        var buffer = [UInt8](repeating: 0, count: 65536)
        if let body {
            Self.setTimeout(descriptor, seconds: 3)
            let count = recv(descriptor, &buffer, buffer.count, 0)
            interim = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
            Self.transmit(body, on: descriptor)
        }
        Self.setTimeout(descriptor, seconds: 30)
        var bytes: [UInt8] = []
        while true {
            if Self.isComplete(bytes) { Self.setTimeout(descriptor, seconds: 2) }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count == 0 { closedByServer = true }
            guard count > 0 else { break }
            bytes += buffer[0..<count]
        }
        response = String(decoding: bytes, as: UTF8.self)
    }

    /// A socket connected to 127.0.0.1:`port`, for the caller to close.
    static func connectToLoopback(port: Int) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else {
            close(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
        return descriptor
    }

    /// A loopback port nothing listens on: one the system just handed out, closed again.
    static func closedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func transmit(_ text: String, on descriptor: Int32) {
        _ = text.utf8CString.withUnsafeBufferPointer { send(descriptor, $0.baseAddress, $0.count - 1, 0) }
    }

    private static func setTimeout(_ descriptor: Int32, seconds: Int) {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Whether `bytes` hold a whole response: its head and as many bytes as its Content-Length.
    private static func isComplete(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return false }
        let length = text[..<end.lowerBound].split(separator: "\r\n")
            .first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        return text.utf8.count - text[..<end.upperBound].utf8.count >= length
    }
}
