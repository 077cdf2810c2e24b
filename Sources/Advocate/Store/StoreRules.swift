import Foundation

/// The shapes the store's identifiers and values must have, shared by the loader, the CLI and
/// the endpoint so that all three accept exactly the same things.
public enum StoreRules {
    /// Longest name a person may give (the forms, `referrers add`, `init`), in characters.
    public static let maximumNameLength = 200
    /// Longest email a person may give (RFC 5321's path limit).
    public static let maximumEmailLength = 254
    /// Longest name or email the store's files may hold. DESIGN.md has the loader accept what
    /// the store was given (an import, a hand edit); this bound only keeps one line from
    /// filling a page or the memory.
    public static let maximumStoredTextLength = 10_000
    /// Longest referral id, variant or free-text reason accepted.
    public static let maximumIdLength = 128
    public static let maximumVariantLength = 32
    public static let maximumReasonLength = 1000
    /// Shortest token: 22 characters of a 64-letter alphabet carry 128 bits or more.
    public static let minimumTokenLength = 22
    public static let maximumTokenLength = 128

    /// A share code: `[a-z0-9-]{2,40}`.
    public static func isValidCode(_ code: String) -> Bool {
        let utf8 = code.utf8
        guard (2...40).contains(utf8.count) else { return false }
        return utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
        }
    }

    /// A secret token: at least 22 characters of `[A-Za-z0-9_-]`.
    public static func isValidToken(_ token: String) -> Bool {
        let utf8 = token.utf8
        guard (minimumTokenLength...maximumTokenLength).contains(utf8.count) else { return false }
        return utf8.allSatisfy(isTokenByte)
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }

    /// A messaging variant name: `[a-z0-9-]{1,32}`.
    public static func isValidVariant(_ variant: String) -> Bool {
        let utf8 = variant.utf8
        guard (1...maximumVariantLength).contains(utf8.count) else { return false }
        return utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
        }
    }

    /// How emails are compared: trimmed, lower-cased and in Unicode's composed form (NFC), so
    /// that its bytes (which the build snapshot digests) agree wherever its characters do:
    /// `josé` typed with one code point or with `e` and a combining accent is one address. A
    /// domain that is not ASCII is compared in the ASCII form its mail goes to (IDNA):
    /// `bücher.example`, `ｂücher.example` and `xn--bcher-kva.example` are one domain, and
    /// `ada@ｅxample.com` is Ada's own address.
    public static func normalizedEmail(_ email: String) -> String {
        // Nearly every address is already lower-case ASCII with nothing around it, its own
        // normal form: returned without trimming and lower-casing a copy.
        let utf8 = email.utf8
        if let first = utf8.first, let last = utf8.last, !first.isASCIIWhitespace, !last.isASCIIWhitespace,
           utf8.allSatisfy({ $0 < 0x80 && !(0x41...0x5A).contains($0) }) {
            return email
        }
        let normalized = email.trimmingWhitespace().lowercased().precomposedStringWithCanonicalMapping
        return withASCIIDomain(normalized) ?? normalized
    }

    /// `address` with its domain in the ASCII form its mail goes to (``asciiDomain(_:)``), itself
    /// when the domain is ASCII already; nil when the domain has no such form.
    public static func withASCIIDomain(_ address: String) -> String? {
        guard let at = address.lastIndex(of: "@") else { return address }
        let domain = address[address.index(after: at)...]
        if domain.utf8.allSatisfy({ $0 < 0x80 }) { return address }
        return asciiDomain(domain).map { address[..<at] + "@" + $0 }
    }

    /// A domain in the ASCII form its mail goes to (IDNA, UTS #46: `bücher.example` is
    /// `xn--bcher-kva.example`, full-width letters are plain ones), through Foundation's
    /// URLComponents, which encodes a host so; nil when it has none.
    static func asciiDomain(_ domain: Substring) -> String? {
        var components = URLComponents()
        components.host = String(domain)
        guard let encoded = components.encodedHost, encoded.utf8.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: "%") }) else { return nil }
        return encoded.lowercased()
    }

    /// A plausible address: one `@`, a local part of dot-separated words (RFC 5321's dot-string:
    /// no dot first, last or doubled), a dotted domain whose labels neither start nor end with a
    /// hyphen, no spaces or control characters, within RFC 5321's length. Deliverability is the
    /// mail server's business. Only what people give now is held to it (forms, `referrers add`):
    /// the store's files are read whatever their emails.
    public static func isPlausibleEmail(_ email: String) -> Bool {
        let trimmed = email.trimmingWhitespace()
        if trimmed.utf8.allSatisfy({ $0 < 0x80 }) { return isPlausibleASCIIEmail(trimmed.utf8) }
        return isPlausibleEmailByCharacters(trimmed)
    }

    /// ``isPlausibleEmail(_:)`` of a trimmed address, by its characters and their Unicode
    /// properties: what any address takes, and what ``isPlausibleASCIIEmail(_:)`` is held to.
    static func isPlausibleEmailByCharacters(_ trimmed: String) -> Bool {
        guard !trimmed.isEmpty, trimmed.utf8.count <= maximumEmailLength else { return false }
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count <= 64,
              parts[0].split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ !$0.isEmpty })
        else { return false }
        // The dots IDNA reads as `.` (ideographic, full-width, halfwidth) count as dots:
        // `x@bücher.example。` ends in an empty label, as `x@bücher.example.` does.
        let domain = parts[1]
        let labels = domain.split(omittingEmptySubsequences: false, whereSeparator: { ".。．｡".contains($0) })
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 63 && $0.first != "-" && $0.last != "-" }),
              !(labels.last!.allSatisfy(\.isNumber))
        else { return false }
        // A domain mail can go to: no `/ ? # %` (a URL's), and one in another script must have
        // an IDNA form (`x@1א.example` has none).
        guard !domain.contains(where: { $0.asciiValue.map(notInDomain.contains) ?? false }), withASCIIDomain(trimmed) != nil else { return false }
        // No invisible character either (a zero-width space, a joiner, a BOM, a no-break space):
        // `grace@example.org` with one after it would be another friend to the duplicate check.
        return trimmed.unicodeScalars.allSatisfy { scalar in
            let properties = scalar.properties
            return scalar.value > 0x20 && scalar.value != 0x7F && !(scalar.isASCII && notInAddress.contains(UInt8(scalar.value)))
                && !properties.isWhitespace && !properties.isDefaultIgnorableCodePoint && properties.generalCategory != .format
        }
    }

    /// ``isPlausibleEmailByCharacters(_:)`` of an address of ASCII bytes, in one pass over them.
    /// Nearly every address is ASCII, and the characters' way (splits, Unicode properties) was
    /// 14 % of the server's CPU under a flood of referrals: it runs for the form's check and
    /// for each email's sender and recipient. In ASCII no character is invisible, a format
    /// character or a dot other than `.`, and the only numbers are the digits; the tests hold
    /// both ways to one answer on generated addresses (`FastPathTests`).
    static func isPlausibleASCIIEmail(_ bytes: String.UTF8View) -> Bool {
        guard (1...maximumEmailLength).contains(bytes.count) else { return false }
        var inDomain = false
        var localLength = 0, labelLength = 0, finishedLabels = 0
        var labelIsDigits = true
        var previous: UInt8 = 0  // the part's byte before this one; 0 at its start
        for byte in bytes {
            guard byte > 0x20, byte < 0x7F, !notInAddress.contains(byte) else { return false }
            if !inDomain {
                if byte == UInt8(ascii: "@") {
                    // A local part of dot-separated words: none empty, so no dot first or last.
                    guard localLength > 0, previous != UInt8(ascii: ".") else { return false }
                    inDomain = true
                    previous = 0
                    continue
                }
                localLength += 1
                guard localLength <= 64, byte != UInt8(ascii: ".") || (previous != 0 && previous != UInt8(ascii: ".")) else { return false }
            } else if byte == UInt8(ascii: ".") {
                guard labelLength > 0, previous != UInt8(ascii: "-") else { return false }
                finishedLabels += 1
                labelLength = 0
                labelIsDigits = true
            } else {
                guard byte != UInt8(ascii: "@"), !notInDomain.contains(byte), labelLength > 0 || byte != UInt8(ascii: "-") else { return false }
                labelLength += 1
                labelIsDigits = labelIsDigits && (0x30...0x39).contains(byte)
                guard labelLength <= 63 else { return false }
            }
            previous = byte
        }
        return inDomain && finishedLabels >= 1 && labelLength > 0 && previous != UInt8(ascii: "-") && !labelIsDigits
    }

    /// What an address may not hold outside a quoted local part, which a form's address never has.
    private static let notInAddress = Array(#"()<>[]\,;:""#.utf8)
    /// What its domain may not hold besides: a URL's `/ ? # %`.
    private static let notInDomain = Array("/?#%".utf8)

    /// Whether mail can be sent to a plausible `email`: the part before its `@` is ASCII. A
    /// mail command takes a domain in any script (``EmailMessage/mailbox(_:_:)`` writes it in
    /// its ASCII form, `bücher.example` as `xn--bcher-kva.example`), but not such a local part,
    /// which needs SMTPUTF8 all along the way; a lookalike of an address (`аda@` with a
    /// Cyrillic а) is one too.
    public static func hasDeliverableLocalPart(_ email: String) -> Bool {
        let trimmed = email.trimmingWhitespace()
        return trimmed.utf8.prefix { $0 != UInt8(ascii: "@") }.allSatisfy { $0 < 0x80 }
    }

    /// ``hasDeliverableLocalPart(_:)`` in words, for a refusal.
    public static let deliverableLocalPartRequirement = "the part before the @ must be plain ASCII (letters a-z, digits, . _ + -): mail cannot be sent to it otherwise"

    /// A name a person gives now (the forms, `referrers add`, `init`): at most
    /// ``maximumNameLength`` characters with something to read (not only invisible characters
    /// such as U+200B or U+202E), and no control characters. The store's files may hold longer
    /// names (``maximumStoredTextLength``).
    public static func isAcceptableNewName(_ name: String) -> Bool {
        hasVisibleText(name) && isWithinNameLength(name) && isOneLineWithoutControls(name)
    }

    /// At most ``maximumNameLength`` characters, four times as many Unicode scalars, and 16 in
    /// any one character: a character can carry any number of combining marks ("Z" and 3,000 of
    /// them is one), which would put kilobytes in the journal and in emails, and cover the lines
    /// around it on a page. That leaves room for every script's accents and conjuncts and for
    /// emoji sequences (a family with skin tones is 11).
    public static func isWithinNameLength(_ name: String) -> Bool {
        name.unicodeScalars.count <= 4 * maximumNameLength && name.count <= maximumNameLength
            && name.allSatisfy { $0.unicodeScalars.count <= maximumScalarsPerCharacter }
    }

    /// The Unicode scalars one character of a name may have (``isWithinNameLength(_:)``).
    public static let maximumScalarsPerCharacter = 16

    /// The times a journal takes: a year typed wrong (9999) would move every page's as-of
    /// there, and the weekly series would span every week in between.
    public static let journalTimes = CalendarDay(year: 1970, month: 1, day: 1).start..<CalendarDay(year: 2200, month: 1, day: 1).start

    /// ``journalTimes`` in words: "outside the years 1970 to 2199".
    static let outsideJournalYears = "outside the years 1970 to 2199"

    /// ``journalTimes`` in words, for a refusal.
    public static let journalTimesRequirement = outsideJournalYears + " that the journal takes; check the year"

    /// ``isAcceptableNewName(_:)`` in words, for a refusal.
    static let newNameRequirement = "1 to \(maximumNameLength) characters of readable text, with no control characters and no more than a few marks stacked on a letter"

    /// Whether `text` has a control character (a tab, a line break, NUL…).
    static func hasControlCharacters(_ text: String) -> Bool {
        firstControlCharacter(in: text) != nil
    }

    /// The first control character of `text` (a tab, a line break, U+000B…), if any: Unicode's
    /// category Cc, which is exactly U+0000–U+001F and U+007F–U+009F (compared by value: the
    /// property lookup cost a journal's load, which checks every id).
    static func firstControlCharacter(in text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first(where: isControl)
    }

    /// Whether `scalar` is a control character (Unicode's category Cc).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// What a name given now must be beside readable: one line, without control characters or
    /// Unicode's line and paragraph separators (U+2028, U+2029), which break a line as well. The
    /// store's files are held to ``hasControlCharacters(_:)`` only, so a store that loaded loads.
    static func isOneLineWithoutControls(_ text: String) -> Bool {
        !text.unicodeScalars.contains { [.control, .lineSeparator, .paragraphSeparator].contains($0.properties.generalCategory) }
    }

    /// Whether `text` has a character that shows: not whitespace, a control, a format character
    /// (zero-width spaces, direction marks) or one that is ignorable by default.
    static func hasVisibleText(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            let properties = scalar.properties
            return !properties.isWhitespace && !properties.isDefaultIgnorableCodePoint
                && properties.generalCategory != .control && properties.generalCategory != .format
        }
    }
}

extension String {
    /// True when the string is empty or only whitespace: exactly when ``trimmingWhitespace()``
    /// leaves nothing (fast for ASCII text).
    public var isBlank: Bool {
        for scalar in unicodeScalars {
            if scalar.isASCII {
                if !UInt8(scalar.value).isASCIIWhitespace { return false }
            } else if !scalar.properties.isWhitespace {
                return false
            }
        }
        return true
    }

    /// The string without leading and trailing whitespace and newlines.
    public func trimmingWhitespace() -> String {
        // ASCII whitespace is trimmed on bytes; where the first or last byte kept is not ASCII
        // (it may start a Unicode space), the scalars decide. A message's text ends with a line
        // break, and trimming it by scalars was 0.7 % of a build.
        let utf8 = utf8
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start < end, utf8[start].isASCIIWhitespace { start = utf8.index(after: start) }
        while end > start, utf8[utf8.index(before: end)].isASCIIWhitespace { end = utf8.index(before: end) }
        guard start < end else { return "" }
        if utf8[start] < 0x80, utf8[utf8.index(before: end)] < 0x80 {
            return start == utf8.startIndex && end == utf8.endIndex ? self : String(self[start..<end])
        }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return self }
        return String(scalars[first...last])
    }
}
