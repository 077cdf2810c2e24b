import Foundation
import Testing
@testable import Advocate

/// The make-style shortcut of a build with nothing to do, over real files.
@Suite struct BuildStampTests {
    @Test func aSecondBuildWithNothingChangedIsUpToDate() throws {
        let directory = try SiteFixture().write()
        let options = SiteFixture.options(directory)
        let first = try SiteBuilder.build(options)
        #expect(SiteBuilder.upToDate(options, inputDigest: InputDigests(options).all) != nil)
        let second = try SiteBuilder.build(options)
        #expect(second.written == 0)
        #expect(second.total == first.total)
        #expect(second.asOf == first.asOf)
        #expect(second.filesByKind.map(\.kind) == first.filesByKind.map(\.kind))
        #expect(second.filesByKind.map(\.count) == first.filesByKind.map(\.count))
    }

    /// A file rewritten in place to the same size, its modification time set back (`cp -p`,
    /// `touch -r`), is still an input that changed: the build had said nothing to do and kept
    /// twelve stale pages.
    @Test func anEditKeepingSizeAndModificationTimeIsStillSeen() throws {
        let directory = try SiteFixture().write()
        let options = SiteFixture.options(directory)
        _ = try SiteBuilder.build(options)
        let program = directory.file("content/data/program.json")
        var before = stat()
        #expect(stat(program, &before) == 0)
        let text = try directory.read("content/data/program.json")
        #expect(text.contains("20% off the first order"))
        let handle = try #require(FileHandle(forWritingAtPath: program))
        try handle.write(contentsOf: Data(text.replacingOccurrences(of: "20% off the first order", with: "30% off the first order").utf8))
        try handle.close()
        let times = [before.st_atim, before.st_mtim]  // to the nanosecond, as `touch -r` does
        #expect(utimensat(AT_FDCWD, program, times, 0) == 0)
        var after = stat()
        #expect(stat(program, &after) == 0 && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec && after.st_size == before.st_size && after.st_ino == before.st_ino)
        #expect(SiteBuilder.upToDate(options, inputDigest: InputDigests(options).all) == nil)
        #expect(try SiteBuilder.build(options).written > 0)
        #expect(try directory.read("public/messaging/index.html").contains("30% off the first order"))
    }

    @Test func theServersJournalLockIsNotAnInput() throws {
        let directory = try SiteFixture().write()
        let options = SiteFixture.options(directory)
        _ = try SiteBuilder.build(options)
        // `advocate serve` writes its pid into the lock on every start.
        try directory.write("content/data/referrals.jsonl.lock", "12345\n")
        #expect(SiteBuilder.upToDate(options, inputDigest: InputDigests(options).all) != nil)
        try directory.write("content/data/referrals.jsonl", "")
        #expect(SiteBuilder.upToDate(options, inputDigest: InputDigests(options).all) == nil)
    }

    @Test func aNewJournalLineRendersOnlyThePagesThatShowIt() throws {
        var site = SiteFixture()
        let newest = "2026-03-01T10:00:00Z"
        _ = site.store.refer("bob", friend: "Alan Turing", email: "alan@example.org", at: newest)
        let directory = try site.write()
        let options = SiteFixture.options(directory)
        let first = try SiteBuilder.build(options)
        #expect(first.rendered == first.total)
        // Dated at the newest event, so the as-of (which every stats page states) stays.
        _ = site.store.refer("ada", friend: "Edsger Dijkstra", email: "edsger@example.org", at: newest)
        try site.store.writeJournal(to: directory)
        // Without the snapshot (``AppendedReferralsTests``), the page record decides what is rendered.
        BuildSnapshot.remove(options)
        let second = try SiteBuilder.build(options)
        #expect(second.written == 2, "ada's stats page and the analytics: \(second.summary)")
        let referrerPages = site.store.referrers.count * 3
        #expect(second.rendered == second.total - referrerPages + 1, "only ada's stats page of the referrer pages: \(second.summary)")
        // A page edited by hand is made again even though its inputs did not change.
        try directory.write("public/r/ada/index.html", "edited by hand")
        let third = try SiteBuilder.build(options)
        #expect(third.written == 1)
        #expect(try directory.read("public/r/ada/index.html").contains("<html"))
    }

