/// Text files read as UTF-8, with the place of the first byte that is not.
enum UTF8Text {
    /// Where the first byte that is not UTF-8 is: its line and column.
    struct NotUTF8: Error {
        var location: SourceLocation
        /// Whether the text is UTF-16 (see ``isUTF16(_:)``): its every other byte is NUL, which
        /// UTF-8 allows, so it would otherwise be read as text full of NULs.
        var isUTF16 = false

        /// What to tell the user of a `what` ("file", "template") that is not UTF-8.
        func message(_ what: String) -> String {
            isUTF16 ? UTF8Text.utf16Problem : "the \(what) is not valid UTF-8 text from here on; save it as UTF-8"
        }
    }

    /// The error for a file saved as UTF-16.
    static let utf16Problem = "the file is UTF-16 text (as Notepad's \"Unicode\" and Excel's \"Unicode Text\" save it): save it as UTF-8"

    /// Whether `bytes` are UTF-16, as Windows tools save "Unicode" text: a UTF-16 byte order
    /// mark, or a NUL beside the first character, which ASCII text in UTF-16 has.
    static func isUTF16(_ bytes: some Collection<UInt8>) -> Bool {
        let first = Array(bytes.prefix(2))
        guard first.count == 2 else { return false }
        return first == [0xFF, 0xFE] || first == [0xFE, 0xFF] || (first[0] == 0) != (first[1] == 0)
    }

    /// `bytes` as text.
    static func decode(_ bytes: [UInt8]) throws(NotUTF8) -> String {
        if isUTF16(bytes) { throw NotUTF8(location: .start, isUTF16: true) }
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
        throw NotUTF8(location: SourceLocation(line: before.count { $0 == UInt8(ascii: "\n") } + 1,
                                               column: SourceLocation.column(ofByte: offset, lineStart: lineStart, in: bytes)))
    }

    /// `text` with each CR that ends a line alone (old Mac line ends) made an LF; CRLF is kept.
    static func withLoneCarriageReturnsAsLineFeeds(_ text: String) -> String {
        let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        guard text.utf8.contains(cr) else { return text }
        var bytes = Array(text.utf8)
        for index in bytes.indices where bytes[index] == cr && (index + 1 == bytes.count || bytes[index + 1] != lf) {
            bytes[index] = lf
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Control characters HTML does not allow in a page (U+0000–U+0008, U+000B, U+000E–U+001F,
    /// U+007F–U+009F), as text pasted from a word processor carries them (U+000B, a line break
    /// there), and noncharacters (U+FFFE, U+FDD0…, which HTML forbids too): `text` without them,
    /// and where the first was and which, when there was one. In a message the form feed, a page
    /// break no message has (its page showed it as `�`, its share links sent it), becomes a space.
    static func removingControls(_ text: String, isMessage: Bool) -> (text: String, first: (location: SourceLocation, scalar: Unicode.Scalar)?) {
        let isRemoved = { (scalar: Unicode.Scalar) in isForbidden(scalar) || isMessage && scalar == "\u{0C}" }
        guard text.unicodeScalars.contains(where: isRemoved) else { return (text, nil) }
        var kept = String.UnicodeScalarView()
        var first: (SourceLocation, Unicode.Scalar)?
        var line = 1
        var column = 1
        for scalar in text.unicodeScalars {
            if isRemoved(scalar) {
                if first == nil { first = (SourceLocation(line: line, column: column), scalar) }
                // A message's form feed parts words, as a space does (`Page\fbreak` had become `Pagebreak`).
                if scalar == "\u{0C}" { kept.append(" ") }
                continue
            }
            kept.append(scalar)
            // Columns in code points, as a Markdown file's other warnings count them (near enough
            // to characters; a combining mark is rarely on the line before a control character).
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return (String(kept), first)
    }

    private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x08, 0x0B, 0x0E...0x1F, 0x7F...0x9F, 0xFDD0...0xFDEF: true
        default: scalar.value & 0xFFFE == 0xFFFE
        }
    }
}
