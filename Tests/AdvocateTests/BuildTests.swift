import Foundation
import Testing
@testable import Advocate

/// The build over real files in a temporary folder, with the real cmark-gfm and swift-mustache.
@Suite struct BuildTests {
    let statsPath = "stats/tok0xxxxxxxxxxxxxxxxxxxxxxxxx/index.html"
    let analyticsPath = "stats/p7m2c9x4k1v8q3w6r0t5y2u8i4/index.html"

    /// Moves the site's `path` to `target` and leaves a symbolic link to it in its place.
    func moveBehindALink(_ path: String, of directory: TemporaryDirectory, to target: String) throws {
        try FileManager.default.moveItem(atPath: directory.file(path), toPath: target)
        try FileManager.default.createSymbolicLink(atPath: directory.file(path), withDestinationPath: target)
    }

    /// A build of `directory` refused with an error at `file` saying `message`, its output as
    /// `before`.
    func expectRefusal(_ directory: TemporaryDirectory, at file: String, _ message: String, before: [String: Data],
                       sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        do {
            _ = try SiteBuilder.build(SiteFixture.options(directory))
            Issue.record("\(file): the build went on", sourceLocation: sourceLocation)
        } catch {
            #expect(error.description.contains("\(file):1:1: error: \(message)"), "\(error.description)", sourceLocation: sourceLocation)
        }
        #expect(try directory.snapshot() == before, "\(file)", sourceLocation: sourceLocation)
    }

    func fixtureWithReferrals() -> SiteFixture {
        var site = SiteFixture()
        let id = site.store.refer("ada", friend: "Grace Hopper", email: "grace@example.org", at: "2026-03-01T09:30:00Z", variant: "b")
        site.store.status(id, "converted", at: "2026-03-05T09:30:00Z")
        site.store.refer("ada", friend: "Alan Turing", email: "alan@example.org", at: "2026-03-06T09:30:00Z")
        return site
    }

    @Test func buildsEveryPageOfTheTable() throws {
        let directory = try fixtureWithReferrals().write()
        let report = try SiteBuilder.build(SiteFixture.options(directory))
        for path in ["index.html", "terms/index.html", "faq/index.html", "stories/index.html", "stories/first-story/index.html",
                     "messaging/index.html", "r/ada/index.html", "r/bob/index.html", statsPath, analyticsPath,
                     "thanks/index.html", "404.html", "sitemap.xml", "robots.txt", "assets/site.css", "assets/logo.svg"] {
            #expect(directory.exists("public/" + path), "missing \(path)")
        }
        #expect(!directory.exists("public/stats/index.html"))
        #expect(report.written == report.total)
        #expect(report.filesByKind.first { $0.kind == "referrer" }?.count == 2)
        #expect(report.summary.contains("written"))
    }

    /// A program published below a path (Hugo's baseURL with a path): every address carries it once.
    /// A site without its terms or FAQ still builds, with a warning that says what is missing
    /// and what becomes of the links to it, rather than a silent hole.
    @Test func aMissingFAQIsAWarningThatSaysWhatBreaks() throws {
        var site = SiteFixture()
        site.content["faq.md"] = nil
        let directory = try site.write()
        let report = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(report.warnings.contains { $0.file.hasSuffix("content/faq.md") && $0.message.contains("/faq/ is not built") }, "\(report.warnings)")
        #expect(!report.warnings.contains { $0.file.hasSuffix("content/terms.md") })
        #expect(!directory.exists("public/faq/index.html"))
    }

