import Testing
@testable import Advocate

/// Lengths as the channels count them; the X figures are twitter-text's (checked with its
/// Python port, `twitter-text-parser` 3.0.0, on these very strings).
@Suite struct MessageLengthTests {
    /// Links found where X finds them, punctuation around them left out; text in NFC, each code
    /// point weighed (a decomposed é counted 2, नमस्ते 4; 30 decomposed é made a 280 look 310).
    @Test(arguments: [
        ("test.com", 23),
        ("Test https://test.com test https://test.com test.com test", 86),
        ("(https://acme.com/x).", 26),
        // An internationalized domain is a link's host; the katakana after its path's slash is text.
        ("http://例え.jp/パス", 27), ("https://例え.jp", 23), ("see http://bücher.de/x ok", 30),
        ("“https://acme.com/x”", 25),
        ("see:https://acme.com/x", 27),
        ("https://acme.com/x,", 24),
        ("https://acme.com/x…", 25),
        ("HTTPS://www.ExaMPLE.COM/index.html", 23),
        ("https://a.com/x_(y)", 23),
        ("acme.com's", 25),
        ("Visit acme.com.", 30),
        ("(see acme.com)", 29),
        ("www.acme.com/menu?x=1.", 24),
        ("shop.acme.co.uk/menu)", 24),
        ("mail ada@acme.com", 17),
        ("e.g. v1.2", 9),
        (String(repeating: "e\u{301}", count: 30), 30),
        ("नमस्ते", 6),
        ("A\u{301}B", 2),
        ("Aשּׁ", 4),
        ("👨‍👩‍👧 🇫🇷 ❤️", 8),
        ("ab 1\u{FE0F}\u{20E3}", 5),
        ("#\u{20E3}", 2),
        ("1\u{FE0F}", 3),
        ("日本", 4),
        ("a\nb", 3),
    ])
    func xWeighsTextAsTwitterTextDoes(text: String, weight: Int) {
        #expect(MessageLength.measure(text, channel: .x).count == weight)
    }

    /// A link with its scheme counts 23 whatever its host: the bundled example's
    /// `refer.acme.example` (a name no registry hands out) counts as the real domain would.
    @Test func aLinkWithItsSchemeCounts23WhateverItsHost() {
        #expect(MessageLength.measure("Hi https://refer.acme.example/r/ada/?src=x", channel: .x).count == 26)
    }

    /// The character that made a message UCS-2 is named in its summary, with the GSM-7 one a
    /// word processor's typography stands for.
    @Test func theCharacterThatMakesAnSMSUCS2IsNamed() {
        #expect(MessageLength.measure("It’s here", channel: .sms).summary == "1 segment · UCS-2 (’ U+2019 is not in GSM-7; ' is) · 9 characters")
        #expect(MessageLength.measure("10\u{A0}km", channel: .sms).summary == "1 segment · UCS-2 (U+00A0 is not in GSM-7; a space is) · 5 characters")
        #expect(MessageLength.measure("Zoë", channel: .sms).summary == "1 segment · UCS-2 (ë U+00EB is not in GSM-7) · 3 characters")
        // A right-to-left name's isolation marks, which the build adds, are not named: its letter is.
        #expect(MessageLength.measure("Hi \u{2068}محمد\u{2069}", channel: .sms).summary == "1 segment · UCS-2 (م U+0645 is not in GSM-7) · 9 characters")
        #expect(MessageLength.measure("Hi €", channel: .sms).summary == "1 segment · GSM-7 · 5 characters")
    }

    /// A character is never split between segments: an extension character's two septets at
    /// septets 153 and 154, or an emoji's surrogate pair at units 67 and 68, start the next one
    /// (both were counted 2 segments, and go out as 3).
    @Test func aCharacterIsNeverSplitBetweenSegments() {
        let euro = MessageLength.measure(String(repeating: "A", count: 152) + "€" + String(repeating: "b", count: 152), channel: .sms)
        #expect(euro.encoding == "GSM-7" && euro.count == 306 && euro.segments == 3)
        let emoji = MessageLength.measure("“" + String(repeating: "b", count: 65) + "😀" + String(repeating: "c", count: 66), channel: .sms)
        #expect(emoji.encoding == "UCS-2" && emoji.count == 134 && emoji.segments == 3)
        let even = MessageLength.measure(String(repeating: "A", count: 153) + "€" + String(repeating: "b", count: 151), channel: .sms)
        #expect(even.count == 306 && even.segments == 2)
    }
}
