@testable import AdvocateServer
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

/// `--trusted-proxy`: behind nginx or Caddy the per-IP limit counts visitors, not the proxy, and a
/// forwarded address from anyone else changes nothing.
struct TrustedProxyTests {
    @Test func rangesMatchAddressesOfTheirFamily() throws {
        let proxies = try TrustedProxies(["127.0.0.1", "10.0.0.0/8", "fd00::/8", "::1"])
        #expect(proxies.contains("127.0.0.1") && proxies.contains("10.200.3.4") && proxies.contains("fd12::7") && proxies.contains("::1"))
        #expect(proxies.contains("::ffff:127.0.0.1"), "a dual-stack socket's IPv4-mapped peer")
        #expect(!proxies.contains("127.0.0.2") && !proxies.contains("11.0.0.1") && !proxies.contains("fe80::1") && !proxies.contains("nonsense"))
        #expect(try TrustedProxies(["0.0.0.0/0"]).contains("203.0.113.9"))
        #expect(try TrustedProxies(["192.168.1.0/25"]).contains("192.168.1.127"))
        #expect(try !TrustedProxies(["192.168.1.0/25"]).contains("192.168.1.128"))
    }

    @Test func entriesThatAreNotAddressesAreRefusedByName() {
        for entry in ["localhost", "10.0.0.0/33", "::1/129", "1.2.3", "10.0.0.0/", ""] {
            #expect(throws: TrustedProxies.InvalidEntry.self, "\(entry)") { try TrustedProxies([entry]) }
        }
        #expect(TrustedProxies.InvalidEntry(entry: "localhost").description.contains("--trusted-proxy 'localhost'"))
    }

    @Test func theClientIsTheLastForwardedAddressThatIsNotAProxy() throws {
        let proxies = try TrustedProxies(["127.0.0.1", "10.0.0.0/8"])
        #expect(proxies.client(forwardedFor: ["203.0.113.9"]) == "203.0.113.9")
        // A client can write anything before its real address; the proxy appends what it saw.
        #expect(proxies.client(forwardedFor: ["198.51.100.1, 203.0.113.9"]) == "203.0.113.9")
        #expect(proxies.client(forwardedFor: ["203.0.113.9, 10.1.2.3"]) == "203.0.113.9", "a chain of trusted proxies")
        #expect(proxies.client(forwardedFor: ["198.51.100.1", "203.0.113.9"]) == "203.0.113.9", "one header line per proxy")
        #expect(proxies.client(forwardedFor: ["[2001:db8:0:0::1]:443"]) == "2001:db8::1")
        #expect(proxies.client(forwardedFor: ["203.0.113.9:51234"]) == "203.0.113.9")
        #expect(proxies.client(forwardedFor: ["10.1.2.3"]) == nil, "only proxies")
        #expect(proxies.client(forwardedFor: ["203.0.113.9, unknown"]) == nil, "malformed: the peer stays the client")
        #expect(proxies.client(forwardedFor: []) == nil)
    }

    /// An IPv6 host usually has a whole /64: the per-IP limit counts the /64, not each address.
    @Test func theRateLimitCountsIPv4AddressesAndIPv6Slash64s() {
        #expect(IPAddress.rateLimitKey("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64")
        #expect(IPAddress.rateLimitKey("2001:db8:1:2:bbbb:cccc:dddd:2") == "2001:db8:1:2::/64")
        #expect(IPAddress.rateLimitKey("2001:db8:1:3::1") == "2001:db8:1:3::/64")
        #expect(IPAddress.rateLimitKey("203.0.113.9") == "203.0.113.9")
        #expect(IPAddress.rateLimitKey("::ffff:203.0.113.9") == "203.0.113.9")
    }

    @Test func behindATrustedProxyEachVisitorHasTheirOwnLimit() async throws {
        let proxies = try TrustedProxies(["127.0.0.1"])
        let fixture = try ServerFixture(ipLimit: 1, configure: { $0.trustedProxies = proxies })
        try await fixture.prepared.application.test(.live) { client in
            let first = try await client.postJSON(Self.referral(1), headers: [ForwardedClientMiddleware.header: "203.0.113.1"])
            #expect(first.status == .created)
            let otherVisitor = try await client.postJSON(Self.referral(2), headers: [ForwardedClientMiddleware.header: "203.0.113.2"])
            #expect(otherVisitor.status == .created)
            let again = try await client.postJSON(Self.referral(3), headers: [ForwardedClientMiddleware.header: "198.51.100.7, 203.0.113.1"])
            #expect(again.status == .tooManyRequests)
            let ipv6 = try await client.postJSON(Self.referral(4), headers: [ForwardedClientMiddleware.header: "2001:db8:1:2::1"])
            #expect(ipv6.status == .created)
            let sameSlash64 = try await client.postJSON(Self.referral(5), headers: [ForwardedClientMiddleware.header: "2001:db8:1:2::99"])
            #expect(sameSlash64.status == .tooManyRequests)
        }
    }

    @Test func aForwardedAddressFromAnUntrustedPeerChangesNothing() async throws {
        let fixture = try ServerFixture(ipLimit: 1)
        try await fixture.prepared.application.test(.live) { client in
            let first = try await client.postJSON(Self.referral(1), headers: [ForwardedClientMiddleware.header: "203.0.113.1"])
            #expect(first.status == .created)
            let spoofed = try await client.postJSON(Self.referral(2), headers: [ForwardedClientMiddleware.header: "203.0.113.2"])
            #expect(spoofed.status == .tooManyRequests)
        }
    }

    static func referral(_ index: Int) -> String {
        #"{"referrer":"ada","name":"Friend \#(index)","email":"friend\#(index)@example.net","consent":true}"#
    }
}
