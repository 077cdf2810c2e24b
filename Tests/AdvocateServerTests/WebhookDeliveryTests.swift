@testable import Advocate
import AsyncHTTPClient
@testable import AdvocateServer
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A webhook receiver on 127.0.0.1 that fails its first `failures` requests with a 500 (or all
/// of them until `recover()`).
actor WebhookReceiver {
    struct Delivery: Sendable {
        var body: String
        var event: String?
        var delivery: String?
        var signature: String?
    }

    private var failuresLeft: Int
    private let refuses: @Sendable (String) -> Bool
    private(set) var attempts = 0
    private(set) var failed = 0
    private(set) var accepted: [Delivery] = []

    /// - Parameter refuses: bodies always answered with a 500.
    init(failures: Int, refuses: @escaping @Sendable (String) -> Bool = { _ in false }) {
        failuresLeft = failures
        self.refuses = refuses
    }

    func receive(_ delivery: Delivery) -> HTTPResponse.Status {
        attempts += 1
        if failuresLeft > 0 || refuses(delivery.body) {
            failuresLeft -= 1
            failed += 1
            return .internalServerError
        }
        accepted.append(delivery)
        return .noContent
    }

    /// Answers every request from now on.
    func recover() {
        failuresLeft = 0
    }

    /// Runs the receiver on a free loopback port while `body` runs.
    nonisolated func serve(_ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let header = { (name: String) in request.headers.first { $0.name.canonicalName == name.lowercased() }?.value }
            let delivery = Delivery(body: String(buffer: bytes), event: header("X-Advocate-Event"), delivery: header("X-Advocate-Delivery"),
                                    signature: header(WebhookSignature.header))
            return Response(status: await self.receive(delivery))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body(try #require(client.port))
        }
    }
}

@Suite struct WebhookDeliveryTests {
    static let secret = "whsec-test-0123456789abcdefghijklmnop"

    /// A copy of the example whose program.json sends every event to the receiver's port.
    func fixture(port: Int, giveUpAfter: Duration = .seconds(60)) throws -> ServerFixture {
        try ServerFixture(edit: { root in
            let file = root.appendingPathComponent("content/data/program.json")
            let program = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: #"  "brand": {"#, with: """
                  "webhooks": [{"url": "http://127.0.0.1:\(port)/hook", "events": ["referral", "status", "referrer"], "secret": "env:ADVOCATE_TEST_HOOK_SECRET"}],
                  "brand": {
                """)
            try program.write(to: file, atomically: true, encoding: .utf8)
        }, configure: { configuration in
            configuration.environment = ["ADVOCATE_TEST_HOOK_SECRET": Self.secret]
            configuration.webhookRetry = RetryPolicy(first: .milliseconds(20), longest: .milliseconds(40), giveUpAfter: giveUpAfter)
        })
    }

    func waitUntil(seconds: Double = 10, _ condition: @Sendable () async -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out waiting")
    }

    @Test func eachNewEventIsPostedWithAVerifiableSignature() async throws {
        let receiver = WebhookReceiver(failures: 0)
        try await receiver.serve { port in
            let fixture = try fixture(port: port)
            try await fixture.prepared.application.test(.live) { client in
                let response = try await client.postJSON(#"{"referrer":"ada","name":"Signed Friend","email":"signed@example.net","consent":true}"#)
                #expect(response.status == .created)
                try await waitUntil { await receiver.accepted.count == 1 }
            }
            let delivery = try #require(await receiver.accepted.first)
            let line = try #require(try fixture.journal().split(separator: "\n").last)
            #expect(delivery.body == String(line))
            #expect(delivery.event == "referral")
            #expect(delivery.delivery == String(try fixture.journal().split(separator: "\n").count))
            let header = try #require(delivery.signature)
            let now = Int64(Date().timeIntervalSince1970)
            #expect(WebhookSignature.verify(header, body: Array(delivery.body.utf8), secret: Array(Self.secret.utf8), now: now))
            #expect(!WebhookSignature.verify(header, body: Array(delivery.body.utf8), secret: Array("other".utf8), now: now))
            #expect(!WebhookSignature.verify(header, body: Array((delivery.body + " ").utf8), secret: Array(Self.secret.utf8), now: now))
            #expect(!WebhookSignature.verify(header, body: Array(delivery.body.utf8), secret: Array(Self.secret.utf8), now: now + 3600))
            // Independently of our own check: t=<unix time>,v1=hex(HMAC-SHA256(secret, "<t>." + body)).
            let parts = Dictionary(uniqueKeysWithValues: header.split(separator: ",").map { part in
                let pair = part.split(separator: "=", maxSplits: 1)
                return (String(pair[0]), String(pair[1]))
            })
            let timestamp = try #require(parts["t"])
            let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(delivery.body)".utf8), using: SymmetricKey(data: Data(Self.secret.utf8)))
            #expect(parts["v1"] == mac.map { String(format: "%02x", $0) }.joined())
        }
    }

    @Test func aReceiverFailingFiveTimesGetsEveryEventOnceInOrderAcrossARestart() async throws {
        // It fails until it recovers, after the restart: so no success can race the shutdown.
        let receiver = WebhookReceiver(failures: .max)
        try await receiver.serve { port in
            let fixture = try fixture(port: port)
            let data = fixture.root.appendingPathComponent("content/data").path
            let journalBefore = try fixture.journal().split(separator: "\n").count
            try await fixture.prepared.application.test(.live) { client in
                let started = ContinuousClock.now
                let referral = try await client.postJSON(#"{"referrer":"ada","name":"First Friend","email":"first@example.net","consent":true}"#)
                #expect(referral.status == .created)
                let joined = try await client.postJoinJSON(#"{"name":"Hedy Lamarr","email":"hedy@example.net","consent":true}"#)
                #expect(joined.status == .accepted)
                // A failing receiver holds up no answer: one held until delivery gives up would take the
                // fixture's 60 s. (The margin is for a loaded machine: 2 s was once missed by 0.07 s.)
                #expect(ContinuousClock.now - started < .seconds(20))
                try await waitUntil { await receiver.failed >= 5 }
            }
            #expect(await receiver.accepted.isEmpty)
            await receiver.recover()
            // While the server is down the team records a status change with the CLI's library.
            fixture.prepared.journal.close()
            let id = try #require(try fixture.journal().split(separator: "\n").compactMap { line -> String? in
                line.contains("first@example.net") ? try JSONParser.parse(String(line)).members?.first { $0.key == "id" }?.value.stringValue : nil
            }.first)
            try ServerFixture.whenTheLockIsFree {
                try JournalWriter(dataDirectory: data).append(StatusUpdate(id: id, status: .contacted, at: Instant.now).journalLine)
            }
            try fixture.restart()
            try await fixture.prepared.application.test(.live) { client in
                let second = try await client.postJSON(#"{"referrer":"hedy","name":"Second Friend","email":"second@example.net","consent":true}"#)
                #expect(second.status == .created)
                try await waitUntil { await receiver.accepted.count >= 4 }
                try await Task.sleep(for: .milliseconds(200))
            }
            let lines = try fixture.journal().split(separator: "\n").dropFirst(journalBefore).map(String.init)
            let accepted = await receiver.accepted
            #expect(lines.count == 4)
            #expect(accepted.map(\.body) == lines)
            #expect(accepted.map(\.event) == ["referral", "referrer", "status", "referral"])
            #expect(accepted.map(\.delivery) == (1...4).map { String(journalBefore + $0) })
            #expect(await receiver.attempts == (await receiver.failed) + 4)
            let log = try WebhookLog.load(from: WebhookLog.path(stateDirectory: fixture.root.appendingPathComponent(".advocate").path))
            let hook = try #require(log.hooks["http://127.0.0.1:\(port)/hook"])
            #expect(hook.delivered == journalBefore + 4 && hook.attempts == 0 && hook.failingSince == nil && hook.givenUp.isEmpty)
        }
    }

    /// A referral whose append failed (a full disk) takes no place in the journal, so the next
    /// one is delivered as the line it is, and a restart carries on from there: its number had
    /// run ahead of the journal, and the events after a restart were taken as delivered.
    @Test func aFailedAppendTakesNoPlaceInTheDeliveries() async throws {
        let receiver = WebhookReceiver(failures: 0)
        try await receiver.serve { port in
            let fixture = try fixture(port: port)
            let journalBefore = try fixture.journal().split(separator: "\n").count
            try await fixture.prepared.application.test(.live) { client in
                #expect(try await client.postJSON(#"{"referrer":"ada","name":"One","email":"one@example.net","consent":true}"#).status == .created)
                fixture.prepared.journal.simulateWriteFailure(ENOSPC)
                for index in 0..<3 {
                    let failed = try await client.postJSON(#"{"referrer":"ada","name":"Lost","email":"lost\#(index)@example.net","consent":true}"#)
                    #expect(failed.status == .serviceUnavailable)
                }
                fixture.prepared.journal.simulateWriteFailure(nil)
                #expect(try await client.postJSON(#"{"referrer":"ada","name":"Two","email":"two@example.net","consent":true}"#).status == .created)
                try await waitUntil { await receiver.accepted.count == 2 }
            }
            try fixture.restart()
            try await fixture.prepared.application.test(.live) { client in
                #expect(try await client.postJSON(#"{"referrer":"ada","name":"Three","email":"three@example.net","consent":true}"#).status == .created)
                try await waitUntil { await receiver.accepted.count == 3 }
            }
            let lines = try fixture.journal().split(separator: "\n").dropFirst(journalBefore).map(String.init)
            let accepted = await receiver.accepted
            #expect(lines.count == 3 && accepted.map(\.body) == lines)
            #expect(accepted.map(\.delivery) == (1...3).map { String(journalBefore + $0) })
        }
    }

    @Test func anEventRefusedPastTheGiveUpTimeIsLoggedAndTheNextOneStillArrives() async throws {
        let receiver = WebhookReceiver(failures: 0, refuses: { $0.contains("doomed@example.net") })
        try await receiver.serve { port in
            let fixture = try fixture(port: port, giveUpAfter: .milliseconds(150))
            try await fixture.prepared.application.test(.live) { client in
                #expect(try await client.postJSON(#"{"referrer":"ada","name":"Doomed","email":"doomed@example.net","consent":true}"#).status == .created)
                #expect(try await client.postJSON(#"{"referrer":"ada","name":"Lucky","email":"lucky@example.net","consent":true}"#).status == .created)
                try await waitUntil { await receiver.accepted.count == 1 }
            }
            #expect(await receiver.accepted.map(\.event) == ["referral"])
            #expect(await receiver.accepted.first?.body.contains("lucky@example.net") == true)
            #expect(await receiver.attempts >= 3)
            let log = try WebhookLog.load(from: WebhookLog.path(stateDirectory: fixture.root.appendingPathComponent(".advocate").path))
            let hook = try #require(log.hooks["http://127.0.0.1:\(port)/hook"])
            let journalLines = try fixture.journal().split(separator: "\n").count
            #expect(hook.givenUp.map(\.event) == [journalLines - 1])
            #expect(hook.givenUp.first?.error == "the receiver answered 500")
            let store = try StoreLoader.load(from: fixture.root.appendingPathComponent("content/data").path).store
            let report = WebhookStatus.report(program: store.program, journal: store.journal, log: log)
            #expect(report.contains("pending:   0 event(s)") && report.contains("given up:  1 event(s)"))
        }
    }

    /// A redirect is no delivery: followed, a 301 had turned the POST into a GET without its
    /// body, whose 200 counted as delivered. It is retried and given up, saying why.
    @Test func aRedirectIsNotFollowedNorTakenForADelivery() async throws {
        let moved = LockedList<HTTPRequest.Method>()
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            Response(status: .movedPermanently, headers: [.location: "http://\(request.head.authority ?? "127.0.0.1")/moved"])
        }
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/moved", method: method) { request, _ -> Response in
                moved.append(request.method)
                return Response(status: .ok)
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { receiver in
            let port = try #require(receiver.port)
            let fixture = try fixture(port: port, giveUpAfter: .milliseconds(150))
            let logPath = WebhookLog.path(stateDirectory: fixture.root.appendingPathComponent(".advocate").path)
            try await fixture.prepared.application.test(.live) { client in
                #expect(try await client.postJSON(#"{"referrer":"ada","name":"Moved","email":"moved@example.net","consent":true}"#).status == .created)
                try await waitUntil(seconds: 10) { ((try? WebhookLog.load(from: logPath))?.hooks.values.first?.givenUp.isEmpty) == false }
            }
            let hook = try #require(try WebhookLog.load(from: logPath).hooks.values.first)
            #expect(hook.givenUp.first?.error.hasPrefix("the receiver answered 301, a redirect to http://127.0.0.1:") == true, "\(hook.givenUp)")
            #expect(moved.values.isEmpty, "\(moved.values)")
        }
    }

    /// A receiver that is down fails each attempt at once, so the back-off is what spaces them
    /// (each had waited out the 15 s answer deadline), and the log says why in plain words.
    @Test func aReceiverThatRefusesConnectionsFailsEachAttemptAtOnce() async throws {
        let fixture = try fixture(port: try LoopbackExchange.closedPort(), giveUpAfter: .milliseconds(300))
        let logPath = WebhookLog.path(stateDirectory: fixture.root.appendingPathComponent(".advocate").path)
        try await fixture.prepared.application.test(.live) { client in
            #expect(try await client.postJSON(#"{"referrer":"ada","name":"Unheard","email":"unheard@example.net","consent":true}"#).status == .created)
            try await waitUntil(seconds: 10) { ((try? WebhookLog.load(from: logPath))?.hooks.values.first?.givenUp.isEmpty) == false }
        }
        let hook = try #require(try WebhookLog.load(from: logPath).hooks.values.first)
        #expect(hook.givenUp.first?.error == "cannot connect: Connection refused", "\(hook.givenUp)")
        #expect(WebhookDispatcher.reason(HTTPClientError.deadlineExceeded) == "no answer within 15 s")
    }

    /// Checked before the build (minutes at 100,000 referrers): with an output the build cannot
    /// write too, the secret is what the start stops on.
    @Test func aMissingSecretStopsTheServerFromStartingWithAClearMessage() throws {
        do {
            _ = try ServerFixture(edit: { root in
                try FileManager.default.createDirectory(at: root.appendingPathComponent("public/terms/index.html"), withIntermediateDirectories: true)
                let file = root.appendingPathComponent("content/data/program.json")
                let program = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: #"  "brand": {"#, with: """
                      "webhooks": [{"url": "http://127.0.0.1:9/hook", "events": ["referral"], "secret": "env:ADVOCATE_UNSET_SECRET_FOR_TEST"}],
                      "brand": {
                    """)
                try program.write(to: file, atomically: true, encoding: .utf8)
            })
            Issue.record("the server must not start without its webhook secret")
        } catch {
            #expect("\(error)".contains("ADVOCATE_UNSET_SECRET_FOR_TEST, which is not set"), "\(error)")
        }
    }
}
