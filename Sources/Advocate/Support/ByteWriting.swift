extension Array where Element == UInt8 {
    /// Appends an integer's decimal digits, with a `-` when it is negative.
    mutating func append(decimal number: Int) {
        if number < 0 { append(UInt8(ascii: "-")) }
        appendDigits(number.magnitude)
    }

    private mutating func appendDigits(_ number: UInt) {
        if number >= 10 { appendDigits(number / 10) }
        append(UInt8(ascii: "0") + UInt8(number % 10))
    }

    /// Appends a string's UTF-8.
    mutating func append(_ text: String) {
        append(contentsOf: text.utf8)
    }
}
