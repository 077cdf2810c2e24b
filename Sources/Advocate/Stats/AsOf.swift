/// Resolves the instant figures are computed as of.
public enum AsOf {
    /// `--as-of YYYY-MM-DD` means the end of that UTC day; without it, the `at` of the newest
    /// journal event; with an empty journal, the end of the day the newest referrer joined (or
    /// 1970-01-01), so that a build never depends on the clock.
    public static func resolve(_ day: CalendarDay?, store: Store) -> Instant {
        if let day { return day.end }
        if let newest = store.newestEventInstant { return newest }
        return store.referrers.compactMap(\.joined).max()?.end ?? nothingYet
    }

    /// The as-of of a program with no journal event and no `joined` day: nothing to date.
    public static let nothingYet = CalendarDay(daysSinceEpoch: 0).end
}

extension AsOf {
    /// How far past the clock an as-of may be before it is called a forecast: clocks of the
    /// machines that wrote a journal differ by minutes, a misdated import by days or years.
    public static let aheadOfNowAllowance: Int64 = 60 * 60 * 1000

    /// Why figures as of `asOf`, the newest journal event's time, read as a forecast: nil unless
    /// that event is dated more than ``aheadOfNowAllowance`` after `now`. Every page then states
    /// that future as-of and counts as earned each reward whose hold ends by then.
    public static func newestEventAhead(_ asOf: Instant, now: Instant) -> String? {
        guard asOf.milliseconds - now.milliseconds > aheadOfNowAllowance else { return nil }
        return "the journal's newest event is dated \(asOf.iso8601), after now (\(now.iso8601)): the figures are as of it, "
            + "a forecast that counts as earned each reward whose hold ends by then; correct the event's date (`advocate check` names its line), or pass --as-of"
    }
}
