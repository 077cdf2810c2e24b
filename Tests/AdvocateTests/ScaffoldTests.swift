import Foundation
import Testing
@testable import Advocate

@Suite struct ScaffoldTests {
    @Test func newProgramBuildsAtOnce() throws {
        let directory = try TemporaryDirectory()
        let site = directory.file("program")
        let today = try #require(CalendarDay("2026-12-04"))
        let written = try Scaffold.create(in: site, name: "Zoë's \"Rewards\"", baseURL: "https://refer.zoe.example", force: false,
                                          today: today)
        #expect(written.contains("templates/layout.mustache"))
        #expect(written.contains("content/data/program.json"))
        // A new program's server sends the emails the README's walkthrough promises.
        let report = try SiteBuilder.build(BuildOptions(source: site))
        let sent = try SiteInputs.load(BuildOptions(source: site)).content.messages.compactMap(\.notification)
        #expect(Set(sent) == [.referralToFriend, .referralToReferrer, .joinToReferrer], "\(sent)")
        // With no journal event yet, the pages state figures as of the day the program began.
        #expect(report.asOf == today.end)
        #expect(report.filesByKind.first { $0.kind == "referrer" }?.count == 2)
        let store = try StoreLoader.load(from: site + "/content/data").store
        #expect(store.program.name == "Zoë's \"Rewards\"")
        #expect(StoreRules.isValidToken(store.program.analyticsToken))
        #expect(store.referrers.allSatisfy { StoreRules.isValidToken($0.statsToken) && $0.joined == today })
        let home = try String(contentsOfFile: site + "/public/index.html", encoding: .utf8)
        #expect(home.contains("<title>Refer a friend, get rewarded · Zoë&#39;s &quot;Rewards&quot;</title>"), "\(home.prefix(400))")
        // A page titled with the program's name says it once in the browser's tab.
        #expect(PageContext.documentTitle("Acme Rewards", siteName: "Acme Rewards") == "Acme Rewards")
        #expect(PageContext.documentTitle("Terms", siteName: "Acme Rewards") == "Terms · Acme Rewards")
        #expect(PageContext.documentTitle("Ada invites you to Acme Rewards", siteName: "Acme Rewards") == "Ada invites you to Acme Rewards")
        #expect(PageContext.documentTitle("Referral tips", siteName: "Refer") == "Referral tips · Refer")
        #expect(PageContext.documentTitle("Join Refer!", siteName: "Refer") == "Join Refer!")
        #expect(PageContext.documentTitle("阿克米奖励", siteName: "阿克米") == "阿克米奖励")
        let statsPage = try String(contentsOfFile: site + "/public" + SiteURLs.statsPath(store.referrers[0].statsToken) + "index.html", encoding: .utf8)
        #expect(statsPage.contains("2026-12-04T23:59:59.999Z") && !statsPage.contains("1970"))
    }

