extension ProgramFigures {
    /// Sums the referrers' figures and breaks the accepted referrals down by source, segment,
    /// variant and week, in one pass over the referrals.
    init(store: Store, asOf: Instant, referrers: [ReferrerFigures], outcomes: [ReferralOutcome]) {
        var segments: [String: Segment] = [:]
        for referrer in store.referrers { segments[referrer.code] = referrer.segment }
        var tally = Tally()
        for outcome in outcomes {
            switch outcome.acceptance {
            case .duplicate: tally.duplicates += 1
            case .selfReferral: tally.selfReferrals += 1
            case .accepted: tally.add(outcome, segment: segments[outcome.referral.referrer] ?? .customer)
            }
        }
        self.referrers = store.referrers.count { referrer in
            referrer.joined.map { $0.start <= asOf } ?? true
        }
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
        self.topReferrers = referrers
            .filter { $0.referrals > 0 }
            .sorted { lhs, rhs in
                if lhs.converted != rhs.converted { return lhs.converted > rhs.converted }
                if lhs.referrals != rhs.referrals { return lhs.referrals > rhs.referrals }
                return lhs.code < rhs.code
            }
            .prefix(10)
            .map(\.code)
    }
}

/// Running totals of the accepted referrals.
private struct Tally {
    var duplicates = 0
    var selfReferrals = 0
    var conversionValue = 0.0
    var funnel = Funnel(referred: 0, contacted: 0, converted: 0, rewarded: 0)
    var bySource: [String: GroupFigures] = [:]
    var bySegment: [String: GroupFigures] = [:]
    var byVariant: [String: GroupFigures] = [:]
    var weekly = WeeklySeries()

    mutating func add(_ outcome: ReferralOutcome, segment: Segment) {
        let converted = outcome.isConversion
        funnel.referred += 1
        if outcome.wasContacted { funnel.contacted += 1 }
        if converted {
            funnel.converted += 1
            conversionValue += outcome.conversionValue ?? 0
            if outcome.latestStatus == .rewarded { funnel.rewarded += 1 }
        }
        Self.count(&bySource, outcome.referral.source.rawValue, converted)
        Self.count(&bySegment, segment.rawValue, converted)
        if let variant = outcome.referral.variant { Self.count(&byVariant, variant, converted) }
        weekly.add(outcome)
    }

    static func count(_ groups: inout [String: GroupFigures], _ name: String, _ converted: Bool) {
        groups[name, default: GroupFigures(name: name, referrals: 0, converted: 0)].referrals += 1
        if converted { groups[name]!.converted += 1 }
    }
}
