import Advocate
@testable import AdvocateServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct EmailNotificationTests {
    @Test func aRecordedReferralQueuesTheFriendsConfirmationAndTheReferrersNote() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.router) { client in
            let response = try await client.postJSON(#"{"referrer":"ada","name":"Mail Friend","email":"mail.friend@example.net","consent":true}"#)
            #expect(response.status == .created)
            let bot = try await client.postJSON(#"{"referrer":"ada","name":"Bot","email":"bot@example.net","consent":true,"website":"x"}"#)
            #expect(bot.status == .created)
        }
        let messages = try await fixture.outboxMessages()
        #expect(messages.count == 2)
        #expect(messages.contains { $0.contains("To: Mail Friend <mail.friend@example.net>") && $0.contains("Hi Mail,") })
        #expect(messages.contains { $0.contains("To: Ada Lovelace <ada@example.com>") && $0.contains("/stats/") })
        #expect(!messages.joined().contains("bot@example.net"))
    }

    /// A server killed before it wrote its queued emails (SIGKILL, a power cut) left its mark in
    /// the outbox: the next start makes the emails of every referral recorded since the killed
    /// run started, except those the outbox already holds, and none of earlier referrals.
    @Test func theEmailsAKilledRunNeverWroteAreMadeAtTheNextStart() async throws {
        let killedRun = """
            {"type":"referral","id":"rf_killed1","at":"2026-03-01T10:00:00Z","referrer":"ada","name":"Lost Friend","email":"lost.friend@example.net","source":"link","consent":true}
            {"type":"referral","id":"rf_killed2","at":"2026-03-01T10:00:01Z","referrer":"grace","name":"Kept Friend","email":"kept.friend@example.net","source":"link","consent":true}

            """
        // The run started before the two referrals, and wrote the second one's emails only.
        let fixture = try serverAfterARun(killedRun) { root, outbox in
            let store = try StoreLoader.load(from: root.appendingPathComponent("content/data").path).store
            let kept = try #require(store.journal.last.flatMap { event -> Referral? in if case .referral(let referral) = event { referral } else { nil } })
            for message in Notifier(site: Site(inputs: try SiteInputs.load(BuildOptions(source: root.path)))).messages(forReferral: kept, at: kept.at) {
                try Outbox(directory: outbox.path).put(message)
            }
        }
        // The start queues them in the background, as the server's own emails are.
        var messages = try await fixture.outboxMessages()
        for _ in 0..<50 where messages.count < 4 {
            try await Task.sleep(for: .milliseconds(100))
            messages = try await fixture.outboxMessages()
        }
        #expect(messages.filter { $0.contains("To: Lost Friend <lost.friend@example.net>") }.count == 1)
        #expect(messages.filter { $0.contains("To: Kept Friend <kept.friend@example.net>") }.count == 1, "already in the outbox: not made twice")
        #expect(messages.count == 4, "the two referrals' friends and referrers, nothing of the journal before")
        // Kept until a clean stop, so that a start killed too is made good at the next one.
        let marker = fixture.root.appendingPathComponent(".advocate/outbox/.running")
        #expect(try String(contentsOf: marker, encoding: .utf8) == "\(try StoreLoader.load(from: fixture.root.appendingPathComponent("content/data").path).store.journal.count - 2)\n")
    }

    /// Emails a killed run sent are not made again when `sent/` was pruned since (a retention
    /// job): `sent.log` keeps their names. A run of weeks killed had sent them all a second time.
    @Test func emailsSentBeforeAKillAreNotMadeAgainWhenSentWasPruned() async throws {
        let killedRun = """
            {"type":"referral","id":"rf_sent1","at":"2026-03-01T10:00:00Z","referrer":"ada","name":"Sent Friend","email":"sent.friend@example.net","source":"link","consent":true}
            {"type":"referral","id":"rf_lost1","at":"2026-03-01T10:00:01Z","referrer":"grace","name":"Lost Friend","email":"lost.friend@example.net","source":"link","consent":true}

            """
        let fixture = try serverAfterARun(killedRun) { root, outbox in
            let store = try StoreLoader.load(from: root.appendingPathComponent("content/data").path).store
            let sent = try #require(store.journal.dropLast().last.flatMap { event -> Referral? in if case .referral(let referral) = event { referral } else { nil } })
            let box = Outbox(directory: outbox.path)
            for message in Notifier(site: Site(inputs: try SiteInputs.load(BuildOptions(source: root.path)))).messages(forReferral: sent, at: sent.at) {
                try box.markSent(try #require(try box.put(message)))
            }
            #expect(box.sentNames().count == 2 && box.sent().count == 2)
            try FileManager.default.removeItem(at: outbox.appendingPathComponent("sent"))
        }
        var messages = try await fixture.outboxMessages()
        for _ in 0..<50 where messages.count < 2 {
            try await Task.sleep(for: .milliseconds(100))
            messages = try await fixture.outboxMessages()
        }
        try await Task.sleep(for: .milliseconds(200))
        messages = try await fixture.outboxMessages()
        #expect(messages.filter { $0.contains("To: Lost Friend <lost.friend@example.net>") }.count == 1)
        #expect(!messages.joined().contains("sent.friend@example.net"), "sent before the kill: made again")
        #expect(messages.count == 2, "\(messages.count)")
    }

    /// A clean stop that could not write some emails (a full outbox disk) leaves the mark with
    /// those referrals' ids: the next start makes their emails, and only theirs, so that emails
    /// already sent and pruned from `sent/` are not sent again.
    @Test func aStopThatLostEmailsNamesTheirReferralsForTheNextStart() async throws {
        let run = """
            {"type":"referral","id":"rf_sent1","at":"2026-03-01T10:00:00Z","referrer":"ada","name":"Sent Friend","email":"sent.friend@example.net","source":"link","consent":true}
            {"type":"referral","id":"rf_lost1","at":"2026-03-01T10:00:01Z","referrer":"grace","name":"Lost Friend","email":"lost.friend@example.net","source":"link","consent":true}

            """
        // The run started before both; the first one's emails were sent and pruned.
        let fixture = try serverAfterARun(run) { _, outbox in
            let marker = outbox.appendingPathComponent(".running")
            let start = try String(contentsOf: marker, encoding: .utf8)
            MailRecovery(outbox: Outbox(directory: outbox.path)).markStopped(lost: ["rf_lost1"])
            #expect(try String(contentsOf: marker, encoding: .utf8) == start + "rf_lost1\n")
        }
        var messages = try await fixture.outboxMessages()
        for _ in 0..<50 where messages.count < 2 {
            try await Task.sleep(for: .milliseconds(100))
            messages = try await fixture.outboxMessages()
        }
        #expect(messages.filter { $0.contains("To: Lost Friend <lost.friend@example.net>") }.count == 1)
        #expect(!messages.joined().contains("sent.friend@example.net"), "sent before: not made again")
        #expect(messages.count == 2, "\(messages.count)")
    }

    /// A server started after a run, not stopped cleanly, that recorded the two journal lines of
    /// `run`: the outbox's mark holds the events before them, and `prepare` adds to the outbox.
    private func serverAfterARun(_ run: String, prepare: @escaping (_ root: URL, _ outbox: URL) throws -> Void) throws -> ServerFixture {
        try ServerFixture(journalTail: run, edit: { root in
            let events = try StoreLoader.load(from: root.appendingPathComponent("content/data").path).store.journal.count
            let outbox = root.appendingPathComponent(".advocate/outbox")
            try FileManager.default.createDirectory(at: outbox, withIntermediateDirectories: true)
            try Data("\(events - 2)\n".utf8).write(to: outbox.appendingPathComponent(".running"))
            try prepare(root, outbox)
        })
    }
}
