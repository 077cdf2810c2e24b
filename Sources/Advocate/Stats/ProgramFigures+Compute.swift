extension ProgramFigures {
    /// Sums the referrers' figures and breaks the accepted referrals down by source, segment,
    /// variant and week.
    init(store: Store, asOf: Instant, referrers: [ReferrerFigures], outcomes: [ReferralOutcome]) {
        var segments: [String: Segment] = [:]
        for referrer in store.referrers { segments[referrer.code] = referrer.segment }
        let accepted = outcomes.filter(\.isAccepted)

        self.referrers = store.referrers.count { referrer in
            referrer.joined.map { $0.start <= asOf } ?? true
        }
        self.referrals = accepted.count
        self.converted = accepted.count(where: \.isConversion)
        self.earned = referrers.reduce(0) { $0 + $1.earned }
        self.pending = referrers.reduce(0) { $0 + $1.pending }
        self.duplicates = outcomes.count { $0.acceptance == .duplicate }
        self.selfReferrals = outcomes.count { $0.acceptance == .selfReferral }
        self.conversionValue = accepted.filter(\.isConversion).reduce(0) { $0 + ($1.conversionValue ?? 0) }
        self.funnel = Funnel(
            referred: accepted.count,
            contacted: accepted.count(where: \.wasContacted),
            converted: converted,
            rewarded: accepted.count { $0.isConversion && $0.latestStatus == .rewarded })
        self.bySource = Self.group(accepted, order: ReferralSource.allCases.map(\.rawValue)) { $0.referral.source.rawValue }
        self.bySegment = Self.group(accepted, order: Segment.allCases.map(\.rawValue)) {
            (segments[$0.referral.referrer] ?? .customer).rawValue
        }
        let variants = Set(accepted.compactMap(\.referral.variant)).sorted()
        self.byVariant = Self.group(accepted.filter { $0.referral.variant != nil }, order: variants) { $0.referral.variant! }
        self.perWeek = Self.weeks(accepted)
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

    /// Groups in the given order, leaving out groups with no referrals.
    private static func group(_ outcomes: [ReferralOutcome], order: [String], key: (ReferralOutcome) -> String) -> [GroupFigures] {
        var groups: [String: GroupFigures] = [:]
        for outcome in outcomes {
            let name = key(outcome)
            groups[name, default: GroupFigures(name: name, referrals: 0, converted: 0)].referrals += 1
            if outcome.isConversion { groups[name]!.converted += 1 }
        }
        return order.compactMap { groups[$0] }
    }

    /// Referrals by the week they were made, conversions by the week they were first converted;
    /// weeks with neither are kept between the first and the last so the series has no gaps.
    private static func weeks(_ outcomes: [ReferralOutcome]) -> [GroupFigures] {
        var referrals: [Int: Int] = [:]
        var conversions: [Int: Int] = [:]
        for outcome in outcomes {
            referrals[outcome.referral.at.day.weekStart.daysSinceEpoch, default: 0] += 1
            if outcome.isConversion, let at = outcome.firstConvertedAt {
                conversions[at.day.weekStart.daysSinceEpoch, default: 0] += 1
            }
        }
        let keys = Set(referrals.keys).union(conversions.keys)
        guard let first = keys.min(), let last = keys.max() else { return [] }
        return stride(from: first, through: last, by: 7).map { week in
            GroupFigures(name: CalendarDay(daysSinceEpoch: week).iso8601,
                         referrals: referrals[week] ?? 0, converted: conversions[week] ?? 0)
        }
    }
}
