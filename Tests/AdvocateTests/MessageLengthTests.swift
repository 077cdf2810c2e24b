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
        // A bare name under a country's domain is text without a path, a port or a query with
        // no path is not the link's, and a label over 63 characters is no host's.
        ("Order at acme.de or acme.io or bit.ly today", 43), ("ACME.IO", 7), ("acme.io/x", 23), ("www.acme.io", 23),
        ("Get 20% off at shop.acme.co or acme.co.uk, try acme.me", 78), ("acme.com:80", 26), ("acme.com?x=1", 27),
        (String(repeating: "x", count: 64) + ".com", 68), ("https://" + String(repeating: "x", count: 64) + ".com/x", 78),
        // After the host only a port, a path or a query; each ends where twitter-text's patterns do.
        ("Check https://acme.com's offer", 37), ("https://acme.com!foo", 27), ("https://acme.com:8080x", 24),
        ("See https://acme.com/?q=a+ now", 32), ("https://acme.com/a?q=(x)", 24), ("https://acme.com/é?q=é", 24),
        ("https://acme.com/a.?q=1", 28), ("https://acme.com/(a", 25), ("https://acme.com/a)b", 25),
        ("https://acme.com/a((b))c", 23), ("https://acme.com/a(((b)))c", 31), ("https://acme..com/x", 19), ("https://acme.com..", 25),
        ("acme.com/@user/", 23), ("see https://shop_1.acme.com now", 31), ("https://acme.com/x?", 24), ("https://acme.com/Привет", 23), ("https://acme.com/a–b", 23),
    ])
    func xWeighsTextAsTwitterTextDoes(text: String, weight: Int) {
        #expect(MessageLength.measure(text, channel: .x).count == weight)
    }

    /// `.co` and `.tv` names are links without a path (twitter-text's JavaScript, the reference;
    /// the Python port lacks this rule).
    @Test func aBareNameUnderCoOrTVIsALink() {
        #expect(MessageLength.measure("acme.co", channel: .x).count == 23)
        #expect(MessageLength.measure("x acme.tv y", channel: .x).count == 27)
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
        // Replacing the first would not do when another has no GSM-7 form: that one is named too.
        #expect(MessageLength.measure("It’s 林’s", channel: .sms).summary
                == "1 segment · UCS-2 (’ U+2019 is not in GSM-7; ' is; 林 U+6797 has no GSM-7 form) · 8 characters")
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
