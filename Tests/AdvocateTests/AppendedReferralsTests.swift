import Foundation
import Testing
@testable import Advocate

/// `advocate build` after referrals were appended to the journal: only their pages rendered,
/// from the last build's snapshot, and byte for byte what a full build makes; anything else
/// falls back to the full build.
@Suite struct AppendedReferralsTests {
    static let newest = "2026-03-01T10:00:00Z"

    /// A store whose stats pages depend on more than their referrer's own lines: a duplicate of
    /// another referrer's friend, a self-referral, conversions (one refunded), an offer.
    static func site() -> SiteFixture {
        var site = SiteFixture()
        site.store.referrers.append(("cy", "Cy Young", "cy@example.com"))
        site.pageTemplates["leaderboard"] = "{{<layout}}{{$main}}{{#rows}}<li>{{rank}} {{name}} {{converted}}</li>{{/rows}}{{/main}}{{/layout}}"
        let first = site.store.refer("bob", friend: "Alan Turing", email: "alan@example.org", at: "2026-01-10T09:00:00Z")
        site.store.status(first, "converted", at: "2026-01-20T09:00:00Z", value: 120)
        _ = site.store.refer("ada", friend: "Alan T", email: " ALAN@example.org", at: "2026-01-11T09:00:00Z")
        _ = site.store.refer("ada", friend: "Ada Herself", email: "ada@example.com", at: "2026-01-12T09:00:00Z")
        let converted = site.store.refer("ada", friend: "Grace Hopper", at: "2026-01-13T09:00:00Z", source: "sms", variant: "b")
        site.store.status(converted, "contacted", at: "2026-01-14T09:00:00Z")
        site.store.status(converted, "converted", at: "2026-01-15T09:00:00Z", value: 80)
        let refunded = site.store.refer("ada", friend: "Linus T", at: "2026-01-16T09:00:00Z")
        site.store.status(refunded, "converted", at: "2026-01-17T09:00:00Z")
        site.store.status(refunded, "rejected", at: "2026-01-18T09:00:00Z")
        _ = site.store.refer("cy", friend: "Barbara Liskov", at: newest, source: "link")
        return site
    }

    /// Builds `site`, appends `lines`, builds again; returns the second report and the output,
    /// with the output of a full build of the same inputs in a fresh folder to compare with.
    static func appendAndBuild(_ site: SiteFixture, lines: [String], asOf: String? = nil)
        throws -> (report: BuildReport, output: [String: Data], expected: [String: Data], directory: TemporaryDirectory) {
        let directory = try site.write()
        let options = SiteFixture.options(directory, asOf: asOf)
        _ = try SiteBuilder.build(options)
        #expect(directory.exists(".advocate/snapshot.bin"))
        let journal = try directory.read("content/data/referrals.jsonl")
        try directory.write("content/data/referrals.jsonl", journal + lines.map { $0 + "\n" }.joined())
        let report = try SiteBuilder.build(options)

        let fresh = try TemporaryDirectory()
        try site.write(to: fresh)
        try fresh.write("content/data/referrals.jsonl", journal + lines.map { $0 + "\n" }.joined())
        _ = try SiteBuilder.build(SiteFixture.options(fresh, asOf: asOf))
        return (report, try directory.snapshot(), try fresh.snapshot(), directory)
    }

