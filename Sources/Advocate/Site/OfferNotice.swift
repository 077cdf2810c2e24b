/// What to tell a team whose pages show another offer than the one running now: pages show the
/// offer running at their as-of (the newest event), and the server's refresh keeps the share
/// pages' as-of (DESIGN.md), while a friend's email names the offer running when they refer.
/// A program quiet since before an offer ended kept promising it on every share page.
public enum OfferNotice {
    /// Nil when the pages, as of `asOf`, show the offer running at `now` (or neither shows one).
    public static func message(program: Program, pagesAsOf asOf: Instant, now: Instant) -> String? {
        let shown = program.offer(at: asOf), running = program.offer(at: now)
        guard shown != running else { return nil }
        let pages = "the pages, as of \(asOf.day.iso8601) (the newest event), "
        let fix = "rebuild them (advocate build, or kill -HUP the server) once a referral made today is recorded"
        switch (shown, running) {
        case (let shown?, let running?):
            return pages + "show the offer “\(shown.name)”, while “\(running.name)” runs now and friends who refer are emailed its reward; " + fix
        case (let shown?, nil):
            let ended = shown.until < now.day ? "which ended \(shown.until.iso8601)" : "which starts \(shown.from.iso8601)"
            let now = program.friendReward == nil ? "friends who refer now are promised no reward" : "friends who refer now are emailed the base reward"
            return pages + "show the offer “\(shown.name)”, \(ended): \(now); " + fix
        case (nil, let running?):
            return pages + "do not show the offer “\(running.name)” running now, though friends who refer now are emailed its reward; " + fix
        case (nil, nil):
            return nil
        }
    }
}
