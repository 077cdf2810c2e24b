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

    /// A key given twice is named on one compiler-style line, at its second occurrence.
    @Test func aDuplicatedKeyIsOneLineAtItsSecondOccurrence() {
        do {
            _ = try FrontMatter.parse("---\ntitle: One\nsummary: s\ntitle : Two\n---\nBody\n", file: "faq.md")
            Issue.record("a duplicated key was accepted")
        } catch {
            #expect(error.description == "faq.md:4:1: error: invalid YAML front matter: 'title' is given twice; keep one")
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
}
