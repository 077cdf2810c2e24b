import Foundation
import Mustache
import Testing
@testable import Advocate

/// Themes escape `{{name}}` with advocate's byte-level HTML escaping instead of swift-mustache's.
@Suite struct HTMLEscapingTests {
    /// Every ASCII character but the controls, which swift-mustache leaves as they are (see below).
    @Test func escapesExactlyWhatSwiftMustacheEscapes() throws {
        let samples = ["plain", "", "<script>alert('x')</script>", "Tom & \"Jerry\"", "Zoë <zoe@example.org>", "€ > ¥ 😀 ' &amp;", "a\tb\r\nc",
                       String(repeating: "a<", count: 100)] + (0x20..<0x7F).map { "a" + String(UnicodeScalar(UInt8($0))) + "b" }
        let reference = try MustacheTemplate(string: "{{value}}")
        for sample in samples {
            #expect(HTMLEscaping.escape(sample) == reference.render(["value": sample]), "\(sample)")
        }
    }

    /// A NUL (a form value typed back into a 422 page may hold one) is an error in HTML and no
    /// character of XML: both show the replacement character, as a browser would.
    @Test func aNULBecomesTheReplacementCharacter() {
        #expect(HTMLEscaping.escape("Ada\u{0}<b>") == "Ada\u{FFFD}&lt;b&gt;")
        #expect(XMLText.escape("\u{0}") == "\u{FFFD}")
        // The other controls too (an ESC in an imported name), but tab and the line breaks.
        #expect(HTMLEscaping.escape("Zed\u{1B}[31m\u{7F}\u{0C}\u{01}") == "Zed\u{FFFD}[31m\u{FFFD}\u{FFFD}\u{FFFD}")
        #expect(XMLText.escape("a\tb\nc\r\n\u{1F}") == "a\tb\nc\r\n\u{FFFD}")
        // C1 controls and the noncharacters XML refuses, of several bytes; not the letters beside them.
        let nonCharacters = String(String.UnicodeScalarView([0xFFFE, 0xFDD0, 0xFFFF].compactMap(Unicode.Scalar.init)))
        #expect(HTMLEscaping.escape("Csi\u{9B}31m \u{85}X \u{A0}©" + nonCharacters + "\u{FF0C}") == "Csi\u{FFFD}31m \u{FFFD}X \u{A0}©\u{FFFD}\u{FFFD}\u{FFFD}\u{FF0C}")
        // A message's plain text (an SMS, an email's text part) too, but tab and the line breaks.
        #expect(PlainTextContentType().escapeText("Esc\u{1B}[31m\tRed\r\n\u{9B}") == "Esc\u{FFFD}[31m\tRed\r\n\u{FFFD}")
        #expect(MarkdownContentType().escapeText("Esc\u{1B}x\u{85}") == "Esc\u{FFFD}x\u{FFFD}")
    }

    /// Escaping works on bytes: a combining mark after `<` (one Character with it) cannot hide it.
    @Test func bothEscapingsReplaceTheirCharactersEvenBeforeACombiningMark() {
        #expect(XMLText.escape("<b>\u{301} & 'x' \"y\" Zoë") == "&lt;b&gt;\u{301} &amp; &apos;x&apos; &quot;y&quot; Zoë")
        #expect(HTMLEscaping.escape("<\u{301}script>") == "&lt;\u{301}script&gt;")
        var bytes: [UInt8] = []
        HTMLEscaping.append("a&b", to: &bytes)
        HTMLEscaping.append("", to: &bytes)
        HTMLEscaping.append("'", to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "a&amp;b&#39;")
    }

    /// A value's directional controls stay inside it: what it opens is closed at its end, and a
    /// close it did not open is dropped; typography sharing their first byte (’ “ … —) is kept.
    @Test(arguments: [
        ("Ada \u{202E}ecilA", "Ada \u{202E}ecilA\u{202C}"),
        ("\u{202D}a\u{2067}b\u{202B}c", "\u{202D}a\u{2067}b\u{202B}c\u{202C}\u{2069}\u{202C}"),
        ("x\u{2069}\u{202E}<y>", "x\u{202E}&lt;y&gt;\u{202C}"),
        ("\u{202C}a\u{202A}b\u{202C}c", "a\u{202A}b\u{202C}c"),
        ("\u{2068}a\u{202E}b\u{2069}c\u{202C}", "\u{2068}a\u{202E}b\u{2069}c"),
        ("It’s “fine” … — \u{200F}", "It’s “fine” … — \u{200F}"),
    ])
    func directionalControlsAreConfinedToTheValue(value: String, escaped: String) {
        #expect(HTMLEscaping.escape(value) == escaped)
        #expect(XMLText.escape(value) == escaped)
    }

