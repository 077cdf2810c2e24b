import Foundation
import Mustache
import Testing
@testable import Advocate

/// Themes escape `{{name}}` with advocate's byte-level HTML escaping instead of swift-mustache's.
@Suite struct HTMLEscapingTests {
    @Test func escapesExactlyWhatSwiftMustacheEscapes() throws {
        let samples = ["plain", "", "<script>alert('x')</script>", "Tom & \"Jerry\"", "Zoë <zoe@example.org>", "€ > ¥ 😀 ' &amp;",
                       String(repeating: "a<", count: 100)] + (0..<128).map { "a" + String(UnicodeScalar(UInt8($0))) + "b" }
        let reference = try MustacheTemplate(string: "{{value}}")
        for sample in samples {
            #expect(HTMLEscaping.escape(sample) == reference.render(["value": sample]), "\(sample)")
        }
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
