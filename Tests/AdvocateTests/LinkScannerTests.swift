@testable import Advocate
import Foundation
import PropertyBased
import Testing

/// `advocate check`'s link finder: every `href="…"`/`src="…"` closed on its line, with the line
/// and the column in characters that a report names.
@Suite struct LinkScannerTests {
    private static func found(_ html: String) -> [(url: String, line: Int, column: Int)] {
        let bytes = Array(html.utf8)
        return LinkScanner.links(in: bytes).map { ($0.url, $0.line, $0.column(in: bytes)) }
    }

    @Test func findsEachLinkWithItsLineAndColumnInCharacters() {
        let links = Self.found("<p>é <a href=\"/a/\">a</a><img src=\"b.png\"></p>\n\n  <a href=\"/c/?x=1&amp;y=2\">c</a>")
        #expect(links.map(\.url) == ["/a/", "b.png", "/c/?x=1&y=2"])
        #expect(links.map(\.line) == [1, 1, 3])
        // "<p>é <a " is 8 characters (9 bytes): the column counts characters.
        #expect(links.map(\.column) == [9, 30, 6])
    }

    /// A link's escaped characters are read as the browser reads them: a logo named
    /// `a"><b>.svg`, escaped right on every page, was reported as a broken link on each.
    @Test(arguments: [("/assets/a&quot;&gt;&lt;b&gt;.svg", "/assets/a\"><b>.svg"), ("x&#39;y&apos;z&#x41;&#66;", "x'y'zAB"),
                      ("a&b &c; &amp", "a&b &c; &amp"), ("&#xZZ;&#1114112;&", "&#xZZ;&#1114112;&")])
    func characterReferencesAreRead(written: String, read: String) {
        #expect(Self.found("<a href=\"\(written)\">").map(\.url) == [read])
    }

    @Test func aValueLeftOpenAtTheEndOfALineIsNotALinkAndDoesNotSwallowTheNext() {
        let links = Self.found("<a href=\"/open\n<img src=\"/shut.png\">\n<a href=\"/end")
        #expect(links.map(\.url) == ["/shut.png"])
        #expect(links.map(\.line) == [2])
    }

    @Test func readsTheSameLinksAsARegularExpressionOverEachLine() async {
        let pieces = ["href=\"", "src=\"", "\"", "\n", "/a", "é", "&amp;", " ", "data-", "hre", "=", "<", "f", "sr", "c"]
        await propertyCheck(count: 500, input: Gen<UInt8>.value(in: 0...UInt8(pieces.count - 1)).array(of: 0...40)) { choices in
            let html = choices.map { pieces[Int($0)] }.joined()
            let scanned = Self.found(html)
            let expected = Self.byRegularExpression(html)
            #expect(scanned.map(\.url) == expected.map(\.url), "\(html.debugDescription)")
            #expect(scanned.map(\.line) == expected.map(\.line), "\(html.debugDescription)")
            #expect(scanned.map(\.column) == expected.map(\.column), "\(html.debugDescription)")
        }
    }

    /// The reference: the pattern `(href|src)="[^"]*"` searched line by line.
    private static func byRegularExpression(_ html: String) -> [(url: String, line: Int, column: Int)] {
        var links: [(url: String, line: Int, column: Int)] = []
        for (offset, line) in html.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = line[...]
            while let match = rest.range(of: #"(href|src)="[^"]*""#, options: .regularExpression) {
                let value = rest[match].drop { $0 != "\"" }.dropFirst().dropLast()
                links.append((String(value).replacingOccurrences(of: "&amp;", with: "&"), offset + 1,
                              line.distance(from: line.startIndex, to: match.lowerBound) + 1))
                rest = rest[match.upperBound...]
            }
        }
        return links
    }
}
