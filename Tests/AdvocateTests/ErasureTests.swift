import Foundation
import Testing
@testable import Advocate

@Suite struct ErasureTests {
    /// The fixture's store, with Ada's referral of Grace (grace@example.org), in a new folder.
    func storeWithGracesReferral() throws -> TemporaryDirectory {
        var fixture = StoreFixture()
        fixture.refer("ada", friend: "Grace Hopper", email: "grace@example.org", at: "2026-03-01T09:00:00Z")
        let directory = try TemporaryDirectory()
        try fixture.write(to: directory)
        return directory
    }

    @Test func forgettingAFriendOrAReferrerKeepsEveryFigure() throws {
        var fixture = StoreFixture()
        let first = fixture.refer("ada", friend: "Grace Hopper", email: "Grace@Example.org", at: "2026-03-01T09:00:00Z")
        fixture.status(first, "converted", at: "2026-03-02T09:00:00Z")
        fixture.refer("bob", friend: "Grace H", email: " grace@example.org", at: "2026-03-03T09:00:00Z")
        fixture.refer("bob", friend: "Bob Himself", email: "bob@example.com", at: "2026-03-04T09:00:00Z")
        fixture.refer("ada", friend: "Bob Builder", email: "BOB@example.com", at: "2026-03-05T09:00:00Z")
        let directory = try TemporaryDirectory()
        try fixture.write(to: directory)
        let data = directory.file("content/data")
        let asOf = CalendarDay("2026-06-30")!.end
        let before = FigureCalculator.compute(try StoreLoader.load(from: data).store, asOf: asOf).json

        let friend = try Erasure.forget(email: "GRACE@example.org", dataDirectory: data, now: .now)
        #expect(friend == Erasure.Report(referrals: 2, referrers: 0))
        let referrer = try Erasure.forget(email: "bob@example.com", dataDirectory: data, now: .now)
        #expect(referrer == Erasure.Report(referrals: 2, referrers: 1))

        let after = FigureCalculator.compute(try StoreLoader.load(from: data).store, asOf: asOf).json
        #expect(after == before)
        for file in ["referrals.jsonl", "referrers.json", "erasures.log"] {
            let text = try directory.read("content/data/\(file)").lowercased()
            #expect(!text.contains("grace@example.org"), "\(file)")
            #expect(!text.contains("bob@example.com"), "\(file)")
            #expect(!text.contains("grace h"), "\(file)")
        }
        let log = try directory.read("content/data/erasures.log").split(separator: "\n")
        #expect(log.count == 2)
        #expect(log[1].contains(#""referrals":2,"referrers":1"#))
    }

