/// Text files read as UTF-8, with the place of the first byte that is not.
enum UTF8Text {
    /// Where the first byte that is not UTF-8 is: its line, and its column in bytes, as
    /// ``SourceLocation`` counts them.
    struct NotUTF8: Error {
        var location: SourceLocation
    }

    /// `bytes` as text.
    static func decode(_ bytes: [UInt8]) throws(NotUTF8) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        parsing: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .error, .emptyInput: break parsing
            }
        }
        let before = bytes[..<offset]
        let lineStart = (before.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
        throw NotUTF8(location: SourceLocation(line: before.count { $0 == UInt8(ascii: "\n") } + 1, column: offset - lineStart + 1))
    }
}