    /// `hasByline` says whether a story has an author or a date, so that a theme leaves no empty
    /// byline line for one that has neither.
    @Test func aStoryWithoutAuthorOrDateHasNoByline() throws {
        var site = SiteFixture()
        site.content["stories/plain.md"] = "---\ntitle: Plain\n---\nText.\n"
        site.pageTemplates["story"] = "{{<layout}}{{$main}}{{#story.hasByline}}<p class=\"meta\">{{story.date}}</p>{{/story.hasByline}}{{/main}}{{/layout}}"
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(try directory.read("public/stories/first-story/index.html").contains(#"<p class="meta">2026-02-01</p>"#))
        #expect(try !directory.read("public/stories/plain/index.html").contains(#"class="meta""#))
    }

    /// A link inside an assets folder is not copied (it could lead outside the site), and the
    /// build says so for each, whether it leads somewhere or nowhere, rather than leave a hole.
    @Test func linksInAnAssetsFolderAreNamedInAWarning() throws {
        let directory = try SiteFixture().write()
        let shared = try TemporaryDirectory()
        try Data("body{}".utf8).write(to: URL(fileURLWithPath: shared.file("shared.css")))
        try FileManager.default.createSymbolicLink(atPath: directory.file("content/assets/shared.css"), withDestinationPath: shared.file("shared.css"))
        try FileManager.default.createSymbolicLink(atPath: directory.file("templates/assets/gone.css"), withDestinationPath: shared.file("gone.css"))
        let report = try SiteBuilder.build(SiteFixture.options(directory))
        let named = report.warnings.filter { $0.message.hasPrefix("is a symbolic link, which a build does not copy") }.map(\.file)
        #expect(named == [directory.file("content/assets/shared.css"), directory.file("templates/assets/gone.css")], "\(report.warnings)")
        #expect(!directory.exists("public/assets/shared.css") && !directory.exists("public/assets/gone.css"))
        #expect(directory.exists("public/assets/site.css"))
    }

    /// content/stories may be a link to a folder shared between sites. A folder or page the
    /// build cannot read is an error, never read as absent: that took the pages off the site.
    @Test func contentTheBuildCannotReadIsAnErrorNotAbsent() throws {
        let directory = try SiteFixture().write()
        let shared = try TemporaryDirectory()
        try moveBehindALink("content/stories", of: directory, to: shared.file("stories"))
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(directory.exists("public/stories/first-story/index.html"))
        // An edit in the linked folder is a change of the inputs (it was not seen).
        try shared.write("stories/first-story.md", "---\ntitle: An edited story\n---\nEdited through the link.\n")
        #expect(try SiteBuilder.build(SiteFixture.options(directory)).written > 0)
        #expect(try directory.read("public/stories/first-story/index.html").contains("Edited through the link."))
        let before = try directory.snapshot()

        let cases: [(String, () throws -> Void, String)] = [
            ("content/stories", {
                try FileManager.default.removeItem(atPath: directory.file("content/stories"))
                try directory.write("content/stories", "not a folder")
            }, "is a file, not a folder"),
            ("content/terms.md", {
                try FileManager.default.removeItem(atPath: directory.file("content/terms.md"))
                try FileManager.default.createSymbolicLink(atPath: directory.file("content/terms.md"), withDestinationPath: "terms.md")
            }, "is a symbolic link to terms.md, which cannot be followed (Too many levels of symbolic links); point it at the file, or remove it"),
            ("content/stories", {
                try FileManager.default.removeItem(atPath: directory.file("content/stories"))
                try FileManager.default.createSymbolicLink(atPath: directory.file("content/stories"), withDestinationPath: shared.file("moved"))
            }, "is a symbolic link to \(shared.file("moved")), which cannot be followed (No such file or directory)"),
            ("content/faq.md", {
                try FileManager.default.removeItem(atPath: directory.file("content/faq.md"))
                try FileManager.default.createDirectory(atPath: directory.file("content/faq.md"), withIntermediateDirectories: false)
            }, "is a folder, not a file"),
            // A link whose target is gone is not a page the site goes without, nor a store with no referrals yet.
            ("content/index.md", {
                try FileManager.default.removeItem(atPath: directory.file("content/index.md"))
                try FileManager.default.createSymbolicLink(atPath: directory.file("content/index.md"), withDestinationPath: shared.file("index.md"))
            }, "is a symbolic link to \(shared.file("index.md")), which cannot be followed (No such file or directory); point it at the file, or remove it"),
            ("content/data/referrals.jsonl", {
                try FileManager.default.removeItem(atPath: directory.file("content/data/referrals.jsonl"))
                try FileManager.default.createSymbolicLink(atPath: directory.file("content/data/referrals.jsonl"), withDestinationPath: shared.file("volume/referrals.jsonl"))
            }, "is a symbolic link to \(shared.file("volume/referrals.jsonl")), which cannot be followed (No such file or directory); point it at the file, or remove it"),
        ]
        for (file, breakIt, message) in cases {
            try breakIt()
            try expectRefusal(directory, at: file, message, before: before)
        }
    }

    /// A template may be a symbolic link, read through it (an edit of its target is a change);
    /// one that leads nowhere, or a content or templates folder that does, is an error naming
    /// it, not a page the site goes without.
    @Test func templatesBehindLinksAreReadAndLinksToNowhereAreErrors() throws {
        let directory = try SiteFixture().write()
        let shared = try TemporaryDirectory()
        try moveBehindALink("templates/thanks.mustache", of: directory, to: shared.file("thanks.mustache"))
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(directory.exists("public/thanks/index.html"))
        try shared.write("thanks.mustache", "{{<layout}}{{$main}}Thanks through the link.{{/main}}{{/layout}}")
        #expect(try SiteBuilder.build(SiteFixture.options(directory)).written > 0)
        #expect(try directory.read("public/thanks/index.html").contains("Thanks through the link."))
        let before = try directory.snapshot()
        let cases = [("templates/thanks.mustache", "template"), ("templates", "folder"), ("content", "folder")]
        for (path, kind) in cases {
            try FileManager.default.moveItem(atPath: directory.file(path), toPath: shared.file("moved"))
            try FileManager.default.createSymbolicLink(atPath: directory.file(path), withDestinationPath: shared.file("gone"))
            try expectRefusal(directory, at: path, "is a symbolic link to \(shared.file("gone")), which cannot be followed "
                              + "(No such file or directory); point it at the \(kind), or remove it", before: before)
            try FileManager.default.removeItem(atPath: directory.file(path))
            try FileManager.default.moveItem(atPath: shared.file("moved"), toPath: directory.file(path))
        }
    }

    /// A story awaiting approval (`draft: true`) is checked but not published: no page, not in
    /// the list or the sitemap; a draft value that is not true or false is an error.
    @Test func aDraftStoryIsNotPublished() throws {
        var site = SiteFixture()
        site.content["stories/second-story.md"] = "---\ntitle: Not approved yet\ndraft: true\n---\nSecret customer quote.\n"
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(directory.exists("public/stories/first-story/index.html"))
        #expect(!directory.exists("public/stories/second-story"))
        for page in ["stories/index.html", "sitemap.xml", "index.html"] {
            #expect(!(try directory.read("public/" + page)).contains("second-story"), "\(page)")
        }
        try directory.write("content/stories/second-story.md", "---\ntitle: Not approved yet\ndraft: maybe\n---\nText.\n")
        do {
            _ = try SiteBuilder.build(SiteFixture.options(directory))
            Issue.record("draft: maybe must fail the build")
        } catch {
            #expect(error.description.contains("second-story.md:3:1: error: 'draft' must be true or false, found \"maybe\""), "\(error.description)")
        }
    }

    /// Past the addresses one sitemap may list (50,000; three here), /sitemap.xml is an index of
    /// sitemap-1.xml, sitemap-2.xml…, which together list every public page once; when the site
    /// fits in one again, the parts go.
    @Test func aSitemapPastItsLimitIsAnIndexOfParts() throws {
        var site = fixtureWithReferrals()
        site.store.baseURL = "https://example.com/refer/"
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let whole = try directory.read("public/sitemap.xml")
        let locations = { (xml: String) in xml.components(separatedBy: "<loc>").dropFirst().map { String($0.prefix { $0 != "<" }) } }
        let every = locations(whole)
        #expect(every.count > 3 && whole.contains("<urlset"))
        // The limit is no input a build records: its state is removed, so that it builds afresh.
        let state = directory.file(".advocate")
        try FileManager.default.removeItem(atPath: state)
        var options = SiteFixture.options(directory)
        options.sitemapURLsPerFile = 3
        _ = try SiteBuilder.build(options)
        let index = try directory.read("public/sitemap.xml")
        let parts = (every.count + 2) / 3
        #expect(index.contains("<sitemapindex") && locations(index) == (1...parts).map { "https://example.com/refer/sitemap-\($0).xml" }, "\(index)")
        let listed = try (1...parts).flatMap { part in
            let xml = try directory.read("public/sitemap-\(part).xml")
            #expect(xml.contains("<urlset") && locations(xml).count <= 3)
            return locations(xml)
        }
        #expect(listed == every)
        #expect(try directory.read("public/robots.txt").contains("Sitemap: https://example.com/refer/sitemap.xml"))
        // An edit makes the next build run; the parts it no longer plans are removed.
        try directory.write("content/terms.md", try directory.read("content/terms.md") + "\nOne more line.\n")
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(try directory.read("public/sitemap.xml") == whole)
        #expect(!directory.exists("public/sitemap-1.xml"))
    }

    @Test func aBaseURLWithAPathPutsTheSiteBelowIt() throws {
        var site = fixtureWithReferrals()
        site.store.baseURL = "https://example.com/refer/"
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let sitemap = try directory.read("public/sitemap.xml")
        #expect(sitemap.contains("<loc>https://example.com/refer/terms/</loc>"))
        #expect(try directory.read("public/robots.txt").contains("Sitemap: https://example.com/refer/sitemap.xml"))
        let page = try directory.read("public/r/ada/index.html")
        #expect(page.contains(#"<link rel="canonical" href="https://example.com/refer/r/ada/">"#))
        #expect(page.contains("https%3A%2F%2Fexample.com%2Frefer%2Fr%2Fada%2F%3Fsrc%3D"))
        for text in [sitemap, page] { #expect(!text.contains("/refer/refer/")) }
    }

    /// `site.logoURL` is the logo's absolute address (an og:image needs one); `site.baseURL` +
    /// `site.logo` would repeat a base path.
    @Test func theLogoHasAnAbsoluteAddressBelowAPath() throws {
        var site = fixtureWithReferrals()
        site.store.baseURL = "https://example.com/refer"
        site.pageTemplates["thanks"] = "{{<layout}}{{$main}}[{{site.logo}}] [{{site.logoURL}}]{{/main}}{{/layout}}"
        let directory = try site.write()
        try directory.write("content/data/program.json", try directory.read("content/data/program.json")
            .replacingOccurrences(of: #""currency": "USD","#, with: #""currency": "USD", "brand": {"logo": "logo.svg"},"#))
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(try directory.read("public/thanks/index.html").contains("[/refer/assets/logo.svg] [https://example.com/refer/assets/logo.svg]"))
    }

    /// `brand.image` is the link-preview picture: an absolute `og:image` (below the base path)
    /// with a large X card; without it, no `og:image` and a small card.
    @Test func theBrandImageIsTheOpenGraphImage() throws {
        var site = fixtureWithReferrals()
        site.store.baseURL = "https://example.com/refer"
        site.pageTemplates["layout"] = "<html><head>{{#site.imageURL}}<meta property=\"og:image\" content=\"{{site.imageURL}}\">{{/site.imageURL}}</head><body>{{$main}}{{/main}}</body></html>"
        let plain = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(plain))
        #expect(!(try plain.read("public/r/ada/index.html").contains("og:image")))
        let directory = try site.write()
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]).write(to: URL(fileURLWithPath: directory.file("content/assets/card.png")))
        try directory.write("content/data/program.json", try directory.read("content/data/program.json")
            .replacingOccurrences(of: #""currency": "USD","#, with: #""currency": "USD", "brand": {"image": "card.png"},"#))
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(try directory.read("public/r/ada/index.html").contains(#"<meta property="og:image" content="https://example.com/refer/assets/card.png">"#))
        #expect(directory.exists("public/assets/card.png"))
    }

    /// A root link written in content (`[FAQ](/faq/)`) is a link within the site: below a path
    /// it carries the path, as the theme's links do; it was left as written, a 404.
    @Test func contentLinksFromTheRootCarryTheBasePath() throws {
        var site = fixtureWithReferrals()
        site.store.baseURL = "https://example.com/refer"
        site.content["index.md"] = "---\ntitle: Home\n---\nRead the [FAQ](/faq/), ![logo](/assets/x.png), [a CDN](//cdn.example/x), [top](#top) and [Acme](https://acme.example/).\n"
        site.content["faq.md"] = "---\ntitle: FAQ\n---\nSee the [terms](/terms/#rewards) or [the same](/refer/terms/).\n"
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let home = try directory.read("public/index.html")
        #expect(home.contains(#"<a href="/refer/faq/">FAQ</a>"#) && home.contains(#"<img src="/refer/assets/x.png" alt="logo" />"#), "\(home)")
        #expect(home.contains(#"<a href="//cdn.example/x">"#) && home.contains(##"<a href="#top">"##) && home.contains(#"<a href="https://acme.example/">"#))
        let faq = try directory.read("public/faq/index.html")
        #expect(faq.contains(##"<a href="/refer/terms/#rewards">terms</a>"##) && faq.contains(##"<a href="/refer/terms/">the same</a>"##), "\(faq)")
    }

    @Test func privatePagesAreNoindexNoReferrerAndNotInTheSitemap() throws {
        let directory = try fixtureWithReferrals().write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        for path in [statsPath, analyticsPath] {
            let html = try directory.read("public/" + path)
            #expect(html.contains(#"<meta name="robots" content="noindex">"#))
            #expect(html.contains(#"<meta name="referrer" content="no-referrer">"#))
        }
        let sitemap = try directory.read("public/sitemap.xml")
        #expect(sitemap.contains("<loc>https://refer.acme.example/r/ada/</loc>"))
        #expect(sitemap.contains("<loc>https://refer.acme.example/terms/</loc>"))
        #expect(!sitemap.contains("/stats/"))
        #expect(!sitemap.contains("/messaging/"))
        // Not kept from crawlers, which would then never read their noindex (and could list a
        // stats page's address found elsewhere); nor named, which would point at the folder.
        let robots = try directory.read("public/robots.txt")
        #expect(robots.contains("User-agent: *\nDisallow:\n"))
        #expect(!robots.contains("/stats") && !robots.contains(analyticsPath) && !robots.contains("/messaging"), "\(robots)")
    }

    @Test func statsPageShowsFiguresAndMasksFriends() throws {
        let directory = try fixtureWithReferrals().write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let html = try directory.read("public/" + statsPath)
        #expect(html.contains("as of 2026-03-06 09:30 UTC"))
        #expect(html.contains("2 referrals, 1 converted, $0 earned, $25 pending, tier Bronze"))
        #expect(html.contains("Grace H. Converted · reward on hold"))
        #expect(!html.contains("Hopper"))
        let everything = try directory.snapshot().values.compactMap { String(data: $0, encoding: .utf8) }.joined()
        #expect(!everything.contains("grace@example.org"))
        #expect(!everything.contains("ada@example.com"))
    }

    /// Recent referrals are the newest by date, whatever the journal's order: an import appended
    /// older referrals after newer ones, which then led the list.
    @Test func recentReferralsAreNewestByDate() throws {
        let (order, html) = try recentFriends(of: [("Grace Hopper", "2026-05-01T09:30:00Z"), ("Alan Turing", "2026-04-15T09:30:00Z"),
                                                   ("Edsger Dijkstra", "2026-05-03T09:30:00Z")])
        #expect(order.allSatisfy { $0 != nil } && order[0]! < order[1]! && order[1]! < order[2]!, "\(html)")
    }

    /// Where ada's stats page shows Edsger D., Grace H. and Alan T., built from her referrals of
    /// these friends at these times, and the page.
    private func recentFriends(of referrals: [(friend: String, at: String)]) throws -> (order: [String.Index?], html: String) {
        var site = SiteFixture()
        for (friend, at) in referrals { site.store.refer("ada", friend: friend, at: at) }
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let html = try directory.read("public/" + statsPath)
        return (["Edsger D.", "Grace H.", "Alan T."].map { html.range(of: $0)?.lowerBound }, html)
    }

    /// `build` says what only `check` said before: a theme value no page provides (an empty
    /// heading on the published site) and a story file it does not read; a build with nothing
    /// changed says it again.
    @Test func buildWarnsAboutAThemeValueNoPageProvidesAndAFileNotRead() throws {
        var site = SiteFixture()
        site.pageTemplates["page"] = "{{<layout}}{{$main}}<h1>{{titel}}</h1>{{{content}}}{{/main}}{{/layout}}"
        site.content["stories/second.markdown"] = "---\ntitle: Second\n---\nx\n"
        let directory = try site.write()
        let messages = try SiteBuilder.build(SiteFixture.options(directory)).warnings.map(\.description)
        #expect(messages.contains { $0.contains("page.mustache:1:") && $0.contains("'titel' is not a value any page provides") }, "\(messages)")
        #expect(messages.contains { $0.contains("second.markdown") && $0.contains("not read") }, "\(messages)")
        #expect(try SiteBuilder.build(SiteFixture.options(directory)).warnings.map(\.description) == messages)
    }

    /// In a journal in date order, the newest come first and, of equal dates, the later line.
    @Test func recentReferralsInDateOrderAreReadBackwards() throws {
        let (order, html) = try recentFriends(of: [("Alan Turing", "2026-04-15T09:30:00Z"), ("Grace Hopper", "2026-05-01T09:30:00Z"),
                                                   ("Edsger Dijkstra", "2026-05-01T09:30:00Z")])
        #expect(order.allSatisfy { $0 != nil } && order[0]! < order[1]! && order[1]! < order[2]!, "\(html)")
    }

    /// A referral's label on the stats page says what the figures count: a `rewarded` with no
    /// `converted` is not counted (it read "Converted after the 90-day window"), and a reward
    /// paid before the hold has passed is on hold, as the pending figure has it.
    @Test func statsPageLabelsSayWhatTheFiguresCount() throws {
        var site = SiteFixture()
        let unconverted = site.store.refer("ada", friend: "Grace Hopper", email: "grace@example.org", at: "2026-03-01T09:30:00Z")
        site.store.status(unconverted, "rewarded", at: "2026-03-02T09:30:00Z")
        let early = site.store.refer("ada", friend: "Alan Turing", email: "alan@example.org", at: "2026-03-03T09:30:00Z")
        site.store.status(early, "converted", at: "2026-03-04T09:30:00Z")
        site.store.status(early, "rewarded", at: "2026-03-05T09:30:00Z")
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let html = try directory.read("public/" + statsPath)
        #expect(html.contains("Grace H. Not counted: no conversion recorded"), "\(html)")
        #expect(html.contains("Alan T. Rewarded · reward on hold"), "\(html)")
        _ = try SiteBuilder.build(SiteFixture.options(directory, asOf: "2026-12-31"))
        #expect(try directory.read("public/" + statsPath).contains("Alan T. Rewarded</li>"))
    }

    @Test func referrerPageSharesTheLinkPerChannel() throws {
        let directory = try fixtureWithReferrals().write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let html = try directory.read("public/r/ada/index.html")
        #expect(html.contains("https://refer.acme.example/r/ada/"))
        #expect(html.contains("sms:?&amp;body="))
        #expect(html.contains("https%3A%2F%2Frefer.acme.example%2Fr%2Fada%2F%3Fsrc%3Dsms"))
        #expect(html.contains("mailto:?subject=Ada%20Lovelace%20invites%20you"))
        #expect(html.contains("https://www.linkedin.com/sharing/share-offsite/?url="))
        #expect(html.contains(#"action="/api/referrals""#))
    }

    @Test func buildIsDeterministic() throws {
        let directory = try fixtureWithReferrals().write()
        _ = try SiteBuilder.build(BuildOptions(source: directory.path, output: directory.file("one")))
        _ = try SiteBuilder.build(BuildOptions(source: directory.path, output: directory.file("two")))
        let one = try directory.snapshot("one")
        #expect(one.count > 15)
        #expect(one == (try directory.snapshot("two")))
    }

    @Test func unchangedFilesAreNotRewritten() throws {
        let directory = try fixtureWithReferrals().write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let past = Date(timeIntervalSince1970: 1_000_000)
        for path in try directory.snapshot().keys {
            try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: directory.file("public/" + path))
        }
        let report = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(report.written == 0)
        #expect(report.unchanged == report.total)
        #expect(try directory.modificationDate("public/index.html") == past)
    }

    /// Assets are compared and copied a chunk at a time (``FileChunks``): one larger than a
    /// chunk arrives whole, is left alone while it is the same, and is replaced when its last
    /// byte changes.
    @Test func anAssetLargerThanAChunkIsCopiedWholeAndReplacedOnlyWhenItChanges() throws {
        let directory = try fixtureWithReferrals().write()
        var film = (0..<(FileChunks.chunkSize * 5 / 2 + 17)).map { UInt8(truncatingIfNeeded: $0 &* 31 % 251) }
        try Data(film).write(to: URL(fileURLWithPath: directory.file("content/assets/film.bin")))
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(FileManager.default.contents(atPath: directory.file("public/assets/film.bin")) == Data(film))

        let past = Date(timeIntervalSince1970: 1_000_000)
        try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: directory.file("public/assets/film.bin"))
        try directory.write("content/faq.md", "---\ntitle: FAQ\n---\n## Changed?\n\nYes.\n")
        let unchanged = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(unchanged.written == 1)
        #expect(try directory.modificationDate("public/assets/film.bin") == past)

        film[film.count - 1] ^= 0xFF
        try Data(film).write(to: URL(fileURLWithPath: directory.file("content/assets/film.bin")))
        let changed = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(changed.written == 1)
        #expect(FileManager.default.contents(atPath: directory.file("public/assets/film.bin")) == Data(film))
    }

    @Test func oneReferralAtAFixedAsOfRewritesAHandfulOfFiles() throws {
        var site = fixtureWithReferrals()
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory, asOf: "2026-03-31"))
        site.store.refer("bob", friend: "Edsger Dijkstra", at: "2026-03-10T09:30:00Z")
        try site.store.write(to: directory)
        let report = try SiteBuilder.build(SiteFixture.options(directory, asOf: "2026-03-31"))
        // Bob's stats page and the analytics page.
        #expect(report.written == 2)
    }

    /// A page replaced by a rebuild keeps its mode (a rebuild under umask 077 had made only the
    /// changed pages unreadable to a web server running as another user).
    @Test func aReplacedFileKeepsItsMode() throws {
        let directory = try fixtureWithReferrals().write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let faq = directory.file("public/faq/index.html")
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: faq)
        try directory.write("content/faq.md", "---\ntitle: FAQ\n---\n## Changed?\n\nYes.\n")
        let report = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(report.written >= 1)
        #expect(try directory.read("public/faq/index.html").contains("Changed?"))
        #expect((try FileManager.default.attributesOfItem(atPath: faq)[.posixPermissions] as? Int) == 0o640)
    }

    @Test func filesTheSiteNoLongerHasAreRemoved() throws {
        var site = fixtureWithReferrals()
        let directory = try site.write()
        try directory.write("public/keep-me.txt", "not made by advocate")
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(directory.exists("public/stories/first-story/index.html"))
        site.content.removeValue(forKey: "stories/first-story.md")
        try FileManager.default.removeItem(atPath: directory.file("content/stories/first-story.md"))
        let report = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(report.removed == 2)
        #expect(!directory.exists("public/stories/first-story/index.html"))
        #expect(!directory.exists("public/stories/first-story"))
        #expect(directory.exists("public/keep-me.txt"))
    }

    /// A build into another folder (a preview, CI) keeps its own list of files: the next build
    /// into public/ still removes a page whose source was deleted (the FAQ had stayed online),
    /// also when the site is reached through a link.
    @Test func aBuildElsewhereDoesNotMakePublicForgetItsFiles() throws {
        let directory = try fixtureWithReferrals().write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        _ = try SiteBuilder.build(BuildOptions(source: directory.path, output: directory.file("preview")))
        try FileManager.default.createSymbolicLink(atPath: directory.file("linked"), withDestinationPath: directory.path)
        _ = try SiteBuilder.build(BuildOptions(source: directory.file("linked")))
        try FileManager.default.removeItem(atPath: directory.file("content/faq.md"))
        let report = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(!directory.exists("public/faq/index.html") && report.removed == 1, "\(report.summary)")
        #expect(directory.exists("preview/faq/index.html"))
        let again = try SiteBuilder.build(BuildOptions(source: directory.path, output: directory.file("preview")))
        #expect(!directory.exists("preview/faq/index.html") && again.removed == 1)
    }

    /// A fresh clone of a repository that commits public/ has no .advocate/manifest.txt: a stats
    /// page whose token was changed, a referrer gone and a story deleted are still taken down,
    /// found by their place; files of other shapes stay.
    @Test func withoutAManifestOldPagesAreFoundByTheirPlace() throws {
        var site = fixtureWithReferrals()
        site.store.referrers.append(("cy", "Cy Young", "cy@example.com"))
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        try FileManager.default.removeItem(atPath: directory.file(".advocate"))
        let handMade = ["public/keep-me.txt", "public/r/notes.txt", "public/assets/extra.css", "public/r/ada/notes.txt",
                        "public/r/Notes/index.html", "public/stats/.git/index.html", "public/stories/Old_Post/index.html"]
        for extra in handMade {
            try directory.write(extra, "not made by advocate")
        }
        site.store.referrers.removeLast()
        try site.store.write(to: directory)
        let (bobsToken, newToken) = ("tok1xxxxxxxxxxxxxxxxxxxxxxxxx", "tok9xxxxxxxxxxxxxxxxxxxxxxxxx")
        let referrers = try directory.read("content/data/referrers.json")
        try directory.write("content/data/referrers.json", referrers.replacingOccurrences(of: bobsToken, with: newToken))
        try FileManager.default.removeItem(atPath: directory.file("content/stories/first-story.md"))

        let report = try SiteBuilder.build(SiteFixture.options(directory))
        // The site's only story is gone, so is its list.
        for gone in ["stats/\(bobsToken)", "stats/tok2xxxxxxxxxxxxxxxxxxxxxxxxx", "r/cy", "stories/first-story", "stories/index.html"] {
            #expect(!directory.exists("public/" + gone), "\(gone) was left")
        }
        #expect(report.removed == 6)
        // Said, by name: a folder new to the site may have held someone's own pages of that shape.
        #expect(report.removedByPlace.count == 6 && report.removedByPlaceWarning?.contains("r/cy/index.html") == true, "\(report.removedByPlace)")
        #expect(try SiteBuilder.build(SiteFixture.options(directory)).removedByPlace.isEmpty)
        for kept in ["public/stats/\(newToken)/index.html", "public/r/bob/index.html"] + handMade {
            #expect(directory.exists(kept), "\(kept) was removed")
        }
    }

    /// Emails shown together on /messaging/ keep their ids apart: two with the same heading and
    /// a footnote each give no id twice, and each in-page link finds its own email's target.
    @Test func messagingPreviewsKeepTheirIDsApart() throws {
        var site = fixtureWithReferrals()
        let email = "---\ntitle: T\nchannel: email\nsubject: \"S\"\n---\n## Hi\n\nA note.[^1] See [above](#hi).\n\n| a |\n| - |\n| 1 |\n\n[^1]: The note.\n"
        site.content["messaging/one.md"] = email
        site.content["messaging/two.md"] = email
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let page = try directory.read("public/messaging/index.html")
        let ids = LinkScanner.ids(in: Array(page.utf8))
        let found = page.components(separatedBy: " id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(Set(found).count == found.count, "\(found)")
        for suffix in ["-hi", "-fn-1", "-fnref-1"] {
            #expect(found.filter { $0.hasPrefix("m") && $0.hasSuffix(suffix) }.count == 2, "\(suffix): \(found)")
        }
        let references = ["href=\"#", "aria-labelledby=\""].flatMap { marker in
            page.components(separatedBy: " " + marker).dropFirst().map { String($0.prefix { $0 != "\"" }) }
        }
        #expect(references.filter { $0.hasSuffix("-hi") }.count == 4, "\(references)")
        #expect(references.allSatisfy { ids.contains($0) }, "\(references)")
    }

    /// Old pages are looked for only in the folders that were there before the build wrote: a
    /// first build's own r/ is never walked for pages it could not have had.
    @Test func oldPagesAreLookedForOnlyInFoldersThatWereThere() throws {
        let directory = try fixtureWithReferrals().write()
        let output = directory.file("public")
        #expect(PageShapes.foldersPresent(in: output).isEmpty)
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(PageShapes.foldersPresent(in: output) == ["r", "stats", "stories"])
        let inStats = PageShapes.existing(in: output, among: ["stats"])
        #expect(inStats.contains("stats/tok1xxxxxxxxxxxxxxxxxxxxxxxxx/index.html"))
        #expect(inStats.allSatisfy { !$0.hasPrefix("r/") && !$0.hasPrefix("stories/first-story/") }, "\(inStats)")
        #expect(PageShapes.existing(in: output, among: ["r", "stats", "stories"]).contains("r/ada/qr.svg"))
    }

    @Test func badInputLeavesThePreviousOutputExactlyAsItWas() throws {
        let directory = try fixtureWithReferrals().write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let before = try directory.snapshot()
        try directory.write("templates/stats.mustache", "{{#figures}}unclosed")
        #expect(throws: BuildError.self) { try SiteBuilder.build(SiteFixture.options(directory)) }
        try directory.write("templates/stats.mustache", "{{<layout}}{{/layout}}")
        try directory.write("content/data/referrers.json", #"[{"code": "../x", "name": "X", "email": "x@example.com", "statsToken": "k3v9q0c8m2x7w1r5t4y6u8i0ab"}]"#)
        do {
            _ = try SiteBuilder.build(SiteFixture.options(directory))
            Issue.record("a code of ../x must fail the build")
        } catch {
            #expect(error.description.contains("code \"../x\" must be 2 to 40 characters"))
        }
        #expect(try directory.snapshot() == before)
        #expect(!directory.exists("x"))
    }

    /// An output folder that is a link to a folder not there yet is named as such, not as a
    /// staging folder that could not be made.
    @Test func anOutputLinkToAMissingFolderIsNamed() throws {
        let directory = try fixtureWithReferrals().write()
        try FileManager.default.createSymbolicLink(atPath: directory.file("out"), withDestinationPath: directory.file("nowhere"))
        var options = SiteFixture.options(directory)
        options.outputDirectory = directory.file("out")
        do {
            _ = try SiteBuilder.build(options)
            Issue.record("a build into a link to nowhere went on")
        } catch {
            #expect(error.description.contains("\(directory.file("out")):1:1: error: the output folder is a symbolic link to \(directory.file("nowhere")), "
                    + "which does not exist; create that folder, or point the link at one that does"), "\(error.description)")
        }
    }

    /// `--output .`, `--output /` or a folder inside the inputs would mix the site's files with
    /// the build's: refused before anything is written, however the path is spelled.
    @Test func anOutputFolderHoldingOrInsideTheInputsIsRefused() throws {
        let directory = try fixtureWithReferrals().write()
        let elsewhere = try TemporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: elsewhere.file("site"), withDestinationPath: directory.path)
        let before = try directory.snapshot()
        let refused = [
            (directory.path, "is the site folder itself"),
            (directory.file("templates/../."), "is the site folder itself"),
            ((directory.path as NSString).deletingLastPathComponent, "holds the site folder \(directory.path)"),
            (elsewhere.file("site"), "is the site folder itself"),
            (directory.file("content/out"), "is inside content/"),
            (directory.file("templates"), "is inside templates/"),
            (directory.file(".advocate"), "is .advocate/"),
            (elsewhere.file("a-file"), "is a file, not a folder"),
            (elsewhere.file("a-file/public"), "is below \(elsewhere.file("a-file")), which is a file"),
        ]
        try elsewhere.write("a-file", "not a folder")
        for (output, reason) in refused {
            do {
                _ = try SiteBuilder.build(BuildOptions(source: directory.path, output: output))
                Issue.record("--output \(output) must be refused")
            } catch {
                #expect(error.description.contains("error: the output folder \(reason)"), "\(output): \(error)")
                #expect(error.description.contains("Pass --output a folder of its own, such as \(directory.path)/public"))
            }
        }
        #expect(try directory.snapshot() == before)
        // A store kept inside the output would be published, every email and token with it.
        try FileManager.default.copyItem(atPath: directory.file("content/data"), toPath: elsewhere.file("www/data"))
        do {
            _ = try SiteBuilder.build(BuildOptions(source: directory.path, data: elsewhere.file("www/data"), output: elsewhere.file("www")))
            Issue.record("an output holding the store must be refused")
        } catch {
            #expect(error.description.contains("error: the output folder holds the store (\(elsewhere.file("www/data"))), whose emails and private tokens it would publish; "
                                               + "keep the store outside it"), "\(error)")
        }
        #expect(!elsewhere.exists("www/index.html"))
        // Nor through a link someone made in it to the store.
        try FileManager.default.createDirectory(atPath: elsewhere.file("linked"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: elsewhere.file("linked/data"), withDestinationPath: directory.file("content/data"))
        #expect {
            try SiteBuilder.build(BuildOptions(source: directory.path, output: elsewhere.file("linked")))
        } throws: { "\($0)".contains("the output folder holds the store") }
        // A store the build would copy with the pictures is refused too.
        try FileManager.default.createDirectory(atPath: directory.file("content/assets"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: directory.file("content/data"), toPath: directory.file("content/assets/store"))
        #expect {
            try SiteBuilder.build(BuildOptions(source: directory.path, data: directory.file("content/assets/store")))
        } throws: { "\($0)".contains("whose files the build publishes with the site's pictures") }
        try FileManager.default.removeItem(atPath: directory.file("content/assets/store"))
        #expect(!elsewhere.exists("linked/index.html"))
        try FileManager.default.removeItem(atPath: elsewhere.file("linked/data"))
        try FileManager.default.createSymbolicLink(atPath: elsewhere.file("linked/roster.json"), withDestinationPath: directory.file("content/data/referrers.json"))
        #expect {
            try SiteBuilder.build(BuildOptions(source: directory.path, output: elsewhere.file("linked")))
        } throws: { "\($0)".contains("the output folder holds the store") }
        // A store kept in the site folder itself: no output folder there would do, so it says
        // where the store belongs instead of suggesting the folder it refused.
        do {
            _ = try SiteBuilder.build(BuildOptions(source: directory.path, data: directory.path))
            Issue.record("a store holding the site folder must be refused")
        } catch {
            #expect(error.description.contains("the store (--data) holds the site folder \(directory.path), so the output folder \(directory.path)/public is inside the store"), "\(error)")
            #expect(error.description.contains("such as \(directory.path)/content/data (the default), or pass --output a folder outside") && !error.description.contains("Pass --output"), "\(error)")
        }
        // With an output outside the store, that layout builds.
        let outside = try TemporaryDirectory()
        _ = try SiteBuilder.build(BuildOptions(source: directory.path, data: directory.file("content/data"), output: outside.file("public")))
        try FileManager.default.copyItem(atPath: directory.file("content/data/program.json"), toPath: directory.file("program.json"))
        try FileManager.default.copyItem(atPath: directory.file("content/data/referrers.json"), toPath: directory.file("referrers.json"))
        try FileManager.default.copyItem(atPath: directory.file("content/data/referrals.jsonl"), toPath: directory.file("referrals.jsonl"))
        _ = try SiteBuilder.build(BuildOptions(source: directory.path, data: directory.path, output: outside.file("rooted")))
        #expect(outside.exists("rooted/index.html"))
        // A --source that names a file is named as no site folder, not as an output below a file.
        do {
            _ = try SiteBuilder.build(BuildOptions(source: directory.file("content/index.md")))
            Issue.record("a file as the site folder must be refused")
        } catch {
            #expect(error.description.contains("site folder not found"), "\(error)")
        }
        _ = try SiteBuilder.build(BuildOptions(source: directory.path, output: elsewhere.file("public")))
        #expect(elsewhere.exists("public/index.html"))
        // scripts/quickstart's scratch output, below the state folder.
        _ = try SiteBuilder.build(BuildOptions(source: directory.path, output: directory.file(".advocate/quickstart/public")))
        #expect(directory.exists(".advocate/quickstart/public/index.html"))
    }

    @Test func aMissingSiteFolderIsOneErrorNamingIt() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("advocate-missing-\(UUID().uuidString)").path
        do {
            _ = try SiteInputs.load(BuildOptions(source: missing))
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.map(\.description) == [
                "\(missing):1:1: error: site folder not found (--source names the folder holding content/ and templates/; `advocate init` makes one)",
            ])
        }
    }

    @Test func aFolderThatIsNoSiteIsOneErrorSayingSo() throws {
        let directory = try TemporaryDirectory()
        try directory.write("notes.txt", "not a site")
        do {
            _ = try SiteInputs.load(BuildOptions(source: directory.path))
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.map(\.description) == [
                "\(directory.path):1:1: error: not an advocate site: there is no content/data/program.json and no templates/ here (run the command in a site folder or pass --source DIR; `advocate init` makes one)",
            ])
        }
    }

    @Test func templateErrorsNameFileAndLine() throws {
        let directory = try SiteFixture().write()
        try directory.write("templates/stats.mustache", "<p>\n  {{#figures}}unclosed\n{{#a}}{{/a}}\n")
        try directory.write("templates/join.mustache", "<p>\n{{#a}} {{^b}}\n {{/a}}{{/b}}")
        try directory.write("templates/thanks.mustache", "{{<layout}}{{$main}}{{> missing-partial}}{{/main}}{{/layout}}")
        try FileManager.default.removeItem(atPath: directory.file("templates/404.mustache"))
        try FileManager.default.removeItem(atPath: directory.file("templates/story.mustache"))
        try FileManager.default.createDirectory(atPath: directory.file("templates/story.mustache"), withIntermediateDirectories: false)
        do {
            _ = try SiteInputs.load(SiteFixture.options(directory))
            Issue.record("expected template errors")
        } catch {
            let messages = error.diagnostics.map(\.description)
            // Where the tag to fix is, not where swift-mustache noticed (the end of the file).
            #expect(messages.contains { $0.contains("stats.mustache:2:3: error: template syntax error: {{#figures}} is opened here but never closed (add {{/figures}})") },
                    "\(messages)")
            #expect(messages.contains { $0.contains("join.mustache:3:2: error: template syntax error: {{/a}} closes {{^b}}, opened at line 2 column 8; close that first with {{/b}}") },
                    "\(messages)")
            #expect(messages.contains { $0.contains("thanks.mustache:1:21: error: partial 'missing-partial' not found") })
            #expect(messages.contains { $0.contains("404.mustache:1:1: error: missing template '404'") })
            #expect(messages.contains { $0.contains("story.mustache:1:1: error: the template 'story' is a folder, not a file") }, "\(messages)")
        }
    }

    @Test func failedWriteLeavesNoHalfWrittenFileAndChangesNothing() throws {
        var site = fixtureWithReferrals()
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let before = try directory.snapshot()
        // Block the temporary file of one changed page, as a full disk would fail its write.
        let blocker = "public/r/ada/.index.html.advocate-tmp-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: directory.file(blocker), withIntermediateDirectories: true)
        site.store.referrers[0].name = "Ada King"
        site.store.referrers[1].name = "Bob King"
        try site.store.write(to: directory)
        #expect(throws: BuildError.self) { try SiteBuilder.build(SiteFixture.options(directory)) }
        try FileManager.default.removeItem(atPath: directory.file(blocker))
        #expect(try directory.snapshot() == before)
    }

    /// A first build writes each new top-level entry whole in a staging folder and moves it into
    /// place; when a write fails, the output folder is left as it was, without the staging folder.
    @Test func aFailedFirstBuildLeavesTheEmptyOutputFolderEmpty() throws {
        let site = fixtureWithReferrals()
        let directory = try site.write()
        let staging = "public/.advocate-staging-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: directory.file(staging + "/r/ada/index.html"), withIntermediateDirectories: true)
        #expect(throws: BuildError.self) { try SiteBuilder.build(SiteFixture.options(directory)) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("public")) == [])

        let report = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(report.written == report.total)
        #expect(!directory.exists(staging))
        #expect(directory.exists("public/r/ada/index.html") && directory.exists("public/stats") && directory.exists("public/index.html"))

        // One entry gone: it alone is written anew, whole; the rest is compared file by file.
        let stats = try FileManager.default.subpathsOfDirectory(atPath: directory.file("public/stats")).filter { $0.hasSuffix(".html") }
        try FileManager.default.removeItem(atPath: directory.file("public/stats"))
        let again = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(again.written == stats.count)
        #expect(stats.allSatisfy { directory.exists("public/stats/" + $0) })
        #expect(!directory.exists(staging))
    }

    /// What a killed build leaves (its staging folder; its temporary files anywhere in the tree,
    /// which its pending marker points to) is removed by the next build, even one with nothing
    /// to do, also when its pid belongs to a running process by then (another program's, after
    /// a restart, or the next build's own, in a container where the build is always pid 1); a
    /// running build's, whose marker it holds a lock on, is kept.
    @Test func leftoversOfADeadBuildAreRemovedAndALiveOnesAreKept() throws {
        let site = fixtureWithReferrals()
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let before = try directory.snapshot()
        let dead = Int32.max  // above any pid_max, so no such process
        let reused = 1  // init's now: a running process, but no writer holds the marker
        let own = ProcessInfo.processInfo.processIdentifier
        let live = 2  // a writer that holds its marker, as a running build does
        var deadFiles: [String] = []
        for pid in [Int(dead), reused, Int(own)] {
            deadFiles += ["public/.advocate-staging-\(pid)/r/ada/index.html", "public/.advocate-pending-\(pid)",
                          "public/r/ada/.index.html.advocate-tmp-\(pid)", "public/stats/.index.html.advocate-tmp-\(pid)"]
        }
        let liveFiles = ["public/.advocate-staging-\(live)/r/ada/index.html", "public/.advocate-pending-\(live)",
                         "public/r/ada/.index.html.advocate-tmp-\(live)"]
        for path in deadFiles + liveFiles { try directory.write(path, "left by a build") }
        let held = open(directory.file("public/.advocate-pending-\(live)"), O_RDONLY)
        #expect(held >= 0 && flock(held, LOCK_SH) == 0)
        defer { close(held) }

        let report = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(report.written == 0)
        for path in deadFiles { #expect(!directory.exists(path), "\(path)") }
        #expect(!directory.exists("public/.advocate-staging-\(dead)"))
        for path in liveFiles { #expect(directory.exists(path), "\(path)") }
        for path in liveFiles { try FileManager.default.removeItem(atPath: directory.file(path)) }
        try FileManager.default.removeItem(atPath: directory.file("public/.advocate-staging-\(live)"))
        #expect(try directory.snapshot() == before)
    }

    /// A build killed while moving its files into place (its committing marker is left) had
    /// staged every file whole: the next build moves the rest into place, so the output is the
    /// killed build's site, not half old and half new; then it builds as usual.
    @Test func aBuildKilledWhileMovingFilesIntoPlaceIsFinishedByTheNext() throws {
        let site = fixtureWithReferrals()
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let dead = Int32.max  // above any pid_max, so no such process
        for path in ["public/.advocate-pending-\(dead)", "public/.advocate-committing-\(dead)"] { try directory.write(path, "") }
        try directory.write("public/r/bob/.index.html.advocate-tmp-\(dead)", "bob, as the killed build made him")
        try directory.write("public/.advocate-staging-\(dead)/extra/index.html", "a new entry of the killed build")
        try directory.write("public/.advocate-staging-\(dead)/r/ada/index.html", "an entry the output has: not moved")

        OutputWriter.finishInterruptedBuilds(in: directory.file("public"))
        #expect(try directory.read("public/r/bob/index.html") == "bob, as the killed build made him")
        #expect(try directory.read("public/extra/index.html") == "a new entry of the killed build")
        #expect(try directory.read("public/r/ada/index.html") != "an entry the output has: not moved")
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: directory.file("public")).filter { $0.contains(".advocate-") }
        #expect(leftovers.isEmpty, "\(leftovers)")

        // Without the committing marker, a killed build's files are thrown away instead.
        try directory.write("public/.advocate-pending-\(dead)", "")
        try directory.write("public/r/ada/.index.html.advocate-tmp-\(dead)", "half a build")
        OutputWriter.finishInterruptedBuilds(in: directory.file("public"))
        #expect(try directory.read("public/r/ada/index.html") != "half a build")
        #expect(!directory.exists("public/r/ada/.index.html.advocate-tmp-\(dead)") && !directory.exists("public/.advocate-pending-\(dead)"))

        let report = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(report.written == 1)
        #expect(try directory.read("public/r/bob/index.html").contains("<h1>Bob"))

        // The build that finishes another's move says so (its own counts leave those files out).
        for path in ["public/.advocate-pending-\(dead)", "public/.advocate-committing-\(dead)"] { try directory.write(path, "") }
        try directory.write("public/r/bob/.index.html.advocate-tmp-\(dead)", "bob again")
        try directory.write("public/.advocate-staging-\(dead)/more/a/index.html", "a")
        try directory.write("public/.advocate-staging-\(dead)/more/b/index.html", "b")
        let finishing = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(finishing.finishedForAnInterruptedBuild == 3)
        #expect(finishing.summary.hasSuffix("(first, 3 files of a build that was killed while moving them were moved into place)"), "\(finishing.summary)")
    }

    /// A file that cannot be moved into place (a folder where the page goes) does not stop the
    /// others: the error names it and says the rest is the new site, which it is, with nothing
    /// left behind. It said the output was left as it was while 21 pages had changed.
    @Test func aFileThatCannotBeMovedIntoPlaceIsNamedAndTheRestIsTheNewSite() throws {
        var site = fixtureWithReferrals()
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        try FileManager.default.removeItem(atPath: directory.file("public/r/ada/index.html"))
        try directory.write("public/r/ada/index.html/blocker", "a folder where the page goes")
        site.store.referrers[0].name = "Ada King"
        site.store.referrers[1].name = "Bob King"
        try site.store.write(to: directory)
        do {
            _ = try SiteBuilder.build(SiteFixture.options(directory))
            Issue.record("the build succeeded")
        } catch {
            guard case .partlyMoved(let message) = error else { Issue.record("\(error)"); return }
            #expect(message.contains("r/ada/index.html: cannot move the new file into place"), "\(message)")
            #expect(message.contains("1 file could not be moved into place"), "\(message)")
        }
        #expect(try directory.read("public/r/bob/index.html").contains("Bob King"))
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: directory.file("public")).filter { $0.contains(".advocate-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    /// A build writes only inside the output folder: a folder there that is a symbolic link is
    /// refused, naming it, and the output is left as it was; a page that is a link is replaced by
    /// the page, not written through. Ada's page had been written into the link's folder.
    @Test func aBuildNeverWritesThroughASymbolicLinkInTheOutput() throws {
        var site = fixtureWithReferrals()
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let outside = try TemporaryDirectory()
        try outside.write("victim/index.html", "keep")
        try outside.write("bob.html", "keep too")
        try FileManager.default.removeItem(atPath: directory.file("public/r/bob/index.html"))
        try FileManager.default.createSymbolicLink(atPath: directory.file("public/r/bob/index.html"), withDestinationPath: outside.file("bob.html"))
        site.store.referrers[1].name = "Bob King"
        try site.store.write(to: directory)
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(try outside.read("bob.html") == "keep too")
        #expect(try directory.read("public/r/bob/index.html").contains("Bob King"))
        #expect(try FileManager.default.attributesOfItem(atPath: directory.file("public/r/bob/index.html"))[.type] as? FileAttributeType == .typeRegular)

        try FileManager.default.removeItem(atPath: directory.file("public/r/ada"))
        try FileManager.default.createSymbolicLink(atPath: directory.file("public/r/ada"), withDestinationPath: outside.file("victim"))
        let before = try directory.snapshot()
        site.store.referrers[0].name = "Ada King"
        try site.store.write(to: directory)
        do {
            _ = try SiteBuilder.build(SiteFixture.options(directory))
            Issue.record("the build wrote through the link")
        } catch {
            #expect("\(error)".contains("public/r/ada: is a symbolic link (to \(outside.file("victim")))"), "\(error)")
        }
        #expect(try outside.read("victim/index.html") == "keep")
        #expect(!outside.exists("victim/qr.svg"))
        #expect(try directory.snapshot() == before)
    }

    /// What a build keeps in `.advocate/` is trusted only as far as it can be: a manifest line
    /// outside the output is never deleted (one naming the journal had the build delete it), a
    /// state file that is a link is replaced, not written through (a manifest linked to the roster
    /// had overwritten it), and pages the manifest does not list (an older `.advocate/` restored
    /// from a backup) are still removed when the site no longer has them.
    @Test func theBuildsOwnStateCannotMakeItTouchOtherFiles() throws {
        var site = fixtureWithReferrals()
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let journal = try directory.read("content/data/referrals.jsonl")
        try directory.write("outside.txt", "mine")
        let manifest = directory.file(".advocate/manifest.txt")
        try (directory.read(".advocate/manifest.txt") + "../content/data/referrals.jsonl\n/../outside.txt\n../outside.txt\nr/./x\n")
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        site.store.referrers[1].name = "Bob Renamed"
        try site.store.write(to: directory)
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(try directory.read("content/data/referrals.jsonl") == journal)
        #expect(try directory.read("outside.txt") == "mine")

        // A manifest linked to the roster: the link is replaced, the roster kept.
        let roster = try directory.read("content/data/referrers.json")
        try FileManager.default.removeItem(atPath: manifest)
        try FileManager.default.createSymbolicLink(atPath: manifest, withDestinationPath: directory.file("content/data/referrers.json"))
        site.store.referrers[1].name = "Bob Again"
        try site.store.write(to: directory)
        let rosterNow = try directory.read("content/data/referrers.json")
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(try directory.read("content/data/referrers.json") == rosterNow && rosterNow != roster)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: manifest)) == nil)

        // A manifest that does not list bob's pages (an older one restored), and bob gone from
        // the roster: his pages still go.
        site.store.referrers.removeAll { $0.code == "bob" }
        site.store.lines.removeAll { $0.contains(#""referrer":"bob""#) }
        try site.store.write(to: directory)
        try FileManager.default.removeItem(atPath: manifest)
        try "advocate-manifest 1\noutput \(URL(fileURLWithPath: directory.file("public")).standardizedFileURL.path)\nindex.html\n".write(toFile: manifest, atomically: true, encoding: .utf8)
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(!directory.exists("public/r/bob/index.html") && !directory.exists("public/stats/tok1xxxxxxxxxxxxxxxxxxxxxxxxx/index.html"))
        #expect(directory.exists("public/r/ada/index.html"))
    }

    /// A file where `.advocate/` goes is named as in the way, not as a folder to make writable.
    @Test func aFileWhereTheStateFolderGoesIsNamed() throws {
        let directory = try fixtureWithReferrals().write()
        try directory.write(".advocate", "not a folder")
        do {
            _ = try SiteBuilder.build(SiteFixture.options(directory))
            Issue.record("built")
        } catch {
            #expect(error.description.hasSuffix("a file has that name: move it away (the folder is made again)"), "\(error)")
            #expect(!directory.exists("public/index.html"))
        }
        // A folder where the list of output files goes: every build would fail until it is removed.
        try FileManager.default.removeItem(atPath: directory.file(".advocate"))
        try FileManager.default.createDirectory(atPath: directory.file(".advocate/manifest.txt"), withIntermediateDirectories: true)
        do {
            _ = try SiteBuilder.build(SiteFixture.options(directory))
            Issue.record("built")
        } catch {
            #expect(error.description.hasSuffix("a folder has its name, \(directory.file(".advocate/manifest.txt")): remove it"), "\(error)")
        }
    }

    /// A build leaves no pending marker behind when it finishes, nor when it fails.
    @Test func aBuildRemovesItsPendingMarker() throws {
        var site = fixtureWithReferrals()
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        site.store.referrers[0].name = "Ada King"
        try site.store.write(to: directory)
        let marker = "public/.advocate-pending-\(ProcessInfo.processInfo.processIdentifier)"
        #expect(try SiteBuilder.build(SiteFixture.options(directory)).written > 0)
        #expect(!directory.exists(marker))

        let blocker = "public/r/ada/.index.html.advocate-tmp-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: directory.file(blocker), withIntermediateDirectories: true)
        site.store.referrers[0].name = "Ada Byron"
        try site.store.write(to: directory)
        #expect(throws: BuildError.self) { try SiteBuilder.build(SiteFixture.options(directory)) }
        #expect(!directory.exists(marker))
    }

    @Test func hostileNamesRenderAsTextEverywhere() throws {
        var site = fixtureWithReferrals()
        site.store.referrers[1].name = "<img src=x onerror=alert(1)>"
        site.store.refer("ada", friend: "<script>alert(2)</script> Evil", email: "evil@example.org", at: "2026-03-07T09:30:00Z")
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        for (path, data) in try directory.snapshot() {
            let text = String(decoding: data, as: UTF8.self)
            #expect(!text.contains("<img src=x"), "raw markup in \(path)")
            #expect(!text.contains("<script>alert"), "raw markup in \(path)")
        }
        #expect(try directory.read("public/r/bob/index.html").contains("&lt;img src=x onerror=alert(1)&gt;"))
    }

    @Test func messagingPreviewEscapesValuesInMarkdownAndMeasuresLength() throws {
        var site = SiteFixture()
        site.store.referrers[0].name = "*Ada* <b>Lovelace</b>"
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let html = try directory.read("public/messaging/index.html")
        #expect(html.contains("<strong>*Ada* &lt;b&gt;Lovelace&lt;/b&gt;</strong>"))
        #expect(html.contains("SMS a"))
        #expect(html.contains("SMS b"))
        #expect(html.contains("1 segment · GSM-7"))
        #expect(html.contains(#"<meta name="robots" content="noindex">"#))
    }

    @Test func asOfIsStatedAndFixedByTheOption() throws {
        let directory = try fixtureWithReferrals().write()
        let report = try SiteBuilder.build(SiteFixture.options(directory, asOf: "2026-03-01"))
        #expect(report.asOf.iso8601 == "2026-03-01T23:59:59.999Z")
        let html = try directory.read("public/" + statsPath)
        #expect(html.contains("as of 2026-03-01 23:59 UTC"))
        #expect(html.contains("1 referrals, 0 converted"))
    }
}