    /// A `forget` killed while writing the new journal leaves its partial copy
    /// (`referrals.jsonl.tmp-<pid>`), which still holds friends' emails: the next command that
    /// takes the store's lock (this erasure, the server, `referrers add`) deletes it, and no
    /// other file.
    @Test func aCopyLeftByAKilledWriterIsDeletedByTheNextOneToTakeTheLock() throws {
        let directory = try storeWithGracesReferral()
        let data = directory.file("content/data")
        let leftovers = ["referrals.jsonl.tmp-99999", "referrers.json.tmp-4242"]
        let kept = ["referrals.jsonl.tmp-x1", "notes.tmp-1"]
        for name in leftovers + kept { try directory.write("content/data/\(name)", "grace@example.org\n") }
        _ = try Erasure.forget(email: "grace@example.org", dataDirectory: data, now: .now)
        for name in leftovers { #expect(!directory.exists("content/data/\(name)"), "\(name)") }
        for name in kept { #expect(directory.exists("content/data/\(name)"), "\(name)") }

        // A journal kept elsewhere through a link: its copy is written beside the target.
        let volume = directory.file("volume")
        try FileManager.default.createDirectory(atPath: volume, withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: directory.file("content/data/referrals.jsonl"), toPath: volume + "/referrals.jsonl")
        try FileManager.default.createSymbolicLink(atPath: directory.file("content/data/referrals.jsonl"), withDestinationPath: volume + "/referrals.jsonl")
        try directory.write("volume/referrals.jsonl.tmp-777", "someone@example.org\n")
        _ = try JournalWriter(dataDirectory: data)
        #expect(!directory.exists("volume/referrals.jsonl.tmp-777"))
    }

    /// Files replaced together: when one cannot be (here a folder stands in its place), those
    /// already replaced are put back and no copy is left beside them.
    @Test func filesReplacedTogetherAreAllKeptWhenOneFails() throws {
        let directory = try TemporaryDirectory()
        try directory.write("a.json", "old a\n")
        try directory.write("in-the-way/file", "x")
        #expect(throws: AtomicFile.Failure.self) {
            try AtomicFile.replaceTogether([(directory.file("a.json"), Array("new a\n".utf8)), (directory.file("new.log"), Array("new\n".utf8)),
                                            (directory.file("in-the-way"), Array("z".utf8))])
        }
        #expect(try directory.read("a.json") == "old a\n")
        #expect(!directory.exists("new.log"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["a.json", "in-the-way"])

        try AtomicFile.replaceTogether([(directory.file("a.json"), Array("new a\n".utf8)), (directory.file("new.log"), Array("new\n".utf8))])
        #expect(try directory.read("a.json") == "new a\n" && directory.read("new.log") == "new\n")
        // A `forget` killed between its renames: the lock's next taker puts each kept old file
        // back and removes the new ones not yet moved, so the store is as it was before.
        try directory.write("content/data/referrers.json", "erased roster\n")
        try directory.write("content/data/referrers.json.tmp-4242-old", "old roster\n")
        try directory.write("content/data/referrals.jsonl", "old journal\n")
        try directory.write("content/data/referrals.jsonl.tmp-4242", "erased journal\n")
        #expect(AtomicFile.removeLeftovers(of: ["referrals.jsonl", "referrers.json"], in: directory.file("content/data")) == 2)
        #expect(try directory.read("content/data/referrers.json") == "old roster\n" && directory.read("content/data/referrals.jsonl") == "old journal\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("content/data")).sorted() == ["referrals.jsonl", "referrers.json"])
    }

    /// A log of erasures behind a link to nowhere (a volume not mounted) or a folder in its place
    /// is named before anything is erased, not replaced by a file holding this one entry.
    @Test func aLogOfErasuresBehindALinkToNowhereStopsTheErasure() throws {
        let directory = try storeWithGracesReferral()
        let data = directory.file("content/data")
        try FileManager.default.createSymbolicLink(atPath: directory.file("content/data/erasures.log"), withDestinationPath: directory.file("volume/erasures.log"))
        let journal = try directory.read("content/data/referrals.jsonl")
        #expect(throws: JournalWriter.Failure.self) { try Erasure.forget(email: "grace@example.org", dataDirectory: data, now: .now) }
        do {
            _ = try Erasure.forget(email: "grace@example.org", dataDirectory: data, now: .now)
        } catch {
            #expect("\(error)".contains("erasures.log: is a symbolic link to \(directory.file("volume/erasures.log")), which cannot be followed"), "\(error)")
            #expect("\(error)".hasSuffix("nothing was erased"))
        }
        #expect(try directory.read("content/data/referrals.jsonl") == journal)
        #expect(FileManager.default.fileExists(atPath: directory.file("content/data/erasures.log")) == false)

        try FileManager.default.removeItem(atPath: directory.file("content/data/erasures.log"))
        try FileManager.default.createDirectory(atPath: directory.file("content/data/erasures.log"), withIntermediateDirectories: false)
        #expect {
            try Erasure.forget(email: "grace@example.org", dataDirectory: data, now: .now)
        } throws: { "\($0)".contains("erasures.log: is a folder, where the log of erasures goes; move it aside; nothing was erased") }
        #expect(try directory.read("content/data/referrals.jsonl") == journal)
    }

    /// Store files that are links to another volume stay links: the erasure is written to the
    /// files they lead to, one through a relative link and a chain of two.
    @Test func forgettingWritesThroughLinkedStoreFiles() throws {
        let directory = try storeWithGracesReferral()
        let data = directory.file("content/data")
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory.file("volume"), withIntermediateDirectories: true)
        try Data("{\"at\":\"2026-01-01T00:00:00Z\"}\n".utf8).write(to: URL(fileURLWithPath: directory.file("volume/erasures.log")))
        for file in ["referrals.jsonl", "referrers.json"] {
            try manager.moveItem(atPath: directory.file("content/data/\(file)"), toPath: directory.file("volume/\(file)"))
        }
        try manager.createSymbolicLink(atPath: directory.file("content/data/referrals.jsonl"), withDestinationPath: "../../volume/referrals.jsonl")
        try manager.createSymbolicLink(atPath: directory.file("volume/log-link"), withDestinationPath: directory.file("volume/erasures.log"))
        try manager.createSymbolicLink(atPath: directory.file("content/data/erasures.log"), withDestinationPath: directory.file("volume/log-link"))
        try manager.createSymbolicLink(atPath: directory.file("content/data/referrers.json"), withDestinationPath: directory.file("volume/referrers.json"))

