import Foundation
import Mustache
import Testing
@testable import Advocate

/// Themes escape `{{name}}` with advocate's byte-level HTML escaping instead of swift-mustache's.
@Suite struct HTMLEscapingTests {
    @Test func escapesExactlyWhatSwiftMustacheEscapes() throws {
        let samples = ["plain", "", "<script>alert('x')</script>", "Tom & \"Jerry\"", "Zoë <zoe@example.org>", "€ > ¥ 😀 ' &amp;",
                       String(repeating: "a<", count: 100)]
        let reference = try MustacheTemplate(string: "{{value}}")
        for sample in samples {
            #expect(HTMLEscaping.escape(sample) == reference.render(["value": sample]), "\(sample)")
        }
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
