import Foundation

/// How people's names are shortened on pages.
public enum PersonName {
    /// The name a greeting uses: the first word ("Ada" for "Ada Lovelace"); the given name after
    /// a family name and a comma ("Grace" for "Hopper, Grace", "Dr. Hopper, Grace" and "Van der
    /// Berg, Jan", but "Ada" for "Ada Lovelace, Jr."); the word after titles ("Hans" for "Prof.
    /// Dr. Hans Müller"), where titles before a lone family name stay with it ("Mr Smith", and
    /// "Ms. Smith" for "Smith, Ms.").
    public static func firstName(_ name: String) -> String {
        // Most names, ASCII without a comma or a title first: the first word, found on bytes (a
        // Character walk was 3 % of a build).
        let utf8 = name.utf8
        if utf8.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: ",") }), let start = utf8.firstIndex(where: { !$0.isASCIIWhitespace }) {
            let first = name[start..<(utf8[start...].firstIndex(where: \.isASCIIWhitespace) ?? utf8.endIndex)]
            if !isTitle(first) { return String(first) }
        }
        var given = name[...]
        var family: [Substring] = []
        if let comma = utf8.firstIndex(of: UInt8(ascii: ",")) {
            let before = name[..<comma]
            // Up to a second comma: "Lovelace, Ada, Countess" is Ada.
            let after = name[utf8.index(after: comma)...].prefix { $0 != "," }
            if isFamilyFirst(before, after) {
                given = after
                family = familyWords(before)
            } else {
                given = before
            }
        }
        let words = given.split(whereSeparator: \.isWhitespace)
        let titleCount = words.prefix { isTitle($0) }.count
        var greeted: String
        if titleCount > 0, titleCount == words.count, !family.isEmpty {
            // "Smith, Ms.": the title with the family name.
            greeted = (words + family).joined(separator: " ")
        } else if titleCount > 0, family.isEmpty, words.count - titleCount <= 1 || ["and", "&"].contains(words[titleCount].lowercased()) {
            // "Mr Smith", "Mr. and Mrs. Smith": greeted whole.
            greeted = words.joined(separator: " ")
        } else if words.count > titleCount + 1, compoundPrefixes.contains(String(words[titleCount])) {
            // "عبد الله العلي" is greeted "عبد الله": "عبد" alone is "servant".
            greeted = words[titleCount] + " " + words[titleCount + 1]
        } else {
            greeted = words.count > titleCount ? String(words[titleCount]) : ""
        }
        // Nothing to read (only a zero-width space after the comma): the name's first word.
        if !StoreRules.hasVisibleText(greeted) {
            greeted = name.split(whereSeparator: \.isWhitespace).first { StoreRules.hasVisibleText(String($0)) }.map(String.init) ?? name
        }
        // A page composes the first name with other words: its directional controls are confined.
        return BidiControl.confined(greeted)
    }

    /// Titles written before a name, with or without their dot.
    private static let titles: Set<String> = ["dr", "mr", "mrs", "ms", "mx", "miss", "prof", "sir", "dame", "rev", "herr", "frau", "sr", "sra", "mme", "mlle"]

    private static func isTitle(_ word: Substring) -> Bool {
        // No Latin title is longer than "mlle.": most words are passed over without a lower-cased copy.
        let bare = word.hasSuffix(".") ? word.dropLast() : word
        if word.utf8.count <= 5 && titles.contains(bare.lowercased()) { return true }
        return word.utf8.contains { $0 >= 0xD6 } && scriptTitles.contains(String(bare))
    }

    /// Titles in Arabic and Hebrew: Dr (د.), Prof or Mr (أ.), Eng (م.) and their words written out.
    private static let scriptTitles: Set<String> = ["د", "أ", "م", "الدكتور", "الدكتورة", "الأستاذ", "الأستاذة", "السيد", "السيدة", "المهندس", "المهندسة",
                                                    "מר", "ד״ר", "ד\"ר", "גב׳", "גב'"]

    /// Arabic words that begin a given name of two ("عبد الله", "أبو بكر"): alone, they mean
    /// "servant", "father of".
    private static let compoundPrefixes: Set<String> = ["عبد", "أبو", "ابو", "أم", "ام", "بن", "ابن", "بنت"]

    /// A family name's initial: an Arabic name's after its article (السعيد: س, not ا).
    private static func initial(of word: Substring) -> Character? {
        word.hasPrefix("ال") && word.count > 2 ? word.dropFirst(2).first : word.first
    }

    /// Words that end a name rather than give it ("Grace Hopper, Jr.", "Smith 3rd").
    private static let suffixes: Set<String> = ["jr", "jnr", "sr", "snr", "ii", "iii", "iv", "2nd", "3rd", "4th", "phd", "md", "esq", "mba", "cpa"]

    /// Whether a word is one of ``suffixes``, with or without its dots and brackets ("Ph.D.",
    /// "Jr", "(Jr.)").
    private static func isSuffix(_ word: Substring) -> Bool {
        suffixes.contains(word.filter { $0 != "." && $0 != "(" && $0 != ")" }.lowercased())
    }

    /// Invisible characters that part words as a space does ("Grace\u{2060}Hopper" is two):
    /// the zero-width space, the word joiner, the byte order mark, the soft hyphen and the
    /// Mongolian vowel separator. Not the zero-width joiners, which belong inside words of
    /// several scripts and inside emoji.
    private static let invisibleSeparators: Set<Character> = ["\u{200B}", "\u{2060}", "\u{FEFF}", "\u{00AD}", "\u{180E}"]

    private static func isWordBreak(_ character: Character) -> Bool {
        character.isWhitespace || invisibleSeparators.contains(character)
    }

    /// Words that start a family name ("van der Berg", "De la Cruz"), in any case.
    private static let particles: Set<String> = ["van", "von", "de", "der", "den", "del", "della", "di", "da", "du", "la", "le", "dos", "das", "do", "ten", "ter", "bin", "al", "el"]

    /// Whether a name with a comma gives the family name first: one word (or a family name
    /// with a particle), after any titles, before the comma and a given name or a title after
    /// it that is no suffix ("Dr. Hopper, Grace", "Smith, Ms.").
    private static func isFamilyFirst(_ before: Substring, _ after: Substring) -> Bool {
        let afterWords = after.split(whereSeparator: \.isWhitespace)
        guard let first = afterWords.first, StoreRules.hasVisibleText(String(after)) else { return false }
        if isSuffix(first) { return false }
        return isFamilyName(familyWords(before))
    }

    /// Whether the words before a comma (titles gone) are a family name: one word, or one that
    /// starts with a particle ("van der Berg").
    private static func isFamilyName(_ words: [Substring]) -> Bool {
        words.count <= 1 || particles.contains(words[0].lowercased())
    }

    /// The words before a comma less the titles that open them: "Dr. Hopper" is Hopper.
    private static func familyWords(_ before: Substring) -> [Substring] {
        Array(before.split(whereSeparator: isWordBreak).drop(while: isTitle))
    }

    /// A friend's name as a referrer's stats page shows it: "Grace H." for "Grace Hopper" and
    /// for "Hopper, Grace". A name written without spaces in a script that has none (王小明)
    /// keeps its first character, and so does one with an email address in it ("g." for
    /// "grace@example.com", "grace(at)example.com" or a full-width `＠` typed as a name).
    public static func masked(_ name: String) -> String {
        // Most names are found on bytes (ten on a stats page were 1.5 % of a build as Characters,
        // and Latin names with accents 3 % more): see ``SimpleName``. Others take the walk below.
        guard let simple = SimpleName(name) else { return maskedByCharacters(name) }
        let first = simple.first
        guard !first.isEmpty else { return "A friend" }
        if simple.hasAtSign { return simple.initial(of: first) + "." }
        guard let last = simple.last else { return simple.text(first) }
        // "Grace Hopper Jr.": the walk below passes over a suffix that ends the name.
        if last.count <= 8, isSuffix(Substring(simple.text(last))) { return maskedByCharacters(name) }
        return simple.text(first) + " " + simple.initial(of: last) + "."
    }

    /// `masked` for any name, word by word as Characters.
    static func maskedByCharacters(_ name: String) -> String {
        // A word of nothing visible (a lone directional mark after the name) is no family name.
        let words = name.split(whereSeparator: isWordBreak).filter { StoreRules.hasVisibleText(String($0)) }
        guard let first = words.first else { return "A friend" }
        if looksLikeAnAddress(name), let initial = first.first { return "\(initial)." }
        // A full-width or an ideographic comma (田中、太郎) separates as a comma does.
        if let comma = name.firstIndex(where: { $0 == "," || $0 == "，" || $0 == "、" }) {
            let family = familyWords(name[..<comma])
            let given = name[name.index(after: comma)...].split(whereSeparator: isWordBreak).drop(while: isTitle)
            // "Hopper, Grace", "Dr. Hopper, Grace", "van der Berg, Jan": the family name first,
            // as contact lists export it; not before a suffix ("Dr. Smith, PhD").
            let beforeSuffix = given.first.map(isSuffix) ?? false
            // "Smith, Jr.", "Dr. Smith, PhD": a lone family name before a suffix shows its initial.
            if beforeSuffix, family.count == 1, let familyInitial = family[0].first {
                let titles = name[..<comma].split(whereSeparator: \.isWhitespace).prefix(while: isTitle)
                return titles.last.map { "\($0) \(familyInitial)." } ?? "\(familyInitial)."
            }
            if isFamilyName(family), !beforeSuffix, let familyInitial = family.last?.first {
                return given.first.map { "\($0) \(familyInitial)." } ?? "\(familyInitial)."
            }
            // "Grace Hopper, Jr.", "Ada Lovelace, Acme Corp": the name is before the comma.
            return maskedByCharacters(String(name[..<comma]))
        }
        if words.count == 1, first.count > 1, first.unicodeScalars.allSatisfy(isUnspacedScript), let initial = first.first {
            return "\(initial)."
        }
        // A suffix that ends the name is no family name: "Grace Hopper Jr." is "Grace H.", and
        // "Smith Jr." shows only its initial, as "Smith, Jr." does.
        let named = Array(words.reversed().drop(while: isSuffix).reversed())
        if named.count == 1, words.count > 1, let initial = first.first { return "\(initial)." }
        guard named.count > 1, let family = named.last, let initial = initial(of: family) else { return String(first) }
        // A given name of two words ("عبد الرحمن") shown whole before the family initial; with
        // nothing after it, its second word may be a family name ("ابن خلدون"): masked.
        guard named.count > 2, compoundPrefixes.contains(String(first)) else { return "\(first) \(initial)." }
        return "\(first) \(named[1]) \(initial)."
    }

    /// A referrer's name as pages and share messages show it: without the email addresses a
    /// roster imported from a mail client or a CRM may hold in it ("Grace Hopper" for "Grace
    /// Hopper <grace@example.com>"), also written over several words ("grace (at) example (dot)
    /// com"), and the first letter of a name that is only an address ("g." for
    /// "grace@example.com"), as ``masked(_:)`` shows such a friend. No public page shows a
    /// referrer's email; a name with an at sign but no address ("Hans Müller (AT)", "@ada") is
    /// shown as it is.
    public static func withoutAddresses(_ name: String) -> String {
        // Most names have no mark of an address: passed on as they are, found on bytes (every
        // referrer page shows its referrer's name). 0xEF starts the full-width and small at signs.
        guard name.utf8.contains(where: { $0 == UInt8(ascii: "@") || $0 == 0xEF || $0 == UInt8(ascii: "(") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "%") })
                || hasSpelledOutDot(name)
        else { return name }
        let words = name.split(whereSeparator: \.isWhitespace)
        var read = words.map(addressForm)
        // "grace at example dot com": the words spelt out, taken for an address only with a
        // "dot" after the "at" (a name may hold "at" alone: "Anna at Acme").
        if let at = read.firstIndex(of: "at"), read[(at + 1)...].contains("dot") {
            read[at] = "@"
            for index in (at + 1)..<read.count where read[index] == "dot" { read[index] = "." }
        }
        var inAddress = Array(repeating: false, count: words.count)
        for index in read.indices where read[index].contains("@") && !inAddress[index] {
            // An address may run over several words: "grace @ example.com", "grace@ example.com".
            var start = index, end = index
            if read[index].hasPrefix("@"), index > 0 { start = index - 1 }
            var text = read[start...end].joined()
            // One word may be an address whatever its host ("jdoe@corp", ``mayHaveAnyHost(_:)``);
            // one spelt over words or with "(at)" needs a dotted domain ("Ada [at] Acme" is a name).
            let isAddress = { (text: String) in isEmailAddress(text, anyHost: start == end && mayHaveAnyHost(words[start])) }
            // A word that is only a dot ("(dot)") or a next word that starts with one carries the
            // domain on, even after an address that would be whole without it ("grace@example").
            while end + 1 < read.count,
                  text.hasSuffix("@") || read[end] == "." || read[end + 1].hasPrefix(".") || (!isAddress(text) && text.hasSuffix(".")) {
                end += 1
                text += read[end]
            }
            if isAddress(text) { inAddress.replaceSubrange(start...end, with: repeatElement(true, count: end - start + 1)) }
        }
        guard inAddress.contains(true) else { return name }
        // What enclosed or introduced the address goes with it: "Grace Hopper (" is Grace Hopper.
        let kept = words.indices.filter { !inAddress[$0] }.map { words[$0] }.joined(separator: " ")
        let shown = kept.trimmingCharacters(in: CharacterSet(charactersIn: "<>()[]{},;:-–—|/\"' ").union(.whitespaces))
        if StoreRules.hasVisibleText(shown) { return shown }
        return name.first { $0.isLetter || $0.isNumber }.map { "\($0)." } ?? "A referrer"
    }

    /// Whether the word "dot" (in any case) follows whitespace in `name`, found in one pass over
    /// its bytes without a copy: every referrer page shows its referrer's name.
    private static func hasSpelledOutDot(_ name: String) -> Bool {
        // The last five bytes, whitespace as a space and ASCII letters lower-cased (any other
        // byte that `| 0x20` would make a space kept apart as 0xFF).
        var window: UInt64 = 0
        for byte in name.utf8 {
            let folded: UInt8 = byte.isASCIIWhitespace ? 0x20 : byte | 0x20 == 0x20 ? 0xFF : byte | 0x20
            window = (window << 8 | UInt64(folded)) & 0xFF_FFFF_FFFF
            if window == 0x20_64_6F_74_20 { return true }  // " dot "
        }
        return window & 0xFFFF_FFFF == 0x20_64_6F_74  // " dot" at the end
    }

    /// A word as an address reads it: lower-cased, `(at)`, `[at]`, `%40` and the full-width and
    /// small at signs as `@`, `(dot)` and `[dot]` as `.`, without the brackets and quotes around it.
    private static func addressForm(_ word: Substring) -> String {
        var text = word.lowercased()
        for (written, meant) in [("(at)", "@"), ("[at]", "@"), ("%40", "@"), ("＠", "@"), ("﹫", "@"), ("(dot)", "."), ("[dot]", ".")] where text.contains(written) {
            text = text.replacingOccurrences(of: written, with: meant)
        }
        return text.trimmingCharacters(in: CharacterSet(charactersIn: "<>()[]{}\"',;:"))
    }

    /// Whether one word's address may have a host without a dot: written with an ASCII `@`, and
    /// in angle brackets (`<jdoe@corp>`, as a mail client exports it), with an address literal
    /// (`x@[10.0.0.1]`), or in lower-case ASCII (`jdoe@corp`, `grace@localhost`). Not
    /// `Tanaka@Sales`, `C@rl` or `山田＠営業部` (a name and a department), which are names.
    private static func mayHaveAnyHost(_ word: Substring) -> Bool {
        guard let at = word.lastIndex(of: "@") else { return false }
        if word.hasPrefix("<") || word[word.index(after: at)...].hasPrefix("[") { return true }
        return word.unicodeScalars.allSatisfy { $0.isASCII && !($0.properties.isUppercase) }
    }

    /// Whether `text` is an email address: something before its last `@`, and after it a
    /// domain of two labels or more, the last of two letters or more; with `anyHost`, any host
    /// (`jdoe@corp`, `grace@localhost`, `x@[10.0.0.1]`: an intranet's addresses are as private
    /// as any). A sentence's full stop after it aside.
    private static func isEmailAddress(_ text: String, anyHost: Bool) -> Bool {
        let text = text.hasSuffix(".") ? String(text.dropLast()) : text
        guard let at = text.lastIndex(of: "@"), at != text.startIndex, let host = text[text.index(after: at)...].first else { return false }
        if anyHost { return host.isLetter || host.isNumber || host == "[" }
        let labels = text[text.index(after: at)...].split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty } && labels.last!.count >= 2 && labels.last!.allSatisfy(\.isLetter)
    }

    /// An email address, also as written to get past a filter: `(at)`, `[at]`, a full-width `＠`
    /// or a small `﹫`.
    private static func looksLikeAnAddress(_ name: String) -> Bool {
        if name.contains("@") || name.contains("＠") || name.contains("﹫") { return true }
        let lowered = name.lowercased()
        return lowered.contains("(at)") || lowered.contains("[at]")
    }

    /// Han (with its extensions and 々), Hiragana, Katakana (half-width too), Hangul (its
    /// jamo too), Thai, Lao, Khmer, Myanmar, Tibetan: scripts that write full names without spaces.
    static func isUnspacedScript(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3005...0x3007, 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x323AF,
             0xFF65...0xFF9F, 0xAC00...0xD7AF, 0x1100...0x11FF, 0x3130...0x318F,
             0x0E00...0x0E7F, 0x0E80...0x0EFF, 0x1780...0x17FF, 0x1000...0x109F, 0x0F00...0x0FFF: true
        default: false
        }
    }
}
