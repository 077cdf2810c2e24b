import Crypto

/// `X-Advocate-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` of `"<t>." + body` with the
/// hook's secret, as Stripe signs its webhooks: the receiver recomputes it, compares in constant
/// time and refuses old timestamps, so a captured delivery cannot be replayed later.
public enum WebhookSignature {
    public static let header = "X-Advocate-Signature"

    public static func value(body: [UInt8], secret: [UInt8], timestamp: Int64) -> String {
        "t=\(timestamp),v1=\(hex(code(body: body, secret: secret, timestamp: timestamp)))"
    }

    /// True when `header` carries a `v1` code of `body` signed with `secret`, at most
    /// `tolerance` seconds away from `now`.
    public static func verify(_ header: String, body: [UInt8], secret: [UInt8], now: Int64, tolerance: Int64 = 300) -> Bool {
        var timestamp: Int64?
        var codes: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int64(pair[1]) }
            if pair[0] == "v1" { codes.append(String(pair[1])) }
        }
        guard let timestamp, abs(now - timestamp) <= tolerance else { return false }
        let key = SymmetricKey(data: secret)
        let message = Array("\(timestamp).".utf8) + body
        return codes.contains { code in
            guard let bytes = unhex(code) else { return false }
            return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: message, using: key)
        }
    }

    static func code(body: [UInt8], secret: [UInt8], timestamp: Int64) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array("\(timestamp).".utf8) + body, using: SymmetricKey(data: secret)))
    }

    /// Lower-case hex (swift-crypto has no public hex codec).
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    static func unhex(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: utf8.count, by: 2) {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x61...0x66: byte - 0x61 + 10
        case 0x41...0x46: byte - 0x41 + 10
        default: nil
        }
    }
}
