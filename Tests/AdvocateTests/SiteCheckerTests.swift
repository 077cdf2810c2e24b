import Foundation
import Testing
@testable import Advocate

@Suite struct SiteCheckerTests {
    /// What `check` finds in the site written to `directory`.
    static func check(_ directory: TemporaryDirectory) throws -> [Diagnostic] {
        SiteChecker.check(try SiteInputs.load(SiteFixture.options(directory)))
    }

    /// What `check` finds in the example fixture with `main` as the thanks page's main block,
    /// those of its findings that `keep`.
    func findings(withThanksPage main: String, keeping keep: (Diagnostic) -> Bool) throws -> [Diagnostic] {
        var site = SiteFixture()
        site.pageTemplates["thanks"] = "{{<layout}}{{$main}}" + main + "{{/main}}{{/layout}}"
        let directory = try site.write()
        return try Self.check(directory).filter(keep)
    }

    /// A tag that names nothing (`{{}}`, `{{&}}`, `{{#}}…{{/}}`) writes nothing: a warning,
    /// not an unescaped value to "write {{}}" instead.
    @Test func anEmptyTagIsAWarning() throws {
        let found = try findings(withThanksPage: "a{{}}b{{&}}c{{#}}d{{/}}") { $0.line == 1 }
        #expect(found.map(\.column) == [22, 27, 33], "\(found)")
        #expect(found.allSatisfy { $0.message == "this tag names no value, so it writes nothing (and its section never shows); name one, or remove it" }, "\(found)")
    }

    /// `check` reports its progress through every page it renders (the progress bar of
    /// `advocate check` on a terminal), ending at all of them.
    @Test func checkReportsItsProgressThroughEveryPage() throws {
        let directory = try SiteFixture().write()
        let options = SiteFixture.options(directory)
        let calls = LockedList<(done: Int, total: Int)>()
        _ = SiteChecker.check(options) { done, total in calls.append((done, total)) }
        let pages = SitePlan.plan(Site(inputs: try SiteInputs.load(options))).count
        #expect(calls.values.count == pages)
        #expect(calls.values.allSatisfy { $0.total == pages })
        #expect(calls.values.map(\.done).sorted() == Array(1...pages))
    }

    /// An analyticsToken reported as wrong is not used for the pages' checks: one with `..`
    /// had put a broken-link error on a page outside the output folder.
    @Test func anAnalyticsTokenReportedAsWrongIsOneError() throws {
        let directory = try SiteFixture().write()
        let program = try directory.read("content/data/program.json")
        #expect(program.contains("p7m2c9x4k1v8q3w6r0t5y2u8i4"))
        try directory.write("content/data/program.json", program.replacingOccurrences(of: "p7m2c9x4k1v8q3w6r0t5y2u8i4", with: "../../../tmp/pwnaaaaaaaaaaaaaaaa"))
        let found = SiteChecker.check(SiteFixture.options(directory)).diagnostics.filter { $0.severity == .error }
        #expect(found.count == 1 && found[0].message.contains("field 'analyticsToken' must be"), "\(found)")
    }

    /// A referrer's email that no mail command takes (no dot in its domain) is a warning at
    /// their entry: their status emails had been dropped one by one, later.
    @Test func aReferrersEmailNoMailCommandTakesIsAWarning() throws {
        var site = SiteFixture()
        site.store.referrers[0].email = "ada@example"
        let directory = try site.write()
        let found = try Self.check(directory).filter { $0.message.contains("not an address a mail command can send to") }
        #expect(found.map(\.message) == [#"referrer "ada": email "ada@example" is not an address a mail command can send to (plain ASCII before its @, one @, a dotted domain, no spaces); they get no email until it is corrected"#], "\(found)")
        #expect(found.first?.file.hasSuffix("referrers.json") == true && found.first?.line == 2)
    }

