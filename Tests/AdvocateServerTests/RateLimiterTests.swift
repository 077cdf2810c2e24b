@testable import AdvocateServer
import Foundation
import Testing

@Suite struct RateLimiterTests {
    /// Past its maximum of keys (a flood of forged addresses), the limiter forgets the buckets
    /// full again, not every one: a client at its limit stays there. It had forgotten them all.
    @Test func aFloodOfKeysDoesNotResetAClientAtItsLimit() throws {
        // 200 tokens a second: a forged key's one token is back within 5 ms, the abuser's 1,000 after 5 s.
        let limiter = RateLimiter(capacity: 1_000, period: .seconds(5), maximumKeys: 100)
        for _ in 0..<1_000 { #expect(limiter.take("abuser") == nil) }
        #expect(limiter.take("abuser") != nil)
        for key in 0..<90 { #expect(limiter.take("forged-\(key)") == nil) }
        usleep(50_000)
        for key in 90..<120 { #expect(limiter.take("forged-\(key)") == nil) }
        let allowed = (0..<100).filter { _ in limiter.take("abuser") == nil }.count
        #expect(allowed < 100, "the abuser was forgotten with the forged keys")
    }

    /// A flood of keys all still in use is forgotten whole, so that later takes do not each
    /// go through them.
    @Test func aFloodOfKeysStillInUseIsForgottenWhole() {
        let limiter = RateLimiter(capacity: 2, period: .seconds(3_600), maximumKeys: 100)
        #expect(limiter.take("abuser") == nil && limiter.take("abuser") == nil && limiter.take("abuser") != nil)
        for key in 0...100 { #expect(limiter.take("forged-\(key)") == nil) }
        #expect(limiter.take("abuser") == nil)
    }
}
