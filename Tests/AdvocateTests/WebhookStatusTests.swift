import Testing
@testable import Advocate

@Suite struct WebhookStatusTests {
    func store(hooks: String) throws -> Store {
        var fixture = StoreFixture()
        fixture.refer("ada", friend: "Grace Hopper", at: "2026-03-01T09:30:00Z")
        let id = fixture.refer("ada", friend: "Alan Turing", at: "2026-03-02T09:30:00Z")
        fixture.status(id, "contacted", at: "2026-03-03T09:30:00Z")
        let directory = try TemporaryDirectory()
        try fixture.write(to: directory)
        let program = fixture.programJSON.replacingOccurrences(of: #""offers": []"#, with: #""offers": [], "webhooks": \#(hooks)"#)
        try directory.write("content/data/program.json", program)
        return try StoreLoader.load(from: directory.file("content/data")).store
    }

    @Test func theReportCountsPendingEventsAHookWantsAndShowsItsFailure() throws {
        let store = try store(hooks: #"[{"url": "https://hooks.example/a", "events": ["referral"], "secret": "env:A"}, {"url": "https://hooks.example/b", "events": ["status"], "secret": "env:B"}]"#)
        var log = WebhookLog()
        var failing = WebhookLog.Hook(delivered: 0)
        failing.attempts = 3
        failing.failingSince = Instant(iso8601: "2026-03-04T10:00:00Z")
        failing.lastError = "the receiver answered 503"
        failing.nextAttempt = Instant(iso8601: "2026-03-04T10:00:08Z")
        failing.givenUp = [WebhookLog.GivenUp(event: 1, type: "referral", at: Instant(iso8601: "2026-03-05T10:00:00Z")!, error: "timeout")]
        log.hooks["https://hooks.example/a"] = failing
        let directory = try TemporaryDirectory()
        let path = WebhookLog.path(stateDirectory: directory.file(".advocate"))
        try log.save(to: path)
        let loaded = try WebhookLog.load(from: path)
        #expect(loaded == log)
        let report = WebhookStatus.report(program: store.program, journal: store.journal, log: loaded)
        #expect(report.contains("https://hooks.example/a\n  events:    referral\n  pending:   2 event(s)\n  failing:   since 2026-03-04T10:00:00Z, 3 attempt(s); last error: the receiver answered 503"))
        #expect(report.contains("event #1 (referral) given up 2026-03-05T10:00:00Z: timeout"))
        // A next try gone by (the server stopped since) says when it is made.
        #expect(report.contains("  next try:  2026-03-04T10:00:08Z (due: under way, or made as soon as `advocate serve` runs again)\n"))
        let before = WebhookStatus.report(program: store.program, journal: store.journal, log: loaded, now: Instant(iso8601: "2026-03-04T10:00:01Z")!)
        #expect(before.contains("  next try:  2026-03-04T10:00:08Z\n"))
        #expect(report.contains("https://hooks.example/b\n  events:    status\n  not started yet"))
    }

    @Test func aWebhookSecretMustComeFromTheEnvironment() throws {
        #expect(throws: DiagnosticsError.self) {
            try store(hooks: #"[{"url": "https://hooks.example/a", "events": ["referral"], "secret": "hunter2"}]"#)
        }
        #expect(throws: DiagnosticsError.self) {
            try store(hooks: #"[{"url": "ftp://hooks.example/a", "events": ["sale"], "secret": "env:A"}]"#)
        }
        #expect(try store(hooks: #"[{"url": "https://hooks.example/a?key=1", "events": ["referrer"], "secret": "env:HOOK_1"}]"#)
            .program.webhooks == [Program.Webhook(url: "https://hooks.example/a?key=1", events: [.referrer], secretVariable: "HOOK_1")])
    }
}