    /// A referral later than every event moves the as-of, which only the stats pages show: each
    /// is rendered again, the share pages and QR codes are not, unless an offer starts or ends
    /// between the two as-ofs (every share page shows the offer running).
    @Test func aLaterReferralRendersTheStatsPagesAndNotTheSharePages() throws {
        var site = SiteFixture()
        site.store.offers = #"[{"name": "Spring week", "from": "2026-03-05", "until": "2026-03-07", "referrerAmount": 50}]"#
        site.pageTemplates["referrer"] = "{{<layout}}{{$main}}<h1>{{referrer.name}}</h1>{{#site.offer}}<p>{{site.offer.name}}</p>{{/site.offer}}{{/main}}{{/layout}}"
        _ = site.store.refer("bob", friend: "Alan Turing", email: "alan@example.org", at: "2026-03-01T10:00:00Z")
        let directory = try site.write()
        let options = SiteFixture.options(directory)
        _ = try SiteBuilder.build(options)
        let referrers = site.store.referrers.count

        _ = site.store.refer("ada", friend: "Edsger Dijkstra", email: "edsger@example.org", at: "2026-03-02T10:00:00Z")
        try site.store.writeJournal(to: directory)
        let later = try SiteBuilder.build(options)
        #expect(later.rendered == later.total - 2 * referrers, "every stats page, no share page or QR code: \(later.summary)")
        #expect(later.written >= referrers, "each stats page states the new as-of: \(later.summary)")
        #expect(try !directory.read("public/r/bob/index.html").contains("Spring week"))

        _ = site.store.refer("ada", friend: "Barbara Liskov", email: "barbara@example.org", at: "2026-03-06T10:00:00Z")
        try site.store.writeJournal(to: directory)
        let duringTheOffer = try SiteBuilder.build(options)
        #expect(duringTheOffer.rendered == duringTheOffer.total - referrers, "the share pages too, not the QR codes: \(duringTheOffer.summary)")
        #expect(try directory.read("public/r/bob/index.html").contains("Spring week"))
    }

    /// The home page, terms, FAQ and stories are shown only on their own pages: an edit of the FAQ
    /// renders no referrer page. Whether there are stories (the menu's link) still counts.
    @Test func anEditedFAQRendersNoReferrerPageButTheLastStoryGoneRendersTheirMenus() throws {
        var site = SiteFixture()
        site.pageTemplates["layout"] = site.pageTemplates["layout"]!
            .replacingOccurrences(of: "<body>", with: "<body>{{#site.hasStories}}<a href=\"/stories/\">Stories</a>{{/site.hasStories}}")
        let directory = try site.write()
        let options = SiteFixture.options(directory)
        _ = try SiteBuilder.build(options)
        let referrers = site.store.referrers.count
        #expect(try directory.read("public/r/bob/index.html").contains("Stories"))

        try directory.write("content/faq.md", "---\ntitle: FAQ\n---\n## How?\n\nLike that.\n")
        let edited = try SiteBuilder.build(options)
        #expect(edited.written == 1 && edited.rendered == edited.total - 3 * referrers, "\(edited.summary)")
        #expect(try directory.read("public/faq/index.html").contains("Like that."))

        try FileManager.default.removeItem(atPath: directory.file("content/stories/first-story.md"))
        let noStories = try SiteBuilder.build(options)
        #expect(noStories.rendered == noStories.total - referrers, "every page but the QR codes: \(noStories.summary)")
        #expect(try !directory.read("public/r/bob/index.html").contains("Stories"))
    }

    /// A QR code shows its link and nothing else: a new theme renders every page but the QR
    /// codes; a new baseURL (new links) renders them all.
    @Test func aNewThemeRendersNoQRCodeButANewBaseURLRendersThemAll() throws {
        let site = SiteFixture()
        let directory = try site.write()
        let options = SiteFixture.options(directory)
        _ = try SiteBuilder.build(options)
        let referrers = site.store.referrers.count
        let code = try #require(site.store.referrers.first?.code)
        let qrCode = try directory.read("public/r/\(code)/qr.svg")

        try directory.write("templates/layout.mustache", site.pageTemplates["layout"]!.replacingOccurrences(of: "<body>", with: "<body><p>A new theme</p>"))
        let themed = try SiteBuilder.build(options)
        #expect(themed.rendered == themed.total - referrers, "every page but the QR codes: \(themed.summary)")
        #expect(try directory.read("public/r/\(code)/index.html").contains("A new theme"))

        let program = try directory.read("content/data/program.json")
        try directory.write("content/data/program.json", program.replacingOccurrences(of: "https://refer.acme.example", with: "https://refer.acme.test"))
        let moved = try SiteBuilder.build(options)
        #expect(moved.rendered == moved.total, "\(moved.summary)")
        #expect(try directory.read("public/r/\(code)/qr.svg") != qrCode)
    }

