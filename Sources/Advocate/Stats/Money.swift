/// Amounts of the program's currency, kept to hundredths: rewards such as 10.1 add up in binary
/// floating point to 30.299999999999997, which no report should print.
enum Money {
    /// `amount` to the nearest hundredth (half away from zero, as the pages print it).
    static func rounded(_ amount: Double) -> Double {
        hundredths(amount) / 100
    }

    /// `amount` in whole hundredths, half away from zero. Amounts are decimals read into binary:
    /// 0.145 is 0.144999… there and 14.499999999999998 hundredths, so a few units in the last
    /// place short of a half count as the half the decimal meant (0.15, not 0.14).
    static func hundredths(_ amount: Double) -> Double {
        let scaled = amount * 100
        return (scaled + (scaled < 0 ? -4 : 4) * scaled.ulp).rounded()
    }
}
