import Foundation

/// IP addresses as bytes and back, parsed with `inet_pton`, for the trusted proxies and the
/// per-IP rate limit.
enum IPAddress {
    /// 4 bytes for IPv4 (and for IPv6's IPv4-mapped form, which a dual-stack socket reports), 16
    /// for IPv6; nil for anything else.
    static func bytes(of address: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, address, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        let mappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]
        return bytes.starts(with: mappedPrefix) ? Array(bytes[12...]) : bytes
    }

    /// The usual text of an address (`2001:db8::1`, not `2001:0db8:0:0:0:0:0:1`), so one client
    /// is one key of the rate limit however its proxy wrote it.
    static func text(of bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        _ = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// What the per-IP rate limit counts by: an IPv4 address, or an IPv6 address's /64, since a
    /// single IPv6 host is usually handed a whole /64 and could otherwise take a new address for
    /// every request. Anything unparsable is its own key.
    static func rateLimitKey(_ address: String) -> String {
        guard let bytes = bytes(of: address) else { return address }
        return bytes.count == 4 ? text(of: bytes) : text(of: Array(bytes[..<8]) + [UInt8](repeating: 0, count: 8)) + "/64"
    }
}