    /// A status (no new referral, the counts unchanged) changes what the referrer's stats page
    /// shows, so its digest changes and it alone of the referrer pages is rendered again.
    @Test func aStatusChangeRendersTheStatsPageThatShowsIt() throws {
        var site = SiteFixture()
        let newest = "2026-03-01T10:00:00Z"
        let id = site.store.refer("bob", friend: "Alan Turing", email: "alan@example.org", at: newest)
        _ = site.store.refer("ada", friend: "Edsger Dijkstra", email: "edsger@example.org", at: "2026-02-01T10:00:00Z")
        let directory = try site.write()
        let options = SiteFixture.options(directory)
        _ = try SiteBuilder.build(options)
        let bob = try #require(site.store.referrers.firstIndex { $0.code == "bob" })
        let token = "tok\(bob)xxxxxxxxxxxxxxxxxxxxxxxxx"  // as StoreFixture writes it
        #expect(try !directory.read("public/stats/\(token)/index.html").contains("Contacted"))
        site.store.status(id, "contacted", at: newest)
        try site.store.writeJournal(to: directory)
        BuildSnapshot.remove(options)
        let second = try SiteBuilder.build(options)
        #expect(second.rendered == second.total - site.store.referrers.count * 3 + 1, "\(second.summary)")
        #expect(try directory.read("public/stats/\(token)/index.html").contains("Contacted"))
    }

    /// After a change every page shares (here the 404 template), every referrer page is rendered
    /// again and compared with its file by the digest the page record keeps of it, without
    /// reading the file when it is as the last build left it (its size, time and inode change
    /// time, which the record trusts as it does to skip rendering). A file changed since is read
    /// and set right, one edited to the same size with its time put back too (`cp -p`): it was
    /// trusted, and kept its hand edit.
    @Test func renderedPagesAreComparedByDigestWithFilesAsTheLastBuildLeftThem() throws {
        var site = SiteFixture()
        _ = site.store.refer("bob", friend: "Alan Turing", email: "alan@example.org", at: "2026-03-01T10:00:00Z")
        let directory = try site.write()
        let options = SiteFixture.options(directory)
        _ = try SiteBuilder.build(options)
        let asLeft = "public/r/ada/index.html", edited = "public/r/bob/index.html"
        // Other bytes of the same size, and the time put back: only reading could tell.
        let size = try directory.read(asLeft).utf8.count
        var info = stat()
        #expect(stat(directory.file(asLeft), &info) == 0)
        try directory.write(asLeft, String(repeating: "x", count: size))
        let times = [info.st_atim, info.st_mtim]
        #expect(utimensat(AT_FDCWD, directory.file(asLeft), times, 0) == 0)
        try directory.write(edited, String(repeating: "y", count: try directory.read(edited).utf8.count))

        try directory.write("templates/404.mustache", "{{<layout}}{{$main}}<h1>Lost</h1>{{/main}}{{/layout}}")
        let second = try SiteBuilder.build(options)
        #expect(second.rendered == second.total - site.store.referrers.count, "every page but the QR codes: \(second.summary)")
        #expect(second.written == 3, "the 404 page and the two edited pages: \(second.summary)")
        #expect(try directory.read(asLeft).contains("<html"))
        #expect(try directory.read(edited).contains("<html"))
    }

    /// A page record in another format (an older advocate's, whose digests of the bytes were
    /// SHA-256's) is not trusted: every page is rendered and compared by reading its file, and
    /// none that came out the same is written.
    @Test func aPageRecordOfAnotherFormatIsIgnoredAndNothingSameIsWritten() throws {
        let directory = try SiteFixture().write()
        let options = SiteFixture.options(directory)
        let first = try SiteBuilder.build(options)
        let record = try directory.read(".advocate/pages.txt")
        #expect(record.hasPrefix(PageRecord.header + "\n"))
        try directory.write(".advocate/pages.txt", record.replacingOccurrences(of: PageRecord.header, with: "advocate-pages 3"))
        BuildStamp.remove(options)
        BuildSnapshot.remove(options)
        let second = try SiteBuilder.build(options)
        #expect(second.rendered == first.total && second.written == 0, "\(second.summary)")
        #expect(try directory.read(".advocate/pages.txt").hasPrefix(PageRecord.header + "\n"))
    }

