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
}
