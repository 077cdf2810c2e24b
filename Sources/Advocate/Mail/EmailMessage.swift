import Foundation

/// An RFC 5322 message, plain text in UTF-8. Header values are never built from raw input:
/// addresses are validated, display names and subjects are plain printable ASCII, a quoted
/// string or RFC 2047 encoded-words, and CR, LF and other control characters are removed first,
/// so no value can add a header.
public struct EmailMessage: Sendable, Equatable {
    public var fromName: String
    public var fromAddress: String
    public var toName: String
    public var toAddress: String
    public var subject: String
    public var body: String
    public var date: Instant
    /// Unique, for the Message-ID and the outbox file name.
    public var id: String

    public init(fromName: String, fromAddress: String, toName: String, toAddress: String, subject: String, body: String, date: Instant, id: String) {
        self.fromName = fromName
        self.fromAddress = fromAddress
        self.toName = toName
        self.toAddress = toAddress
        self.subject = subject
        self.body = body
        self.date = date
        self.id = id
    }

    /// The message as a `.eml` file, CRLF line ends, as `sendmail -t` reads it.
    public var rfc5322: String? {
        guard let from = Self.mailbox(fromName, fromAddress), let to = Self.mailbox(toName, toAddress) else { return nil }
        let domain = fromAddress.split(separator: "@").last.map(String.init) ?? "localhost"
        let lines = Self.crlfLines(body)
        // 8bit as long as every line is within RFC 5322's 998 octets (a paragraph of Arabic, two
        // bytes a letter, passes them) and none starts with a dot, which `sendmail -t` without
        // `-i` takes for the message's end (a name of "." on its own line cut the email short);
        // else quoted-printable, whose lines are short and never start with a dot.
        let fitsEightBit = lines.utf8.split(separator: 0x0A).allSatisfy { $0.count <= 999 && $0.first != UInt8(ascii: ".") }
        let headers = [
            "From: \(from)",
            "To: \(to)",
            "Subject: \(Self.unstructured(Self.headerSafe(subject)))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(Self.messageIDPart(id))@\(domain)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: \(fitsEightBit ? "8bit" : "quoted-printable")",
            "Auto-Submitted: auto-generated",
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + (fitsEightBit ? lines : Self.quotedPrintable(lines))
    }

    /// RFC 2045 §6.7's quoted-printable of text in CRLF lines: printable ASCII but `=` (and a dot
    /// starting a line) as it is,
    /// every other byte (and a space or tab ending a line) as `=XX`, lines of at most 76
    /// characters, longer ones continued after a soft break (`=` at a line's end).
    static func quotedPrintable(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        let lines = Array(text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false)
        for (number, rawLine) in lines.enumerated() where number < lines.count - 1 || !rawLine.isEmpty {
            let line = rawLine.last == 0x0D ? rawLine.dropLast() : rawLine
            var length = 0
            for (offset, byte) in zip(line.indices, line) {
                let endsLine = offset == line.index(before: line.endIndex)
                // A dot starting a line, the text's or one after a soft break, is encoded (RFC 2049 §3).
                func encoded(atLineStart: Bool) -> [UInt8] {
                    let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=") && !(byte == UInt8(ascii: ".") && atLineStart))
                        || ((byte == 0x20 || byte == 0x09) && !endsLine)
                    return literal ? [byte] : [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
                }
                var token = encoded(atLineStart: length == 0)
                if length + token.count > 75 {
                    output += [UInt8(ascii: "="), 0x0D, 0x0A]
                    length = 0
                    token = encoded(atLineStart: true)
                }
                output += token
                length += token.count
            }
            output += [0x0D, 0x0A]
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// An id as the left part of a Message-ID: letters, digits and `._-+` as they are, every
    /// other byte as `=XX` (`=` too, so two ids never give one), so no id can end the header.
    static func messageIDPart(_ id: String) -> String {
        id.utf8.map { messageIDKept.contains($0) ? String(UnicodeScalar($0)) : String(format: "=%02X", $0) }.joined()
    }

    private static let messageIDKept = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+".utf8)

    /// The text with every line ending (LF or CRLF) as CRLF, and one at its end. One pass over
    /// the bytes: Foundation's `replacingOccurrences` here was a twentieth of a busy server's time.
    static func crlfLines(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + text.utf8.count / 16 + 2)
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == 0x0A, previous != 0x0D { bytes.append(0x0D) }
            bytes.append(byte)
            previous = byte
        }
        bytes += [0x0D, 0x0A]
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `Name <address>`, or nil when the address is not one a mail command takes. A domain in
    /// another script is written in its ASCII form (IDNA: `bücher.example` is
    /// `xn--bcher-kva.example`); a local part must be ASCII.
    static func mailbox(_ name: String, _ address: String) -> String? {
        guard let address = deliverable(address) else { return nil }
        // A directional control the name opens is closed before the address, as in a page's text;
        // an address written in the name is left out, as on pages (it read as the recipient's).
        let safeName = headerSafe(BidiControl.confined(PersonName.withoutAddresses(name)))
        guard !safeName.isEmpty else { return "<\(address)>" }
        let name = phrase(safeName)
        // The address on a line of its own after a long name's encoded-words (lines near 78).
        let lastLine = name.utf8.contains(0x0D) ? name.components(separatedBy: "\r\n").last ?? name : name
        return name + (lastLine.count + address.count + 3 > 72 ? "\r\n " : " ") + "<\(address)>"
    }

    /// `address` as a mail command takes it (trimmed, its domain in ASCII), or nil when it takes
    /// no such address: one `@`, a dotted domain, nothing a mail system refuses before it.
    static func deliverable(_ address: String) -> String? {
        let trimmed = address.trimmingWhitespace()
        guard StoreRules.isPlausibleEmail(trimmed), StoreRules.hasDeliverableLocalPart(trimmed) else { return nil }
        return StoreRules.withASCIIDomain(trimmed)
    }

    /// What an address a mail command takes is, for a warning about one that is not.
    static let deliverableRule = "plain ASCII before its @, one @, a dotted domain, no spaces"
    /// Why an email was not addressed, for a log or a warning.
    public static let unaddressable = "its recipient's address is not one a mail command can send to (\(deliverableRule))"

    /// Control characters (CR and LF among them) become spaces; runs of spaces collapse.
    static func headerSafe(_ text: String) -> String {
        if isTidyASCII(text) { return text }
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
        return cleaned.split(whereSeparator: { $0 == " " }).joined(separator: " ")
    }

    /// True when `headerSafe` would return the text unchanged: printable ASCII, single spaces
    /// between words (most names and subjects; checked in one pass over the bytes).
    private static func isTidyASCII(_ text: String) -> Bool {
        var previous = UInt8(ascii: " ")
        for byte in text.utf8 {
            guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: " ") || previous != UInt8(ascii: " ") else { return false }
            previous = byte
        }
        return previous != UInt8(ascii: " ")
    }

    /// A display name as RFC 5322 writes one: words of plain letters as they are, other printable
    /// ASCII as a quoted string (`"Dr. J. Smith"`: a dot is no atom's), anything else as RFC 2047
    /// encoded-words, as is text that looks like one (`=?`).
    static func phrase(_ text: String) -> String {
        // A long one too, which encoded-words fold (a quoted string cannot be).
        guard isPrintableASCII(text), !holdsEncodedWordStart(text), text.count <= 70 else { return encodedWord(text) }
        if text.utf8.allSatisfy(atextOrSpace.contains) { return text }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// RFC 5322's atext and the space between words: a phrase of these needs no quotes. Made
    /// once (made a call, it was 2 % of a server's CPU under a flood of referrals).
    private static let atextOrSpace = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~ ".utf8)

    /// An unstructured header's text (the subject): printable ASCII as it is, folded at spaces so
    /// that lines stay near 78 characters; anything else as encoded-words (a colon needs none:
    /// spam filters score subjects encoded for no reason).
    static func unstructured(_ text: String) -> String {
        // Most subjects: one line of words of printable ASCII, which stays as it is.
        if text.utf8.count <= 68, isTidyASCII(text), !holdsEncodedWordStart(text) { return text }
        // A word too long for a line is folded only as encoded-words.
        guard isPrintableASCII(text), !holdsEncodedWordStart(text), text.split(separator: " ").allSatisfy({ $0.count <= 68 }) else { return encodedWord(text) }
        var lines: [String] = []
        var line = ""
        var room = 78 - "Subject: ".count
        for word in text.split(separator: " ") {
            if line.isEmpty {
                line = String(word)
            } else if line.count + 1 + word.count > room {
                // Unfolded (the CRLF taken out), the space is back.
                lines.append(line)
                line = String(word)
                room = 77
            } else {
                line += " " + word
            }
        }
        return (lines + [line]).joined(separator: "\r\n ")
    }

    /// Whether the text holds `=?`, which starts an RFC 2047 encoded-word; on its bytes.
    private static func holdsEncodedWordStart(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if previous == UInt8(ascii: "="), byte == UInt8(ascii: "?") { return true }
            previous = byte
        }
        return false
    }

    private static func isPrintableASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy(\.isPrintableASCII)
    }

    /// RFC 2047 `=?UTF-8?B?…?=` words of at most 42 bytes of text each (56 of base64, 68 a word,
    /// within the 75 a word may have and the 78 of a line after `Subject: `), split between code
    /// points (one character may be longer than that).
    static func encodedWord(_ text: String) -> String {
        var words: [[UInt8]] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > 42 {
                words.append(chunk)
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    static func rfc5322Date(_ instant: Instant) -> String {
        let day = instant.day
        let (year, month, dayOfMonth) = day.components
        let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let time = instant.iso8601.dropFirst(11).prefix(8)
        return "\(weekdays[day.weekdayFromMonday]), \(dayOfMonth) \(months[month - 1]) \(year) \(time) +0000"
    }
}
