@testable import Advocate
import Testing

@Suite struct FrontMatterTests {
    /// A file saved by a Windows editor (or checked out with git's autocrlf) has CRLF line ends:
    /// its front matter is still front matter, not a heading and a rule in the page.
    @Test func crlfLineEndsAreReadLikeLF() throws {
        let windows = try FrontMatter.parse("---\r\ntitle: CRLF FAQ\r\nchannel: sms\r\n---\r\n## Q\r\nA\r\n", file: "faq.md")
        let unix = try FrontMatter.parse("---\ntitle: CRLF FAQ\nchannel: sms\n---\n## Q\nA\n", file: "faq.md")
        #expect(windows.fields["title"] == .string("CRLF FAQ"))
        #expect(windows.fields == unix.fields)
        #expect(windows.fieldLocations == unix.fieldLocations)
        #expect(windows.body == unix.body)
        #expect(windows.bodyLine == 5)
        #expect(throws: Diagnostic.self) { try FrontMatter.parse("---\r\ntitle: x\r\n", file: "faq.md") }
    }

    /// What YAML reads otherwise than copy means is named with the quoted form to write: a '#'
    /// starts a comment, a '!' a tag, '@', '`' and '%' cannot start a value, and tabs cannot indent.
    @Test func yamlSurprisesInCopyAreNamedWithTheFix() throws {
        let comment = try FrontMatter.parse("---\ntitle: #1 FAQ for referrers\n---\nText\n", file: "faq.md")
        #expect(comment.warnings.map(\.description) == [
            "faq.md:2:8: warning: 'title' is empty: YAML reads what follows '#' as a comment; to keep it, quote it: title: \"#1 FAQ for referrers\"",
        ])
        let tag = try FrontMatter.parse("---\ntitle: !important news\ndate: !!str 2026-01-01\n---\nText\n", file: "s.md")
        #expect(tag.warnings.map(\.description) == [
            "s.md:2:8: warning: 'title': YAML reads '!important' as a tag, not as part of the value; to keep it, quote it: title: \"!important news\"",
        ])
        #expect(try FrontMatter.parse("---\ntitle: \"#1\" # a comment\nsummary:\n---\n", file: "s.md").warnings.isEmpty)
        for (yaml, hint) in [("title: @acme", "needs quotes"), ("title: `code`", "needs quotes"), ("title: %off", "needs quotes"),
                             ("variants:\n\tb: x", "indent with spaces, not tabs")] {
            do {
                _ = try FrontMatter.parse("---\n\(yaml)\n---\n", file: "m.md")
                Issue.record("\(yaml) parsed")
            } catch {
                #expect(error.description.contains(hint), "\(yaml): \(error.description)")
            }
        }
    }

    /// Hugo's TOML front matter is an error that says what to write, not text on the page.
    @Test func tomlFrontMatterIsAnError() {
        #expect(throws: Diagnostic.error("s.md", SourceLocation(line: 1, column: 1),
                                         "front matter in TOML ('+++') is not read; write it in YAML between '---' lines (title: Some words)")) {
            try FrontMatter.parse("+++\ntitle = \"A story\"\n+++\nText\n", file: "s.md")
        }
    }

    /// An unclosed quote and a missing space after a colon are told at their own line, in plain
    /// words: libyaml gives up at the end of the front matter or on the line after.
    @Test func anUnclosedQuoteAndAColonWithoutASpaceAreToldWhereTheyAre() {
        #expect(throws: Diagnostic.error("s.md", SourceLocation(line: 2, column: 8),
                                         "invalid YAML front matter: this quote is never closed; end the value with the same quote on its line (title: \"Amira's story\")")) {
            try FrontMatter.parse("---\ntitle: \"Amira's first bouquet\ndate: 2026-03-01\n---\nText\n", file: "s.md")
        }
        #expect(throws: Diagnostic.error("x.md", SourceLocation(line: 3, column: 1),
                                         "invalid YAML front matter: this line is not 'field: value'; put a space after the field's colon (channel: sms)")) {
            try FrontMatter.parse("---\ntitle: X\nchannel:linkedin\n---\nText\n", file: "x.md")
        }
        // Both quotes there: libyaml split the line at its ': ' and took the closing quote for
        // an opening one. Not "never closed".
        do {
            _ = try FrontMatter.parse("---\nchannel: email\nsubject:\"Ada sent you: {{reward.friend}}\"\n---\nText\n", file: "e.md")
            Issue.record("accepted")
        } catch {
            #expect(!error.description.contains("never closed"), "\(error)")
        }
    }

    /// A value that starts with a Mustache variable needs quotes: YAML read `{{…}}` as a map, and
    /// the message said the subject was missing, or spoke of a "block mapping". An apostrophe in
    /// single quotes is told in words too.
    @Test(arguments: [
        ("---\nchannel: email\nsubject: {{referrer.firstName}}\n---\nHi\n", "3:10"),
        ("---\nchannel: email\nsubject: {{referrer.firstName}} sent you a gift\n---\nHi\n", "3:10"),
        ("---\nchannel: sms\nvariants:\n  b:\n    body: {{referrer.name}} {{link}}\n---\nHi\n", "5:11"),
    ])
    func anUnquotedMustacheValueIsToldToTakeQuotes(text: String, place: String) {
        do {
            _ = try FrontMatter.parse(text, file: "m.md")
            Issue.record("accepted")
        } catch {
            #expect(error.description == "m.md:\(place): error: invalid YAML front matter: \(FrontMatter.unquotedMustache)")
        }
    }

    /// An indented `---` is Markdown (a code block, a rule), not front matter; a more indented
    /// `---` inside front matter is a block scalar's text.
    @Test func onlyAFenceAtTheLinesStartOpensOrClosesTheFrontMatter() throws {
        let code = try FrontMatter.parse("    ---\n    title: example\n    ---\n\nThe above is how front matter looks.\n", file: "c.md")
        #expect(code.fields.isEmpty && code.body.hasPrefix("    ---"))
        let block = try FrontMatter.parse("---\ntitle: T\ndescription: |\n  a\n  ---\n  b\n---\nBody\n", file: "b.md")
        #expect(block.fields["description"] == .string("a\n---\nb") && block.body == "Body\n", "\(block.fields)")
    }

    @Test func anApostropheInSingleQuotesIsToldInWords() throws {
        #expect(throws: Diagnostic.error("s.md", SourceLocation(line: 2, column: 8),
                                         "invalid YAML front matter: an apostrophe inside single quotes ends the value; write it twice ('Ada''s story') or use double quotes (title: \"Ada's story\")")) {
            try FrontMatter.parse("---\ntitle: 'Ada's story'\n---\nText\n", file: "s.md")
        }
        // A {{ line before an error elsewhere is not blamed for it.
        #expect(throws: Diagnostic.error("q.md", SourceLocation(line: 4, column: 10),
                                         "invalid YAML front matter: an apostrophe inside single quotes ends the value; write it twice ('Ada''s story') or use double quotes (title: \"Ada's story\")")) {
            try FrontMatter.parse("---\ntitle: \"Hello\n  {{x}} there\"\nsummary: 'Ada's story'\n---\nText\n", file: "q.md")
        }
        // Quoted or in a block, a value may start with {{; a block's text is no field.
        let fine = try FrontMatter.parse("---\nchannel: sms\nsubject: \"{{x}}\"\nvariants:\n  b:\n    body: |\n      {{referrer.name}}: {{link}}\n---\nHi\n", file: "f.md")
        #expect(fine.fields["variants"] != nil)
    }

    /// A key given twice is named on one compiler-style line, at its second occurrence.
    @Test func aDuplicatedKeyIsOneLineAtItsSecondOccurrence() {
        do {
            _ = try FrontMatter.parse("---\ntitle: One\nsummary: s\ntitle : Two\n---\nBody\n", file: "faq.md")
            Issue.record("a duplicated key was accepted")
        } catch {
            #expect(error.description == "faq.md:4:1: error: invalid YAML front matter: 'title' is given twice; keep one")
        }
        // In a nested map (a messaging template's variants), at the nested key's own line.
        do {
            _ = try FrontMatter.parse("---\nchannel: sms\nvariants:\n  b:\n    body: x\n  c:\n    body: y\n  b:\n    body: z\n---\n", file: "sms.md")
            Issue.record("a duplicated nested key was accepted")
        } catch {
            #expect(error.description == "sms.md:8:3: error: invalid YAML front matter: 'b' is given twice; keep one")
        }
    }

    /// Aliases are copies: eight lines of `&x [*y, *y, …]` stand for 10^8 values, which took 7 GB
    /// and half a minute to read. A front matter that expands past the cap is an error at the
    /// field that crosses it; a few aliases stay fine.
    @Test func aliasesThatExpandPastTheCapAreAnError() throws {
        var lines = ["---", "title: bomb", "a: &a [x, x, x, x, x, x, x, x, x, x]"]
        for (name, previous) in zip("bcde", "abcd") {
            lines.append("\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]")
        }
        let bomb = (lines + ["---", "Body"]).joined(separator: "\n")
        do {
            _ = try FrontMatter.parse(bomb, file: "stories/bomb.md")
            Issue.record("an alias bomb was accepted")
        } catch {
            #expect(error.description.hasPrefix("stories/bomb.md:6:1: error: front matter holds more than 10,000 values"))
        }
        let reused = try FrontMatter.parse("---\ntitle: &t Ada\nsummary: *t\ntags: &l [a, b]\nmore: *l\n---\nBody\n", file: "faq.md")
        #expect(reused.fields["summary"] == .string("Ada"))
        #expect(reused.fields["more"] == .list([.string("a"), .string("b")]))
    }

    /// A fence with an invisible trailing space, or a blank line before it, is still a fence:
    /// read as Markdown, the fields became a heading that titled the page.
    @Test func aFenceWithTrailingSpaceOrAfterABlankLineIsAFence() throws {
        for text in ["--- \ntitle: Terms\n---\t\nBody\n", "\n \n---\ntitle: Terms\n---\nBody\n", "\u{FEFF}\r\n---  \r\ntitle: Terms\r\n--- \r\nBody\r\n"] {
            let source = try FrontMatter.parse(text, file: "terms.md")
            #expect(source.fields["title"] == .string("Terms"), "\(text.debugDescription)")
            #expect(source.body.trimmingWhitespace() == "Body", "\(text.debugDescription)")
            #expect(source.location(of: "title").line == text.prefix { $0 != "t" }.filter(\.isNewline).count + 1, "\(text.debugDescription)")
        }
    }

    /// Front matter fields are text, kept as written: YAML's typing read `version: 2.10` as 2.1,
    /// `010` as 8 and `title: Yes` as true, and the terms page stated the wrong version.
    @Test func scalarsAreKeptAsWritten() throws {
        let source = try FrontMatter.parse("---\nversion: 2.10\nold: 010\nhex: 0x10\ntitle: Yes\nauthor: No\nsummary: 1e3\nblank:\ntilde: ~\n---\nBody\n", file: "terms.md")
        #expect(source.fields["version"]?.text == "2.10")
        #expect(source.fields["old"]?.text == "010")
        #expect(source.fields["hex"]?.text == "0x10")
        #expect(source.fields["title"]?.text == "Yes")
        #expect(source.fields["author"]?.text == "No")
        #expect(source.fields["summary"]?.text == "1e3")
        #expect(source.fields["blank"] == .null && source.fields["tilde"] == .null)
    }
}
