/// Referrals by the week they were made and conversions by the week they were first converted,
/// counted as outcomes arrive (for the program and for one referrer).
public struct WeeklySeries: Sendable {
    private var referralsByWeek: [Int: Int] = [:]
    private var conversionsByWeek: [Int: Int] = [:]

    public init() {}

    /// Counts one accepted referral (and its conversion, when it counts as one).
    public mutating func add(_ outcome: ReferralOutcome) {
        referralsByWeek[outcome.referral.at.day.weekStart.daysSinceEpoch, default: 0] += 1
        if outcome.isConversion, let at = outcome.firstConvertedAt {
            conversionsByWeek[at.day.weekStart.daysSinceEpoch, default: 0] += 1
        }
    }

    /// One entry a week, named by its Monday, from the first week with either to the last;
    /// weeks with neither are kept in between so the series has no gaps.
    public func weeks() -> [GroupFigures] {
        let keys = Set(referralsByWeek.keys).union(conversionsByWeek.keys)
        guard let first = keys.min(), let last = keys.max() else { return [] }
        return stride(from: first, through: last, by: 7).map { week in
            GroupFigures(name: CalendarDay(daysSinceEpoch: week).iso8601,
                         referrals: referralsByWeek[week] ?? 0, converted: conversionsByWeek[week] ?? 0)
        }
    }
}
