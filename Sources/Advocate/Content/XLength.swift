import Foundation

/// X's weighted length, as twitter-text (v3) counts a post against its 280: the text in NFC;
/// each link 23, whatever its length; each emoji 2; every other code point 1 in the Latin,
/// general-punctuation and similar ranges and 2 elsewhere (CJK, Devanagari's conjuncts count
/// their every code point).
///
/// Written here because no Swift package counts X's way. A link is found as X finds one: with
/// its scheme wherever no ASCII letter or digit runs into it (`(https://…)`, `see:https://…`),
/// or bare (`acme.com/menu`) when its last label is a top-level domain; its path and query end
/// where twitter-text's patterns end them (on a letter, a digit or one of a few signs, brackets
/// only in pairs). A link with its scheme counts 23 whatever its host, so the bundled example's
/// `refer.acme.example` counts as a real domain would.
enum XLength {
    static let linkWeight = 23

    /// `advocate check` measures every referrer's messages, so the common case stays cheap:
    /// Foundation's NFC only where a scalar could change under it, ASCII without Unicode's tables.
    static func weighted(_ text: String) -> Int {
        // Nothing below the combining marks (U+0300) changes in NFC.
        let text = text.unicodeScalars.allSatisfy { $0.value < 0x300 } ? text : text.precomposedStringWithCanonicalMapping
        var total = 0
        var wordStart = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(after: index)
            if isWhitespace(text[index]) {
                total += weight(ofWord: text[wordStart..<index]) + weight(ofText: text[index..<next])
                wordStart = next
            }
            index = next
        }
        return total + weight(ofWord: text[wordStart...])
    }

    private static func isWhitespace(_ character: Character) -> Bool {
        character.asciiValue?.isASCIIWhitespace ?? character.isWhitespace
    }

    private static func isASCIILetterOrDigit(_ character: Character) -> Bool {
        character.asciiValue?.isASCIILetterOrDigit ?? false
    }

    /// A run of text without whitespace, and the links in it.
    private static func weight(ofWord word: Substring) -> Int {
        var total = 0
        var textStart = word.startIndex
        var index = word.startIndex
        while index < word.endIndex {
            if let end = linkEnd(at: index, in: word) {
                total += weight(ofText: word[textStart..<index]) + linkWeight
                textStart = end
                index = end
            } else {
                index = word.index(after: index)
            }
        }
        return total + weight(ofText: word[textStart...])
    }

    private static func weight(ofText text: Substring) -> Int {
        text.reduce(0) { total, character in
            if character.utf8.count == 1 { return total + 1 }
            let first = character.unicodeScalars.first!
            // Emoji count 2 as a whole (a family, a flag); `©` and `®` too; and a keycap (`1️⃣`,
            // `#⃣`), whose first scalar is ASCII.
            let isEmoji = first.isASCII
                ? character.unicodeScalars.contains { $0.value == 0x20E3 }
                : first.properties.isEmoji || character.unicodeScalars.contains { $0.value == 0xFE0F }
            if isEmoji { return total + 2 }
            return total + character.unicodeScalars.reduce(0) { $0 + weight(of: $1) }
        }
    }

    /// 1 for the ranges X counts light, 2 for every other code point.
    private static func weight(of scalar: Unicode.Scalar) -> Int {
        switch scalar.value {
        case 0...4351, 8192...8205, 8208...8223, 8242...8247: 1
        default: 2
        }
    }

    /// Where the link starting at `index` ends, or nil when none starts there. A link is a host,
    /// a port, a path after `/` and a query after `?`, each ending where twitter-text ends it.
    private static func linkEnd(at index: Substring.Index, in word: Substring) -> Substring.Index? {
        // Both kinds start with an ASCII letter or digit: every other place is passed over at
        // once (`advocate check` measures each referrer's messages).
        guard isASCIILetterOrDigit(word[index]) else { return nil }
        let before = index == word.startIndex ? nil : word[word.index(before: index)]
        // A letter or digit running into it, or a mention's or a tag's sign, makes it no link.
        if let before, isASCIILetterOrDigit(before) || "@＠$#＃".contains(before) { return nil }
        let rest = word[index...]
        let scheme = rest.prefix(8).lowercased()
        guard scheme.hasPrefix("http://") || scheme.hasPrefix("https://") else { return bareLinkEnd(at: index, before: before, in: word) }
        let afterScheme = rest.index(index, offsetBy: scheme.hasPrefix("https://") ? 8 : 7)
        // A host's letters may be of any script (`例え.jp`, an internationalized domain); its path's may not.
        var host = word[afterScheme...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }
        while let last = host.last, last == "." || last == "-" { host = host.dropLast() }
        guard !host.isEmpty, hasLabelsDNSTakes(host) else { return nil }
        // A port, then a path, then a query, each only where the one before ends.
        let afterPort = portEnd(after: host.endIndex, in: word)
        return word[afterPort...].first == "/" ? pathAndQueryEnd(after: afterPort, in: word) : queryEnd(orAt: afterPort, in: word)
    }

    /// A link without its scheme: an ASCII host whose last label is a top-level domain, its
    /// path and query; without a path, a name under a country's domain (`acme.io`, `bit.ly`) is
    /// text, as twitter-text has it (but for `.co` and `.tv`), and a port or a query (`acme.com:80`,
    /// `acme.com?x`) is not the link's.
    private static func bareLinkEnd(at index: Substring.Index, before: Character?, in word: Substring) -> Substring.Index? {
        if let before, "-_./".contains(before) { return nil }
        var host = word[index...].prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
        if host.last == "." { host = host.dropLast() }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }), TopLevelDomains.all.contains(labels.last!.lowercased()),
              hasLabelsDNSTakes(host)
        else { return nil }
        let pathStart = portEnd(after: host.endIndex, in: word)
        guard word[pathStart...].first == "/" else {
            let countryCode = labels.last!.lowercased()
            let isCountryName = labels.count == 2 && countryCode.count == 2 && countryCode != "co" && countryCode != "tv"
            return isCountryName ? nil : host.endIndex
        }
        return pathAndQueryEnd(after: pathStart, in: word)
    }

    /// Past a port (`:8080`) right after a host ending at `hostEnd`; `hostEnd` without one.
    private static func portEnd(after hostEnd: Substring.Index, in word: Substring) -> Substring.Index {
        let port = word[hostEnd...].dropFirst().prefix { $0.isASCII && $0.isNumber }
        return word[hostEnd...].first == ":" && !port.isEmpty ? port.endIndex : hostEnd
    }

    /// The end of a path starting with the `/` at `slash` and of the query after it, if any.
    private static func pathAndQueryEnd(after slash: Substring.Index, in word: Substring) -> Substring.Index {
        queryEnd(orAt: pathEnd(after: slash, in: word), in: word)
    }

    /// The end of a query starting at `index`, or `index` itself when no `?` is there.
    private static func queryEnd(orAt index: Substring.Index, in word: Substring) -> Substring.Index {
        word[index...].first == "?" ? queryEnd(after: index, in: word) : index
    }

    /// Whether every label of `host` is one DNS takes: 1 to 63 characters in its ASCII form
    /// (IDNA), as twitter-text asks of a link's host.
    private static func hasLabelsDNSTakes(_ host: Substring) -> Bool {
        let ascii = host.utf8.allSatisfy { $0 < 0x80 } ? String(host) : StoreRules.asciiDomain(host)
        return ascii?.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { (1...63).contains($0.utf8.count) } ?? false
    }

    /// The end of a path starting with the `/` at `slash`: over the characters X allows in one,
    /// and brackets in balanced pairs (two deep at most), back to the last character a path may
    /// end with (so `/menu.` leaves its full stop out).
    private static func pathEnd(after slash: Substring.Index, in word: Substring) -> Substring.Index {
        var index = word.index(after: slash)
        var end = index
        while index < word.endIndex {
            let character = word[index]
            if character == "(" {
                guard let close = balancedParenthesisEnd(at: index, in: word) else { break }
                index = close
                end = close
            } else if isPathCharacter(character) {
                index = word.index(after: index)
                if isPathEndingCharacter(character) { end = index }
            } else {
                break
            }
        }
        return end
    }

    /// Past the `)` that closes the `(` at `open`, with at most one pair inside it.
    private static func balancedParenthesisEnd(at open: Substring.Index, in word: Substring) -> Substring.Index? {
        var depth = 0
        var index = open
        while index < word.endIndex {
            let character = word[index]
            if character == "(" {
                depth += 1
                guard depth <= 2 else { return nil }
            } else if character == ")" {
                depth -= 1
                if depth == 0 { return word.index(after: index) }
            } else if !isPathCharacter(character) {
                return nil
            }
            index = word.index(after: index)
        }
        return nil
    }

    /// The end of a query starting with the `?` at `mark`: ASCII only, back to its last letter,
    /// digit or one of `-_&=#/`; the link ends before the `?` when no such character follows it.
    private static func queryEnd(after mark: Substring.Index, in word: Substring) -> Substring.Index {
        var end = mark
        var index = word.index(after: mark)
        while index < word.endIndex, let ascii = word[index].asciiValue, isQueryCharacter(ascii) {
            index = word.index(after: index)
            if isASCIILetterOrDigit(word[word.index(before: index)]) || "-_&=#/".utf8.contains(ascii) { end = index }
        }
        return end
    }

    private static func isQueryCharacter(_ ascii: UInt8) -> Bool {
        ascii.isASCIILetterOrDigit || "!?*'@();:&=+$/%#[]-_.,~|".utf8.contains(ascii)
    }

    /// ASCII letters, digits and the punctuation of URL paths, and letters with Latin accents or
    /// of Cyrillic: emoji, CJK, quotation marks and brackets other than `[]` end a path.
    private static func isPathCharacter(_ character: Character) -> Bool {
        if character.isASCII { return character.isLetter || character.isNumber || "!*';:=+,.$/%#[]-_~@|&".contains(character) }
        return character.unicodeScalars.allSatisfy { isAccentedOrCyrillic($0) || $0.value == 0x2013 }
    }

    /// What a path may end with: a letter, a digit or one of `+-=_#/` (a closing bracket of a
    /// balanced pair too, above).
    private static func isPathEndingCharacter(_ character: Character) -> Bool {
        if character.isASCII { return character.isLetter || character.isNumber || "+-=_#/".contains(character) }
        return character.unicodeScalars.allSatisfy(isAccentedOrCyrillic)
    }

    /// twitter-text's Latin accents and Cyrillic letters and marks.
    private static func isAccentedOrCyrillic(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x24F, 0x300...0x36F, 0x400...0x4FF, 0x1E00...0x1EFF: true
        case 0x253, 0x254, 0x256, 0x257, 0x259, 0x25B, 0x263, 0x268, 0x26F, 0x272, 0x289, 0x28B, 0x2BB: true
        default: false
        }
    }
}
