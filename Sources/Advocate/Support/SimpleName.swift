/// A name whose words ``PersonName/masked(_:)`` can find on its bytes, with the answer the
/// Character walk (`maskedByCharacters`) would give: words parted by ASCII whitespace, and every
/// character one Unicode scalar that no neighbour joins into a grapheme.
///
/// That is ASCII without the commas, brackets and at-sign variants that the walk reads in other
/// ways (a comma in "Hopper, Grace"), and letters from the two-byte scalars of Latin, Greek,
/// Cyrillic and Armenian ("Zoë Müller", "Ђорђе Петровић"): no whitespace, separator, combining mark,
/// control character or unspaced script is among them (a word of controls alone is no name to the
/// walk). Written by hand: the standard library finds words by Character, the slow part.
struct SimpleName {
    /// The first and the last word, as byte ranges; `last` is nil for a name of one word.
    let first: Range<Int>
    let last: Range<Int>?
    let hasAtSign: Bool
    private let bytes: [UInt8]

    /// Nil when the name has something only the Character walk reads right.
    init?(_ name: String) {
        let bytes = Array(name.utf8)
        var first: Range<Int>?
        var last: Range<Int>?
        var hasAtSign = false
        var index = 0, wordStart: Int?
        while index <= bytes.count {
            let byte = index < bytes.count ? bytes[index] : 0x20
            if byte.isASCIIWhitespace {
                if let start = wordStart {
                    if first == nil { first = start..<index } else { last = start..<index }
                    wordStart = nil
                }
                index += 1
                continue
            }
            if wordStart == nil { wordStart = index }
            if byte >= 0x80 {
                guard index + 1 < bytes.count, Self.isSimpleTwoByteScalar(bytes[index], bytes[index + 1]) else { return nil }
                index += 2
                continue
            }
            switch byte {
            case UInt8(ascii: ","), UInt8(ascii: "("), UInt8(ascii: "["), 0..<0x20, 0x7F: return nil
            case UInt8(ascii: "@"): hasAtSign = true
            default: break
            }
            index += 1
        }
        self.first = first ?? 0..<0
        self.last = last
        self.hasAtSign = hasAtSign
        self.bytes = bytes
    }

    /// The text of a word.
    func text(_ word: Range<Int>) -> String {
        String(decoding: bytes[word], as: UTF8.self)
    }

    /// A word's first character.
    func initial(of word: Range<Int>) -> String {
        text(word.lowerBound..<(word.lowerBound + (bytes[word.lowerBound] < 0x80 ? 1 : 2)))
    }

    /// Whether a lead and a continuation byte encode a letter of U+00C0 to U+02FF (Latin and the
    /// spacing modifiers), U+0370 to U+052F (Greek, Cyrillic, less its combining U+0483 to U+0489)
    /// or U+0530 to U+058F (Armenian).
    private static func isSimpleTwoByteScalar(_ lead: UInt8, _ next: UInt8) -> Bool {
        guard lead & 0xE0 == 0xC0, next & 0xC0 == 0x80 else { return false }
        let scalar = UInt32(lead & 0x1F) << 6 | UInt32(next & 0x3F)
        return (0xC0...0x2FF).contains(scalar) || (0x370...0x482).contains(scalar) || (0x48A...0x58F).contains(scalar)
    }
}
