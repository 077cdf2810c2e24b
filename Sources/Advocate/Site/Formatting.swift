/// How figures are written on pages: money in the program's currency, rates as percentages.
public struct Formatting: Sendable {
    public let currency: String
    /// Whether every amount shows its minor unit (`$0.00`, `$12.50`), as on a program whose
    /// rewards or bonuses have one, so one page does not read "€0" beside "€12.50".
    public let showsMinorUnits: Bool
    /// The currency's decimals (ISO 4217): 2 for cents, 0 for the yen, 3 for the dinar.
    let decimals: Int

    public init(currency: String, showsMinorUnits: Bool = false) {
        self.currency = currency
        self.showsMinorUnits = showsMinorUnits
        self.decimals = Money.decimals(of: currency)
    }

    /// The program's currency, with its minor unit on every amount when any reward, bonus or offer has one.
    public init(program: Program) {
        let amounts = [program.referrerReward.amount] + program.tiers.map(\.bonus) + program.offers.map(\.referrerAmount)
        let decimals = Money.decimals(of: program.currency)
        self.init(currency: program.currency, showsMinorUnits: amounts.contains {
            Money.minorUnits($0, decimals: decimals).truncatingRemainder(dividingBy: Money.scale(decimals)) != 0
        })
    }

    private static let symbols: [String: String] = [
        "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$", "NZD": "NZ$", "INR": "₹",
        "CNY": "CN¥", "BRL": "R$", "MXN": "MX$", "KRW": "₩", "ILS": "₪",
    ]

    /// `$1,250` or `$12.50` (`$1,250.00` when ``showsMinorUnits``), `¥1,250`, `2.500 BHD`;
    /// currencies without a symbol here read `1,250 CHF`.
    public func money(_ amount: Double) -> String {
        let negative = amount < 0
        let scale = Int64(Money.scale(decimals))
        // Amounts in the store are at most a billion (ObjectReader), so sums fit; clamped all the same.
        let units = Int64(min(Money.minorUnits(abs(amount), decimals: decimals), 9e18))
        var text = Self.grouped(units / scale)
        if scale > 1 && (units % scale != 0 || showsMinorUnits) {
            let fraction = String(units % scale)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
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
