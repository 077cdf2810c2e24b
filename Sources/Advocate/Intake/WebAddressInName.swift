import Foundation

/// Whether a person's name holds what a mail client would make a link of: the name opens the
/// referrer's email ("Grace just claimed…"), so a form must not let a stranger put one there.
///
/// Written here, not borrowed from ``XLength``'s link finder, because a name asks the opposite
/// trade-off: X counts every bare `host.tld`, but real names are full of them (`J.Li`, `H.Kim`,
/// `Dr.Ng`, `Mary.Jo Smith` end in Liechtenstein's, a brand's, Nigeria's and Jordan's domains).
/// So a bare host counts only with a path, query or port after it (`evil.de/win`), under a
/// country's commercial second level (`evil.co.uk`), when it is a known shortener (`bit.ly`),
/// or when its last label is one that spam uses and no name ends in (``linkedTopLevelDomains``),
/// and never when it is an initial and a word (`B.Com`, `J.Top`); a scheme, `www.`, an email
/// address and an IPv4 address count wherever they are. Full-width letters and dots
/// (`ｗｗｗ．`, `evil。com`) read as plain ones and invisible characters as nothing. So does
/// an email address that ``PersonName/withoutAddresses(_:)`` leaves out of a shown name
/// (`jdoe@corp`, `jdoe (at) example (dot) com`).
enum WebAddressInName {
    /// Generic domains and the country codes sold as generic ones that no name ends in: a bare
    /// `host.com` in a name is a link. Left out, as names end in them: `ly`, `su`, `to`, `ai`,
    /// `ru`, `dev` and `co` (T.Ly, Y.Su, W.To, A.Ai, Xiao.Ru, R.Dev, H.Co), `me`, and words that
    /// are surnames (`page`, `link`, `bar`, `best`, `host`, `win`…).
    static let linkedTopLevelDomains: Set<String> = [
        "com", "net", "org", "info", "biz", "xyz", "top", "online", "site", "website", "shop", "store",
        "app", "click", "icu", "vip", "email", "news", "cyou", "sbs", "cfd", "quest", "lol",
        "space", "tech", "io", "cc", "ws", "pw", "tk", "ml", "cf", "gq", "cn",
    ]

    /// Link shorteners and messaging links, whatever their domain: the usual links of spam, and
    /// hosts an initial and a word (`B.Com`, `T.Ly`) would otherwise be taken for.
    static let linkHosts: Set<String> = [
        "bit.ly", "t.me", "t.co", "x.com", "goo.gl", "ow.ly", "buff.ly", "is.gd", "rb.gy", "cutt.ly", "tiny.cc", "wa.me", "tinyurl.com", "shorturl.at",
    ]

    /// Whether `name` holds a web address, an email address or an IP address.
    static func isFound(in name: String) -> Bool {
        // Also an address spelt over several words ("jdoe (at) example (dot) com"), which pages
        // would show without it.
        let plain = plainText(name)
        if PersonName.withoutAddresses(plain) != plain { return true }
        let lowered = plain.lowercased()
        if lowered.contains("://") || lowered.contains("www.") { return true }
        return lowered.split(whereSeparator: \.isWhitespace).contains(where: holdsAddress)
    }

    /// The name as a mail client reads it: compatibility forms folded, invisible characters
    /// dropped, and the dots that IDNA reads as `.` made one.
    private static func plainText(_ name: String) -> String {
        let scalars = name.precomposedStringWithCompatibilityMapping.unicodeScalars.compactMap { scalar -> Unicode.Scalar? in
            if scalar.properties.isDefaultIgnorableCodePoint { return nil }
            return scalar == "\u{3002}" || scalar == "\u{FF61}" ? "." : scalar
        }
        return String(String.UnicodeScalarView(scalars))
    }

    /// One word of the lower-cased name: a host (letters of any script, digits, `-`, `_`)
    /// of two labels or more, with what follows it deciding.
    private static func holdsAddress(_ word: Substring) -> Bool {
        var rest = word[...]
        while let start = rest.firstIndex(where: isHostCharacter) {
            let host = rest[start...].prefix { isHostCharacter($0) || $0 == "." }
            let labels = host.split(separator: ".", omittingEmptySubsequences: true)
            let after = rest[host.endIndex...]
            if labels.count >= 2, isAddress(labels: labels, before: word[..<start].last, after: after) { return true }
            rest = after.drop { !isHostCharacter($0) }
        }
        return false
    }

    private static func isAddress(labels: [Substring], before: Character?, after: Substring) -> Bool {
        let last = String(labels.last!)
        if labels.count == 4 && labels.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) && $0.count <= 3 }) { return true }
        if before == "@" { return TopLevelDomains.all.contains(last) }
        if linkHosts.contains(labels.joined(separator: ".")) { return true }
        // An initial and a word is a name (`J.Top`, `T.Ly/Lê`) or a degree (`B.Com`, `M.Tech`).
        if labels.count == 2, labels[0].count == 1 { return false }
        if linkedTopLevelDomains.contains(last) { return true }
        guard TopLevelDomains.all.contains(last) else { return false }
        // A country's commercial second level (`evil.co.uk`, `evil.com.au`).
        if labels.count >= 3, ["co", "com", "net", "org"].contains(labels[labels.count - 2]) { return true }
        return after.first.map { "/?#".contains($0) } == true || after.first == ":" && after.dropFirst().first?.isASCIIDigit == true
    }

    private static func isHostCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "-" || character == "_"
    }
}

private extension Character {
    var isASCIIDigit: Bool { asciiValue.map { (0x30...0x39).contains($0) } ?? false }
}
