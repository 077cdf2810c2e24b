extension Array where Element == UInt8 {
    /// Appends an integer's decimal digits, with a `-` when it is negative (at most 64 bits of
    /// magnitude). The digits are made in a buffer on the stack and appended at once: a QR code
    /// or a chart writes thousands of numbers.
    mutating func append(decimal number: some BinaryInteger) {
        if number < 0 { append(UInt8(ascii: "-")) }
        var rest = UInt64(number.magnitude)
        if rest < 100 {
            // Most numbers written are coordinates and lengths of one or two digits.
            if rest >= 10 { append(UInt8(ascii: "0") + UInt8(rest / 10)) }
            append(UInt8(ascii: "0") + UInt8(rest % 10))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            while rest > 0 {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            append(contentsOf: digits[start...])
        }
    }

    /// Appends a string's UTF-8.
    mutating func append(_ text: String) {
        append(contentsOf: text.utf8)
    }
}
