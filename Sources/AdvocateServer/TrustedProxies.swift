import Foundation

/// The reverse proxies (nginx, Caddy, a load balancer) whose `X-Forwarded-For` the server
/// believes: addresses and CIDR ranges, IPv4 or IPv6, from `--trusted-proxy`.
///
/// Behind a proxy every request arrives from the proxy's address, so without this the per-IP
/// rate limit would be one budget shared by every visitor. Written by hand: Hummingbird has no
/// forwarded-address support, and the parsing is a few calls to `inet_pton`.
public struct TrustedProxies: Sendable {
    private var ranges: [Range] = []

    /// No proxy trusted: the client is always the peer of the connection.
    public init() {}

    /// Parses each of `entries` (`127.0.0.1`, `::1`, `10.0.0.0/8`, `fd00::/8`); throws naming the
    /// first that is not an address or range.
    public init(_ entries: [String]) throws(InvalidEntry) {
        for entry in entries {
            guard let range = Range(entry) else { throw InvalidEntry(entry: entry) }
            ranges.append(range)
        }
    }

    public var isEmpty: Bool { ranges.isEmpty }

    /// Whether `address` (as the socket reports it) is one of the proxies.
    public func contains(_ address: String) -> Bool {
        IPAddress.bytes(of: address).map(isProxy) ?? false
    }

    /// The client behind a trusted proxy: the last address in `X-Forwarded-For` (its `values`, in
    /// order) that is not itself a trusted proxy, as proxies append the address they received
    /// from. Nil when the header is missing, malformed, or names only proxies.
    public func client(forwardedFor values: [String]) -> String? {
        let entries = values.flatMap { $0.split(separator: ",") }
        for entry in entries.reversed() {
            guard let bytes = IPAddress.bytes(of: Self.hostPart(entry.trimmingCharacters(in: .whitespaces))) else { return nil }
            if !isProxy(bytes) { return IPAddress.text(of: bytes) }
        }
        return nil
    }

    private func isProxy(_ address: [UInt8]) -> Bool {
        ranges.contains { $0.contains(address) }
    }

    /// `--trusted-proxy` got something that is not an address or a range.
    public struct InvalidEntry: Error, CustomStringConvertible {
        public var entry: String
        public var description: String {
            "--trusted-proxy '\(entry)' is not an IP address or CIDR range (for example 127.0.0.1, ::1 or 10.0.0.0/8)"
        }
    }

    /// An address and how many of its leading bits a match must share.
    private struct Range: Sendable {
        var bytes: [UInt8]
        var prefixLength: Int

        init?(_ text: String) {
            let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let bytes = IPAddress.bytes(of: String(parts[0])) else { return nil }
            let bits = bytes.count * 8
            if parts.count == 2 {
                guard let length = Int(parts[1]), (0...bits).contains(length) else { return nil }
                prefixLength = length
            } else {
                prefixLength = bits
            }
            self.bytes = bytes
        }

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var remaining = prefixLength
            for (mine, theirs) in zip(bytes, address) where remaining > 0 {
                let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
                if mine & mask != theirs & mask { return false }
                remaining -= 8
            }
            return true
        }
    }

    /// `[2001:db8::1]:443` -> `2001:db8::1`, `192.0.2.7:8080` -> `192.0.2.7` (some proxies add the port).
    private static func hostPart(_ entry: String) -> String {
        if entry.hasPrefix("["), let close = entry.firstIndex(of: "]") {
            return String(entry[entry.index(after: entry.startIndex)..<close])
        }
        let colons = entry.filter { $0 == ":" }.count
        if colons == 1, let colon = entry.firstIndex(of: ":") { return String(entry[..<colon]) }
        return entry
    }
}
