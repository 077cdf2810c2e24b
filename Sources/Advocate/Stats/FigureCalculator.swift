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
        // tenth of the incremental build. Each referrer's amounts are worked out once, for their
        // figures and for the program's.
        let count = codes.count < 20_000 ? 1 : ProcessInfo.processInfo.activeProcessorCount
        let parts = parallelMap(count) { part -> (amounts: [ReferrerAmounts], figures: [ReferrerFigures]) in
            let indices = codes.count * part / count..<codes.count * (part + 1) / count
            let amounts = indices.map { referrerAmounts($0, asOf: asOf) }
            return (amounts, zip(indices, amounts).map { referrerFigures($0, $1) })
        }
        return Figures(asOf: asOf, currency: program.currency, referrers: parts.flatMap(\.figures),
                       program: programFigures(asOf: asOf, amounts: parts.lazy.flatMap(\.amounts)), ledger: self)
    }

    /// The program's figures as of `asOf`, as ``figures(asOf:)`` has them, without making every
    /// referrer's: a build that renders a few pages needs only those few (at 100,000 referrers
    /// making all of them was a fifth of the build after one new referral).
    func programFigures(asOf: Instant) -> ProgramFigures {
        programFigures(asOf: asOf, amounts: codes.indices.lazy.map { referrerAmounts($0, asOf: asOf) })
    }

    /// The program's figures from every referrer's amounts, in roster order.
    private func programFigures(asOf: Instant, amounts: some Sequence<ReferrerAmounts>) -> ProgramFigures {
        var earned = 0.0
        var pending = 0.0
        var top = TopReferrers(limit: 10, codes: codes)
        for (index, amounts) in amounts.enumerated() {
            earned += amounts.earned
            pending += amounts.pending
            top.consider(index, amounts)
        }
        return ProgramFigures(tally: tally, earned: money(earned), pending: money(pending), conversionValue: money(tally.conversionValue),
                              referrerCount: referrerCount(asOf: asOf), top: top)
    }

    /// `amount` to the smallest unit of the program's currency.
    private func money(_ amount: Double) -> Double {
        Money.rounded(amount, decimals: Money.decimals(of: program.currency))
    }

    /// One referrer's figures as of `asOf`, by roster position.
    func referrerFigures(_ index: Int, asOf: Instant) -> ReferrerFigures {
        referrerFigures(index, referrerAmounts(index, asOf: asOf))
    }

    private func referrerFigures(_ index: Int, _ amounts: ReferrerAmounts) -> ReferrerFigures {
        ReferrerFigures(code: codes[index], referrals: amounts.referrals, converted: amounts.converted, matured: amounts.matured,
                        earned: amounts.earned, pending: amounts.pending,
                        tier: program.tiers.last { $0.conversions <= amounts.converted },
                        nextTier: program.tiers.first { $0.conversions > amounts.converted })
    }

    /// One referrer's counts and amounts from their tally: the tier bonuses reached by matured
    /// conversions are earned, those reached only by all conversions pending.
    private func referrerAmounts(_ index: Int, asOf: Instant) -> ReferrerAmounts {
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
        let converted = tally.conversions.count
        var maturedBonus = 0.0
        var allBonus = 0.0
        for tier in program.tiers {
            if tier.conversions <= matured { maturedBonus += tier.bonus }
            if tier.conversions <= converted { allBonus += tier.bonus }
        }
        return ReferrerAmounts(referrals: tally.referrals, converted: converted, matured: matured,
                               earned: money(maturedRewards + maturedBonus),
                               pending: money(heldRewards + (allBonus - maturedBonus)))
    }
}

/// What the program's figures add up of each referrer's (``ReferrerFigures`` without the code and tiers).
private struct ReferrerAmounts {
    var referrals: Int
    var converted: Int
    var matured: Int
    var earned: Double
    var pending: Double
}

extension ProgramFigures {
    fileprivate init(tally: ProgramTally, earned: Double, pending: Double, conversionValue: Double, referrerCount: Int, top: TopReferrers) {
        self.referrers = referrerCount
        self.referrals = tally.funnel.referred
        self.converted = tally.funnel.converted
        self.earned = earned
        self.pending = pending
        self.duplicates = tally.duplicates
        self.selfReferrals = tally.selfReferrals
        self.conversionValue = conversionValue
        self.funnel = tally.funnel
        self.bySource = ReferralSource.allCases.compactMap { tally.bySource[$0.rawValue] }
        self.bySegment = Segment.allCases.compactMap { tally.bySegment[$0.rawValue] }
        self.byVariant = tally.byVariant.keys.sorted().compactMap { tally.byVariant[$0] }
        self.weekly = tally.weekly
        self.cohorts = tally.cohorts
        self.topReferrers = top.codes
        self.tiedPastTheTop = top.tiedPastTheLast(by: \.self)
        self.tiedPastTheTopByConversions = top.tiedPastTheLast(by: \.converted, among: { $0.converted > 0 })
    }
}

/// The referrers with the most conversions (then referrals, then code), kept while the figures
/// are made: a pass instead of sorting every referrer.
private struct TopReferrers {
    private struct Entry {
        var index: Int
        var figures: Shown
    }

    /// What the pages show of a referrer in the list.
    struct Shown: Hashable {
        var converted: Int
        var referrals: Int
    }

    let limit: Int
    /// Every referrer's code, in roster order.
    let allCodes: [String]
    private var ranked: [Entry] = []
    /// How many referrers (with a referral) have each pair of figures.
    private var referrersWith: [Shown: Int] = [:]

    init(limit: Int, codes: [String]) {
        self.limit = limit
        allCodes = codes
    }

    var codes: [String] { ranked.map { allCodes[$0.index] } }

    mutating func consider(_ index: Int, _ amounts: ReferrerAmounts) {
        guard amounts.referrals > 0 else { return }
        let candidate = Entry(index: index, figures: Shown(converted: amounts.converted, referrals: amounts.referrals))
        referrersWith[candidate.figures, default: 0] += 1
        if ranked.count == limit, let last = ranked.last, !ranksBefore(candidate, last) { return }
        let position = ranked.firstIndex { ranksBefore(candidate, $0) } ?? ranked.count
        ranked.insert(candidate, at: position)
        if ranked.count > limit { ranked.removeLast() }
    }

    /// How many referrers left out of the list share `key` with the last one listed of those
    /// `among` keeps (a page that shows only those, and only `key`, ranks them equal to it).
    func tiedPastTheLast<Key: Hashable>(by key: (Shown) -> Key, among: (Shown) -> Bool = { _ in true }) -> Int {
        guard let last = ranked.last(where: { among($0.figures) }) else { return 0 }
        let lastKey = key(last.figures)
        let all = referrersWith.reduce(0) { $0 + (among($1.key) && key($1.key) == lastKey ? $1.value : 0) }
        return all - ranked.count { among($0.figures) && key($0.figures) == lastKey }
    }

    private func ranksBefore(_ lhs: Entry, _ rhs: Entry) -> Bool {
        if lhs.figures.converted != rhs.figures.converted { return lhs.figures.converted > rhs.figures.converted }
        if lhs.figures.referrals != rhs.figures.referrals { return lhs.figures.referrals > rhs.figures.referrals }
        return allCodes[lhs.index] < allCodes[rhs.index]
    }
}
