/// What happened to one referral, as of an instant.
public struct ReferralOutcome: Sendable {
    public enum Acceptance: Sendable, Equatable {
        case accepted
        /// The friend's email was already referred by an earlier accepted referral.
        case duplicate
        /// The friend's email is the referrer's own.
        case selfReferral
    }

    public var referral: Referral
    public var acceptance: Acceptance
    /// The limited-time offer the referral was made under (its name), nil for the base reward.
    public var offer: String?
    /// What the referrer earns for it once it converts and matures: the offer's amount, else the base reward.
    public var reward: Double
    /// The newest status recorded for it, nil while it has none.
    public var latestStatus: ReferralStatus?
    /// When the referral was first marked converted.
    public var firstConvertedAt: Instant?
    /// The `value` given with its first conversion.
    public var conversionValue: Double?
    /// True once any status past `referred` was recorded (contacted, converted or rewarded).
    public var wasContacted: Bool
    /// True when it counts as a conversion: accepted, latest status converted or rewarded, and
    /// first converted within the attribution window.
    public var isConversion: Bool
    /// True when it is a conversion whose reward hold has passed.
    public var isMatured: Bool

    public var isAccepted: Bool { acceptance == .accepted }
}

/// One referrer's figures.
public struct ReferrerFigures: Sendable {
    public var code: String
    public var referrals: Int
    public var converted: Int
    /// Conversions past the reward hold.
    public var matured: Int
    public var earned: Double
    public var pending: Double
    public var tier: Program.Tier?
    public var nextTier: Program.Tier?

    /// converted / referrals, 0 when there are none.
    public var conversionRate: Double { referrals == 0 ? 0 : Double(converted) / Double(referrals) }

    /// Conversions still needed for the next tier.
    public var remainingToNextTier: Int? { nextTier.map { $0.conversions - converted } }
}

/// Referrals and conversions of one group (a source, a segment, a variant, a week).
public struct GroupFigures: Sendable, Equatable, Codable {
    public var name: String
    public var referrals: Int
    public var converted: Int

    public var conversionRate: Double { referrals == 0 ? 0 : Double(converted) / Double(referrals) }
}

/// The stages of the referral funnel, each counting accepted referrals that reached it.
public struct Funnel: Sendable, Equatable, Codable {
    public var referred: Int
    public var contacted: Int
    public var converted: Int
    public var rewarded: Int
}

/// The program's figures: sums over referrers plus the breakdowns the analytics page shows.
public struct ProgramFigures: Sendable {
    public var referrers: Int
    public var referrals: Int
    public var converted: Int
    public var earned: Double
    public var pending: Double
    public var duplicates: Int
    public var selfReferrals: Int
    public var conversionValue: Double
    public var funnel: Funnel
    public var bySource: [GroupFigures]
    public var bySegment: [GroupFigures]
    public var byVariant: [GroupFigures]
    /// Referrals and conversions by week.
    public var weekly: WeeklySeries
    /// Accepted referrals by the month they were made in, for the goals.
    public var cohorts: MonthlyCohorts
    /// Up to ten referrer codes with the most conversions (then referrals, then code).
    public var topReferrers: [String]
    /// Referrers left out of `topReferrers` with the same conversions and referrals as its last.
    public var tiedPastTheTop: Int
    /// Referrers left out of `topReferrers` with as many conversions as its last with any.
    public var tiedPastTheTopByConversions: Int

    public var conversionRate: Double { referrals == 0 ? 0 : Double(converted) / Double(referrals) }
}

/// Every figure of a program as of one instant.
public struct Figures: Sendable {
    public var asOf: Instant
    public var currency: String
    /// In roster order.
    public var referrers: [ReferrerFigures]
    public var program: ProgramFigures
    /// The outcomes behind the figures.
    let ledger: OutcomeLedger

    /// The program's referrals and conversions a week (named by its Monday), from the first
    /// week with either to the as-of's week: quiet weeks since are there as zeros, as on the
    /// analytics page, so a chart of them shows the program gone quiet.
    public var perWeek: [GroupFigures] { program.weekly.weeks(through: asOf) }

    /// The figures of one referrer, by code.
    public func referrer(_ code: String) -> ReferrerFigures? {
        ledger.index(ofReferrer: code).map { referrers[$0] }
    }

    /// The roster position of a referrer, by code.
    public func index(ofReferrer code: String) -> Int? { ledger.index(ofReferrer: code) }