    @Test func anEditedInputIsBuilt() throws {
        var site = SiteFixture()
        let directory = try site.write()
        let options = SiteFixture.options(directory)
        _ = try SiteBuilder.build(options)
        site.store.referrers[0].name = "Ada King"
        try site.store.write(to: directory)
        #expect(SiteBuilder.upToDate(options, inputDigest: InputDigests(options).all) == nil)
        let report = try SiteBuilder.build(options)
        #expect(report.written > 0)
        #expect(try directory.read("public/r/ada/index.html").contains("Ada"))
        #expect(try directory.read("public/r/ada/index.html").contains("invites you"))
        try directory.write("templates/thanks.mustache", "{{<layout}}{{$main}}<p>Merci!</p>{{/main}}{{/layout}}")
        _ = try SiteBuilder.build(options)
        #expect(try directory.read("public/thanks/index.html").contains("Merci!"))
    }

    @Test func aDeletedOrEditedOutputFileIsMadeAgain() throws {
        let directory = try SiteFixture().write()
        let options = SiteFixture.options(directory)
        _ = try SiteBuilder.build(options)
        let original = try directory.read("public/r/ada/index.html")
        try FileManager.default.removeItem(atPath: directory.file("public/r/ada/index.html"))
        #expect(try SiteBuilder.build(options).written == 1)
        #expect(try directory.read("public/r/ada/index.html") == original)
        try directory.write("public/robots.txt", "edited by hand")
        #expect(try SiteBuilder.build(options).written == 1)
        #expect(try directory.read("public/robots.txt").contains("Sitemap:"))
        // A share page edited in place to the same size, its time set back (`cp -p`, `rsync -a`):
        // the page record took it for the build's own, and no build set it right.
        let page = directory.file("public/r/ada/index.html")
        var before = stat()
        #expect(stat(page, &before) == 0)
        let handle = try #require(FileHandle(forWritingAtPath: page))
        try handle.write(contentsOf: Data(original.replacingOccurrences(of: "Ada Lovelace", with: "Eve Lovelace").utf8))
        try handle.close()
        #expect(utimensat(AT_FDCWD, page, [before.st_atim, before.st_mtim], 0) == 0)
        #expect(try SiteBuilder.build(options).written == 1)
        #expect(try directory.read("public/r/ada/index.html") == original)
    }

    /// A build with warnings keeps its stamp and its warnings: the next build with nothing
    /// changed renders nothing and repeats them, word for word. Before, it kept no stamp, so a
    /// store with one unknown field made every build a full one (4.4 s rather than 0.5 s at
    /// 100,000 referrers).
    @Test func aBuildWithWarningsIsSkippedAndRepeatsThem() throws {
        let directory = try SiteFixture().write()
        let options = SiteFixture.options(directory)
        // An unknown key in program.json is a warning, which every build must repeat.
        let program = try directory.read("content/data/program.json")
        try directory.write("content/data/program.json", program.replacingOccurrences(of: "{", with: "{\"colour\": \"line\\nbreak\",", options: [], range: program.range(of: "{")))
        let first = try SiteBuilder.build(options)
        #expect(first.warnings.count == 1, "\(first.warnings)")
        let second = try SiteBuilder.build(options)
        #expect(second.rendered == 0 && second.written == 0, "\(second.summary)")
        #expect(second.warnings == first.warnings)
        // Fixed, the warning goes: the stamp no longer matches the inputs.
        try directory.write("content/data/program.json", program)
        let fixed = try SiteBuilder.build(options)
        #expect(fixed.warnings.isEmpty)
        #expect(try SiteBuilder.build(options).warnings.isEmpty)
    }

    @Test func theDigestIsStableAndSeesSizeAndTime() throws {
        let directory = try SiteFixture().write()
        let options = SiteFixture.options(directory)
        let before = InputDigests(options).all
        #expect(InputDigests(options).all == before)
        let file = directory.file("content/faq.md")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000)], ofItemAtPath: file)
        #expect(InputDigests(options).all != before)
    }
}
