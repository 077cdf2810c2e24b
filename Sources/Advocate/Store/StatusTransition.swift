/// Which status changes make sense, so the CLI and imports refuse impossible moves such as
/// `rewarded` before `converted`.
public enum StatusTransition {
    /// Nil when the move is allowed, else the reason it is not.
    ///
    /// Allowed: contacted from referred; converted from referred, contacted or rejected (a
    /// reinstated referral); rewarded from converted; rejected from anything but rejected
    /// (a refund after conversion or reward).
    public static func refusal(from current: ReferralStatus?, to next: ReferralStatus) -> String? {
        switch (current, next) {
        case (nil, .contacted), (nil, .converted), (nil, .rejected),
             (.contacted?, .converted), (.contacted?, .rejected),
             (.converted?, .rewarded), (.converted?, .rejected),
             (.rewarded?, .rejected),
             (.rejected?, .converted), (.rejected?, .contacted):
            return nil
        case (let current?, let next) where current == next:
            return "it is already \(next.rawValue)"
        case (_, .rewarded):
            return "only a converted referral can be rewarded (it is \(current?.rawValue ?? "referred"))"
        default:
            return "a \(current?.rawValue ?? "referred") referral cannot become \(next.rawValue)"
        }
    }

    /// The latest status of each referral in the journal and when it was recorded, by id,
    /// ignoring the as-of (the CLI acts on the journal as it is).
    public static func latestStatuses(_ store: Store) -> [String: (status: ReferralStatus, at: Instant)] {
        var latest: [String: (status: ReferralStatus, at: Instant)] = [:]
        for event in store.journal {
            if case .status(let change) = event { latest[change.id] = (change.status, change.at) }
        }
        return latest
    }
}
