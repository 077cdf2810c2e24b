import Foundation

/// X's weighted length, as twitter-text (v3) counts a post against its 280: the text in NFC;
/// each link 23, whatever its length; each emoji 2; every other code point 1 in the Latin,
/// general-punctuation and similar ranges and 2 elsewhere (CJK, Devanagari's conjuncts count
/// their every code point).
///
/// Written here because no Swift package counts X's way. A link is found as X finds one: with
/// its scheme wherever no ASCII letter or digit runs into it (`(https://…)`, `see:https://…`),
/// or bare (`acme.com/menu`) when its last label is a top-level domain; it runs while its
/// characters are a URL's, less trailing punctuation and unbalanced closing brackets. A link
/// with its scheme counts 23 whatever its host, so the bundled example's `refer.acme.example`
/// counts as a real domain would.
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
        guard let ascii = character.asciiValue else { return false }
        return (0x30...0x39).contains(ascii) || (0x41...0x5A).contains(ascii) || (0x61...0x7A).contains(ascii)
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

    /// Where the link starting at `index` ends, or nil when none starts there.
    private static func linkEnd(at index: Substring.Index, in word: Substring) -> Substring.Index? {
        // Both kinds start with an ASCII letter or digit: every other place is passed over at
        // once (`advocate check` measures each referrer's messages).
        guard isASCIILetterOrDigit(word[index]) else { return nil }
        let before = index == word.startIndex ? nil : word[word.index(before: index)]
        // A letter or digit running into it, or a mention's or a tag's sign, makes it no link.
        if let before, isASCIILetterOrDigit(before) || "@＠$#＃".contains(before) { return nil }
        let rest = word[index...]
        let scheme = rest.prefix(8).lowercased()
        if scheme.hasPrefix("http://") || scheme.hasPrefix("https://") {
            let afterScheme = rest.index(index, offsetBy: scheme.hasPrefix("https://") ? 8 : 7)
            // A host's letters may be of any script (`例え.jp`, an internationalized domain); its path's may not.
            let host = word[afterScheme...].prefix { $0.isLetter || $0.isNumber || !($0.isPunctuation && $0 != "-" && $0 != "." || $0.isSymbol) && isURLCharacter($0) }
            guard !host.isEmpty else { return nil }
            return trimmed(word[index..<pathEnd(after: host.endIndex, in: word)])
        }
        // A bare link: an ASCII host whose last label is a top-level domain.
        if let before, "-_./".contains(before) { return nil }
        let host = rest.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        let named = labels.last == "" ? labels.dropLast() : labels[...]
        guard named.count >= 2, named.allSatisfy({ !$0.isEmpty }), TopLevelDomains.all.contains(named.last!.lowercased()) else { return nil }
        // A port belongs to it only before a path (`acme.com:8080/x`).
        let port = word[host.endIndex...].prefix { $0 == ":" || $0.isASCII && $0.isNumber }
        let path = port.first == ":" && port.count > 1 ? port.endIndex : host.endIndex
        guard path < word.endIndex, word[path] == "/" else { return trimmed(host) }
        return trimmed(word[index..<pathEnd(after: path, in: word)])
    }

    /// The end of a link's path: as far as characters X allows in one run.
    private static func pathEnd(after start: Substring.Index, in word: Substring) -> Substring.Index {
        word[start...].firstIndex { !isURLCharacter($0) } ?? word.endIndex
    }

    /// ASCII letters, digits and the punctuation of URLs, and letters with Latin accents or of
    /// Cyrillic: emoji, CJK and quotation marks end a link.
    private static func isURLCharacter(_ character: Character) -> Bool {
        if character.isASCII { return character.isLetter || character.isNumber || "!*'();:=+,.$/%#[]-_~&|@?".contains(character) }
        return character.unicodeScalars.allSatisfy { scalar in
            (0x00C0...0x024F).contains(scalar.value) && scalar.value != 0xD7 && scalar.value != 0xF7
                || (0x0300...0x036F).contains(scalar.value) || (0x0400...0x04FF).contains(scalar.value)
                || (0x1E00...0x1EFF).contains(scalar.value) || scalar.value == 0x2013
        }
    }

    /// `link` less what cannot end one: punctuation, and closing brackets that open nowhere in it.
    private static func trimmed(_ link: Substring) -> Substring.Index {
        var link = link
        while let last = link.last, !(last.isLetter || last.isNumber || "=_#/+-".contains(last)) {
            let openers: [Character: Character] = [")": "(", "]": "["]
            if let opener = openers[last], link.filter({ $0 == opener }).count >= link.filter({ $0 == last }).count { break }
            link = link.dropLast()
        }
        return link.endIndex
    }
}
