/// The emails that tell referrers of status changes just recorded (`advocate referral status`,
/// `advocate import statuses`), and a warning for each change that earns nothing.
///
/// A referral first converted past the program's attribution window counts toward no reward
/// (DESIGN.md), so its referrer is not told "is now converted" or "is now rewarded" as if it
/// paid: the change is recorded, the team is warned, and no email goes out.
public struct StatusNotices: Sendable {
    /// One email a status change that earns what it says.
    public var messages: [EmailMessage] = []
    /// Why a change got no email, one sentence each.
    public var warnings: [String] = []

    /// The notices for `updates`, already in `site`'s store, dated `writtenAt`.
    public init(for updates: [StatusUpdate], site: Site, writtenAt: Instant = .now) {
        let store = site.inputs.store
        var outcomes: [String: ReferralOutcome] = [:]
        for outcome in FigureCalculator.outcomes(of: store, asOf: Instant(milliseconds: .max)) {
            outcomes[outcome.referral.id] = outcome
        }
        let notifier = Notifier(site: site)
        var seen: [String: Int] = [:]
        for update in updates {
            guard let outcome = outcomes[update.id] else { continue }
            if [.converted, .rewarded].contains(update.status), !outcome.isConversion, let converted = outcome.firstConvertedAt {
                warnings.append("\(update.id) is now \(update.status.rawValue), but it was first converted on \(converted.day.iso8601), more than "
                                + "the program's \(store.program.attributionWindowDays)-day attribution window after the referral (\(outcome.referral.at.day.iso8601)): "
                                + "it earns no reward, so its referrer was not emailed about it")
                continue
            }
            // Each its own Message-ID: the same status twice in one run (converted, refunded,
            // converted again) is a second email, as in another run (its time is another).
            let key = "\(update.id).\(update.status.rawValue)"
            seen[key, default: 0] += 1
            if let message = notifier.message(forStatus: update, referral: outcome.referral, writtenAt: writtenAt, occurrence: seen[key]!) {
                messages.append(message)
            }
        }
    }
}