    /// A referrer's referrals (accepted or not), oldest first, each made as of ``asOf`` when it is
    /// read: a page that shows the last few reads only those, however long the history.
    public func outcomes(ofReferrer code: String) -> LazyMapCollection<[Int], ReferralOutcome> {
        positions(ofReferrer: code).lazy.map { asOfOutcome(ledger.outcomes[$0]) }
    }

    /// A referrer's newest accepted referrals, at most `limit`, newest first: by date, and of equal
    /// dates the later line (a journal is oldest first, but lines appended later, an import of
    /// older referrals, may be older). Only those returned are copied, as of ``asOf``: copying
    /// every outcome of every referrer to pick a few was about 4 % of a build (perf).
    public func newestAcceptedOutcomes(ofReferrer code: String, limit: Int) -> [ReferralOutcome] {
        guard limit > 0 else { return [] }
        let outcomes = ledger.outcomes
        // One pass keeping the newest so far, newest first. Sorting every referral when a line was
        // out of date order made each server refresh of a referrer with 150,000 referrals take
        // longer than the last (perf: a fifth of the refresh).
        var newest: [(at: Instant, position: Int)] = []
        newest.reserveCapacity(limit + 1)
        for position in positions(ofReferrer: code) where outcomes[position].isAccepted {
            let at = outcomes[position].referral.at
            // Positions ascend: of equal dates, this line is newer than those kept.
            if newest.count == limit, at < newest[limit - 1].at { continue }
            newest.insert((at, position), at: newest.firstIndex { at >= $0.at } ?? newest.count)
            if newest.count > limit { newest.removeLast() }
        }
        return newest.map { asOfOutcome(outcomes[$0.position]) }
    }

    /// Calls `body` with each of a referrer's referrals (accepted or not), oldest first, read in
    /// place, and whether it is matured as of ``asOf``.
    func forEachOutcome(ofReferrer code: String, _ body: (borrowing ReferralOutcome, _ isMatured: Bool) -> Void) {
        for position in positions(ofReferrer: code) {
            body(ledger.outcomes[position], isMatured(ledger.outcomes[position]))
        }
    }

    /// A referrer's accepted referrals and conversions counted by week, read in place (the
    /// counts do not depend on the as-of, so no outcome is copied to make them).
    public func weeklySeries(ofReferrer code: String) -> WeeklySeries {
        var series = WeeklySeries()
        for position in positions(ofReferrer: code) where ledger.outcomes[position].isAccepted {
            series.count(ledger.outcomes[position])
        }
        return series
    }

    /// A referrer's accepted referrals and conversions in the `limit` weeks through `end`, as
    /// `weeklySeries(ofReferrer:).weeks(last:through:)` gives them, counting only those weeks.
    public func recentWeeks(ofReferrer code: String, last limit: Int, through end: Instant) -> [GroupFigures] {
        WeeklySeries.lastWeeks(limit, through: end) { body in
            // Fields read in place: handing over the outcome copied it.
            for position in positions(ofReferrer: code) where ledger.outcomes[position].isAccepted {
                body(ledger.outcomes[position].referral.at, ledger.outcomes[position].isConversion ? ledger.outcomes[position].firstConvertedAt : nil)
            }
        }
    }

    /// Where a referrer's referrals are in the ledger's outcomes, oldest first; none for an unknown code.
    private func positions(ofReferrer code: String) -> [Int] {
        ledger.index(ofReferrer: code).map { ledger.outcomesOfReferrer[$0] } ?? []
    }

    /// Every referral's outcome, in journal order.
    public var allOutcomes: [ReferralOutcome] { ledger.outcomes.map(asOfOutcome) }

    /// The outcome with its maturity as of ``asOf``.
    private func asOfOutcome(_ outcome: ReferralOutcome) -> ReferralOutcome {
        var outcome = outcome
        outcome.isMatured = isMatured(outcome)
        return outcome
    }

    /// Whether an outcome is a conversion whose reward hold has passed by ``asOf``.
    private func isMatured(_ outcome: borrowing ReferralOutcome) -> Bool {
        guard outcome.isConversion, let convertedAt = outcome.firstConvertedAt else { return outcome.isMatured }
        return asOf.milliseconds - convertedAt.milliseconds >= Int64(ledger.program.rewardHoldDays) * Instant.millisecondsPerDay
    }
}
