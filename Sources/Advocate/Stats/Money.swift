/// Amounts of the program's currency, kept to hundredths: rewards such as 10.1 add up in binary
/// floating point to 30.299999999999997, which no report should print.
enum Money {
    /// `amount` to the nearest hundredth (half away from zero, as the pages print it).
    static func rounded(_ amount: Double) -> Double {
        (amount * 100).rounded() / 100
    }
}