        let report = try Erasure.forget(email: "grace@example.org", dataDirectory: data, now: .now)
        #expect(report == Erasure.Report(referrals: 1, referrers: 0))
        for file in ["referrals.jsonl", "referrers.json", "erasures.log"] {
            let attributes = try manager.attributesOfItem(atPath: directory.file("content/data/\(file)"))
            #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink, "\(file)")
        }
        #expect(try !directory.read("volume/referrals.jsonl").contains("grace@example.org"))
        #expect(try directory.read("volume/erasures.log").split(separator: "\n").count == 2)
        #expect(try manager.attributesOfItem(atPath: directory.file("volume/log-link"))[.type] as? FileAttributeType == .typeSymbolicLink)
    }

    /// The rewritten store files keep their permissions and, run as root, their owner, and a
    /// lock file or a new erasures.log root makes belongs to the data folder's owner: `sudo advocate forget` had left
    /// a world-readable journal and a lock that the server's own user could not open.
    @Test func forgettingKeepsTheStoreFilesPermissionsAndOwner() throws {
        let directory = try storeWithGracesReferral()
        let data = directory.file("content/data")
        let isRoot = geteuid() == 0
        let nobody: uid_t = 65534
        if isRoot { #expect(chown(data, nobody, gid_t(nobody)) == 0) }
        for file in ["referrals.jsonl", "referrers.json"] {
            #expect(chmod(directory.file("content/data/\(file)"), 0o640) == 0)
            if isRoot { #expect(chown(directory.file("content/data/\(file)"), nobody, gid_t(nobody)) == 0) }
        }
        _ = try Erasure.forget(email: "grace@example.org", dataDirectory: data, now: .now)
        #expect(try !directory.read("content/data/referrals.jsonl").contains("grace@example.org"))
        for file in ["referrals.jsonl", "referrers.json"] + (isRoot ? ["referrals.jsonl.lock", "erasures.log"] : []) {
            var status = stat()
            #expect(stat(directory.file("content/data/\(file)"), &status) == 0)
            if file.hasSuffix(".lock") || file == "erasures.log" {
                #expect(status.st_uid == nobody && status.st_gid == gid_t(nobody), "\(file)")
            } else {
                #expect(status.st_mode & 0o7777 == 0o640, "\(file): \(String(status.st_mode & 0o7777, radix: 8))")
                if isRoot { #expect(status.st_uid == nobody && status.st_gid == gid_t(nobody), "\(file)") }
            }
        }
    }

    /// An email waiting in the outbox (or kept in sent/) to or about the person goes too; others stay.
    @Test func forgettingDeletesTheirEmailsFromTheOutbox() throws {
        let directory = try storeWithGracesReferral()
        try directory.write(".advocate/outbox/1-welcome.eml", "To: Grace Hopper <Grace@Example.org>\r\n\r\nHello")
        try directory.write(".advocate/outbox/sent/0-welcome.eml", "To: Grace Hopper <grace@example.org>\r\n\r\nHello")
        try directory.write(".advocate/outbox/2-other.eml", "To: Alan <alan@example.org>\r\n\r\nHello")
        // Given up on, and the referrer's note about her, which names her but not her address.
        try directory.write(".advocate/outbox/failed/3-friend.eml", "To: <grace@example.org>\r\n\r\nHello")
        let id = try #require(try directory.read("content/data/referrals.jsonl").split(separator: "\"").dropFirst(7).first)
        try directory.write(".advocate/outbox/sent/4-referrer.eml", "To: Ada <ada@example.com>\r\nMessage-ID: <\(id).referrer@refer.acme.example>\r\n\r\nGrace just claimed")
        // A line torn inside her address when a server crashed, set aside by the next start.
        try directory.write("content/data/referrals.jsonl.torn-2026-03-02T00:00:00.000Z", #"{"type":"referral","id":"rf_x","name":"Grace Hopper","email":"grace@exa"#)
        let report = try Erasure.forget(email: "grace@example.org", dataDirectory: directory.file("content/data"),
                                        outbox: Outbox(directory: directory.file(".advocate/outbox")), now: .now)
        #expect(report == Erasure.Report(referrals: 1, referrers: 0, emails: 4, setAsideLines: 1))
        #expect(!directory.exists(".advocate/outbox/1-welcome.eml"))
        #expect(!directory.exists(".advocate/outbox/sent/0-welcome.eml"))
        #expect(!directory.exists(".advocate/outbox/failed/3-friend.eml"))
        #expect(!directory.exists(".advocate/outbox/sent/4-referrer.eml"))
        #expect(!directory.exists("content/data/referrals.jsonl.torn-2026-03-02T00:00:00.000Z"))
        #expect(directory.exists(".advocate/outbox/2-other.eml"))
    }

    /// Forgetting a referrer deletes the friends' emails about their referrals too (they say
    /// whose invitation it was: "through Ada's invitation"), and their code takes no referral
    /// more: one went to "Erased", and its friend was emailed as from them.
    @Test func forgettingAReferrerTakesTheirNameFromFriendsEmailsAndTheirCodeFromTheForm() throws {
        let directory = try storeWithGracesReferral()
        let id = try #require(try directory.read("content/data/referrals.jsonl").split(separator: "\"").dropFirst(7).first)
        try directory.write(".advocate/outbox/sent/5-friend.eml", "To: Grace <grace@example.org>\r\nMessage-ID: <\(id).friend@refer.acme.example>\r\n\r\nThrough Ada's invitation")
        try directory.write(".advocate/outbox/2-other.eml", "To: Alan <alan@example.org>\r\n\r\nHello")
        let report = try Erasure.forget(email: "ada@example.com", dataDirectory: directory.file("content/data"),
                                        outbox: Outbox(directory: directory.file(".advocate/outbox")), now: .now)
        #expect(report.referrers == 1 && report.emails == 1)
        #expect(!directory.exists(".advocate/outbox/sent/5-friend.eml") && directory.exists(".advocate/outbox/2-other.eml"))
        let ledger = try ReferralLedger(store: StoreLoader.load(from: directory.file("content/data")).store)
        do {
            _ = try ledger.validate(ReferralSubmission(referrer: "ada", name: "Kai", email: "kai@example.net", consent: true), id: "rf_new", at: .now)
            Issue.record("a referral to an erased referrer was taken")
        } catch {
            #expect(error.errors.map(\.message) == ["This referral link is no longer valid: its referrer has left the program."])
        }
    }

    /// An erased referrer's page stays at its shared address and says the invitation ended:
    /// it read "Erased invites you to Acme Rewards", in link previews too; their stats page is
    /// no longer "Your referrals, Erased".
    @Test func anErasedReferrersPageSaysTheInvitationEnded() throws {
        var site = SiteFixture()
        site.store.referrers[0] = ("ada", Erasure.erasedName, "erased-0123456789abcdef@erased.invalid")
        site.pageTemplates["referrer"] = "{{<layout}}{{$main}}{{#referrer.hasLeft}}<p>ended</p>{{/referrer.hasLeft}}{{^referrer.hasLeft}}<h1>{{referrer.name}}</h1>{{/referrer.hasLeft}}{{/main}}{{/layout}}"
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let erased = try directory.read("public/r/ada/index.html")
        #expect(erased.contains("<title>This invitation has ended</title>") && erased.contains("<p>ended</p>") && !erased.contains("Erased"), "\(erased)")
        // Search engines are told to drop it: noindex, and out of the sitemap.
        #expect(erased.contains(#"<meta name="robots" content="noindex">"#), "\(erased)")
        let sitemap = try directory.read("public/sitemap.xml")
        #expect(!sitemap.contains("/r/ada/") && sitemap.contains("/r/bob/"), "\(sitemap)")
        let token = try #require(try StoreLoader.load(from: directory.file("content/data")).store.referrers.first?.statsToken)
        #expect(try directory.read("public/stats/\(token)/index.html").contains("<title>Your referrals</title>"))
        #expect(try directory.read("public/r/bob/index.html").contains("<h1>Bob Builder</h1>"))
    }

    /// referrers.json keeps its formatting: only the erased values change (every line was
    /// rewritten, which a version-control diff showed as the whole file), also after characters
    /// of several bytes on the line.
    @Test func forgettingAReferrerChangesOnlyTheirValuesInTheRoster() throws {
        let directory = try TemporaryDirectory()
        try StoreFixture().write(to: directory)
        let roster = """
            \u{FEFF}[
              { "code": "ada", "name": "Ada \\"the Countess\\" Lovelace 😀 Zoë", "email": "ada@example.com", "statsToken": "tok0xxxxxxxxxxxxxxxxxxxxxxxxx" },

              {"code":"bob",  "name": "Bob", "email": "bob@example.com", "statsToken": "tok1xxxxxxxxxxxxxxxxxxxxxxxxx"}
            ]

            """
        try directory.write("content/data/referrers.json", roster)
        _ = try Erasure.forget(email: "ada@example.com", dataDirectory: directory.file("content/data"), now: .now)
        let after = try directory.read("content/data/referrers.json")
        let placeholder = try #require(after.split(separator: "\"").first { $0.hasSuffix("@erased.invalid") })
        #expect(after == roster.replacingOccurrences(of: #""Ada \"the Countess\" Lovelace 😀 Zoë""#, with: #""Erased""#)
            .replacingOccurrences(of: "ada@example.com", with: String(placeholder)).replacingOccurrences(of: "\u{FEFF}", with: ""), "\(after)")
        #expect(FileManager.default.contents(atPath: directory.file("content/data/referrers.json"))?.starts(with: [0xEF, 0xBB, 0xBF]) == true)
        #expect(try StoreLoader.load(from: directory.file("content/data")).store.referrers.count == 2)
    }
}