    /// A name lands in a script element (JSON-LD) as JSON that cannot end the element or open a
    /// comment in it, and that reads back as the name; private pages have none.
    /// A right-to-left name is isolated where the build sets it in plain text, out of reach of
    /// <bdi>: the page's title and the share messages. A Latin name is left as it is (an SMS of
    /// it stays GSM-7), and so is the page's HTML, where the theme isolates names itself.
    @Test func aRightToLeftNameIsIsolatedInTitlesAndMessages() throws {
        #expect(NameIsolation.isolated("Zoë Ada") == "Zoë Ada")
        #expect(NameIsolation.isolated("דוד") == "\u{2068}דוד\u{2069}")
        // A stray PDI of the name's own cannot end the isolate early.
        #expect(NameIsolation.isolated("\u{2069}محمد Ali") == "\u{2068}محمد Ali\u{2069}")
        var site = SiteFixture()
        site.store.referrers[0].name = "محمد عبد الله"
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let page = try directory.read("public/r/ada/index.html")
        #expect(page.contains("<title>\u{2068}محمد\u{2069} invites you to Acme Rewards</title>"), "\(page)")
        #expect(page.contains("<h1>محمد عبد الله</h1>"))
        // The email share link's subject: "⁨محمد عبد الله⁩ invites you", percent-encoded.
        #expect(page.contains("subject=%E2%81%A8%D9%85%D8%AD%D9%85%D8%AF%20%D8%B9%D8%A8%D8%AF%20%D8%A7%D9%84%D9%84%D9%87%E2%81%A9%20invites%20you"), "\(page)")
        let latin = try directory.read("public/r/bob/index.html")
        #expect(!latin.contains("%E2%81%A8") && !latin.contains("\u{2068}"))
    }

    @Test func aNameInAScriptElementIsJSONThatCannotEndIt() throws {
        var site = SiteFixture()
        let name = "</script><!--x--><script>alert(1)</script>'&Zoë"
        site.store.referrers[0].name = name + " Lovelace"
        site.pageTemplates["layout"] = site.pageTemplates["layout"]!.replacingOccurrences(
            of: "<title>", with: "{{#page.structuredData}}<script type=\"application/ld+json\">{{{page.structuredData}}}</script>{{/page.structuredData}}<title>")
        let directory = try site.write()
        let report = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(!report.warnings.contains { $0.message.contains("structuredData") })
        let page = try directory.read("public/r/ada/index.html")
        let open = #"<script type="application/ld+json">"#
        let start = try #require(page.range(of: open)).upperBound
        let end = try #require(page.range(of: "</script>", range: start..<page.endIndex)).lowerBound
        let json = String(page[start..<end])
        #expect(!json.contains("<") && !json.contains(">") && !json.contains("&"), "\(json)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["name"] as? String == "\(name) invites you to Acme Rewards")
        #expect(object["@type"] as? String == "WebPage")
        #expect((object["isPartOf"] as? [String: Any])?["url"] as? String == "https://refer.acme.example/")
        let home = try directory.read("public/index.html")
        #expect(home.contains(#"<script type="application/ld+json">{"@context":"https://schema.org","@type":"WebSite","name":"Acme Rewards""#), "\(home)")
        for file in ["stats/tok0xxxxxxxxxxxxxxxxxxxxxxxxx/index.html", "stats/p7m2c9x4k1v8q3w6r0t5y2u8i4/index.html", "thanks/index.html"] {
            #expect(!(try directory.read("public/" + file)).contains("ld+json"), "\(file)")
        }
    }

