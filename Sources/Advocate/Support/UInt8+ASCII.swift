extension UInt8 {
    /// Tab, line feed, vertical tab, form feed, carriage return and space: the ASCII characters
    /// with Unicode's White_Space property (what `Character.isWhitespace` is for ASCII text).
    var isASCIIWhitespace: Bool {
        self == 0x20 || (0x09...0x0D).contains(self)
    }

    /// `A-Z`, `a-z` and `0-9`: the ASCII characters that are letters or digits (what
    /// `Character.isLetter || isNumber` is for ASCII text).
    var isASCIILetterOrDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self)
    }

    /// Space to `~`: ASCII without its control characters.
    var isPrintableASCII: Bool {
        (0x20..<0x7F).contains(self)
    }
}
