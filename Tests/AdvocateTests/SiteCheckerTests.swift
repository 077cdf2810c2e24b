import Testing
@testable import Advocate

@Suite struct SiteCheckerTests {
    @Test func cleanSiteHasNoFindings() throws {
        let directory = try SiteFixture().write()
        let inputs = try SiteInputs.load(SiteFixture.options(directory))
        #expect(SiteChecker.check(inputs).isEmpty)
    }

    /// A new program, before its first referrer, still knows the names of a referrer's pages.
    @Test func anEmptyRosterHasNoFindings() throws {
        var site = SiteFixture()
        site.store.referrers = []
        let directory = try site.write()
        #expect(SiteChecker.check(try SiteInputs.load(SiteFixture.options(directory))).isEmpty)
    }

    @Test func reportsBrokenLinksUnknownVariablesAndLongMessages() throws {
        var site = SiteFixture()
        site.pageTemplates["thanks"] = "{{<layout}}{{$main}}\n<a href=\"{{site.root}}faq/\">ok</a> <a href=\"/nowhere/\">x</a> <img src=\"../assets/site.css\"> <a href=\"https://x.example/\">out</a>\n{{page.titel}}{{/main}}{{/layout}}"
        site.content["messaging/x.md"] = "---\nchannel: x\n---\n" + String(repeating: "word ", count: 60) + "{{link}}\n"
        let directory = try site.write()
        let found = SiteChecker.check(try SiteInputs.load(SiteFixture.options(directory)))
        let link = try #require(found.first { $0.message.contains("broken internal link") })
        #expect(link.severity == .error)
        #expect(link.file.hasSuffix("public/thanks/index.html"))
        #expect(link.message.contains("/nowhere/"))
        #expect(found.count { $0.message.contains("broken internal link") } == 1)
        let variable = try #require(found.first { $0.message.contains("page.titel") })
        #expect(variable.severity == .warning && variable.file.hasSuffix("thanks.mustache") && variable.line == 3)
        #expect(found.contains { $0.file.hasSuffix("messaging/x.md") && $0.message.contains("over the channel's limit") })
    }
}
