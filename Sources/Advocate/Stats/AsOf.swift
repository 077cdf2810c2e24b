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