    /// A program with no referrer yet (one that grows through the join form) checks clean: its
    /// /messaging/ preview is for a made-up referrer, whose link it shows without linking to it.
    @Test func aProgramWithNoReferrerYetChecksClean() throws {
        let directory = try TemporaryDirectory()
        let site = directory.file("program")
        _ = try Scaffold.create(in: site, name: "Acme", baseURL: "https://refer.acme.example", force: false, today: try #require(CalendarDay("2026-12-04")))
        try directory.write("program/content/data/referrers.json", "[]\n")
        // A message that links its link, as the bundled example's email does.
        try directory.write("program/content/messaging/linked.md", "---\ntitle: Linked\nchannel: email\nsubject: Hi\n---\nJoin at [{{link}}]({{link}}).\n")
        let found = SiteChecker.check(BuildOptions(source: site)).diagnostics
        #expect(!found.contains { $0.severity == .error }, "\(found)")
        let report = try SiteBuilder.build(BuildOptions(source: site))
        // Nothing dates its figures: the summary says so, not "as of 1970-01-01".
        #expect(report.summary.hasPrefix("no referrals yet\n"), "\(report.summary)")
        let messaging = try String(contentsOfFile: site + "/public/messaging/index.html", encoding: .utf8)
        #expect(messaging.contains("Sample link: <span dir=\"ltr\">https://refer.acme.example/r/sample/</span> (made up: the program has no referrer yet)."), "\(messaging)")
    }

    /// The starter theme's byline: the author, the date, or both with a dot between, on the
    /// stories list and on a story's own page.
    @Test func theStarterThemesBylineShowsWhatAStoryHas() throws {
        let directory = try TemporaryDirectory()
        let site = directory.file("program")
        _ = try Scaffold.create(in: site, name: "Acme", baseURL: "https://refer.acme.example", force: false, today: try #require(CalendarDay("2026-12-04")))
        try directory.write("program/content/stories/both.md", "---\ntitle: Both\nauthor: Ada\ndate: 2026-11-02\n---\nText.\n")
        try directory.write("program/content/stories/author.md", "---\ntitle: Author\nauthor: Grace\n---\nText.\n")
        try directory.write("program/content/stories/date.md", "---\ntitle: Date\ndate: 2026-11-01\n---\nText.\n")
        _ = try SiteBuilder.build(BuildOptions(source: site))
        let time = { (day: String) in "<time datetime=\"\(day)\">\(day)</time>" }
        let expected = ["both": "<bdi>Ada</bdi> · " + time("2026-11-02"), "author": "<bdi>Grace</bdi></p>", "date": "<p class=\"meta\">" + time("2026-11-01")]
        let list = try String(contentsOfFile: site + "/public/stories/index.html", encoding: .utf8)
        for (slug, byline) in expected {
            let page = try String(contentsOfFile: site + "/public/stories/\(slug)/index.html", encoding: .utf8)
            #expect(page.contains(byline) && list.contains(byline), "\(slug)")
        }
    }

    /// Without content/faq.md or terms.md, the starter theme links to neither page: every page's
    /// menu and footer had linked to a page that was not built.
    @Test func theStarterThemeLinksToNoPageThatIsNotBuilt() throws {
        let directory = try TemporaryDirectory()
        let site = directory.file("program")
        _ = try Scaffold.create(in: site, name: "Acme", baseURL: "https://refer.acme.example", force: false, today: try #require(CalendarDay("2026-12-04")))
        let withBoth = try SiteBuilder.build(BuildOptions(source: site))
        #expect(try String(contentsOfFile: site + "/public/index.html", encoding: .utf8).contains(#"href="/faq/""#), "\(withBoth.asOf)")
        try FileManager.default.removeItem(atPath: site + "/content/faq.md")
        try FileManager.default.removeItem(atPath: site + "/content/terms.md")
        _ = try SiteBuilder.build(BuildOptions(source: site))
        let pages = try FileManager.default.subpathsOfDirectory(atPath: site + "/public").filter { $0.hasSuffix(".html") }
        #expect(pages.count > 5)
        for page in pages {
            let html = try String(contentsOfFile: site + "/public/" + page, encoding: .utf8)
            #expect(!html.contains(#"href="/faq/""#) && !html.contains(#"href="/terms/""#), "\(page)")
        }
        let found = SiteChecker.check(BuildOptions(source: site)).diagnostics
        #expect(!found.contains { $0.message.contains("broken") }, "\(found)")
    }

    /// The optional page templates may be removed (docs/theme.md): the layout's test for their
    /// page (`page.is.leaderboard`) is no unknown value then.
    @Test func theStarterThemeChecksCleanWithoutItsOptionalPages() throws {
        let directory = try TemporaryDirectory()
        let site = directory.file("program")
        _ = try Scaffold.create(in: site, name: "Acme", baseURL: "https://refer.acme.example", force: false, today: try #require(CalendarDay("2026-12-04")))
        for optional in ["leaderboard", "join", "joined"] {
            try FileManager.default.removeItem(atPath: site + "/templates/\(optional).mustache")
        }
        let found = SiteChecker.check(BuildOptions(source: site)).diagnostics
        #expect(!found.contains { $0.message.contains("is not a value any page provides") }, "\(found)")
    }

    /// program.json's `language` sets the pages' language and, for one written right to left, their direction.
    @Test func theProgramsLanguageSetsThePagesLanguageAndDirection() throws {
        let directory = try TemporaryDirectory()
        let site = directory.file("program")
        _ = try Scaffold.create(in: site, name: "Acme", baseURL: "https://refer.acme.example", force: false, today: try #require(CalendarDay("2026-12-04")))
        _ = try SiteBuilder.build(BuildOptions(source: site))
        #expect(try String(contentsOfFile: site + "/public/faq/index.html", encoding: .utf8).contains("<html lang=\"en\" dir=\"ltr\">"))
        let program = site + "/content/data/program.json"
        let json = try String(contentsOfFile: program, encoding: .utf8)
        // A new program says its language, so a team finds where to set it.
        #expect(json.contains("\"language\": \"en\","))
        try json.replacingOccurrences(of: "\"language\": \"en\"", with: "\"language\": \"ar-EG\"").write(toFile: program, atomically: true, encoding: .utf8)
        _ = try SiteBuilder.build(BuildOptions(source: site))
        for page in ["faq/index.html", "index.html", "404.html"] {
            #expect(try String(contentsOfFile: site + "/public/" + page, encoding: .utf8).contains("<html lang=\"ar-EG\" dir=\"rtl\">"), "\(page)")
        }
        // An address reads left to right on a right-to-left page: its slash had landed at its start.
        let share = try String(contentsOfFile: site + "/public/r/" + (try StoreLoader.load(from: site + "/content/data").store.referrers[0].code) + "/index.html", encoding: .utf8)
        #expect(share.contains("<p class=\"share-link\"><a href=\"https://refer.acme.example/r/") && share.contains("/\" dir=\"ltr\">https://"), "\(share)")
    }

    @Test(arguments: [("en", "ltr"), ("ar", "rtl"), ("he-IL", "rtl"), ("fa", "rtl"), ("ku-Arab", "rtl"), ("az-Latn", "ltr"), ("pt-BR", "ltr"), ("ur", "rtl"), ("prs", "rtl"), ("pnb", "rtl"), ("azb", "rtl"), ("ji", "rtl"), ("ks", "rtl"), ("nqo", "rtl"),
                      ("ar-u-nu-latn", "rtl"), ("fa-u-ca-pers", "rtl"), ("he-x-test", "rtl"), ("en-u-nu-arab", "ltr")])
    func aLanguagesDirection(_ tag: String, _ direction: String) {
        #expect(Program.direction(ofLanguage: tag) == direction)
    }

    @Test func refusesANonEmptyFolderAndNeverOverwrites() throws {
        let directory = try TemporaryDirectory()
        try directory.write("content/index.md", "mine")
        #expect(throws: Scaffold.Refusal.self) {
            try Scaffold.create(in: directory.path, name: "X", baseURL: "https://x.example", force: false)
        }
        try directory.write(".gitignore", "node_modules/\n*.jsonl.lock")
        let written = try Scaffold.create(in: directory.path, name: "X", baseURL: "https://x.example", force: true)
        #expect(!written.contains("content/index.md"))
        #expect(try directory.read("content/index.md") == "mine")
        // A repository's own .gitignore keeps its lines and gains the one that keeps the outbox out of git.
        #expect(written.contains(".gitignore"))
        #expect(try directory.read(".gitignore") == "node_modules/\n*.jsonl.lock\n.advocate/\n")
    }

    /// A file where the new site has a folder stops init before it writes anything, where it
    /// had left content/ and templates/ half made.
    @Test func aFileWhereAFolderGoesIsNamedBeforeAnythingIsWritten() throws {
        let directory = try TemporaryDirectory()
        try directory.write("content/data", "not a folder")
        do {
            _ = try Scaffold.create(in: directory.path, name: "X", baseURL: "https://x.example", force: true)
            Issue.record("init went on")
        } catch {
            #expect("\(error)" == "\(directory.file("content/data")) is a file where a new site has a folder; move it aside, then run init again (nothing was written)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["content"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("content")) == ["data"])
        // A link to nowhere in a folder's place too.
        let linked = try TemporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: linked.file("content"), withDestinationPath: linked.file("nowhere"))
        #expect {
            try Scaffold.create(in: linked.path, name: "X", baseURL: "https://x.example", force: true)
        } throws: { "\($0)".hasPrefix("\(linked.file("content")) is a symbolic link to \(linked.file("nowhere")), which cannot be followed") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: linked.path) == ["content"])
        // And where a file goes: it had been written through, after five others.
        let fileLink = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: fileLink.file("templates"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: fileLink.file("templates/home.mustache"), withDestinationPath: fileLink.file("nodir/home.mustache"))
        #expect {
            try Scaffold.create(in: fileLink.path, name: "X", baseURL: "https://x.example", force: true)
        } throws: { "\($0)".hasPrefix("\(fileLink.file("templates/home.mustache")) is a symbolic link to ") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: fileLink.file("templates")) == ["home.mustache"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: fileLink.path) == ["templates"])
    }

    @Test func embeddedStarterThemeMatchesTemplates() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let templates = root.appendingPathComponent("templates").path
        let onDisk = ContentLoader.listFiles(templates)
        #expect(StarterTheme.files.map(\.path) == onDisk, "run scripts/embed-theme")
        for file in StarterTheme.files {
            let text = try String(contentsOfFile: templates + "/" + file.path, encoding: .utf8)
            #expect(text == file.text, "\(file.path) changed: run scripts/embed-theme")
        }
    }
}
