import Foundation
import Testing
@testable import Advocate

/// The real libcmark-gfm with the GFM extensions.
@Suite struct MarkdownTests {
    @Test func rendersGFMExtensions() {
        let html = Markdown.render("""
            | Tier | Bonus |
            | --- | ---: |
            | Gold | $150 |

            ~~old~~ new, see https://acme.example/terms

            - [x] done
            - [ ] todo
            """).html
        #expect(html.contains("<table>"))
        #expect(html.contains("<td style=\"text-align: right\">$150</td>") && !html.contains("align=\""))
        #expect(html.contains("<del>old</del>"))
        #expect(html.contains("<a href=\"https://acme.example/terms\">https://acme.example/terms</a>"))
        // A task's box is named by its state (axe: an unlabelled checkbox).
        #expect(html.contains("<input type=\"checkbox\" checked=\"\" disabled=\"\" aria-label=\"Done\" /> done"))
        #expect(html.contains("<input type=\"checkbox\" disabled=\"\" aria-label=\"Not done\" /> todo"))
    }

    /// A wide table scrolls inside its wrapper, not the page: a phone 320 px wide scrolled the
    /// whole terms page sideways. The wrapper is named by the heading before it; code that
    /// shows a table tag is left alone.
    @Test func eachTableIsWrappedForScrollingAndNamedByItsHeading() {
        let html = Markdown.render("| a | b |\n|---|---|\n| 1 | 2 |\n\n## Tier bonuses\n\nThe tag `<table>` and\n\n    </table>\n\n| c |\n|---|\n| 3 |\n").html
        #expect(html.hasPrefix(#"<div class="table-wrap" role="group" aria-label="Table" tabindex="0">"# + "\n<table>"), "\(html)")
        #expect(html.contains(#"<div class="table-wrap" role="group" aria-labelledby="tier-bonuses" tabindex="0">"# + "\n<table>"), "\(html)")
        #expect(html.components(separatedBy: "</table>\n</div>").count - 1 == 2, "\(html)")
        #expect(html.contains("<code>&lt;table&gt;</code>") && html.contains("&lt;/table&gt;\n</code></pre>"), "\(html)")
        // A footnote reference's id between the heading and the table does not name it.
        let noted = Markdown.render("## Rates\n\nSee the note.[^1]\n\n| c |\n|---|\n| 3 |\n\n[^1]: A note.\n").html
        #expect(noted.contains(#"<div class="table-wrap" role="group" aria-labelledby="rates" tabindex="0">"#), "\(noted)")
    }

    @Test func dropsRawHTMLAndScriptLinks() {
        let html = Markdown.render("<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>").html
        #expect(!html.contains("<script"))
        #expect(!html.contains("javascript:"))
        #expect(!html.contains("<img"))
    }

    @Test func headingsGetUniqueIDs() {
        let rendered = Markdown.render("# Terms\n\n## Who can refer?\n\n### Details\n\n## Who can refer?\n\n## Zoë's `rules`\n")
        #expect(rendered.headings.map(\.id) == ["terms", "who-can-refer", "details", "who-can-refer-1", "zoes-rules"])
        #expect(rendered.headings.map(\.level) == [1, 2, 3, 2, 2])
        #expect(rendered.html.contains("<h2 id=\"who-can-refer-1\">Who can refer?</h2>"))
        #expect(rendered.headings[4].text == "Zoë's rules")
    }

    /// A heading written as another's numbered id (`Same 2` after `Same`) is skipped over,
    /// and many headings of one text each take the next number.
    @Test func headingIDsSkipNumbersAHeadingAlreadyHas() {
        let rendered = Markdown.render("## Same\n\n## Same 2\n\n## Same\n\n## Same\n\n## Same\n\n## Main\n")
        #expect(rendered.headings.map(\.id) == ["same", "same-2", "same-1", "same-3", "same-4", "main-1"])
        var ids = UniqueSlugs()
        let many = (0..<20_000).map { _ in ids.claim("same") }
        #expect(Set(many).count == 20_000 && many.last == "same-19999")
    }

