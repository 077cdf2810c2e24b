import Foundation

/// Computes ``Figures`` from a store, as of an instant: a pure function of its inputs.
///
/// The rules are DESIGN.md's "What the figures mean"; README.md repeats them for users.
public enum FigureCalculator {
    public static func compute(_ store: Store, asOf: Instant) -> Figures {
        OutcomeLedger(store: store, through: asOf).figures(asOf: asOf)
    }

    /// Every referral's outcome as of an instant, in journal order.
    static func outcomes(of store: Store, asOf: Instant) -> [ReferralOutcome] {
        compute(store, asOf: asOf).allOutcomes
    }
}

extension OutcomeLedger {
    /// The figures as of `asOf`, which must not be before ``newestEvent`` (the ledger holds only
    /// events up to its as-of): the referrers' from their tallies, the program's from its totals.
    public func figures(asOf: Instant) -> Figures {
        // A part of the referrers per core once there are enough of them: at 100,000 this was a
        // tenth of the incremental build.
        let parts = codes.count < 20_000 ? 1 : ProcessInfo.processInfo.activeProcessorCount
        let referrers = parallelMap(parts) { part in
            (codes.count * part / parts..<codes.count * (part + 1) / parts).map { referrerFigures($0, asOf: asOf) }
        }.flatMap { $0 }
        var top = TopReferrers(limit: 10)
        for figures in referrers { top.consider(figures) }
        let programFigures = ProgramFigures(tally: tally, referrers: referrers, referrerCount: referrerCount(asOf: asOf),
                                            topReferrers: top.codes)
        return Figures(asOf: asOf, currency: program.currency, referrers: referrers, program: programFigures, ledger: self)
    }
}

extension OutcomeLedger {
    /// One referrer's figures as of `asOf`, from their tally.
    private func referrerFigures(_ index: Int, asOf: Instant) -> ReferrerFigures {
        let hold = Int64(program.rewardHoldDays) * Instant.millisecondsPerDay
        let tally = referrerTallies[index]
        var matured = 0
        var maturedRewards = 0.0
        var heldRewards = 0.0
        for conversion in tally.conversions {
            if asOf.milliseconds - conversion.at.milliseconds >= hold {
                matured += 1
                maturedRewards += conversion.reward
            } else {
                heldRewards += conversion.reward
            }
        }
        return ReferrerFigures(code: codes[index], referrals: tally.referrals, converted: tally.conversions.count,
                               matured: matured, maturedRewards: maturedRewards, heldRewards: heldRewards, program: program)
    }
}

extension ReferrerFigures {
    /// A referrer's figures from their counts: the tier bonuses reached by matured conversions
    /// are earned, those reached only by all conversions pending.
    init(code: String, referrals: Int, converted: Int, matured: Int, maturedRewards: Double, heldRewards: Double, program: Program) {
        var maturedBonus = 0.0
        var allBonus = 0.0
        for tier in program.tiers {
            if tier.conversions <= matured { maturedBonus += tier.bonus }
            if tier.conversions <= converted { allBonus += tier.bonus }
        }
        self.init(code: code, referrals: referrals, converted: converted, matured: matured,
                  earned: maturedRewards + maturedBonus, pending: heldRewards + (allBonus - maturedBonus),
                  tier: program.tiers.last { $0.conversions <= converted },
                  nextTier: program.tiers.first { $0.conversions > converted })
    }
}

extension ProgramFigures {
    init(tally: ProgramTally, referrers: [ReferrerFigures], referrerCount: Int, topReferrers: [String]) {
        self.referrers = referrerCount
        self.referrals = tally.funnel.referred
        self.converted = tally.funnel.converted
        self.earned = referrers.reduce(0) { $0 + $1.earned }
        self.pending = referrers.reduce(0) { $0 + $1.pending }
        self.duplicates = tally.duplicates
        self.selfReferrals = tally.selfReferrals
        self.conversionValue = tally.conversionValue
        self.funnel = tally.funnel
        self.bySource = ReferralSource.allCases.compactMap { tally.bySource[$0.rawValue] }
        self.bySegment = Segment.allCases.compactMap { tally.bySegment[$0.rawValue] }
        self.byVariant = tally.byVariant.keys.sorted().compactMap { tally.byVariant[$0] }
        self.perWeek = tally.weekly.weeks()
        self.cohorts = tally.cohorts
        self.topReferrers = topReferrers
    }
}

/// The referrers with the most conversions (then referrals, then code), kept while the figures
/// are made: a pass instead of sorting every referrer.
private struct TopReferrers {
    let limit: Int
    private var ranked: [ReferrerFigures] = []

    init(limit: Int) { self.limit = limit }

    var codes: [String] { ranked.map(\.code) }

    mutating func consider(_ figures: ReferrerFigures) {
        guard figures.referrals > 0 else { return }
        if ranked.count == limit, let last = ranked.last, !Self.ranksBefore(figures, last) { return }
        let position = ranked.firstIndex { Self.ranksBefore(figures, $0) } ?? ranked.count
        ranked.insert(figures, at: position)
        if ranked.count > limit { ranked.removeLast() }
    }

    private static func ranksBefore(_ lhs: ReferrerFigures, _ rhs: ReferrerFigures) -> Bool {
        if lhs.converted != rhs.converted { return lhs.converted > rhs.converted }
        if lhs.referrals != rhs.referrals { return lhs.referrals > rhs.referrals }
        return lhs.code < rhs.code
    }
}
