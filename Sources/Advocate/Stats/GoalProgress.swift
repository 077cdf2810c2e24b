/// The program's goals against its figures: the month of the as-of so far, the pace it is on,
/// and the months before it for the trend. A month's conversion rate is that of the referrals
/// made in it (a cohort), so a recent month's rate still grows as its referrals convert.
public struct GoalProgress: Sendable {
    public var goals: Program.Goals
    /// One a calendar month (named `2026-06`): the accepted referrals made in it and how many of
    /// them are conversions. Oldest first; the last is the month of the as-of (so far).
    public var months: [GroupFigures]
    /// How much of the current month has passed at the as-of, from just above 0 to 1.
    public var monthElapsed: Double

    /// How many months the trend shows, the current one included.
    public static let monthsShown = 6

    public init(goals: Program.Goals, cohorts: MonthlyCohorts, asOf: Instant) {
        self.goals = goals
        let (year, month, _) = asOf.day.components
        let current = MonthlyCohorts.monthNumber(of: asOf)
        var counts: [GroupFigures] = []
        for monthNumber in current - (Self.monthsShown - 1)...current {
            let number = monthNumber % 12 + 1
            let (referrals, converted) = cohorts[monthNumber]
            counts.append(GroupFigures(name: "\(monthNumber / 12)-\(number < 10 ? "0" : "")\(number)",
                                       referrals: referrals, converted: converted))
        }
        months = counts
        let monthStart = CalendarDay(year: year, month: month, day: 1).start
        let length = Double(CalendarDay.daysIn(month: month, year: year)) * Double(Instant.millisecondsPerDay)
        monthElapsed = min(1, max(1 / length, Double(asOf.milliseconds - monthStart.milliseconds + 1) / length))
    }

    public var current: GroupFigures { months[months.count - 1] }

    /// The current month's referrals at its pace so far, projected to its end.
    public var projectedReferrals: Int { Int((Double(current.referrals) / monthElapsed).rounded()) }

    /// True when the projection reaches the referrals goal.
    public var isOnPace: Bool? {
        goals.referralsPerMonth.map { projectedReferrals >= $0 }
    }
}
