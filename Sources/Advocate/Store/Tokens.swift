/// Fresh secrets and readable codes for new referrers.
public enum Tokens {
    /// 24 random bytes from the system's CSPRNG as base64url: 32 characters, 192 bits.
    public static func statsToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return base64URL(bytes)
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var output = ""
        var index = 0
        while index + 2 < bytes.count {
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in [18, 12, 6, 0] { output.append(alphabet[Int(value >> UInt32(shift) & 63)]) }
            index += 3
        }
        return output
    }

    /// A readable, unused code for a name: the first name where free (`ada`), else the full name
    /// (`ada-lovelace`), else the full name with a number (`ada-lovelace-2`).
    public static func readableCode(for name: String, taken: Set<String>) -> String {
        // Without a fallback of their own: a first name of no letters ("👩‍👩‍👧‍👦 Family") gave "referrer"
        // before the full name's readable "family" was tried.
        let full = Slug.make(name, fallback: "", maxLength: 36)
        let first = Slug.make(PersonName.firstName(name), fallback: "", maxLength: 36)
        let base = full.count >= 2 ? full : "referrer"
        for candidate in [first, base] where StoreRules.isValidCode(candidate) && !taken.contains(candidate) {
            return candidate
        }
        var counter = 2
        while taken.contains("\(base)-\(counter)") { counter += 1 }
        return "\(base)-\(counter)"
    }
}
