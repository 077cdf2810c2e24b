/// Amounts of the program's currency, kept to its smallest unit (ISO 4217's minor unit: a cent,
/// a whole yen, a thousandth of a dinar): rewards such as 10.1 add up in binary floating point to
/// 30.299999999999997, which no report should print.
public enum Money {
    /// How many decimals an amount in `currency` has (ISO 4217's minor unit): 2 for most, 0 for
    /// the yen and the other currencies without one, 3 for the dinars of Bahrain, Kuwait and others.
    public static func decimals(of currency: String) -> Int {
        if wholeUnitCurrencies.contains(currency) { return 0 }
        if thousandthCurrencies.contains(currency) { return 3 }
        // Units of account rather than money, with four decimals: Chile's and Uruguay's indexed units.
        if ["CLF", "UYW"].contains(currency) { return 4 }
        return 2
    }

    /// ISO 4217's currencies without a minor unit (a yen has no cents).
    static let wholeUnitCurrencies: Set = ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"]
    /// ISO 4217's currencies whose minor unit is a thousandth (1,000 fils to the dinar).
    static let thousandthCurrencies: Set = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]

    /// `amount` to the nearest unit of `decimals` decimals (half away from zero, as the pages print it).
    static func rounded(_ amount: Double, decimals: Int) -> Double {
        minorUnits(amount, decimals: decimals) / scale(decimals)
    }

    /// `amount` in whole units of `decimals` decimals (cents for 2), half away from zero.
    /// Amounts are decimals read into binary: 0.145 is 0.144999… there and 14.499999999999998
    /// hundredths, so a few units in the last place short of a half count as the half the decimal
    /// meant (0.15, not 0.14).
    static func minorUnits(_ amount: Double, decimals: Int) -> Double {
        let scaled = amount * scale(decimals)
        return (scaled + (scaled < 0 ? -4 : 4) * scaled.ulp).rounded()
    }

    /// 10 to the power `decimals`: minor units a whole unit.
    static func scale(_ decimals: Int) -> Double {
        [1, 10, 100, 1_000, 10_000][min(max(decimals, 0), 4)]
    }
}
