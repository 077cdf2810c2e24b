import Foundation

/// Token buckets by key (an IP, a referrer code): `capacity` requests, refilled evenly over
/// `period`. A capacity of 0 turns the limit off.
final class RateLimiter: @unchecked Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let capacity: Double
    private let refillPerSecond: Double
    private let lock = NSLock()
    private var buckets: [String: Bucket] = [:]
    private let clock = ContinuousClock()

    init(capacity: Int, period: Duration) {
        self.capacity = Double(capacity)
        let seconds = Double(period.components.seconds) + Double(period.components.attoseconds) / 1e18
        self.refillPerSecond = Double(capacity) / seconds
    }

    /// Takes a token for `key`; nil when allowed, else the seconds to wait before retrying.
    func take(_ key: String) -> Int? {
        guard capacity > 0 else { return nil }
        let now = clock.now
        return lock.withLock {
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            let elapsed = bucket.updated.duration(to: now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(capacity, bucket.tokens + seconds * refillPerSecond)
            bucket.updated = now
            defer { buckets[key] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                if buckets.count > 100_000 { buckets.removeAll() }
                return nil
            }
            return max(1, Int(((1 - bucket.tokens) / refillPerSecond).rounded(.up)))
        }
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
