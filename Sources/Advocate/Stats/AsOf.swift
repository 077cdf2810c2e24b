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
    /// machines that wrote a journal differ by minutes, a misdated import by hours or years.
    static let aheadOfNowAllowance: Int64 = 60 * 60 * 1000

    /// Whether `instant` is more than ``aheadOfNowAllowance`` after `now`.
    static func isAhead(_ instant: Instant, of now: Instant) -> Bool {
        instant.milliseconds - now.milliseconds > aheadOfNowAllowance
    }

    /// Why figures as of `asOf`, taken from the store (the newest journal event, or with none
    /// the end of the newest `joined` day), read as a forecast: nil unless ``isAhead(_:of:)``, or
    /// when it is the end of today, a new program's as-of (its referrers joined today, no event yet).
    /// Every page then states that future as-of and counts as earned each reward whose hold ends by then.
    public static func storeDatedAhead(_ asOf: Instant, now: Instant) -> String? {
        guard isAhead(asOf, of: now), asOf != now.day.end else { return nil }
        return "the figures are as of \(asOf.iso8601), after now (\(now.iso8601)): that is the newest journal event's time "
            + "(with no event, the end of the newest referrer's joined day), so they are a forecast that counts as earned each reward whose hold ends by then; "
            + "correct that date (`advocate check` names its line), or pass --as-of"
    }
}