    /// A front matter's directional control is closed in the page's JSON-LD, as in its HTML: a
    /// search result would show what follows it turned around.
    @Test func aDirectionalControlInFrontMatterIsClosedInTheStructuredData() throws {
        var site = SiteFixture()
        site.content["stories/turned.md"] = "---\ntitle: \"Story \u{202E}reversed\"\ndescription: \"About \u{202B}it\"\n---\nText.\n"
        site.pageTemplates["story"] = "{{<layout}}{{$main}}{{#page.structuredData}}<script type=\"application/ld+json\">{{{page.structuredData}}}</script>{{/page.structuredData}}{{/main}}{{/layout}}"
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let page = try directory.read("public/stories/turned/index.html")
        let start = try #require(page.range(of: #"<script type="application/ld+json">"#)).upperBound
        let json = String(page[start..<(try #require(page.range(of: "</script>", range: start..<page.endIndex)).lowerBound)])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["name"] as? String == "Story \u{202E}reversed\u{202C}", "\(json)")
        #expect(object["description"] as? String == "About \u{202B}it\u{202C}", "\(json)")
    }

    @Test func jsonForAScriptEscapesWhatCouldEndTheElement() {
        let value = JSONOutput.object([("<k>", .array([.string("</script>\\\"&\u{2028}'é")]))])
        #expect(value.serializedForScript() == #"{"\u003ck\u003e":["\u003c/script\u003e\\\"\u0026\u2028'é"]}"#)
        #expect(value.serialized() == "{\"<k>\":[\"</script>\\\\\\\"&\\u2028'é\"]}")
    }

    /// A joined referrer named with an override cannot turn the page's title, its Open Graph
    /// title or the email that shares its link around its name.
    @Test func aNameWithAnOverrideTurnsOnlyItself() throws {
        var site = SiteFixture()
        site.store.referrers[0].name = "\u{202E}Ada Lovelace"
        site.pageTemplates["layout"] = site.pageTemplates["layout"]!.replacingOccurrences(of: "<title>", with: "<meta property=\"og:title\" content=\"{{page.title}}\"><title>")
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let page = try directory.read("public/r/ada/index.html")
        #expect(page.contains("<title>\u{202E}Ada\u{202C} invites you to Acme Rewards</title>"), "\(page)")
        #expect(page.contains("content=\"\u{202E}Ada\u{202C} invites you to Acme Rewards\""))
        #expect(page.contains("<h1>\u{202E}Ada Lovelace\u{202C}</h1>"))
        let email = try #require(page.split(separator: "\"").first { $0.hasPrefix("mailto:") })
        #expect(email.contains("subject=%E2%80%AEAda%20Lovelace%E2%80%AC%20invites%20you"), "\(email)")
    }

    /// A story's title and an offer's wording are composed with other words too (the tab's title,
    /// the page's description): an override in them turned the site's name and the words after
    /// the reward around.
    @Test func aStoryTitleAndAnOffersWordingTurnOnlyThemselves() throws {
        var site = SiteFixture()
        site.content["stories/first-story.md"] = "---\ntitle: \"T \u{202E}live\"\ndate: 2026-02-01\n---\nIt worked.\n"
        site.store.offers = #"[{"name": "Spring", "from": "2026-03-01", "until": "2026-03-31", "referrerAmount": 50, "friend": "\#u{202E}30% off"}]"#
        site.store.refer("ada", friend: "Grace Hopper", at: "2026-03-02T09:30:00Z")
        site.pageTemplates["layout"] = site.pageTemplates["layout"]!.replacingOccurrences(of: "<title>{{page.title}}</title>", with: "<title>{{page.documentTitle}}</title><meta name=\"description\" content=\"{{page.description}}\">")
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let story = try directory.read("public/stories/first-story/index.html")
        #expect(story.contains("<title>T \u{202E}live\u{202C} · Acme Rewards</title>"), "\(story)")
        let page = try directory.read("public/r/ada/index.html")
        #expect(page.contains("content=\"Get \u{202E}30% off\u{202C} with Ada"), "\(page)")
    }

    @Test func themeTemplatesUseItAndKeepTheirOwnLinesAndOutput() throws {
        let directory = try TemporaryDirectory()
        for name in Theme.pageTemplates {
            try directory.write("templates/\(name).mustache", "{{! \(name) }}\n<p title=\"{{value}}\">{{value}}</p>\n")
        }
        try directory.write("templates/broken.mustache", "<p>\n</p>\n{{/never-opened}}\n<p>\n</p>\n")
        let (_, diagnostics) = Theme.load(from: directory.file("templates"))
        let broken = try #require(diagnostics.first { $0.file.hasSuffix("broken.mustache") })
        #expect(broken.line == 3, "\(broken)")

        try FileManager.default.removeItem(atPath: directory.file("templates/broken.mustache"))
        let (loaded, problems) = Theme.load(from: directory.file("templates"))
        let theme = try #require(loaded, "\(problems)")
        let page = try #require(theme.render("home", ["value": "<b>\"Tom\" & 'Jerry'</b>"]))
        #expect(page == "<p title=\"&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;\">&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;</p>\n")
    }
}
