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
            let body = String(decoding: bytes, as: UTF8.self)
            let fields = FormDecoding.fields(body)
            #expect(fields.count <= (body.utf8.count + 1) / 2)
            for (name, value) in fields {
                #expect(name.utf8.count + value.utf8.count <= body.utf8.count)
            }
        }
    }

    /// The byte decoder replaced Foundation's `removingPercentEncoding` for speed; it must give
    /// the same text for anything, malformed escapes and invalid UTF-8 included.
    @Test func decodingMatchesFoundationOnArbitraryText() async {
        await propertyCheck(count: 1000, input: Self.formBytes) { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            let spaced = text.replacingOccurrences(of: "+", with: " ")
            #expect(FormDecoding.decode(text[...]) == (spaced.removingPercentEncoding ?? spaced))
        }
        for text in ["a+b%20c", "%zz", "%E2%82%AC", "%C3", "100%", "%2B+%2b", "caf%C3%A9", "%", "%4"] {
            let spaced = text.replacingOccurrences(of: "+", with: " ")
            #expect(FormDecoding.decode(text[...]) == (spaced.removingPercentEncoding ?? spaced), "\(text)")
        }
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
            #expect(FormDecoding.fields(pairs.joined(separator: "&")) == expected)
        }
    }

    /// application/x-www-form-urlencoded as the HTML standard writes it: spaces as `+`.
    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "*-._ ")
        return text.addingPercentEncoding(withAllowedCharacters: allowed)!.replacingOccurrences(of: " ", with: "+")
    }
}
