import Advocate
@testable import AdvocateServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /api/join` over a live server on 127.0.0.1, on a copy of the example.
@Suite struct JoinEndpointTests {
    /// The `referrer` events of the journal, as parsed objects.
    func joinEvents(_ fixture: ServerFixture) throws -> [[String: String]] {
        try fixture.journal().split(separator: "\n").compactMap { line in
            let members = try JSONParser.parse(String(line)).members ?? []
            guard members.contains(where: { $0.key == "type" && $0.value.stringValue == "referrer" }) else { return nil }
            return Dictionary(members.compactMap { member in member.value.stringValue.map { (member.key, $0) } }, uniquingKeysWith: { a, _ in a })
        }
    }

    func outboxMessages(_ fixture: ServerFixture, to address: String) async throws -> [String] {
        try await fixture.outboxMessages().filter { $0.contains("<\(address)>") }
    }

    /// Waits up to `seconds` for a file to exist; true when it does.
    func appears(_ url: URL, within seconds: Double) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: url.path) { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return FileManager.default.fileExists(atPath: url.path)
    }

    @Test func joiningByFormRecordsAReferrerMakesTheirPagesWithinASecondAndEmailsBothLinks() async throws {
        let fixture = try ServerFixture(refreshDelay: .milliseconds(200))
        let before = try joinEvents(fixture).count
        try await fixture.prepared.application.test(.live) { client in
            let response = try await client.postJoinForm("name=Linus+Torvalds&email=Linus.Torvalds%40example.net&consent=on")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/join/sent/")
            let events = try joinEvents(fixture)
            #expect(events.count == before + 1)
            let event = try #require(events.last)
            // "linus" is taken in the example, so the full name makes the code.
            #expect(event["code"] == "linus-torvalds")
            #expect(event["name"] == "Linus Torvalds" && event["email"] == "Linus.Torvalds@example.net" && event["segment"] == "customer")
            let token = try #require(event["statsToken"])
            #expect(StoreRules.isValidToken(token) && token.count == 32)
            #expect(try await appears(fixture.file("r/linus-torvalds/index.html"), within: 1))
            #expect(try await appears(fixture.file("stats/\(token)/index.html"), within: 1))
            #expect(try await appears(fixture.file("r/linus-torvalds/qr.svg"), within: 1))
            let share = try await client.execute(uri: "/r/linus-torvalds/", method: .get)
            #expect(share.status == .ok)
            #expect(String(buffer: share.body).contains("<bdi>Linus</bdi> invites you"))
            let stats = try await client.execute(uri: "/stats/\(token)/", method: .get)
            #expect(stats.status == .ok && stats.headers[.cacheControl] == "no-store")
            let sent = try await client.execute(uri: "/join/sent/", method: .get)
            #expect(String(buffer: sent.body).contains("Check your inbox"))
            let mail = try #require(try await outboxMessages(fixture, to: "Linus.Torvalds@example.net").first)
            #expect(mail.contains("https://refer.acme.example/r/linus-torvalds/"))
            #expect(mail.contains("https://refer.acme.example/stats/\(token)/"))
        }
        let store = try StoreLoader.load(from: fixture.root.appendingPathComponent("content/data").path).store
        #expect(store.referrers.contains { $0.code == "linus-torvalds" })
    }

    @Test func joiningAgainResendsTheSameLinksWithAnIdenticalAnswer() async throws {
        let fixture = try ServerFixture()
        let before = try joinEvents(fixture).count
        try await fixture.prepared.application.test(.live) { client in
            let first = try await client.postJoinJSON(#"{"name":"Margaret Hamilton","email":"margaret@example.net","consent":true}"#)
            let second = try await client.postJoinJSON(#"{"name":"Maggie H","email":"  MARGARET@example.net ","consent":true}"#)
            let member = try await client.postJoinJSON(#"{"name":"Ada","email":"ada@example.com","consent":true}"#)
            #expect(first.status == .accepted)
            for other in [second, member] {
                #expect(other.status == first.status)
                #expect(other.headers[.contentType] == first.headers[.contentType])
                #expect(String(buffer: other.body) == String(buffer: first.body))
            }
            #expect(!String(buffer: first.body).contains("stats"))
            let formFirst = try await client.postJoinForm("name=Ada&email=ada%40example.com&consent=on")
            let formNew = try await client.postJoinForm("name=Barbara+Liskov&email=barbara%40example.net&consent=on")
            #expect(formFirst.status == formNew.status && formFirst.headers[.location] == formNew.headers[.location])
        }
        let events = try joinEvents(fixture)
        #expect(events.count == before + 2)
        let margaret = try #require(events.first { $0["email"] == "margaret@example.net" })
        let mails = try await outboxMessages(fixture, to: "margaret@example.net")
        #expect(mails.count == 2)
        #expect(mails.allSatisfy { $0.contains("/stats/\(margaret["statsToken"]!)/") && $0.contains("/r/\(margaret["code"]!)/") })
        let ada = try await outboxMessages(fixture, to: "ada@example.com")
        #expect(ada.count == 2 && ada.allSatisfy { $0.contains("/r/ada/") })
    }

    @Test func aReferralToTheNewReferrersCodeIsAccepted() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.live) { client in
            let joined = try await client.postJoinJSON(#"{"name":"Radia Perlman","email":"radia@example.net","consent":true}"#)
            #expect(joined.status == .accepted)
            let code = try #require(try joinEvents(fixture).last?["code"])
            #expect(code == "radia")
            let referral = try await client.postJSON(#"{"referrer":"radia","name":"Vint Cerf","email":"vint@example.net","consent":true}"#)
            #expect(referral.status == .created)
            let own = try await client.postJSON(#"{"referrer":"radia","name":"Radia","email":"RADIA@example.net","consent":true}"#)
            #expect(own.status == .conflict)
            let typo = try await client.postForm("referrer=radia&name=Bob+Kahn&email=bob-at-example&consent=on")
            #expect(typo.status == .unprocessableContent)
            #expect(String(buffer: typo.body).contains("<bdi>Radia</bdi> invites you"))
        }
        #expect(try fixture.journal().contains(#""referrer":"radia","name":"Vint Cerf""#))
        // The referrer's note about Vint, besides the welcome.
        #expect(try await outboxMessages(fixture, to: "radia@example.net").count == 2)
        #expect(try await outboxMessages(fixture, to: "vint@example.net").count == 1)
    }

    @Test func theJoinFormFollowsTheEndpointsRules() async throws {
        let fixture = try ServerFixture(codeLimit: 2)
        let journalBefore = try fixture.journal()
        try await fixture.prepared.application.test(.live) { client in
            let invalid = try await client.postJoinForm("name=%3Cb%3EX%3C%2Fb%3E&email=nope")
            #expect(invalid.status == .unprocessableContent)
            let page = String(buffer: invalid.body)
            #expect(page.contains(#"value="&lt;b&gt;X&lt;/b&gt;""#))
            #expect(page.contains("Please enter a valid email address") && page.contains("Please agree that we may email you your links"))
            // Focus lands on the summary without JavaScript, as on the referral form's 422 page.
            #expect(page.contains(#"<div class="error-summary" role="alert" tabindex="-1" autofocus>"#))
            let problem = try await client.postJoinJSON(#"{"name":"","email":"x@","consent":false}"#)
            #expect(problem.status == .unprocessableContent && problem.headers[.contentType] == "application/problem+json")
            let malformed = try await client.postJoinJSON(#"{"name":"#)
            #expect(malformed.status == .badRequest)
            let bytes = try await client.postJoinForm("name=Bad%FF%FE&email=bad.bytes%40example.net&consent=on")
            #expect(bytes.status == .unprocessableContent)
            #expect(String(buffer: bytes.body).contains(#"aria-describedby="join-name-error""#))
            #expect(String(buffer: bytes.body).contains("was not sent as UTF-8"))
            let bot = try await client.postJoinForm("name=Bot&email=bot%40example.net&consent=on&website=spam")
            #expect(bot.status == .seeOther && bot.headers[.location] == "/join/sent/")
            let crossSite = try await client.postJoinForm("name=X&email=x%40example.net&consent=on", headers: [.origin: "https://evil.example"])
            #expect(crossSite.status == .forbidden)
            let huge = try await client.postJoinForm("name=" + String(repeating: "a", count: 17 * 1024) + "&email=big%40example.net")
            #expect(huge.status == .contentTooLarge)
            let get = try await client.execute(uri: "/api/join", method: .get)
            #expect(get.status == .methodNotAllowed)
            // Without consent nothing is sent: the email's budget is given back.
            for _ in 0..<3 {
                #expect(try await client.postJoinJSON(#"{"name":"Repeat","email":"repeat@example.net"}"#).status == .unprocessableContent)
            }
            for _ in 0..<2 {
                #expect(try await client.postJoinJSON(#"{"name":"Repeat","email":"repeat@example.net","consent":true}"#).status == .accepted)
            }
            let limited = try await client.postJoinJSON(#"{"name":"Repeat","email":"repeat@example.net","consent":true}"#)
            #expect(limited.status == .tooManyRequests && limited.headers[.retryAfter] != nil)
            let limitedForm = try await client.postJoinForm("name=Repeat+Again&email=repeat%40example.net&consent=on")
            #expect(limitedForm.status == .tooManyRequests && limitedForm.headers[.retryAfter] != nil)
            let limitedPage = String(buffer: limitedForm.body)
            #expect(limitedForm.headers[.contentType]?.hasPrefix("text/html") == true && limitedPage.contains("Too many requests; please try again later."))
            #expect(limitedPage.contains(#"value="Repeat Again""#) && limitedPage.contains(#"value="repeat@example.net""#))
            // A filled honeypot is answered as a person is there, without using the email's budget.
            let botOverLimit = try await client.postJoinJSON(#"{"name":"Repeat","email":"repeat@example.net","consent":true,"website":"x"}"#)
            #expect(botOverLimit.status == .tooManyRequests && botOverLimit.headers[.retryAfter] != nil)
            let botFormOverLimit = try await client.postJoinForm("name=Repeat&email=repeat%40example.net&consent=on&website=x")
            #expect(botFormOverLimit.status == .tooManyRequests)
        }
        let added = try fixture.journal().dropFirst(journalBefore.count)
        #expect(added.split(separator: "\n").count == 1)
        #expect(added.contains("repeat@example.net") && !added.contains("bot@example.net"))
    }
}

extension TestClientProtocol {
    func postJoinForm(_ body: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var all: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        all.append(contentsOf: headers)
        return try await execute(uri: "/api/join", method: .post, headers: all, body: ByteBuffer(string: body))
    }

    func postJoinJSON(_ body: String) async throws -> TestResponse {
        try await execute(uri: "/api/join", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
    }
}
