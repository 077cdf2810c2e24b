/// How figures are written on pages: money in the program's currency, rates as percentages.
public struct Formatting: Sendable {
    public let currency: String
    /// Whether every amount shows its cents (`$0.00`, `$12.50`), as on a program whose rewards
    /// or bonuses have them, so one page does not read "€0" beside "€12.50".
    public let showsCents: Bool

    public init(currency: String, showsCents: Bool = false) {
        self.currency = currency
        self.showsCents = showsCents
    }

    /// The program's currency, with cents on every amount when any reward, bonus or offer has them.
    public init(program: Program) {
        let amounts = [program.referrerReward.amount] + program.tiers.map(\.bonus) + program.offers.map(\.referrerAmount)
        self.init(currency: program.currency, showsCents: amounts.contains { Money.hundredths($0).truncatingRemainder(dividingBy: 100) != 0 })
    }

    private static let symbols: [String: String] = [
        "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$", "NZD": "NZ$", "INR": "₹",
        "CNY": "CN¥", "BRL": "R$", "MXN": "MX$", "KRW": "₩", "ILS": "₪",
    ]

    /// `$1,250` or `$12.50` (`$1,250.00` when ``showsCents``); currencies without a symbol
    /// here read `1,250 CHF`.
    public func money(_ amount: Double) -> String {
        let negative = amount < 0
        // Amounts in the store are at most a billion (ObjectReader), so sums fit; clamped all the same.
        let cents = Int64(min(Money.hundredths(abs(amount)), 9e18))
        var text = Self.grouped(cents / 100)
        if cents % 100 != 0 || showsCents {
            let fraction = cents % 100
            text += "." + (fraction < 10 ? "0\(fraction)" : String(fraction))
        }
        let formatted = Self.symbols[currency].map { $0 + text } ?? "\(text) \(currency)"
        return negative ? "-" + formatted : formatted
    }

    /// `40%` (rounded to a whole percent).
    public static func percent(_ fraction: Double) -> String {
        "\(Int((fraction * 100).rounded()))%"
    }

    static func grouped(_ value: Int64) -> String {
        let digits = String(value)
        var output = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { output += "," }
            output.append(character)
        }
        return output
    }
}

/// Deterministic, even assignment of messaging variants to referrers: a hash of the code.
public enum VariantAssignment {
    /// The variant a referrer is shown, from the sorted list of variant names; nil when there are none.
    public static func variant(for code: String, among variants: [String]) -> String? {
        guard !variants.isEmpty else { return nil }
        return variants[Int(fnv1a(code) % UInt64(variants.count))]
    }

    /// FNV-1a, 64-bit: stable across runs and platforms, unlike `Hasher`.
    static func fnv1a(_ text: String) -> UInt64 {
        var digest = StableDigest()
        digest.addBytes(text.utf8)
        return digest.value
    }
}
