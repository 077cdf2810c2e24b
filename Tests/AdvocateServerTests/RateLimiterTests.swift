@testable import AdvocateServer
import Foundation
import Testing

@Suite struct RateLimiterTests {
    /// Past its maximum of keys (a flood of forged addresses), the limiter forgets the buckets
    /// full again, not every one: a client at its limit stays there. It had forgotten them all.
    @Test func aFloodOfKeysDoesNotResetAClientAtItsLimit() throws {
        // A token every 6 s: a forged key's one is back after 6 s, the abuser's ten after a minute.
        let limiter = RateLimiter(capacity: 10, period: .seconds(60), maximumKeys: 100)
        let start = ContinuousClock.now
        for _ in 0..<10 { #expect(limiter.take("abuser", at: start) == nil) }
        #expect(limiter.take("abuser", at: start) == 6)
        for key in 0..<90 { #expect(limiter.take("forged-\(key)", at: start) == nil) }
        let later = start + .seconds(7)
        for key in 90..<120 { #expect(limiter.take("forged-\(key)", at: later) == nil) }
        #expect(limiter.take("abuser", at: later) == nil, "a token is back after 6 s")
        #expect(limiter.take("abuser", at: later) != nil, "the abuser was forgotten with the forged keys")
    }

    /// A flood of keys all still in use (faster than the refill) keeps the half refused most
    /// recently, then nearest their limit: a client at its limit that keeps asking stays there,
    /// though its tokens grow back between its refusals while each new key has used its only one.
    @Test func aFloodOfKeysStillInUseKeepsTheClientsAtTheirLimit() {
        let limiter = RateLimiter(capacity: 1, period: .seconds(60), maximumKeys: 100)
        let start = ContinuousClock.now
        #expect(limiter.take("abuser", at: start) == nil && limiter.take("abuser", at: start) != nil)
        for key in 0..<100 {
            let now = start + .milliseconds(200 * (key + 1))
            #expect(limiter.take("forged-\(key)", at: now) == nil)
            if key % 10 == 0 { #expect(limiter.take("abuser", at: now) != nil) }
        }
        #expect(limiter.take("abuser", at: start + .seconds(21)) != nil, "the abuser was forgotten with the forged keys")
    }
}
