import Advocate
import Foundation

/// Decodes `application/x-www-form-urlencoded` bodies into fields (the first of a repeated name
/// wins, but for a blank honeypot). Hummingbird's URLEncodedFormDecoder decodes into Codable
/// types and reads escapes as UTF-8 only; the endpoint wants the raw fields so it can report each
/// problem beside its field, keep what was typed, and read a form sent in Latin-1.
enum FormDecoding {
    /// A form body's fields, and the names of those whose escapes were not text in the form's
    /// character set (shown with replacement characters, to be typed again).
    struct Form: Equatable {
        var fields: [String: String] = [:]
        var unreadable: [String] = []
    }

    /// The character sets a form is read in: what browsers send for a UTF-8 page, and for a page
    /// (a partner's, say) that declares Latin-1, which the HTML standard reads as windows-1252.
    enum Charset: Equatable {
        case utf8, windows1252

        /// From a Content-Type's `charset` parameter; UTF-8 when it has none, nil for a charset
        /// this server does not read.
        init?(contentType: String) {
            let parameters = contentType.split(separator: ";").dropFirst().map { $0.split(separator: "=", maxSplits: 1) }
            guard let charset = parameters.first(where: { $0.count == 2 && $0[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" }) else {
                self = .utf8
                return
            }
            let label = charset[1].trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: "\""))).lowercased()
            switch label {
            case "utf-8", "utf8", "unicode-1-1-utf-8", "us-ascii", "ascii": self = .utf8
            case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819", "windows-1252", "cp1252", "x-cp1252": self = .windows1252
            default: return nil
            }
        }

        /// `bytes` as text, or nil when they are not text in this character set. Bytes that
        /// windows-1252 leaves undefined (0x81, 0x8D…) are read as Latin-1, as browsers do.
        func text(_ bytes: [UInt8]) -> String? {
            switch self {
            case .utf8: String(validating: bytes, as: UTF8.self)
            case .windows1252: String(bytes: bytes, encoding: .windowsCP1252) ?? String(bytes: bytes, encoding: .isoLatin1)
            }
        }
    }

    static func form(_ body: some Collection<UInt8>, charset: Charset = .utf8) -> Form {
        var form = Form()
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0], charset: charset) ?? lossy(parts[0])
            // A repeated honeypot counts if any of its values is filled, as a JSON body's last
            // value does: `website=&website=x` is a bot's.
            if let kept = form.fields[name], !(name == SubmittedFields.honeypotField && kept.isBlank) { continue }
            let value = parts.count > 1 ? parts[1] : pair[pair.endIndex...]
            if let text = decode(value, charset: charset) {
                form.fields[name] = text
            } else {
                form.fields[name] = lossy(value)
                form.unreadable.append(name)
            }
        }
        return form
    }

    /// `+` is a space; nil when the unescaped bytes are not text in `charset`. Decoded over the
    /// bytes: Foundation's `replacingOccurrences` and `removingPercentEncoding` were an eighth of
    /// the endpoint's time under load (perf).
    static func decode(_ text: some Collection<UInt8>, charset: Charset = .utf8) -> String? {
        charset.text(unescaped(text))
    }

    /// What a browser would show for text that is not UTF-8: U+FFFD for each undecodable byte.
    private static func lossy(_ text: some Collection<UInt8>) -> String {
        String(decoding: unescaped(text), as: UTF8.self)
    }

    /// The bytes `text` spells. A `%` not followed by two hex digits stands for itself and the
    /// escapes around it are still read, as the URL Standard's percent-decode does: `%C3%A9%`
    /// is `é%`, and `%E0%A4%A` is no text at all rather than stored as typed.
    private static func unescaped<Text: Collection<UInt8>>(_ text: Text) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count)
        var index = text.startIndex
        while index != text.endIndex {
            let byte = text[index]
            index = text.index(after: index)
            if byte == UInt8(ascii: "%"), let (escaped, next) = escapedByte(in: text, at: index) {
                bytes.append(escaped)
                index = next
            } else {
                bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            }
        }
        return bytes
    }

    /// The byte two hex digits at `index` spell, and where they end; nil when there are not two.
    private static func escapedByte<Text: Collection<UInt8>>(in text: Text, at index: Text.Index) -> (UInt8, Text.Index)? {
        guard index != text.endIndex, let high = hexValue(text[index]) else { return nil }
        let second = text.index(after: index)
        guard second != text.endIndex, let low = hexValue(text[second]) else { return nil }
        return (high << 4 | low, text.index(after: second))
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
