/// A name (a person's, a tier's) set inside plain text the build composes (a page's `<title>`, an SMS, a chart's label), where
/// HTML's `<bdi>` cannot isolate it: a name written right to left is wrapped in FIRST STRONG
/// ISOLATE … POP DIRECTIONAL ISOLATE (U+2068, U+2069). Without them a line that opens with
/// "محمد" is read right to left whole by a chat preview or an SMS app, which take a line's
/// direction from its first letter, and the link after it lands on the wrong side. A name
/// without right-to-left letters is returned as it is, so a Latin SMS stays GSM-7.
///
/// Written by hand: Swift exposes no Bidi_Class; the ranges below are Unicode's blocks of
/// right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko and their presentation forms).
enum NameIsolation {
    /// `always`: a left-to-right name too (in a program written right to left, whose messages
    /// must not take their direction from a Latin name that opens them).
    static func isolated(_ name: String, always: Bool = false) -> String {
        guard !name.isEmpty else { return name }
        // Every right-to-left letter is U+0590 or above, whose UTF-8 starts at 0xD6: most names have no such byte.
        guard always || name.utf8.contains(where: { $0 >= 0xD6 }) && name.unicodeScalars.contains(where: isRightToLeft) else { return name }
        // Confined first: a stray PDI of the name's own would end the isolate early.
        return "\u{2068}" + BidiControl.confined(name) + "\u{2069}"
    }

    static func isRightToLeft(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0590...0x08FF, 0xFB1D...0xFDFF, 0xFE70...0xFEFF, 0x10800...0x10FFF, 0x1E800...0x1EFFF: true
        default: false
        }
    }
}