    /// Footnotes, as GitHub, Hugo and Zola render them: a numbered reference and a list at the end.
    @Test func footnotesRender() {
        let rendered = Markdown.render("A claim.[^1]\n\n[^1]: The source.\n")
        #expect(rendered.html.contains(##"<sup class="footnote-ref"><a href="#fn-1" id="fnref-1" data-footnote-ref>1</a></sup>"##), "\(rendered.html)")
        #expect(rendered.html.contains(#"<li id="fn-1">"#) && !rendered.html.contains("[^1]"))
        // A heading cannot take a footnote's id.
        let clash = Markdown.render("## fn 1\n\n## fnref 1\n\nA claim.[^1]\n\n[^1]: The source.\n")
        #expect(clash.headings.map(\.id) == ["section-fn-1", "section-fnref-1"])
    }

    @Test func plainTextDropsMarkup() {
        #expect(Markdown.plainText("Hi **Grace**, see [the offer](https://x.example)").contains("Hi Grace"))
    }

    /// A plain-text email has no links: a link's address follows its text, or the reader of
    /// `[Claim your discount]({{link}})` never gets the link. A link that shows its address
    /// (autolinks, `[{{link}}]({{link}})`) is not repeated.
    @Test func plainTextKeepsEachLinksAddress() {
        #expect(Markdown.plainText("Hi. [Claim your discount]({{link}}) or [**see** the terms](https://acme.example/terms/).")
            == "Hi. Claim your discount ({{link}}) or see the terms (https://acme.example/terms/).\n")
        #expect(Markdown.plainText("Yours: [{{link}}]({{link}}), <https://a.example/>, www.b.example and c@d.example")
            == "Yours: {{link}}, https://a.example/, www.b.example and c@d.example\n")
        // A site path means nothing in a mail client: it is completed with the site's address.
        #expect(Markdown.plainText("See [the terms](/terms/#fees), the [FAQ](../faq/), [more](stories/), [top](#top) and [x](//cdn.example/a).")
            == "See the terms ({{program.url}}/terms/#fees), the FAQ ({{program.url}}/faq/), more ({{program.url}}/stories/), top and x (//cdn.example/a).\n")
        #expect(Markdown.plainText("[Call](tel:+15550100) [a](?x=a:b)") == "Call (tel:+15550100) a ({{program.url}}/?x=a:b)\n")
    }

    @Test func manyThreadsGetTheSameOutput() {
        let source = (1...50).map { "## Heading \($0)\n\n| a | b |\n|---|---|\n| \($0) | ~~x~~ |\n" }.joined(separator: "\n")
        let expected = Markdown.render(source).html
        let results = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 64) { _ in
            results.append(Markdown.render(source).html)
        }
        #expect(results.values.count == 64)
        #expect(results.values.allSatisfy { $0 == expected })
    }
}

