import Foundation

/// Token buckets by key (an IP, a referrer code): `capacity` requests, refilled evenly over
/// `period`. A capacity of 0 turns the limit off.
final class RateLimiter: @unchecked Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
        /// When a take was last refused: a client at its limit that keeps asking.
        var refused: ContinuousClock.Instant?
    }

    private let capacity: Double
    private let refillPerSecond: Double
    private let lock = NSLock()
    private var buckets: [String: Bucket] = [:]

    /// Keys kept before those whose buckets are full again are forgotten.
    private let maximumKeys: Int

    init(capacity: Int, period: Duration, maximumKeys: Int = 100_000) {
        self.capacity = Double(capacity)
        self.maximumKeys = maximumKeys
        let seconds = Double(period.components.seconds) + Double(period.components.attoseconds) / 1e18
        self.refillPerSecond = Double(capacity) / seconds
    }

    /// Takes a token for `key` at `now`; nil when allowed, else the seconds to wait before retrying.
    func take(_ key: String, at now: ContinuousClock.Instant = .now) -> Int? {
        guard capacity > 0 else { return nil }
        return lock.withLock {
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            bucket.tokens = min(capacity, tokens(of: bucket, at: now))
            bucket.updated = now
            defer { buckets[key] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                if buckets.count > maximumKeys { forgetFullBuckets(now) }
                return nil
            }
            bucket.refused = now
            return wait(forTokens: bucket.tokens)
        }
    }

    /// ``take(_:at:)`` for a request that counts; for one that does not (a filled honeypot: a
    /// bot must not use up a referrer's hour), what it would answer, without taking a token, so
    /// that the bot is answered 429 where a person would be (a success there tells it that its
    /// honeypot was seen).
    func take(_ key: String, charging: Bool) -> Int? {
        charging ? take(key) : peek(key)
    }

    /// What ``take(_:at:)`` would answer for `key` at `now`, without taking a token.
    func peek(_ key: String, at now: ContinuousClock.Instant = .now) -> Int? {
        guard capacity > 0 else { return nil }
        return lock.withLock {
            guard let bucket = buckets[key] else { return nil }
            let tokens = tokens(of: bucket, at: now)
            return tokens >= 1 ? nil : wait(forTokens: tokens)
        }
    }

    /// The seconds until a bucket holding `tokens` (fewer than one) holds one.
    private func wait(forTokens tokens: Double) -> Int {
        max(1, Int(((1 - tokens) / refillPerSecond).rounded(.up)))
    }

    /// Forgets the buckets full again by `now`, which hold nothing a new one would not: past
    /// `maximumKeys` (a flood of forged addresses) every bucket had been forgotten, also those
    /// of clients at their limit. Should most still be in use (a flood faster than the refill),
    /// half are kept: those refused most recently first (a client at its limit that keeps
    /// asking: its tokens grow back between refusals, so a flood of new keys has fewer), then
    /// those nearest their limit.
    private func forgetFullBuckets(_ now: ContinuousClock.Instant) {
        let inUse = buckets.compactMap { key, bucket -> (key: String, bucket: Bucket, tokens: Double)? in
            let tokens = tokens(of: bucket, at: now)
            return tokens < capacity ? (key, bucket, tokens) : nil
        }
        let kept = inUse.count <= maximumKeys / 2 ? inUse[...] : inUse.sorted { a, b in
            switch (a.bucket.refused, b.bucket.refused) {
            case let (left?, right?) where left != right: left > right
            case (.some, nil): true
            case (nil, .some): false
            default: a.tokens < b.tokens
            }
        }.prefix(maximumKeys / 2)
        buckets = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.bucket) })
    }

    /// The tokens `bucket` holds at `now`, refilled since it was last taken from (uncapped).
    private func tokens(of bucket: Bucket, at now: ContinuousClock.Instant) -> Double {
        let elapsed = bucket.updated.duration(to: now)
        return bucket.tokens + (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) * refillPerSecond
    }

    /// Returns the token `take` took for `key`, for a request that recorded and sent nothing (a
    /// typo answered 422, a journal that could not be written); a bucket full again is dropped.
    func giveBack(_ key: String) {
        guard capacity > 0 else { return }
        lock.withLock {
            guard var bucket = buckets[key] else { return }
            bucket.tokens += 1
            buckets[key] = bucket.tokens >= capacity ? nil : bucket
        }
    }
}