    /// A public page that links to a stats page publishes its token: a warning where the link
    /// was written. The private pages' own links among themselves are theirs to have.
    @Test func aPublicLinkToAStatsPageIsAWarning() throws {
        var site = SiteFixture()
        site.content["faq.md"] = "---\ntitle: FAQ\n---\nHow are we doing? See [the figures](/stats/p7m2c9x4k1v8q3w6r0t5y2u8i4/).\n"
            + "Or [Ada's](https://refer.acme.example/stats/tok0xxxxxxxxxxxxxxxxxxxxxxxxx/), as `referrers list` gives it.\n"
            + "Or [hers](http://REFER.acme.example:80/stats/tok0xxxxxxxxxxxxxxxxxxxxxxxxx/) or [ours](https://refer.acme.example/terms/).\n"
        let directory = try site.write()
        let found = try Self.check(directory).filter { $0.message.contains("private stats page") }
        #expect(found.map(\.description) == [
            "\(directory.file("content/faq.md")):4:37: warning: /stats/p7m2c9x4k1v8q3w6r0t5y2u8i4/ is a private stats page, linked from the public page /faq/index.html: "
                + "anyone reading it can open the figures; remove the link (send a stats link only to its referrer, and the analytics link only to the team)",
            "\(directory.file("content/faq.md")):5:12: warning: https://refer.acme.example/stats/tok0xxxxxxxxxxxxxxxxxxxxxxxxx/ is a private stats page, linked from the public page /faq/index.html: "
                + "anyone reading it can open the figures; remove the link (send a stats link only to its referrer, and the analytics link only to the team)",
            "\(directory.file("content/faq.md")):6:11: warning: http://REFER.acme.example:80/stats/tok0xxxxxxxxxxxxxxxxxxxxxxxxx/ is a private stats page, linked from the public page /faq/index.html: "
                + "anyone reading it can open the figures; remove the link (send a stats link only to its referrer, and the analytics link only to the team)",
        ], "\(found)")
    }

    /// A story dated after today is published by a build, which reads no clock: check says so.
    @Test func aStoryDatedAfterTodayIsAWarning() throws {
        var site = SiteFixture()
        site.content["stories/later.md"] = "---\ntitle: Later\ndate: 2026-12-25\n---\nSoon.\n"
        let directory = try site.write()
        let inputs = try SiteInputs.load(SiteFixture.options(directory))
        let found = SiteChecker.check(inputs, now: CalendarDay("2026-12-06")!.end).filter { $0.message.contains("after today") }
        #expect(found.map(\.description) == ["\(directory.file("content/stories/later.md")):3:1: warning: the story is dated 2026-12-25, after today (2026-12-06), "
                                             + "but a build publishes it now (it reads no clock); mark it 'draft: true' until then if it must wait"], "\(found)")
        #expect(SiteChecker.check(inputs, now: CalendarDay("2026-12-25")!.end).allSatisfy { !$0.message.contains("after today") })
    }

    /// A journal event dated ahead of the clock (a year typed wrong) is the as-of of every page:
    /// check names its line; an event within the allowance for clocks that differ is not one.
    @Test func aJournalEventDatedAfterNowIsAWarning() throws {
        var site = SiteFixture()
        site.store.refer("ada", friend: "Grace Hopper", at: "2026-10-01T10:00:00Z")
        site.store.refer("bob", friend: "Alan Turing", at: "2027-01-15T10:00:00Z")
        site.store.refer("ada", friend: "Edsger Dijkstra", at: "2026-11-01T10:00:00Z")
        let directory = try site.write()
        let inputs = try SiteInputs.load(SiteFixture.options(directory))
        let now = try #require(Instant(iso8601: "2026-12-07T06:00:00Z"))
        let found = SiteChecker.check(inputs, now: now).filter { $0.message.contains("after now") }
        #expect(found.map(\.description) == ["\(directory.file("content/data/referrals.jsonl")):2:1: warning: line 2: field 'at': the newest event is dated 2027-01-15T10:00:00Z, "
                                             + "after now (2026-12-07T06:00:00Z): with no --as-of the figures are as of it, a forecast that counts as earned each reward whose hold ends by then; correct the date"], "\(found)")
        // Within the hour that clocks may differ by: not a forecast.
        let halfAnHourBefore = try #require(Instant(iso8601: "2027-01-15T09:30:00Z"))
        #expect(SiteChecker.check(inputs, now: halfAnHourBefore).allSatisfy { !$0.message.contains("after now") })
        #expect(AsOf.storeDatedAhead(try #require(Instant(iso8601: "2027-01-15T10:00:00Z")), now: now)?.hasPrefix("the figures are as of 2027-01-15T10:00:00Z, after now (2026-12-07T06:00:00Z)") == true)
        // A program whose referrers joined today has figures as of the end of today: no forecast.
        #expect(AsOf.storeDatedAhead(try #require(CalendarDay("2026-12-07")).end, now: now) == nil)
        #expect(AsOf.storeDatedAhead(try #require(CalendarDay("2026-12-08")).end, now: now) != nil)
    }

    /// With no journal event, a referrer's `joined` day after today sets the figures' as-of:
    /// check names that referrer.
    @Test func aJoinedDayAfterTodayWithNoEventIsAWarning() throws {
        var site = SiteFixture()
        site.store.joined = "2027-03-01"
        let directory = try site.write()
        let inputs = try SiteInputs.load(SiteFixture.options(directory))
        let found = SiteChecker.check(inputs, now: try #require(Instant(iso8601: "2026-12-07T06:00:00Z"))).filter { $0.message.contains("after today") }
        #expect(found.count == 1 && found[0].file.hasSuffix("referrers.json")
                && found[0].message.contains("field 'joined' is 2027-03-01, after today (2026-12-07): with no journal event yet"), "\(found)")
    }

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
        #expect(try Self.check(directory).isEmpty)
    }

    /// The sample on /messaging/ is the first referrer; another's long name can take a share
    /// message past X's 280 characters, which check names with the count and the longest.
    @Test func aReferrersNameThatTakesAMessagePastItsLimitIsAWarning() throws {
        var site = SiteFixture()
        site.store.referrers[1].name = String(repeating: "Bartholomew ", count: 6) + "Smith"
        site.content["messaging/x.md"] = "---\nchannel: x\n---\n" + String(repeating: "word ", count: 40) + "{{referrer.name}} {{link}}\n"
        site.content["messaging/sms.md"] = "---\ntitle: SMS\nchannel: sms\n---\n{{referrer.name}} {{link}}\n"
        let directory = try site.write()
        let found = try Self.check(directory)
        #expect(found.map(\.message) == ["X message: with their names, 1 referrer's message is past its limit, where the sample on /messaging/ is not; the longest, bob's, is over the channel's limit: 301 / 280"], "\(found)")
        // At the body that is too long, not the file's first line.
        #expect(found.map(\.line) == [4], "\(found)")
    }

    /// A long name can make an SMS that is one message for the sample two, each billed: check
    /// tells. A name outside GSM-7 (Zoë) makes it UCS-2, which no rewording helps: not told.
    @Test func aReferrersNameThatMakesAnSMSCostMoreIsAWarning() throws {
        var site = SiteFixture()
        site.store.referrers[1].name = "Bartholomew Maximilian Worthington-Fairfax"
        site.content["messaging/sms.md"] = "---\ntitle: SMS\nchannel: sms\n---\n" + String(repeating: "A", count: 100) + " {{referrer.name}} {{link}}\n"
        let directory = try site.write()
        let found = try Self.check(directory).filter { $0.message.hasPrefix("SMS") }
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.message.hasPrefix("SMS message: with their names, 1 referrer's message is sent as more SMS than the sample on /messaging/; "
                                               + "the longest, bob's, is longer than one SMS (sent and billed as 2 messages): 2 segments · GSM-7 · ") == true,
                "\(found)")
        site.store.referrers[1].name = "Zoë Ünal"
        #expect(try Self.check(try site.write()).filter { $0.message.hasPrefix("SMS") }.isEmpty)
    }

    /// The sample on /messaging/ is the first referrer: a letter of their name outside GSM-7
    /// (Zoë, محمد) makes the sample UCS-2, which the copy cannot help either, so the template is
    /// not warned of; a copy too long in GSM-7 still is.
    @Test func theSamplesNameDoesNotMakeTheTemplateAWarning() throws {
        var site = SiteFixture()
        site.content["messaging/sms.md"] = "---\ntitle: SMS\nchannel: sms\n---\n" + String(repeating: "A", count: 100) + " {{referrer.name}} {{link}}\n"
        for name in ["Zoë Ångström", "محمد علي", "林美玲"] {
            site.store.referrers[0].name = name
            #expect(try Self.check(try site.write()).filter { $0.message.hasPrefix("SMS") }.isEmpty, "\(name)")
        }
        site.content["messaging/sms.md"] = "---\ntitle: SMS\nchannel: sms\n---\n" + String(repeating: "A", count: 150) + " {{referrer.name}} {{link}}\n"
        let found = try Self.check(try site.write()).filter { $0.message.hasPrefix("SMS") }
        #expect(found.count == 1 && found[0].message.contains("· GSM-7 ·"), "\(found)")
        // Another referrer whose long name makes theirs two SMS is still told, against that sample.
        site.content["messaging/sms.md"] = "---\ntitle: SMS\nchannel: sms\n---\n" + String(repeating: "A", count: 100) + " {{referrer.name}} {{link}}\n"
        site.store.referrers[1].name = "Bartholomew Maximilian Worthington-Fairfax"
        let longer = try Self.check(try site.write()).filter { $0.message.hasPrefix("SMS") }
        #expect(longer.count == 1 && longer[0].message.contains("1 referrer's message is sent as more SMS than the copy with a name in GSM-7 letters"), "\(longer)")
    }

    @Test func reportsBrokenLinksUnknownVariablesAndLongMessages() throws {
        var site = SiteFixture()
        site.pageTemplates["thanks"] = "{{<layout}}{{$main}}\n<a href=\"{{site.root}}faq/\">ok</a> <a href=\"/nowhere/\">x</a> <img src=\"../assets/site.css\"> <a href=\"https://x.example/\">out</a>\n{{page.titel}}{{/main}}{{/layout}}"
        site.content["messaging/x.md"] = "---\nchannel: x\n---\n" + String(repeating: "word ", count: 60) + "{{link}}\n"
        let directory = try site.write()
        let found = try Self.check(directory)
        let link = try #require(found.first { $0.message.contains("broken internal link") })
        #expect(link.severity == .error)
        #expect(link.file.hasSuffix("templates/thanks.mustache") && link.line == 2 && link.column == 45, "\(link)")
        #expect(link.message.contains("/nowhere/"))
        #expect(found.count { $0.message.contains("broken internal link") } == 1)
        let variable = try #require(found.first { $0.message.contains("page.titel") })
        #expect(variable.severity == .warning && variable.file.hasSuffix("thanks.mustache") && variable.line == 3)
        #expect(found.contains { $0.file.hasSuffix("messaging/x.md") && $0.message.contains("over the channel's limit") })
    }

    /// A broken link is reported where a person fixes it: the Markdown line, or the template
    /// line once for every page built on it (counted once a page, however often a page has it);
    /// one made of values, at the first page that has it.
    /// A picture's name with its accent written as a combining mark (as a Mac saves it) is not
    /// the name typed in the link, for the file system and for web servers alike: check had
    /// taken them for one, and the served page showed no picture.
    @Test func aLinkToAFileNamedWithOtherCodePointsIsBroken() throws {
        var site = SiteFixture()
        site.content["faq.md"] = "---\ntitle: FAQ\n---\n![Our café](/assets/caf\u{E9}.png) and ![Tea](/assets/tea.png)\n"
        let directory = try site.write()
        try directory.write("content/assets/cafe\u{301}.png", "png")
        try directory.write("content/assets/tea.png", "png")
        let broken = SiteChecker.check(try SiteInputs.load(SiteFixture.options(directory))).filter { $0.message.contains("broken internal link") }
        #expect(broken.count == 1, "\(broken)")
        #expect(broken.first?.message.contains("a file there has this name with its accents written in other Unicode code points") == true, "\(broken)")
    }

    /// A link to the site written in full, as copied from a browser's address bar, is followed
    /// like a site path: to a page that is gone, or to an id it lacks.
    @Test func fullLinksToTheSiteAreFollowed() throws {
        var site = SiteFixture()
        site.content["faq.md"] = "---\ntitle: FAQ\n---\n## Fees\n\n[a](https://refer.acme.example/gone/) [b](https://REFER.acme.example/terms/) "
            + "[c](//refer.acme.example/faq/#nothere) <https://refer.acme.example/faq/#fees> [d](https://other.example/gone/) [e](http://refer.acme.example:8080/gone/)\n"
        let directory = try site.write()
        let found = SiteChecker.check(try SiteInputs.load(SiteFixture.options(directory))).filter { $0.file.hasSuffix("faq.md") }
        #expect(found.map(\.message).sorted() == [
            "//refer.acme.example/faq/#nothere names no part of /faq/: it has no id=\"nothere\"; link to one of its headings' ids (in the page's source)",
            "broken internal link: https://refer.acme.example/gone/ (no page or asset at /gone)"], "\(found)")
    }

    /// A `#` heading below the page's title makes a second <h1>: a warning at its line, which
    /// offers the title field's removal when the heading opens the page.
    @Test func aSecondTopHeadingIsAWarning() throws {
        var site = SiteFixture()
        site.content["terms.md"] = "---\ntitle: Program terms\n---\n# Program terms\n\nText.\n"
        site.content["faq.md"] = "# FAQ\n\nText.\n\n# More questions\n\n## Fine\n"
        let directory = try site.write()
        let found = SiteChecker.check(SiteFixture.options(directory)).diagnostics.filter { $0.message.contains("top heading") }.map(\.description)
        #expect(found.count == 2, "\(found)")
        #expect(found.contains { $0.hasSuffix("terms.md:4:1: warning: 'Program terms' is a top heading (#), a second one below the page's title \"Program terms\"; "
                                              + "make it '## Program terms', or drop the title field to make it the title") }, "\(found)")
        #expect(found.contains { $0.hasSuffix("faq.md:5:1: warning: 'More questions' is a top heading (#), a second one below the page's title \"FAQ\"; make it '## More questions'") }, "\(found)")
    }

    /// A link to a Markdown file is told the page made from it, and an anchor written as its
    /// heading reads (`#Fees`) the id it meant.
    @Test func aLinkToAMarkdownFileOrAHeadingsTextIsToldWhatItMeant() throws {
        var site = SiteFixture()
        site.content["faq.md"] = "---\ntitle: FAQ\n---\n## Fees and costs\n\n[t](terms.md) [h](../index.md) [f](#Fees-and-costs) [g](/terms/#Nothing) [q](#שאלה)\n"
        let directory = try site.write()
        let found = SiteChecker.check(SiteFixture.options(directory)).diagnostics.filter { $0.file.hasSuffix("faq.md") }.map(\.message)
        #expect(found.contains("broken internal link: terms.md (no page or asset at /faq/terms.md); link to the page made from that file, /terms/"), "\(found)")
        #expect(found.contains("broken internal link: ../index.md (no page or asset at /index.md); link to the page made from that file, /"), "\(found)")
        #expect(found.contains("#Fees-and-costs names no part of /faq/: it has no id=\"Fees-and-costs\"; did you mean #fees-and-costs?"), "\(found)")
        #expect(found.contains { $0.hasPrefix("/terms/#Nothing names no part of /terms/: it has no id=\"Nothing\"; link to one of its headings' ids") }, "\(found)")
        // Named as written, not as cmark percent-encoded it (#%D7%A9…).
        #expect(found.contains { $0.hasPrefix("#שאלה names no part of /faq/: it has no id=\"שאלה\";") }, "\(found)")
    }

    /// A broken site link in an email, written relative (`nope/`), is named in the email's file
    /// though /messaging/ shows it from the site's root.
    @Test func aBrokenLinkInAnEmailIsNamedWhereItIsWritten() throws {
        var site = SiteFixture()
        site.content["messaging/email.md"] = "---\ntitle: Email\nchannel: email\nsubject: Hi\n---\nHi {{link}}\n\nSee [this](nope/).\n"
        let directory = try site.write()
        let found = SiteChecker.check(SiteFixture.options(directory)).diagnostics.filter { $0.message.contains("broken internal link") }
        #expect(found.map(\.description) == ["\(directory.file("content/messaging/email.md")):8:12: error: broken internal link: /nope/ (no page or asset at /nope)"], "\(found)")
    }

    /// A picture without a description is passed over by screen readers: a warning at it.
    @Test func aPictureWithoutADescriptionIsAWarning() throws {
        var site = SiteFixture()
        site.content["faq.md"] = "---\ntitle: FAQ\n---\nText ![](/assets/site.css) and ![Described](/assets/site.css) ![](/assets/site.css)\n"
        let directory = try site.write()
        let found = SiteChecker.check(SiteFixture.options(directory)).diagnostics.filter { $0.message.contains("no description") }.map(\.description)
        #expect(found.count == 1 && found[0].hasSuffix("faq.md:4:6: warning: the picture /assets/site.css has no description (and 1 more), "
                                                       + "so screen readers pass over it; describe what it shows: ![A bouquet of tulips](/assets/site.css) (a picture that is only decoration belongs in the theme)"), "\(found)")
    }

    /// A theme whose private pages lack the no-referrer and noindex tags (DESIGN's privacy of
    /// stats pages rests on them) is warned of once a kind, at that kind's template.
    @Test func privatePagesWithoutTheirHeadTagsAreWarnedOf() throws {
        var site = SiteFixture()
        site.pageTemplates["layout"] = site.pageTemplates["layout"]!.replacingOccurrences(of: #"{{#page.private}}<meta name="referrer" content="no-referrer">{{/page.private}}"#, with: "")
        let directory = try site.write()
        let warnings = SiteChecker.check(SiteFixture.options(directory)).diagnostics.filter { $0.message.contains("no-referrer") }.map(\.description)
        #expect(warnings.count == 2 && warnings.allSatisfy { $0.contains("warning: the private pages this template makes lack") }, "\(warnings)")
        #expect(warnings.contains { $0.hasPrefix(directory.file("templates/stats.mustache:1:1")) } && warnings.contains { $0.hasPrefix(directory.file("templates/analytics.mustache:1:1")) })
        #expect(SiteChecker.check(SiteFixture.options(try SiteFixture().write())).diagnostics.allSatisfy { !$0.message.contains("private pages this template") })
    }

    /// An asset named with `..` is warned of: served, its address answers 400.
    @Test func anAssetNamedWithTwoDotsIsWarnedOf() throws {
        var site = SiteFixture()
        site.content["assets/report..final.txt"] = "x"
        let directory = try site.write()
        let found = SiteChecker.check(SiteFixture.options(directory)).diagnostics.filter { $0.message.contains("'..'") }.map(\.description)
        #expect(found.count == 1 && found[0].contains("report..final.txt:1:1: warning: the name has '..' in it") && found[0].hasSuffix("(report.final.txt)"), "\(found)")
    }

    /// Two footnotes with labels that are not plain ASCII link to ids cmark writes encoded
    /// (`fn-%C3%A9`): no warning that the link names nothing.
    @Test func encodedFootnoteIdsAreFound() throws {
        var site = SiteFixture()
        site.content["faq.md"] = "---\ntitle: FAQ\n---\nA[^é] B[^x]\n\n[^é]: accent\n[^x]: x\n"
        let directory = try site.write()
        let found = SiteChecker.check(SiteFixture.options(directory)).diagnostics.filter { $0.message.contains("names no part") }
        #expect(found.isEmpty, "\(found)")
    }

    /// Text whose parse time grows with the square of its size is refused before it is parsed:
    /// unmatched brackets in Markdown (Debian's cmark-gfm), many tags in a message or template
    /// (swift-mustache); a build had taken minutes, holding the Markdown lock.
    @Test func textsThatWouldParseForMinutesAreRefused() throws {
        var site = SiteFixture()
        site.content["stories/slow.md"] = "---\ntitle: Slow\n---\n" + String(repeating: "![[]()", count: 20_001) + "\n"
        site.content["messaging/many.md"] = "---\nchannel: sms\n---\n" + String(repeating: "{{link}}", count: 2_001) + "\n"
        site.pageTemplates["thanks"] = String(repeating: "{{site.name}}", count: 2_001)
        site.content["stories/wide.md"] = "---\ntitle: Wide\n---\n" + String(repeating: "|h", count: 300) + "|\n" + String(repeating: "|-", count: 300) + "|\n|x|\n"
        let directory = try site.write()
        let errors = SiteChecker.check(SiteFixture.options(directory)).diagnostics.filter { $0.severity == .error }.map(\.description)
        #expect(errors.contains { $0.contains("stories/slow.md:1:1: error: the file has 40,002 '[' where at most 20,000 are read") }, "\(errors)")
        #expect(errors.contains { $0.contains("messaging/many.md:1:1: error: the message has 2,001 Mustache tags") }, "\(errors)")
        #expect(errors.contains { $0.contains("thanks.mustache:1:1: error: the template has 2,001 Mustache tags") }, "\(errors)")
        #expect(errors.contains { $0.contains("stories/wide.md:4:1: error: this line has 301 '|' where at most 256 are read") }, "\(errors)")
    }

    /// Markdown that the parser makes huge or slow from little text is refused at its place:
    /// tables whose rows all take their header's width, quotes or lists nested thousands deep,
    /// runs of `www.`; a long legitimate table, list or rule is not.
    @Test func markdownThatGrowsPastItsSizeIsRefused() throws {
        let header = String(repeating: "|h", count: 200) + "|\n" + String(repeating: "|-", count: 200) + "|\n"
        #expect(MarkdownBounds.problem(in: "# T\n\n" + header + String(repeating: "a\n", count: 1_001))?.message
                == "the file's tables have 200,200 cells (every row as wide as its header) where at most 200,000 are made; split the table, or give it fewer columns")
        #expect(MarkdownBounds.problem(in: "# T\n\n" + header + String(repeating: "a\n", count: 1_000)) == nil)
        // Rows end at a blank line: many small tables add up only by their own rows. A table in a
        // code block is text.
        #expect(MarkdownBounds.problem(in: String(repeating: header + "a\n\n", count: 900)) == nil)
        // Whatever fence comes before (one the parser does not open, a shorter one inside a
        // longer one), a table, in a quote too, and ordered lists count.
        for opening in ["```a`b\n", "````\n```\n````\n", "```\n~~~\n```\n", "- a\n\n  ```\nx\n\n"] {
            #expect(MarkdownBounds.problem(in: opening + header + String(repeating: "a\n", count: 1_001)) != nil, "\(opening)")
        }
        let quoted = "> " + String(repeating: "|h", count: 200) + "|\n> " + String(repeating: "|-", count: 200) + "|\n"
        #expect(MarkdownBounds.problem(in: quoted + String(repeating: "> a\n", count: 1_001)) != nil)
        #expect(MarkdownBounds.problem(in: String(repeating: "1. ", count: 101) + "x\n")?.message.hasPrefix("this line opens 101") == true)
        #expect(MarkdownBounds.problem(in: String(repeating: "1. > ", count: 51) + "x\n") != nil)
        // `www.` counts where the autolink extension looks, not inside `https://www.…`.
        #expect(MarkdownBounds.problem(in: String(repeating: "[a](https://www.acme.example/) ", count: 6_000)) == nil)
        let quote = MarkdownBounds.problem(in: "intro\n" + String(repeating: ">", count: 101) + " deep\n")
        #expect(quote?.location == SourceLocation(line: 2, column: 1) && quote?.message.hasPrefix("this line opens 101 quotes or list items") == true)
        #expect(MarkdownBounds.problem(in: String(repeating: "- ", count: 101) + "item\n")?.location.line == 1)
        #expect(MarkdownBounds.problem(in: String(repeating: "www.a_", count: 5_001))?.message.hasPrefix("the file has 5,001 'www.'") == true)
        // Deep indentation (code, JSON, a list nested by it), a rule of many marks, 68 quotes: read.
        let indented = (0..<120).map { String(repeating: "  ", count: $0) + "- item\n" }.joined()
        #expect(MarkdownBounds.problem(in: indented + "```\n" + String(repeating: " ", count: 210) + "x\n```\n" + String(repeating: "* ", count: 250) + "\n") == nil)
        #expect(MarkdownBounds.problem(in: String(repeating: "> ", count: 68) + "deep\n") == nil)
        #expect(MarkdownBounds.problem(in: String(repeating: "-", count: 400) + "\n" + String(repeating: "- item\n", count: 400) + "> > quote\n") == nil)
    }

    @Test func brokenLinksAreReportedWhereTheyWereWritten() throws {
        var site = SiteFixture()
        site.content["faq.md"] = "---\ntitle: FAQ\n---\r\n## How?\r\n\r\nSee [the terms](/term/) or [these](/terms/).\r\n\r\n[ref]: /nowhere?a=1&b=2\n\n[Ref][ref] [spaced](</no pe/>)\n"
        site.pageTemplates["layout"] = site.pageTemplates["layout"]!.replacingOccurrences(of: "<body>", with: "<body><a href=\"/gone/\">gone</a> <a href=\"/gone/\">again</a>\n<script src=\"{{site.root}}assets/thme.js\"></script>")
        site.pageTemplates["stats"] = site.pageTemplates["stats"]!.replacingOccurrences(of: "{{/main}}", with: "<a href=\"{{site.root}}r/{{referrer.code}}/missing/\">x</a>{{/main}}")
        let directory = try site.write()
        let inputs = try SiteInputs.load(SiteFixture.options(directory))
        let broken = SiteChecker.check(inputs).filter { $0.message.contains("broken internal link") }
        let plan = SitePlan.plan(Site(inputs: inputs))
        let htmlPages = plan.count { SitePlan.outputPath($0, site: Site(inputs: inputs)).hasSuffix(".html") }

        let term = try #require(broken.first { $0.message.contains("/term/") })
        #expect(term.file.hasSuffix("content/faq.md") && term.line == 6 && term.column == 17, "\(term)")
        #expect(!term.message.contains("pages)"))
        let reference = try #require(broken.first { $0.message.contains("/nowhere?a=1&b=2") })
        #expect(reference.file.hasSuffix("content/faq.md") && reference.line == 8 && reference.column == 8, "\(reference)")
        // A destination with a space, written in angle brackets, is found as written.
        let spaced = try #require(broken.first { $0.message.contains("/no%20pe/") })
        #expect(spaced.file.hasSuffix("content/faq.md") && spaced.line == 10 && spaced.column == 22, "\(spaced)")
        let gone = broken.filter { $0.message.contains("/gone/") }
        #expect(gone.count == 1)
        #expect(gone.first?.file.hasSuffix("templates/layout.mustache") == true && gone.first?.line == 2)
        #expect(gone.first?.message.hasSuffix("(on \(htmlPages) pages)") == true, "\(gone)")
        // Written from the site's root as the theme guide asks, it is still found where written.
        let script = broken.filter { $0.message.contains("/assets/thme.js") }
        #expect(script.count == 1 && script.first?.file.hasSuffix("templates/layout.mustache") == true && script.first?.line == 3, "\(script)")
        let missing = broken.filter { $0.message.contains("/missing/") }
        #expect(missing.count == inputs.store.referrers.count)
        #expect(missing.allSatisfy { $0.file.contains("public/stats/") && $0.file.hasSuffix("/index.html") })
    }

    /// A link made of values on every referrer's page is shown for the first few pages, and the
    /// rest are counted in one error rather than one each.
    @Test func linksMadeOfValuesAreShownForAFewPagesAndCounted() throws {
        var site = SiteFixture()
        let shown = SiteChecker.unwrittenLinksShownPerKind
        site.store.referrers = (0..<(shown + 5)).map { ("code-\($0)", "Person \($0)", "p\($0)@example.com") }
        site.store.lines = []
        site.pageTemplates["referrer"] = "{{<layout}}{{$main}}<a href=\"{{site.root}}r/{{referrer.code}}/missing/\">x</a>{{/main}}{{/layout}}"
        let directory = try site.write()
        let broken = try Self.check(directory).filter { $0.message.contains("/missing/") }
        #expect(broken.count == shown + 1)
        #expect(broken.count { $0.message.hasPrefix("broken internal link: /r/code-") } == shown)
        #expect(broken.contains { $0.message.hasPrefix("5 more broken internal links on referrer pages") }, "\(broken)")
    }

    /// A link made of values that is broken the same on every page (a layout's `{{site.root}}terms/`
    /// when terms.md did not load) is one error with the number of pages, not one for each
    /// page: one problem in terms.md gave some seventy errors, and names only some pages have
    /// (`toc`) were warned about as unknown.
    @Test func oneBrokenLinkMadeOfValuesIsOneErrorAcrossPages() throws {
        var site = SiteFixture()
        site.pageTemplates["layout"] = site.pageTemplates["layout"]!.replacingOccurrences(of: "<body>", with: "<body><a href=\"{{site.root}}gone/{{site.name}}\">gone</a>")
        site.pageTemplates["page"] = "{{<layout}}{{$main}}{{#hasToc}}{{#toc}}{{text}}{{/toc}}{{/hasToc}}{{{content}}}{{/main}}{{/layout}}"
        site.content["terms.md"] = nil
        let directory = try site.write()
        let inputs = try SiteInputs.load(SiteFixture.options(directory))
        let found = SiteChecker.check(inputs)
        let gone = found.filter { $0.message.contains("/gone/") }
        #expect(gone.count == 1, "\(gone)")
        #expect(gone.first?.message.hasSuffix("(on \(SitePlan.plan(Site(inputs: inputs)).count { SitePlan.outputPath($0, site: Site(inputs: inputs)).hasSuffix(".html") }) pages)") == true, "\(gone)")
        #expect(!found.contains { $0.message.contains("'toc'") || $0.message.contains("'hasToc'") }, "\(found)")
    }

    /// A logo that is not in content/assets/ is named at its field, like every other problem of
    /// program.json (it was at 1:1).
    /// A brand colour too light for white text on it (buttons) or links in it on white and on
    /// the theme's grey panels is named at its field with its contrast; the example's dark green
    /// and a pure black pass. #0077b6 reads on white (4.87:1) but not on a panel (4.49:1).
    @Test(arguments: [("#ffeb3b", "1.1"), ("#0b6e4f", nil), ("#000", nil), ("#777777", "4.1"), ("#0077b6", "4.4")])
    func aBrandColourTooLightToReadIsAWarning(color: String, ratio: String?) throws {
        let directory = try SiteFixture().write()
        let program = try directory.read("content/data/program.json").replacingOccurrences(of: #""currency": "USD","#, with: "\"currency\": \"USD\",\n  \"brand\": {\"color\": \"\(color)\"},")
        try directory.write("content/data/program.json", program)
        let found = SiteChecker.check(SiteFixture.options(directory)).diagnostics.filter { $0.message.contains("contrast") }
        #expect(found.map(\.description) == ratio.map { ["\(directory.file("content/data/program.json")):6:22: warning: brand colour \(color) has a contrast of \($0):1 with the theme's light grey panels (#f4f6f8), "
            + "where text needs 4.5:1: the bundled theme writes white text on it (buttons) and links in it on white and on those panels, which would be hard to read; pick a darker shade"] } ?? [], "\(found)")
        // A build says so too: someone who never runs `check` would publish it without a word.
        let built = try SiteBuilder.build(SiteFixture.options(directory)).warnings.filter { $0.message.contains("contrast") }
        #expect(built.map(\.description) == found.map(\.description), "\(built)")
    }

    @Test func aMissingLogoIsNamedAtItsField() throws {
        let directory = try SiteFixture().write()
        let program = try directory.read("content/data/program.json").replacingOccurrences(of: #""currency": "USD","#, with: "\"currency\": \"USD\",\n  \"brand\": {\"logo\": \"missing.svg\"},")
        try directory.write("content/data/program.json", program)
        let line = program.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("missing.svg") }! + 1
        try directory.write("templates/layout.mustache", try directory.read("templates/layout.mustache").replacingOccurrences(of: "<body>", with: "<body>{{#site.logo}}<img src=\"{{site.logo}}\" alt=\"\">{{/site.logo}}"))
        // One mistake, one error: not also a broken link on every page that shows the logo.
        let checked = SiteChecker.check(SiteFixture.options(directory)).diagnostics
        #expect(checked.count { $0.message.contains("missing.svg") } == 1, "\(checked)")
        #expect(throws: DiagnosticsError.self) { try SiteInputs.load(SiteFixture.options(directory)) }
        do {
            _ = try SiteInputs.load(SiteFixture.options(directory))
        } catch {
            #expect(error.diagnostics.map(\.description).contains { $0.hasSuffix("program.json:\(line):21: error: brand.logo names \"missing.svg\" but \(directory.file("content/assets/missing.svg")) does not exist") },
                    "\(error.diagnostics)")
        }
        // A name in other letter case is pointed out.
        try directory.write("content/assets/Missing.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
        let cased = SiteChecker.check(SiteFixture.options(directory)).diagnostics.filter { $0.message.contains("missing.svg") }
        #expect(cased.map(\.message) == ["brand.logo names \"missing.svg\" but \(directory.file("content/assets/missing.svg")) does not exist (names are case-sensitive: did you mean \"Missing.svg\"?)"], "\(cased)")
    }

    /// One mistake, one error: a baseURL without its scheme, or a FAQ whose front matter does not
    /// parse, is not also a broken link on every page (the first gave 46 of them, the second one
    /// for each place linking to /faq/).
    @Test func anInputErrorIsNotAlsoABrokenLinkOnEveryPage() throws {
        var site = SiteFixture()
        site.store.baseURL = "refer.acme.example"
        site.content["faq.md"] = "---\ntitle: [oops\n---\nText.\n"
        site.content["index.md"] = "---\ntitle: Home\n---\nRead the [FAQ](/faq/) or [nothing](/nothing/).\n"
        let directory = try site.write()
        let found = SiteChecker.check(SiteFixture.options(directory)).diagnostics
        let broken = found.filter { $0.message.contains("broken internal link") }
        #expect(broken.count == 1 && broken[0].message.contains("/nothing/"), "\(found)")
        #expect(found.contains { $0.message.contains("field 'baseURL'") } && found.contains { $0.file.hasSuffix("content/faq.md") && $0.severity == .error })
    }

    /// A link-preview picture must be one social networks show (not an SVG), inside
    /// content/assets/, and there: each mistake is an error at its field that says what to give.
    @Test(arguments: [("share.svg", "must be a PNG, JPEG, GIF or WebP picture"), ("../share.png", "must be a file name in content/assets/"),
                      ("missing.png", "brand.image names \"missing.png\" but"), ("linked.png", "is a symbolic link, which a build does not follow"),
                      ("renamed.png", "its content is no PNG, JPEG, GIF or WebP picture")])
    func aBrandImageMustBeAPictureInTheAssets(image: String, message: String) throws {
        var site = SiteFixture()
        site.content["assets/share.svg"] = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
        site.content["assets/renamed.png"] = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
        let directory = try site.write()
        try FileManager.default.createSymbolicLink(atPath: directory.file("content/assets/linked.png"), withDestinationPath: "/etc/hostname")
        let program = try directory.read("content/data/program.json").replacingOccurrences(of: #""currency": "USD","#, with: "\"currency\": \"USD\",\n  \"brand\": {\"image\": \"\(image)\"},")
        try directory.write("content/data/program.json", program)
        let line = program.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("\"image\"") }! + 1
        let errors = SiteChecker.check(SiteFixture.options(directory)).diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1 && errors[0].description.contains("program.json:\(line):") && errors[0].message.contains(message), "\(errors)")
    }

    /// An SVG logo with a script runs it when its own address is opened, on the portal's site:
    /// a warning at the field; the same logo without one, or with words such as "online", none.
    @Test(arguments: [("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>", true),
                      ("<svg xmlns=\"http://www.w3.org/2000/svg\" ONLOAD = \"x()\"/>", true),
                      ("<svg xmlns=\"http://www.w3.org/2000/svg\"><svg:script xmlns:svg=\"http://www.w3.org/2000/svg\">alert(1)</svg:script></svg>", true),
                      ("<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:x=\"http://www.w3.org/1999/xhtml\"><x:script>alert(1)</x:script></svg>", true),
                      ("<svg xmlns=\"http://www.w3.org/2000/svg\"><foreignObject><iframe xmlns=\"http://www.w3.org/1999/xhtml\" src=\"data:text/html,x\"/></foreignObject></svg>", true),
                      ("<svg xmlns=\"http://www.w3.org/2000/svg\"><a href=\"JavaScript:alert(1)\"><rect/></a></svg>", true),
                      ("<svg xmlns=\"http://www.w3.org/2000/svg\"><a href=\"&#106;avascript:alert(1)\"><rect/></a></svg>", true),
                      ("<svg xmlns=\"http://www.w3.org/2000/svg\"><a href=\"java&#115;cript:alert(1)\"><rect/></a></svg>", true),
                      ("<svg xmlns=\"http://www.w3.org/2000/svg\"><a href=\"javascript&#x3A;alert(1)\"><rect/></a></svg>", true),
                      ("<svg xmlns=\"http://www.w3.org/2000/svg\"><a href=\"java&#9;script:alert(1)\"><rect/></a></svg>", true),
                      ("<!DOCTYPE svg [<!ENTITY x \"&#60;script&#62;\">]><svg xmlns=\"http://www.w3.org/2000/svg\">&x;</svg>", true),
                      ("<?xml-stylesheet type=\"text/xsl\" href=\"x.xsl\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>", true),
                      ("<svg xmlns=\"http://www.w3.org/2000/svg\"><title>Acme online</title><desc>Scripts, objects and handlers</desc></svg>", false)])
    func aLogoWithAScriptIsAWarning(svg: String, warned: Bool) throws {
        var site = SiteFixture()
        site.content["assets/logo.svg"] = svg
        let directory = try site.write()
        let program = try directory.read("content/data/program.json").replacingOccurrences(of: #""currency": "USD","#, with: "\"currency\": \"USD\",\n  \"brand\": {\"logo\": \"logo.svg\"},")
        try directory.write("content/data/program.json", program)
        let found = SiteChecker.check(SiteFixture.options(directory)).diagnostics.filter { $0.message.contains("holds a script") }
        #expect(found.count == (warned ? 1 : 0), "\(found)")
        #expect(found.allSatisfy { $0.severity == .warning && $0.file.hasSuffix("program.json") })
    }

    /// `check` passing a program that `serve` then refuses: a webhook's secret variable unset
    /// here is a warning.
    @Test func aWebhookSecretNotSetHereIsAWarning() throws {
        let directory = try TemporaryDirectory()
        let fixture = StoreFixture()
        try fixture.write(to: directory)
        let hooks = #"[{"url": "https://hooks.example/a", "events": ["referral"], "secret": "env:HOOK_A"}, {"url": "https://hooks.example/b", "events": ["status"], "secret": "env:HOOK_B"}]"#
        try directory.write("content/data/program.json", fixture.programJSON.replacingOccurrences(of: #""offers": []"#, with: #""offers": [], "webhooks": \#(hooks)"#))
        let program = try StoreLoader.load(from: directory.file("content/data")).store.program
        let found = SiteChecker.webhookSecretsNotSet(program, environment: ["HOOK_A": "s3cret", "HOOK_B": ""], file: "program.json")
        #expect(found.map(\.description) == ["program.json:1:1: warning: webhooks[1] (https://hooks.example/b) signs with the environment variable HOOK_B, which is not set here; `advocate serve` will not start without it"])
    }

    /// A link's `#fragment` must name an id on the page it leads to, as Zola checks: a warning
    /// once for each link, where it was written; the theme's own skip link is fine.
    @Test func anAnchorNoPageHasIsNamed() throws {
        var site = SiteFixture()
        site.content["faq.md"] = "---\ntitle: FAQ\n---\n## How?\n\nSee [this](#nope), [the rules](/terms/#eligibility), [that](/terms/#no-such) and [here](#how).\n"
        let directory = try site.write()
        let found = try Self.check(directory).filter { $0.message.contains("names no part of") }
        #expect(found.map(\.description) == [
            "\(directory.file("content/faq.md")):6:12: warning: #nope names no part of /faq/: it has no id=\"nope\"; link to one of its headings' ids (in the page's source)",
            "\(directory.file("content/faq.md")):6:61: warning: /terms/#no-such names no part of /terms/: it has no id=\"no-such\"; link to one of its headings' ids (in the page's source)",
        ], "\(found)")
    }

    /// Below a base path, a theme's `/assets/site.css` is the host's file, not the site's: named
    /// once, where the theme wrote it; a link to the host's root or to a path the site does not
    /// have is the host's business.
    @Test func aThemeLinkOutsideTheBasePathIsNamed() throws {
        var site = SiteFixture()
        site.store.baseURL = "https://example.com/refer/"
        site.pageTemplates["thanks"] = "{{<layout}}{{$main}}\n<link rel=\"stylesheet\" href=\"/assets/site.css\"> <a href=\"/\">Acme</a> <a href=\"/shop/\">Shop</a> "
            + "<a href=\"{{site.root}}faq/\">FAQ</a> <a href=\"/faq/\">FAQ</a>{{/main}}{{/layout}}"
        let directory = try site.write()
        let found = try Self.check(directory).filter { $0.message.contains("outside the site's path") }
        #expect(found.map(\.description) == [
            "\(directory.file("templates/thanks.mustache")):2:30: warning: /assets/site.css is outside the site's path /refer/, on the host, not the site's /refer/assets/site.css; write it from the site's root: {{site.root}}assets/site.css",
            "\(directory.file("templates/thanks.mustache")):2:141: warning: /faq/ is outside the site's path /refer/, on the host, not the site's /refer/faq/; write it from the site's root: {{site.root}}faq/",
        ], "\(found)")
    }

    /// A theme that writes a store value unescaped (`{{{referrer.name}}}`, `{{&page.title}}`)
    /// lets anyone who joins put a script on their page: a warning. The build's own HTML
    /// (`{{{content}}}`, `{{{charts.weeks}}}`) is not. `{{{.}}}` is its section's value; after a
    /// delimiter change nothing is checked, which is said.
    @Test func aStoreValueWrittenWithoutEscapingIsAWarning() throws {
        let found = try findings(withThanksPage: "{{{referrer.name}}} {{& page.title }} {{{content}}} {{{charts.weeks}}} {{page.title}}"
            + "{{#referrer.name}}{{{.}}}{{/referrer.name}} {{#charts.weeks}}{{{.}}}{{/charts.weeks}} {{#referrer}}{{#name}}{{&.}}{{/name}}{{/referrer}}"
            + "{{=<% %>=}}<%&referrer.firstName%><%={{ }}=%>") { $0.message.contains("without escaping") || $0.message.contains("delimiters") }
        #expect(found.map(\.message).map { $0.prefix(while: { $0 != "," }) } == [
            "'referrer.name' is written without escaping: a name or text from the store or a form could put HTML and scripts on the page; write {{referrer.name}} (only content",
            "'page.title' is written without escaping: a name or text from the store or a form could put HTML and scripts on the page; write {{page.title}} (only content",
            "'.' (here referrer.name) is written without escaping: a name or text from the store or a form could put HTML and scripts on the page; write {{.}} (only content",
            "'.' (here name) is written without escaping: a name or text from the store or a form could put HTML and scripts on the page; write {{.}} (only content",
            // Past a delimiter change too, as swift-mustache reads the tags.
            "'referrer.firstName' is written without escaping: a name or text from the store or a form could put HTML and scripts on the page; write {{referrer.firstName}} (only content",
        ], "\(found)")
    }

    /// Inside `{{#charts}}` a chart named alone (`{{{weeks}}}`) is the build's SVG, not a store
    /// value: no warning (its advice had written the chart as text); a store value there still is.
    @Test func aChartNamedInsideItsSectionIsTheBuildsHTML() throws {
        var site = SiteFixture()
        site.pageTemplates["stats"] = "{{<layout}}{{$main}}{{#charts}}{{{weeks}}} {{{referrer.name}}}{{/charts}}{{/main}}{{/layout}}"
        let directory = try site.write()
        let found = try Self.check(directory).filter { $0.message.contains("without escaping") }.map(\.message)
        #expect(found.count == 1 && found[0].hasPrefix("'referrer.name' is written without escaping"), "\(found)")
    }

    /// The page's JSON-LD is escaped for a script element of JSON and nowhere else: raw right
    /// inside one it is fine, after a section or a comment too; escaped, in an attribute, in
    /// another script (one whose only "json" is a class or a data-type) or after text it is a warning.
    @Test func structuredDataBelongsRightInsideAScriptOfJSON() throws {
        let found = try findings(withThanksPage: "{{#page.structuredData}}<script type=\"application/ld+json\">\n  {{{page.structuredData}}}</script>{{/page.structuredData}}"
            + "<script type=\"application/ld+json\">{{page.structuredData}}</script><meta content=\"{{{page.structuredData}}}\">"
            + "<script>var x = {{{page.structuredData}}}</script>"
            + "\n<SCRIPT TYPE='application/ld+json'>{{#page.structuredData}} {{! JSON-LD }}{{{.}}}{{/page.structuredData}}</SCRIPT>"
            + "\n<script type=\"module\" class=\"json\">{{{page.structuredData}}}</script><script data-type=\"application/json\">{{{page.structuredData}}}</script>"
            + "\n<script type=application/json>{{#site.name}}{{site.name}}{{{page.structuredData}}}{{/site.name}}</script>") { $0.message.contains("write 'page.structuredData'") }
        #expect(found.map { [$0.line, $0.column] } == [[2, 96], [2, 143], [2, 186], [4, 36], [4, 107], [5, 58]], "\(found)")
        #expect(found.allSatisfy { $0.message.hasPrefix("write 'page.structuredData' as {{{page.structuredData}}} right inside <script type=\"application/ld+json\">") })
    }

    /// Escaping keeps a value inside text and a quoted attribute and no further: an event
    /// handler, a style, the start of a link and a script are each warned of, escaped or raw;
    /// the links the build makes, the accent colour and text after a fixed start are not.
    @Test func aValueWhereEscapingIsNoDefenceIsAWarning() throws {
        let found = try findings(withThanksPage: """
            <div onclick="go('{{site.name}}')" data-name="{{site.name}}">x</div>
            <p style="color: {{site.name}}">x</p><a title="{{site.name}}" href="{{site.name}}">x</a>
            <a href='{{#site.name}}{{site.name}}{{/site.name}}'>x</a><a href="/r/{{site.name}}/">x</a><a href="{{site.root}}terms/">x</a>
            <img src={{site.name}}><script>var n = "{{site.name}}";</script><style>:root{--accent: {{site.accentColor}}}</style>
            <a href="{{page.url}}">x</a><input value="{{site.name}}" {{#site.name}}checked{{/site.name}} formaction="{{site.endpoint}}">
            """) { $0.message.contains("escaping does not") || $0.message.contains("attribute's link") }
        #expect(found.map { [$0.line, $0.column] } == [[1, 39], [2, 18], [2, 69], [3, 24], [4, 10], [4, 41]], "\(found)")
        #expect(found.first?.message == "'site.name' is written into the onclick attribute, where HTML escaping does not make a value safe (the browser unescapes it before running or applying it): keep values out of event handlers and styles (a data- attribute that a script reads is safe)")
        #expect(found[2].message.hasPrefix("'site.name' starts the href attribute's link: a name or text from the store or a form could make it a javascript: link;"))
        #expect(found[5].message.hasPrefix("'site.name' is written inside a <script> element"))
    }

    /// The cases a first form of the lint got wrong: an unquoted value, one where attributes go,
    /// `srcdoc`, a link after spaces or after an attribute holding `>`, a commented-out
    /// `<script>`; and the values it must let be (a colour or a percentage in a style, the base
    /// URL and a page's path starting a link, a value in a `<title>` or after a Mustache parent).
    @Test func theLintReadsAttributesAndCommentsAsABrowserDoes() throws {
        let found = try findings(withThanksPage: """
            <h1 title={{site.name}}>x</h1><div {{site.name}}>x</div><iframe srcdoc="{{site.name}}"></iframe>
            <a href="  {{site.name}}">x</a><a title="a>b" href="{{site.name}}">x</a>
            <!-- <script> -->{{site.name}}<title>{{site.name}}</title><p style="--accent: {{site.accentColor}}; width: {{site.name}}">x</p>
            <a href="{{site.baseURL}}/x">x</a><a href="{{page.path}}">x</a><textarea>{{site.name}}</textarea>
            <input disabled {{site.name}}><div data-{{site.name}}="1"><{{site.name}} class="a"><script>var s = "</scripts>"; var n = "{{site.name}}";</script>
            """) { $0.message.contains("escaping does not") || $0.message.contains("attribute's link") || $0.message.contains("without quotes")
                   || $0.message.contains("where its attributes go") || $0.message.contains("srcdoc") }
        #expect(found.map { [$0.line, $0.column] } == [[1, 31], [1, 56], [1, 93], [2, 12], [2, 53], [3, 108], [5, 17], [5, 41], [5, 60], [5, 123]], "\(found)")
        #expect(found[0].message.hasPrefix("'site.name' is written into the title attribute's value without quotes"), "\(found[0])")
        #expect(found[1].message.hasPrefix("'site.name' is written inside a tag where its attributes go"), "\(found[1])")
        #expect(found[5].message.hasPrefix("'site.name' is written into the style attribute"), "\(found[5])")
    }

    /// Past a delimiter change the lint reads the template's tags as swift-mustache does: a
    /// value in a handler is still seen, a section still writes nothing before a link, and the
    /// page's JSON-LD written with other delimiters is still right inside its script.
    @Test func theLintFollowsADelimiterChange() throws {
        let found = try findings(withThanksPage: """
            {{=<% %>=}}<div <%#site.logo%>hidden<%/site.logo%> onclick="f(<%site.name%>)">x</div>
            <a href="<%#site.logo%><%/site.logo%><%site.name%>">x</a><p>{{ literal </p><a onclick="<%site.name%>">x</a>
            <script type="application/ld+json"><%#page.structuredData%><%&page.structuredData%><%/page.structuredData%></script><%={{ }}=%>
            """) { $0.message.contains("escaping does not") || $0.message.contains("attribute's link") || $0.message.contains("structuredData") }
        #expect(found.map { [$0.line, $0.column] } == [[1, 83], [2, 38], [2, 88]], "\(found)")
    }

    /// A transform (`{{uppercased(site.name)}}`, which the guide documents) is checked by the
    /// value it transforms, not called unknown.
    @Test func aTransformIsCheckedByItsValue() throws {
        let found = try findings(withThanksPage: "{{uppercased(site.name)}} {{#first(site.nmae)}}x{{/first(site.nmae)}}") {
            $0.message.contains("not a value any page provides")
        }
        #expect(found.map(\.message).map { $0.prefix(while: { $0 != " " }) } == ["'first(site.nmae)'"], "\(found)")
    }

    /// A name that only list items have (`title`, `url`) is no name of an object every page
    /// has: `site.title` and `story.url` are named, a story's `title` is not.
    @Test func aListItemsNameIsNoNameOfTheSiteOrTheStory() throws {
        var site = SiteFixture()
        site.pageTemplates["story"] = "{{<layout}}{{$main}}<h1>{{story.title}}</h1>{{site.title}} {{story.url}}{{#site.tiers}}{{name}}{{/site.tiers}}{{/main}}{{/layout}}"
        let directory = try site.write()
        let found = try Self.check(directory).filter { $0.file.hasSuffix("story.mustache") }.map(\.message)
        #expect(found.count == 2 && found[0].hasPrefix("'site.title' is not a value of the story page") && found[1].hasPrefix("'story.url' is not a value of the story page"),
                "\(found)")
    }

    /// A value another page has is named where a page template writes it outside its sections
    /// (figures on the public referrer page, which has none); inside a section over a list it
    /// may name an item's value, a value some referrers lack may be there on another's page,
    /// and a section over a value the page lacks may mean "where there is one".
    @Test func aValueAnotherPageHasIsNamedOnThePageThatLacksIt() throws {
        var site = SiteFixture()
        site.pageTemplates["referrer"] = "{{<layout}}{{$main}}{{referrer.name}} {{referrer.earned}} {{#referrer.hasLeft}}{{referrer.email}}{{/referrer.hasLeft}}\n"
            + "{{figures.referrals}} {{#figures.earned}}x{{/figures.earned}} {{#site.tiers}}{{name}}{{/site.tiers}} {{referrer.tier.name}} {{uppercased(referrer.code)}}{{/main}}{{/layout}}"
        let directory = try site.write()
        let found = try Self.check(directory).filter { $0.file.hasSuffix("referrer.mustache") }
        #expect(found.map(\.description) == [
            "\(directory.file("templates/referrer.mustache")):1:39: warning: 'referrer.earned' is not a value of the referrer page (its referrer has code, name, firstName, hasLeft), "
                + "so it renders as nothing there; see docs/theme.md for each page's values",
            "\(directory.file("templates/referrer.mustache")):1:80: warning: 'referrer.email' is not a value of the referrer page (its referrer has code, name, firstName, hasLeft), "
                + "so it renders as nothing there; see docs/theme.md for each page's values",
            "\(directory.file("templates/referrer.mustache")):2:1: warning: 'figures.referrals' is not a value of the referrer page (it has site, page, referrer, link, qr, qrLink, shares, form), "
                + "so it renders as nothing there; see docs/theme.md for each page's values",
        ], "\(found)")
    }

    /// A page filling a block that its layout holds inside a section (`{{#page}}{{$head}}…`) is
    /// read in that section's context: `{{description}}` there is the page's, not unknown (in
    /// `main`, outside any section, it is still named).
    @Test func aBlockTheLayoutHoldsInASectionIsReadInItsContext() throws {
        var site = SiteFixture()
        site.pageTemplates["layout"] = site.pageTemplates["layout"]!.replacingOccurrences(of: "</head>", with: "{{#page}}{{$head}}{{/head}}{{/page}}</head>")
        site.pageTemplates["home"] = "{{<layout}}{{$head}}<meta name=\"x\" content=\"{{description}}\">{{/head}}{{$main}}{{description}}{{/main}}{{/layout}}"
        let directory = try site.write()
        let found = try Self.check(directory).filter { $0.file.hasSuffix("home.mustache") }
        #expect(found.map(\.column) == [80], "\(found)")
        // Only the page's own layout counts, and only a section over an object or a list: a
        // template nothing uses, or a section over a true or false, changes nothing.
        site.pageTemplates["wrapper"] = "{{#site}}{{$main}}{{/main}}{{/site}}"
        site.pageTemplates["layout"] = site.pageTemplates["layout"]!.replacingOccurrences(of: "</head>", with: "{{#site.hasStories}}{{$aside}}{{/aside}}{{/site.hasStories}}</head>")
        site.pageTemplates["home"] = site.pageTemplates["home"]!.replacingOccurrences(of: "{{$main}}", with: "{{$aside}}{{description}}{{/aside}}{{$main}}")
        let again = try site.write()
        let named = try Self.check(again).filter { $0.file.hasSuffix("home.mustache") && $0.message.contains("'description'") }
        #expect(named.count == 2, "\(named)")
        // Three layouts deep: a middle layout's block inside its filling of the top layout's
        // block held in a section is read in that section too.
        var deep = SiteFixture()
        deep.pageTemplates["layout"] = deep.pageTemplates["layout"]!.replacingOccurrences(of: "</head>", with: "{{#page}}{{$head}}{{/head}}{{/page}}</head>")
        deep.pageTemplates["mid"] = "{{<layout}}{{$head}}<span>{{$head2}}{{/head2}}</span>{{/head}}{{$main}}{{$body}}{{/body}}{{/main}}{{/layout}}"
        deep.pageTemplates["home"] = "{{<mid}}{{$head2}}{{kind}}{{/head2}}{{$body}}{{kind}}{{/body}}{{/mid}}"
        let deepDirectory = try deep.write()
        let inBody = try Self.check(deepDirectory).filter { $0.file.hasSuffix("home.mustache") }
        #expect(inBody.map(\.column) == [46], "\(inBody)")
    }

    /// A tag left unclosed is the template's syntax error alone, not also an unknown value.
    @Test func anUnfinishedTagIsNotAlsoAnUnknownValue() throws {
        var site = SiteFixture()
        site.pageTemplates["thanks"] = "{{<layout}}{{$main}}<h1>{{page.title}</h1>{{/main}}{{/layout}}"
        let directory = try site.write()
        let (inputs, diagnostics) = try SiteInputs.gather(SiteFixture.options(directory)) { StoreLoader.read(from: directory.file("content/data")) }
        let found = SiteChecker.check(try #require(inputs)).filter { $0.file.hasSuffix("thanks.mustache") }
        #expect(found.isEmpty && diagnostics.all.count { $0.file.hasSuffix("thanks.mustache") } == 1, "\(found) \(diagnostics.all)")
    }

    /// Below a base path a broken content link is still named where it was written, in the
    /// Markdown, though the build gave it the path.
    @Test func aBrokenContentLinkBelowABasePathIsNamedWhereWritten() throws {
        var site = SiteFixture()
        site.store.baseURL = "https://example.com/refer"
        site.content["faq.md"] = "---\ntitle: FAQ\n---\nSee [nothing](/nope/).\n"
        let directory = try site.write()
        let broken = try Self.check(directory).filter { $0.message.contains("/refer/nope/") }
        #expect(broken.count == 1 && broken.first?.file.hasSuffix("content/faq.md") == true && broken.first?.line == 4, "\(broken)")
    }
}
