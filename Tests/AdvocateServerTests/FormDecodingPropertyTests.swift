import Advocate
@testable import AdvocateServer
import Foundation
import PropertyBased
import Testing

/// The form decoder on arbitrary bodies: it always answers, and reads back what a browser encodes.
@Suite(.timeLimit(.minutes(1))) struct FormDecodingPropertyTests {
    static let formBytes = Gen<UInt8?>.element(of: Array("ab=&+%0123456789ABCDEFcdef%%%;\n\r ".utf8) + [0, 0x80, 0xC3, 0xA9, 0xFF])
        .map { $0! }.array(of: 0...200)

    @Test func arbitraryBodiesDecodeToBoundedFields() async {
        await propertyCheck(count: 500, input: Self.formBytes) { bytes in
            let form = FormDecoding.form(bytes)
            #expect(form.fields.count <= (bytes.count + 1) / 2)
            #expect(Set(form.unreadable).isSubset(of: form.fields.keys))
            for (name, value) in form.fields {
                // A byte that is not UTF-8 is shown as U+FFFD, three bytes for one.
                #expect(name.utf8.count + value.utf8.count <= 3 * bytes.count)
            }
        }
    }

    /// The byte decoder replaced Foundation's `removingPercentEncoding` for speed; it must give
    /// the same text for anything. A `%` that starts no escape stands for itself, as in the URL
    /// Standard: Foundation's reading of the text with each such `%` written `%25`. Escapes that are
    /// not UTF-8 are nil, where corelibs Foundation is inconsistent: it rejects `%80%80` and `%C3`
    /// but turns `%a9` into U+FFFD (seen on Linux, Swift 6.3), so those inputs are held to the rule.
    @Test func decodingMatchesFoundationOnArbitraryText() async {
        await propertyCheck(count: 1000, input: Self.formBytes) { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(Self.decoded(text) == Self.foundationDecoding(text))
        }
        for text in ["a+b%20c", "%zz", "%E2%82%AC", "%C3", "100%", "%2B+%2b", "caf%C3%A9", "%", "%4"] {
            #expect(Self.decoded(text) == Self.foundationDecoding(text), "\(text)")
        }
        for text in ["%a9", "a+%a9b", "%80%80", "%EF%BF%BD%a9", "%C3"] { #expect(FormDecoding.decode(Array(text.utf8)) == nil, "\(text)") }
        #expect(FormDecoding.decode(Array("%EF%BF%BD".utf8)) == "\u{FFFD}")
        // The escapes beside a lone `%` are read, so bytes that are not text are never kept as typed.
        #expect(FormDecoding.decode(Array("%C3%A9%".utf8)) == "é%")
        #expect(FormDecoding.decode(Array("100%+sure%2".utf8)) == "100% sure%2")
        #expect(FormDecoding.decode(Array("%E0%A4%A".utf8)) == nil)
        #expect(FormDecoding.form(Array("name=%E0%A4%A&email=a%40b.example".utf8)) == .init(fields: ["name": "\u{FFFD}%A", "email": "a@b.example"], unreadable: ["name"]))
        #expect(FormDecoding.decode(Array("Zo%EB+%80%81".utf8), charset: .windows1252) == "Zoë \u{80}\u{81}")
        #expect(FormDecoding.decode(Array("Zo%EB+%80".utf8), charset: .windows1252) == "Zoë €")
    }

    /// The decoder's text, or the text as typed (with `+` as a space) where it is not UTF-8.
    static func decoded(_ text: String) -> String {
        FormDecoding.decode(Array(text.utf8)) ?? text.replacingOccurrences(of: "+", with: " ")
    }

    /// The first of a repeated field wins, but a blank honeypot gives way to a filled one, so
    /// `website=&website=x` is a bot's as in JSON (whose last value wins).
    @Test func aRepeatedHoneypotCountsIfAnyValueIsFilled() {
        #expect(FormDecoding.form(Array("name=A&name=B&website=&website=x".utf8)).fields == ["name": "A", "website": "x"])
        #expect(FormDecoding.form(Array("website=x&website=".utf8)).fields == ["website": "x"])
    }

    @Test func charsetsAreReadFromTheContentType() {
        let form = "application/x-www-form-urlencoded"
        #expect(FormDecoding.Charset(contentType: form) == .utf8)
        #expect(FormDecoding.Charset(contentType: form + "; charset=UTF-8") == .utf8)
        #expect(FormDecoding.Charset(contentType: form + " ; Charset=\"ISO-8859-1\"") == .windows1252)
        #expect(FormDecoding.Charset(contentType: form + ";charset=windows-1252;x=y") == .windows1252)
        #expect(FormDecoding.Charset(contentType: form + "; charset=shift_jis") == nil)
    }

    /// Foundation's decoding, or the text as typed where Foundation made a U+FFFD out of escapes
    /// that are not UTF-8 (more replacement characters than the text had or spelt as `%EF%BF%BD`).
    static func foundationDecoding(_ text: String) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        let loneSigns = spaced.replacingOccurrences(of: "%(?![0-9A-Fa-f]{2})", with: "%25", options: .regularExpression)
        guard let decoded = loneSigns.removingPercentEncoding else { return spaced }
        func replacements(_ string: String) -> Int { string.unicodeScalars.count { $0 == "\u{FFFD}" } }
        let escaped = spaced.uppercased().components(separatedBy: "%EF%BF%BD").count - 1
        return replacements(decoded) > replacements(spaced) + escaped ? spaced : decoded
    }

    @Test func fieldsEncodedAsABrowserDoesDecodeToThemselves() async {
        let text = Gen<UInt8>.value(in: 0...255).array(of: 0...24).map { bytes in
            String(decoding: bytes, as: UTF8.self)
        }
        await propertyCheck(count: 500, input: text.array(of: 1...6)) { values in
            var expected: [String: String] = [:]
            var pairs: [String] = []
            for (index, value) in values.enumerated() {
                let name = "f\(index)"
                expected[name] = value
                pairs.append(Self.encode(name) + "=" + Self.encode(value))
            }
            #expect(FormDecoding.form(Array(pairs.joined(separator: "&").utf8)) == FormDecoding.Form(fields: expected))
        }
    }

    /// application/x-www-form-urlencoded as the HTML standard writes it: spaces as `+`.
    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "*-._ ")
        return text.addingPercentEncoding(withAllowedCharacters: allowed)!.replacingOccurrences(of: " ", with: "+")
    }
}
