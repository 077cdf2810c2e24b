import Foundation
import Testing
@testable import Advocate

@Suite struct ErasureTests {
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

    /// An email waiting in the outbox (or kept in sent/) to or about the person goes too; others stay.
    @Test func forgettingDeletesTheirEmailsFromTheOutbox() throws {
        var fixture = StoreFixture()
        fixture.refer("ada", friend: "Grace Hopper", email: "grace@example.org", at: "2026-03-01T09:00:00Z")
        let directory = try TemporaryDirectory()
        try fixture.write(to: directory)
        try directory.write(".advocate/outbox/1-welcome.eml", "To: Grace Hopper <Grace@Example.org>\r\n\r\nHello")
        try directory.write(".advocate/outbox/sent/0-welcome.eml", "To: Grace Hopper <grace@example.org>\r\n\r\nHello")
        try directory.write(".advocate/outbox/2-other.eml", "To: Alan <alan@example.org>\r\n\r\nHello")
        let report = try Erasure.forget(email: "grace@example.org", dataDirectory: directory.file("content/data"),
                                        outbox: Outbox(directory: directory.file(".advocate/outbox")), now: .now)
        #expect(report == Erasure.Report(referrals: 1, referrers: 0, emails: 2))
        #expect(!directory.exists(".advocate/outbox/1-welcome.eml"))
        #expect(!directory.exists(".advocate/outbox/sent/0-welcome.eml"))
        #expect(directory.exists(".advocate/outbox/2-other.eml"))
    }
}
