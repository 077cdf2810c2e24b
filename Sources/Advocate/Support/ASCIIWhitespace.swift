extension UInt8 {
    /// Tab, line feed, vertical tab, form feed, carriage return and space: the ASCII characters
    /// with Unicode's White_Space property (what `Character.isWhitespace` is for ASCII text).
    var isASCIIWhitespace: Bool {
        self == 0x20 || (0x09...0x0D).contains(self)
    }
}