    static func referral(_ id: String, _ referrer: String, _ email: String, at: String = newest, variant: String? = nil) -> String {
        let variantField = variant.map { #","variant":"\#($0)""# } ?? ""
        return #"{"type":"referral","id":"\#(id)","at":"\#(at)","referrer":"\#(referrer)","name":"New Friend","email":"\#(email)","source":"whatsapp"\#(variantField),"consent":true}"#
    }

    @Test func newReferralsRenderOnlyTheirPagesAndMatchAFullBuild() throws {
        let (report, output, expected, directory) = try Self.appendAndBuild(Self.site(), lines: [
            Self.referral("rf_new1", "ada", "new.one@example.org", variant: "b"),
            Self.referral("rf_new2", "bob", "new.two@example.org", at: "2026-02-01T00:00:00Z"),
            Self.referral("rf_new3", "ada", "new.three@example.org"),
        ])
        // ada's and bob's stats pages, the analytics page and the leaderboard; nothing else read or rendered.
        #expect(report.rendered == 4, "\(report.summary)")
        #expect(report.written == 3, "the leaderboard's ranks did not change: \(report.summary)")
        #expect(output == expected)
        #expect(try directory.read("public/stats/tok0xxxxxxxxxxxxxxxxxxxxxxxxx/index.html").contains("4 referrals"))

        let options = SiteFixture.options(directory)
        let again = try SiteBuilder.build(options)
        #expect(again.written == 0 && again.rendered == 0, "the stamp was brought up to date: \(again.summary)")
    }

    /// Warnings of the last build (an unknown field in program.json, the roster and a journal
    /// line) do not stop the fast path: the appended referral renders its pages alone, the output is a full
    /// build's, and the build repeats the warnings.
    @Test func warningsOfTheLastBuildAreRepeatedWithoutAFullBuild() throws {
        var site = Self.site()
        site.store.referrers[2].name += #"", "colour": "red"#
        site.store.lines.append(#"{"type":"referral","id":"rf_x","at":"2026-01-02T09:00:00Z","referrer":"bob","name":"X","email":"x@example.org","colour":"red"}"#)
        let directory = try site.write()
        let program = try directory.read("content/data/program.json")
        try directory.write("content/data/program.json", program.replacingOccurrences(of: "{", with: #"{"colour": "red","#, options: [], range: program.range(of: "{")))
        let options = SiteFixture.options(directory)
        let first = try SiteBuilder.build(options)
        #expect(first.warnings.map { "\(($0.file as NSString).lastPathComponent):\($0.line)" } == ["program.json:1", "referrers.json:4", "referrals.jsonl:12"],
                "\(first.warnings)")
        let line = Self.referral("rf_new1", "ada", "new.one@example.org")
        try directory.write("content/data/referrals.jsonl", try directory.read("content/data/referrals.jsonl") + line + "\n")
        let second = try SiteBuilder.build(options)
        #expect(second.rendered == 3, "ada's stats page, the analytics page and the leaderboard: \(second.summary)")
        #expect(second.warnings == first.warnings)

        let fresh = try TemporaryDirectory()
        try site.write(to: fresh)
        for file in ["content/data/program.json", "content/data/referrals.jsonl"] {
            try fresh.write(file, try directory.read(file))
        }
        _ = try SiteBuilder.build(SiteFixture.options(fresh))
        #expect(try directory.snapshot() == (try fresh.snapshot()))
    }

    /// A torn last line is a warning; lines appended after it make it a broken line within the
    /// journal, which is an error, as in a full build (the snapshot's journal did not end a line).
    @Test func linesAppendedAfterATornLineAreAFullBuildsError() throws {
        let directory = try Self.site().write()
        let options = SiteFixture.options(directory)
        let journal = try directory.read("content/data/referrals.jsonl")
        try directory.write("content/data/referrals.jsonl", journal + #"{"type":"referral","id":"rf_torn"#)
        #expect(try SiteBuilder.build(options).warnings.map(\.message).first?.hasPrefix("the last line is incomplete") == true)
        try directory.write("content/data/referrals.jsonl", journal + #"{"type":"referral","id":"rf_torn"#
            + "\n" + Self.referral("rf_new1", "ada", "new.one@example.org") + "\n")
        #expect(throws: BuildError.self) { try SiteBuilder.build(options) }
    }

    @Test func successiveBuildsTakeReferralsInUntilOneIsADuplicate() throws {
        let site = Self.site()
        let directory = try site.write()
        let options = SiteFixture.options(directory)
        _ = try SiteBuilder.build(options)
        var journal = try directory.read("content/data/referrals.jsonl")
        for (line, fast) in [(Self.referral("rf_new1", "cy", "one@example.org"), true),
                             (Self.referral("rf_new2", "ada", "two@example.org"), true),
                             (Self.referral("rf_new3", "bob", "ONE@example.org"), false),
                             (Self.referral("rf_new4", "bob", "four@example.org"), true)] {
            journal += line + "\n"
            try directory.write("content/data/referrals.jsonl", journal)
            let report = try SiteBuilder.build(options)
            #expect((report.rendered <= 3) == fast, "\(line): \(report.summary)")
            let fresh = try TemporaryDirectory()
            try site.write(to: fresh)
            try fresh.write("content/data/referrals.jsonl", journal)
            _ = try SiteBuilder.build(SiteFixture.options(fresh))
            #expect(try directory.snapshot() == fresh.snapshot(), "\(line)")
        }
        #expect(directory.exists(".advocate/snapshot-changes.bin"))
    }

    @Test func aFixedAsOfTakesNewReferralsDatedWithinIt() throws {
        let (report, output, expected, _) = try Self.appendAndBuild(Self.site(), lines: [
            Self.referral("rf_new1", "cy", "new.one@example.org", at: "2026-02-10T00:00:00Z"),
        ], asOf: "2026-02-20")
        #expect(report.rendered == 3, "\(report.summary)")
        #expect(output == expected)
    }

    /// Lines the snapshot cannot decide alone: each falls back to the full build, whose output
    /// the build must equal.
    @Test(arguments: [
        ("a status", [#"{"type":"status","id":"rf_4","at":"2026-03-01T10:00:00Z","status":"rewarded"}"#]),
        ("a duplicate friend", [referral("rf_new1", "cy", "grace.hopper@example.org")]),
        ("a duplicate within the new lines", [referral("rf_new1", "cy", "x@example.org"), referral("rf_new2", "bob", "X@example.org")]),
        ("a duplicate in another Unicode form (NFC, then NFD)",
         [referral("rf_new1", "cy", "jos\u{E9}@example.org"), referral("rf_new2", "bob", "jose\u{301}@example.org")]),
        ("a self-referral", [referral("rf_new1", "bob", "bob@example.com")]),
        ("a later date, which moves the as-of", [referral("rf_new1", "cy", "later@example.org", at: "2026-03-02T10:00:00Z")]),
        ("a join", [#"{"type":"referrer","at":"2026-03-01T10:00:00Z","code":"dee","name":"Dee","email":"dee@example.com","statsToken":"tokdeexxxxxxxxxxxxxxxxxxxxxxx"}"#]),
        ("a line with a warning", [#"{"type":"referral","id":"rf_new1","at":"2026-03-01T10:00:00Z","referrer":"cy","name":"N","email":"n@example.org","colour":"red"}"#]),
    ] as [(String, [String])])
    func otherLinesFallBackToTheFullBuild(_ what: String, lines: [String]) throws {
        let (report, output, expected, _) = try Self.appendAndBuild(Self.site(), lines: lines)
        #expect(report.rendered > 4, "\(what): \(report.summary)")
        #expect(output == expected, "\(what)")
    }

    /// The snapshot knows emails by the digest of their bytes: an address already in the journal
    /// with one code point for `é` is the same friend when it comes back with `e` and an accent.
    @Test func aFriendInAnotherUnicodeFormIsTheSameFriend() throws {
        var site = Self.site()
        _ = site.store.refer("cy", friend: "Jos\u{E9}", email: "jos\u{E9}@example.org", at: "2026-01-19T09:00:00Z")
        let (report, output, expected, _) = try Self.appendAndBuild(site, lines: [Self.referral("rf_new1", "bob", "jose\u{301}@example.org")])
        #expect(report.rendered > 4, "a duplicate, which the snapshot cannot place: \(report.summary)")
        #expect(output == expected)
    }

    @Test func anUnknownReferrerOrAReusedIdIsStillAnError() throws {
        for line in [Self.referral("rf_new1", "nobody", "n@example.org"), Self.referral("rf_1", "cy", "n@example.org")] {
            let directory = try Self.site().write()
            let options = SiteFixture.options(directory)
            _ = try SiteBuilder.build(options)
            try directory.write("content/data/referrals.jsonl", try directory.read("content/data/referrals.jsonl") + line + "\n")
            #expect(throws: BuildError.self) { try SiteBuilder.build(options) }
        }
    }

    @Test func aJournalEditedBeforeItsNewLinesIsReadWhole() throws {
        let site = Self.site()
        let directory = try site.write()
        let options = SiteFixture.options(directory)
        _ = try SiteBuilder.build(options)
        // The same length, one letter changed in an old line, and a new referral at the end.
        let journal = try directory.read("content/data/referrals.jsonl").replacingOccurrences(of: "Grace Hopper", with: "Xrace Hopper")
            + Self.referral("rf_new1", "cy", "n@example.org") + "\n"
        try directory.write("content/data/referrals.jsonl", journal)
        let report = try SiteBuilder.build(options)
        #expect(report.rendered > 4, "\(report.summary)")
        let fresh = try TemporaryDirectory()
        try site.write(to: fresh)
        try fresh.write("content/data/referrals.jsonl", journal)
        _ = try SiteBuilder.build(SiteFixture.options(fresh))
        #expect(try directory.snapshot() == fresh.snapshot())
    }

    @Test func aDamagedSnapshotMeansAFullBuild() throws {
        let directory = try Self.site().write()
        let options = SiteFixture.options(directory)
        _ = try SiteBuilder.build(options)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: BuildSnapshot.file(options))))
        // In the totals, which carry a digest (the offsets after them are checked for bounds only).
        bytes[BuildSnapshot.magic.count + 60] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: BuildSnapshot.file(options)))
        #expect(BuildSnapshot.read(options) == nil)
        try Data(bytes.prefix(100)).write(to: URL(fileURLWithPath: BuildSnapshot.file(options)))
        #expect(BuildSnapshot.read(options) == nil)
        try directory.write("content/data/referrals.jsonl", try directory.read("content/data/referrals.jsonl") + Self.referral("rf_new1", "cy", "n@example.org") + "\n")
        let report = try SiteBuilder.build(options)
        #expect(report.rendered > 4, "\(report.summary)")
        #expect(BuildSnapshot.read(options) != nil, "the full build wrote a new one")
    }

    @Test func theStreamDigestCanBeContinued() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        var whole = StreamDigest()
        whole.add(bytes)
        for split in [0, 1, 31, 32, 33, 500, 999, 1000] {
            var parts = StreamDigest()
            parts.add(Array(bytes[..<split]))
            let prefix = parts.value
            parts.add(Array(bytes[split...]))
            #expect(parts.value == whole.value, "split at \(split)")
            var again = StreamDigest()
            again.add(Array(bytes[..<split]))
            #expect(again.value == prefix)
        }
        for position in [0, 7, 31, 32, 500, 999] {
            var changed = bytes
            changed[position] ^= 0x80
            var digest = StreamDigest()
            digest.add(changed)
            #expect(digest.value != whole.value, "byte \(position)")
        }
    }
}
