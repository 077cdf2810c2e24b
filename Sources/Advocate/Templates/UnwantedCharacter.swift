/// Characters no page or message should carry, each shown as U+FFFD (what a browser shows for
/// them): the control characters but tab and the line breaks (HTML takes them as errors, XML has
/// no such characters, a terminal acts on an ESC in an email it shows), C1's as well as C0's and
/// DEL, and the noncharacters U+FDD0 to U+FDEF, U+FFFE and U+FFFF (XML refuses the last two).
enum UnwantedCharacter {
    static let replacement = "\u{FFFD}"

    /// A C0 control but tab, LF and CR, or DEL: characters of one byte.
    static func isControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F
    }

    /// Whether `byte` can start one of several bytes: 0xC2 a C1 control, 0xEF a noncharacter.
    static func mayStart(with byte: UInt8) -> Bool {
        byte == 0xC2 || byte == 0xEF
    }

    /// The length of the C1 control or noncharacter whose UTF-8 starts at `index`; nil when none does.
    static func length(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        switch bytes[index] {
        case 0xC2:
            return index + 1 < bytes.count && (0x80...0x9F).contains(bytes[index + 1]) ? 2 : nil
        case 0xEF:
            guard index + 2 < bytes.count else { return nil }
            switch (bytes[index + 1], bytes[index + 2]) {
            case (0xB7, 0x90...0xAF), (0xBF, 0xBE), (0xBF, 0xBF): return 3
            default: return nil
            }
        default:
            return nil
        }
    }
}
