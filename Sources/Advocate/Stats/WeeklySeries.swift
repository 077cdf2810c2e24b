/// Referrals by the week they were made and conversions by the week they were first converted
/// (for the program and for one referrer).
public struct WeeklySeries: Sendable, Codable {
    private var referralsByWeek: [Int: Int] = [:]
    private var conversionsByWeek: [Int: Int] = [:]

    public init() {}

    /// Counts one accepted referral (and its conversion, when it counts as one) in (`sign` 1) or out (-1).
    public mutating func count(_ outcome: ReferralOutcome, sign: Int = 1) {
        Self.count(&referralsByWeek, outcome.referral.at, sign)
        if outcome.isConversion, let at = outcome.firstConvertedAt { Self.count(&conversionsByWeek, at, sign) }
    }

    private static func count(_ weeks: inout [Int: Int], _ instant: Instant, _ sign: Int) {
        let week = instant.day.weekStart.daysSinceEpoch
        let total = weeks[week, default: 0] + sign
        weeks[week] = total == 0 ? nil : total
    }

    /// One entry a week, named by its Monday, from the first week with either to the last;
    /// weeks with neither are kept in between so the series has no gaps. With `limit`, only the
    /// last `limit` of them. With `end`, the series runs on to the week of that instant (the
    /// as-of), with empty weeks after the last active one: the last `limit` weeks are then those
    /// up to the as-of, not up to the last week anyone referred.
    public func weeks(last limit: Int? = nil, through end: Instant? = nil) -> [GroupFigures] {
        weeks(last: limit, through: end, withEarlierWeeks: false)
    }

    /// ``weeks(last:through:)`` of the accepted referrals `forEach` gives (it calls its argument
    /// with each one's date and, for a conversion, its first `converted` date), counting only the
    /// weeks that can be shown and noting that there were others: counting every week of a
    /// referrer with 150,000 referrals, a copy of each outcome apiece, was most of each server
    /// refresh of their stats page (perf). `OutcomeLedgerTests` hold it to the whole series.
    static func lastWeeks(_ limit: Int, through end: Instant,
                          of forEach: ((_ referredAt: Instant, _ convertedAt: Instant?) -> Void) -> Void) -> [GroupFigures] {
        guard limit > 0 else { return [] }
        let firstShown = CalendarDay(daysSinceEpoch: end.day.weekStart.daysSinceEpoch - 7 * (limit - 1)).start
        var series = WeeklySeries()
        var earlier = false
        forEach { referredAt, convertedAt in
            if referredAt >= firstShown { count(&series.referralsByWeek, referredAt, 1) } else { earlier = true }
            if let convertedAt {
                if convertedAt >= firstShown { count(&series.conversionsByWeek, convertedAt, 1) } else { earlier = true }
            }
        }
        return series.weeks(last: limit, through: end, withEarlierWeeks: earlier)
    }

    /// The weeks; `withEarlierWeeks` when weeks before the last `limit` through `end` had
    /// referrals or conversions that were not counted: the series then has all `limit` weeks.
    private func weeks(last limit: Int?, through end: Instant?, withEarlierWeeks: Bool) -> [GroupFigures] {
        let keys = Set(referralsByWeek.keys).union(conversionsByWeek.keys)
        guard limit.map({ $0 > 0 }) ?? true, !keys.isEmpty || withEarlierWeeks, var last = keys.max() ?? end?.day.weekStart.daysSinceEpoch
        else { return [] }
        var first = withEarlierWeeks ? Int.min : keys.min()!
        if let end { last = max(last, end.day.weekStart.daysSinceEpoch) }
        if let limit { first = max(first, last - 7 * (limit - 1)) }
        return stride(from: first, through: last, by: 7).map { week in
            GroupFigures(name: CalendarDay(daysSinceEpoch: week).iso8601,
                         referrals: referralsByWeek[week] ?? 0, converted: conversionsByWeek[week] ?? 0)
        }
    }
}