private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    func append(_ value: String) { lock.withLock { storage.append(value) } }
    var values: [String] { lock.withLock { storage } }

    /// The usual YAML slip, an unquoted ': ' in a value, says how to fix it; a story's
    /// misspelt field is a warning naming the allowed ones.
    @Test func frontMatterMistakesSayWhatToDo() throws {
        do {
            _ = try FrontMatter.parse("---\ntitle: Broken: story\n---\nx\n", file: "s.md")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == #"s.md:2:14: error: invalid YAML front matter: mapping values are not allowed in this context (a value with ': ' in it needs quotes: title: "Ada: a story")"#)
        }
        let directory = try TemporaryDirectory()
        try directory.write("stories/first.md", "---\ntitle: First\nsumary: A typo\n---\nText\n")
        var diagnostics = DiagnosticList()
        let stories = ContentLoader.loadStories(directory.file("stories"), diagnostics: &diagnostics)
        #expect(stories.count == 1)
        #expect(diagnostics.all.map(\.description) == [
            "\(directory.file("stories/first.md")):3:1: warning: unknown front matter field 'sumary' is ignored; did you mean 'summary'? (allowed: author, date, description, draft, summary, title)",
        ])
    }

    /// A date that has the shape but is not in the calendar says so, in any page's `effective`;
    /// terms or an FAQ with no
    /// text (an empty page the consent form links to) are named.
    @Test func impossibleDatesAndEmptyPagesAreNamed() throws {
        let directory = try TemporaryDirectory()
        try directory.write("content/terms.md", "---\ntitle: Terms\neffective: 2026-02-30\n---\n\n")
        try directory.write("content/faq.md", "# Only a title\n\n<!-- to write -->\n")
        try directory.write("content/index.md", "---\ntitle: Home\neffective: next week <b>\n---\nText\n")
        try directory.write("content/stories/s.md", "---\ntitle: S\ndate: 2026-2-3\n---\nText\n")
        let (_, diagnostics) = ContentLoader.load(from: directory.file("content"))
        #expect(diagnostics.map(\.description) == [
            "\(directory.file("content/terms.md")):1:1: warning: terms.md has no text below its front matter and title, so /terms/ is an empty page; write it",
            "\(directory.file("content/faq.md")):1:1: warning: faq.md has no text below its front matter and title, so /faq/ is an empty page; write it",
            "\(directory.file("content/index.md")):3:1: error: 'effective' must be a date YYYY-MM-DD, found \"next week <b>\"",
            "\(directory.file("content/terms.md")):3:1: error: 'effective' must be a date YYYY-MM-DD, found \"2026-02-30\", which is not a day of the calendar",
            "\(directory.file("content/stories/s.md")):3:1: error: 'date' must be a date YYYY-MM-DD (or a date and time, 2026-04-18T10:00:00Z), found \"2026-2-3\"",
        ])
    }

    /// A story's date may be written with its time, as Hugo and Zola take it: the day written is its day.
    @Test(arguments: ["2026-04-18", "2026-04-18T10:00:00Z", "2026-04-18T23:30:00-05:00", "2026-04-18 10:00:00", "2026-04-18 10:00", "2026-04-18t10:00:00.5z",
                      "2026-04-18 10:00:00 +0200", "2026-04-18T10:00:00+0200", "2026-04-18 10:00:00 +02:00", "2026-04-18 10:00:00.5 -5",
                      "2026-04-18 2:59:43.10 -5", "2026-04-18\t10:00", "2026-04-18  10:00:00  +02:00", "2026-04-18 10:00:00 +2:00", "2026-04-18T10:00:00+14:00"])
    func aStoryDateMayHaveATime(_ text: String) {
        #expect(ContentLoader.storyDay(text)?.iso8601 == "2026-04-18", "\(text)")
    }

    @Test(arguments: ["2026-04-18T25:00:00Z", "2026-04-18Tnoon", "2026-04-18x", "2026-02-30T10:00:00Z", "18/04/2026", "2026-04-18T10:61", "2026-04-18 10:00 tomorrow",
                      "2026-04-18T10:00:00+99:99", "2026-04-18T10:00:00+25:00", "2026-04-18T10:00:00+123", "2026-04-18T10:00:00+14:30"])
    func aStoryDateThatIsNoDateIsRefused(_ text: String) {
        #expect(ContentLoader.storyDay(text) == nil, "\(text)")
    }

    /// Raw HTML, which safe mode leaves out, is named where it starts (a page's and an email's;
    /// an SMS sends its text as it is), so copy does not vanish without a word; comments are meant
    /// not to show and are not named.
    @Test func rawHTMLLeftOutIsNamed() throws {
        let directory = try TemporaryDirectory()
        try directory.write("content/faq.md", "---\ntitle: FAQ\n---\n## FAQ\n\n<!-- a note -->\n\nTéxt with <b>bold</b>.\n\n<div class=\"box\">\nBoxed\n</div>\n")
        try directory.write("content/messaging/sms.md", "---\nchannel: sms\n---\nHi <b>x</b> {{link}}\n")
        try directory.write("content/terms.md", "Terms\n")
        try directory.write("content/messaging/email.md", "---\nchannel: email\nsubject: Hi\n---\nHi {{link}}\n\n<iframe src=\"x\"></iframe>\n")
        let (_, diagnostics) = ContentLoader.load(from: directory.file("content"))
        #expect(diagnostics.map(\.description) == [
            "\(directory.file("content/faq.md")):8:11: warning: raw HTML is left out (Markdown is rendered in safe mode): <b> (and 2 more); write it in Markdown, or put it in the theme",
            "\(directory.file("content/messaging/email.md")):7:1: warning: raw HTML is left out (Markdown is rendered in safe mode): <iframe src=\"x\"></iframe>; write it in Markdown, or put it in the theme",
        ])
    }

    /// A page's opening `# Heading` that becomes its title is not shown a second time below the
    /// theme's own <h1>; a title from front matter leaves the body as written.
    @Test func anOpeningHeadingThatIsTheTitleIsNotRepeated() throws {
        let directory = try TemporaryDirectory()
        var diagnostics = DiagnosticList()
        try directory.write("a.md", "# Heading FAQ\n\n## First\n\nText\n")
        let titled = try #require(ContentLoader.loadPage(directory.file("a.md"), defaultTitle: "FAQ", diagnostics: &diagnostics))
        #expect(titled.title == "Heading FAQ")
        #expect(!titled.rendered.html.contains("<h1") && titled.rendered.html.hasPrefix("<h2 id=\"first\">"), "\(titled.rendered.html)")
        #expect(titled.rendered.headings.map(\.id) == ["first"])
        try directory.write("b.md", "---\ntitle: Questions\n---\n# Heading FAQ\n\nText\n")
        let kept = try #require(ContentLoader.loadPage(directory.file("b.md"), defaultTitle: "FAQ", diagnostics: &diagnostics))
        #expect(kept.title == "Questions" && kept.rendered.html.contains("<h1 id=\"heading-faq\">Heading FAQ</h1>"))
        // Kept, but a second top heading on the page: a warning.
        #expect(diagnostics.all.map(\.message) == ["'Heading FAQ' is a top heading (#), a second one below the page's title \"Questions\"; "
                                                    + "make it '## Heading FAQ', or drop the title field to make it the title"])
    }

    /// index.md, terms.md and faq.md are checked as stories are: a mistyped field, or one that
    /// holds a list where text is read, is named instead of quietly doing nothing.
    @Test func contentPagesWarnAboutFieldsNothingReads() throws {
        let directory = try TemporaryDirectory()
        try directory.write("content/faq.md", "---\ntittle: Questions\n---\n# FAQ\n\nAnswers.\n")
        try directory.write("content/terms.md", "---\ntitle: [1, 2]\nversion: 3\neffective: 2026-01-01\n---\nTerms\n")
        let (_, diagnostics) = ContentLoader.load(from: directory.file("content"))
        #expect(diagnostics.map(\.description) == [
            "\(directory.file("content/terms.md")):2:1: warning: 'title' must be text, such as title: Some words; it is ignored",
            "\(directory.file("content/faq.md")):2:1: warning: unknown front matter field 'tittle' is ignored; did you mean 'title'? (allowed: description, effective, title, version)",
        ])
    }

    /// A story or messaging file the loader does not read (`.markdown`, `.MD`, in a subfolder,
    /// a symbolic link) is a warning from `check`, not a page that silently never appears.
    @Test func contentFilesThatAreNotReadAreNamed() throws {
        let directory = try TemporaryDirectory()
        let story = "---\ntitle: S\n---\nText\n"
        for name in ["stories/kept.md", "stories/note.markdown", "stories/CAPS.MD", "stories/sub/deep.md", "stories/.draft.md", "messaging/sms.txt"] {
            try directory.write("content/\(name)", story)
        }
        try FileManager.default.createSymbolicLink(atPath: directory.file("content/stories/link.md"), withDestinationPath: directory.file("content/stories/kept.md"))
        let (content, loading) = ContentLoader.load(from: directory.file("content"))
        #expect(content.stories.map(\.slug) == ["kept"])
        #expect(!loading.contains { $0.message.contains("not read") }, "a check's warning, not a build's")
        let diagnostics = ContentLoader.filesNotRead(in: directory.file("content"))
        let notRead = diagnostics.filter { $0.message.contains("not read") }.map { $0.file.replacingOccurrences(of: directory.file("content/"), with: "") }.sorted()
        #expect(notRead == ["messaging/sms.txt", "stories/CAPS.MD", "stories/link.md", "stories/note.markdown", "stories/sub/deep.md"], "\(diagnostics)")
        #expect(diagnostics.contains { $0.file.hasSuffix("stories/link.md") && $0.message.contains("symbolic link") }, "\(diagnostics)")
    }

    /// A file that is not UTF-8 (saved as Latin-1, say) is named at its first such byte.
    @Test func textThatIsNotUTF8IsNamedWhereItStops() throws {
        let directory = try TemporaryDirectory()
        try directory.write("content/index.md", "")
        try Data("---\ntitle: Caf\u{E9}\n---\nNa".utf8 + [0xEF, 0x76, 0x65] + Data("\n".utf8))
            .write(to: URL(fileURLWithPath: directory.file("content/faq.md")))
        let (_, diagnostics) = ContentLoader.load(from: directory.file("content"))
        #expect(diagnostics.map(\.description).contains("\(directory.file("content/faq.md")):4:3: error: the file is not valid UTF-8 text from here on; save it as UTF-8"),
                "\(diagnostics)")
    }

    /// A page's Markdown is bounded: one past the limit is an error that says it.
    @Test func markdownPastTheLimitIsAnError() throws {
        let directory = try TemporaryDirectory()
        try directory.write("content/stories/huge.md", "---\ntitle: Huge\n---\n" + String(repeating: "word ", count: ContentLoader.maximumMarkdownBytes / 5 + 1))
        let (content, diagnostics) = ContentLoader.load(from: directory.file("content"))
        #expect(content.stories.isEmpty)
        #expect(diagnostics.contains { $0.file.hasSuffix("huge.md") && $0.message.contains("a page's Markdown may be at most 2,097,152") }, "\(diagnostics)")
    }

    /// The stories of a folder holding one story of `text`, what loading it said, and its file.
    func loadStory(_ text: String) throws -> (stories: [Story], diagnostics: [String], file: String) {
        let directory = try TemporaryDirectory()
        try directory.write("stories/story.md", text)
        var diagnostics = DiagnosticList()
        let stories = ContentLoader.loadStories(directory.file("stories"), diagnostics: &diagnostics)
        return (stories, diagnostics.all.map(\.description), directory.file("stories/story.md"))
    }

    /// A link or picture whose address safe mode drops (`javascript:`, `file:`) is named at its
    /// place, where it had become an empty `href` without a word; pictures' data: URLs stay.
    @Test func aDroppedAddressIsNamed() throws {
        let (stories, diagnostics, file) = try loadStory("---\ntitle: T\n---\nHello [click](JavaScript:alert(1)) and\n![img](file:///etc/passwd) ok ![dot](data:image/png;base64,iVBO) [fine](https://x.example).\n")
        #expect(diagnostics == [
            "\(file):4:7: warning: the address JavaScript:alert(1) is left out of the page (and 1 more) (javascript:, vbscript:, file: and data: addresses are unsafe); link to a web address instead",
        ])
        #expect(stories.first?.page.rendered.html.contains(#"<a href="">click</a>"#) == true)
        #expect(stories.first?.page.rendered.droppedLinks.map(\.text) == ["JavaScript:alert(1)", "file:///etc/passwd"])
    }

    /// Control characters (a word processor's U+000B, a bell) are left out of the page, with a
    /// warning at the first; a form feed, which HTML takes as a space, stays.
    @Test func controlCharactersAreLeftOutWithAWarning() throws {
        let (stories, diagnostics, file) = try loadStory("---\ntitle: Bell\nsummary: \"ctl \u{07} bell\"\n---\nLine\u{0B}break and \u{1B}[1mbold\u{0C}.\n")
        #expect(diagnostics == [
            "\(file):3:15: warning: control characters such as U+0007 (pasted from a word processor?) are left out: pages cannot show them; remove them from the file",
        ])
        #expect(stories.first?.summary == "ctl  bell")
        #expect(stories.first?.page.rendered.html == "<p>Linebreak and [1mbold\u{0C}.</p>\n", "\(stories.first?.page.rendered.html ?? "")")
    }

    /// A file with old Mac line ends (a CR alone) has its front matter read, where it had been
    /// published as a heading; noncharacters are left out with a warning, as controls are.
    @Test func oldMacLineEndsAndNoncharactersAreRead() throws {
        let directory = try TemporaryDirectory()
        try directory.write("faq.md", "---\rtitle: Our FAQ\rdescription: Answers\r---\r## Q?\rA\u{FFFE}.\r")
        var diagnostics = DiagnosticList()
        let source = ContentLoader.readSource(directory.file("faq.md"), diagnostics: &diagnostics)
        #expect(source?.fields["title"] == .string("Our FAQ"))
        #expect(source?.body == "## Q?\nA.\n")
        #expect(diagnostics.all.map(\.description) == [
            "\(directory.file("faq.md")):6:2: warning: noncharacters such as U+FFFE are left out: pages cannot show them; remove them from the file",
        ])
    }

    /// A message has no pages to break: its form feed becomes a space, with the warning, where a
    /// page keeps it (above).
    @Test func aFormFeedIsASpaceInAMessage() throws {
        let directory = try TemporaryDirectory()
        try directory.write("messaging/sms.md", "---\nchannel: sms\n---\nPage\u{0C}break {{link}}\n")
        var diagnostics = DiagnosticList()
        let source = ContentLoader.readSource(directory.file("messaging/sms.md"), isMessage: true, diagnostics: &diagnostics)
        #expect(source?.body == "Page break {{link}}\n")
        #expect(diagnostics.all.map(\.description) == [
            "\(directory.file("messaging/sms.md")):4:5: warning: control characters such as U+000C (pasted from a word processor?) are left out: pages cannot show them; remove them from the file",
        ])
    }

    /// A blank title is no title: the first heading stands in, and a story with neither is an error.
    @Test func aBlankTitleIsNoTitle() throws {
        let directory = try TemporaryDirectory()
        try directory.write("stories/headed.md", "---\ntitle: \"   \"\nsummary: \" Short. \"\n---\n# The bakery\n")
        try directory.write("stories/blank.md", "---\ntitle: \"\\t \"\n---\nNo heading.\n")
        // A heading after text is a part of the page, not its title (it had been both, and shown twice).
        try directory.write("stories/late.md", "No front matter at all\n\n# Late heading\n\nmore\n")
        // After a comment, which shows nothing, it still opens the page.
        try directory.write("stories/noted.md", "<!-- draft -->\n\n# A sign by the title\n\nText.\n")
        var diagnostics = DiagnosticList()
        let stories = ContentLoader.loadStories(directory.file("stories"), diagnostics: &diagnostics)
        #expect(stories.map(\.page.title) == ["The bakery", "A sign by the title"] && stories.first?.summary == "Short.")
        #expect(stories.last?.page.rendered.html.contains("<h1") == false, "\(stories.last?.page.rendered.html ?? "")")
        #expect(diagnostics.all.map(\.description) == [
            "\(directory.file("stories/blank.md")):1:1: error: a story needs a 'title' in its front matter, or a '# Heading' as its first line",
            "\(directory.file("stories/late.md")):1:1: error: a story needs a 'title' in its front matter, or a '# Heading' as its first line",
        ])
        // A section's heading is not the page's title: terms.md without front matter is "Program terms".
        try directory.write("content/terms.md", "## Eligibility\n\nEveryone.\n")
        #expect(ContentLoader.load(from: directory.file("content")).0.terms?.title == "Program terms")
        try directory.write("content/terms.md", "Everyone.\n\n# Eligibility\n")
        let terms = try #require(ContentLoader.load(from: directory.file("content")).0.terms)
        #expect(terms.title == "Program terms" && terms.rendered.html.contains("<h1 id=\"eligibility\">Eligibility</h1>"), "\(terms.rendered.html)")
    }

    /// Slugs (story addresses, heading ids) are ASCII: other scripts are written in Latin
    /// letters rather than dropped, which gave every Japanese or Russian story `/stories/story/`.
    @Test(arguments: [("日本語の話", "ri-ben-yuno-hua"), ("Привет мир", "privet-mir"), ("Grüße aus Köln", "grusse-aus-koln"),
                      ("Zoë's rules", "zoes-rules"), ("Ærø og Ødis", "aero-og-odis"), ("👋🏽", "story"), ("My story", "my-story")])
    func slugsWriteOtherScriptsInLatinLetters(text: String, slug: String) {
        #expect(Slug.make(text, fallback: "story") == slug)
    }
}
