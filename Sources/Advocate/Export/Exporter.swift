/// What `advocate export` can hand to a CRM or a spreadsheet.
public enum ExportKind: String, Sendable, CaseIterable {
    case referrals, referrers, stats

    /// What the export holds that must be handled with care (personal data, private links),
    /// said on standard error; nil for the figures alone.
    public var privacyNote: String? {
        switch self {
        case .referrals: "this export contains friends' names and email addresses (personal data); share it only with those who need it"
        case .referrers: "this export contains referrers' email addresses and their private stats links (anyone with a link sees those figures); share it only with those who need it"
        case .stats: nil
        }
    }
}

/// Tables of the store and its figures, as CSV or JSON.
public enum Exporter {
    public static func table(_ kind: ExportKind, store: Store, figures: Figures) -> CSVTable {
        switch kind {
        case .referrals: referrals(store: store, figures: figures)
        case .referrers: referrers(store: store)
        case .stats: stats(figures: figures)
        }
    }

    /// The same table as JSON: an array of objects keyed by the header.
    public static func json(_ table: CSVTable) -> JSONOutput {
        .array(table.rows.map { row in
            .object(zip(table.header, row).map { key, cell in
                switch cell {
                case .empty: (key, .null)
                case .number(let value): (key, .number(value))
                case .bool(let value): (key, .bool(value))
                case .text(let value): (key, .string(value))
                }
            })
        })
    }

    static func referrals(store: Store, figures: Figures) -> CSVTable {
        let header = ["id", "at", "referrer", "name", "email", "source", "variant", "consent", "accepted", "status",
                      "convertedAt", "value", "counted", "offer", "reward"]
        let outcomes = store.referrers.flatMap { figures.outcomes(ofReferrer: $0.code) }
        let uncountedStatuses = statusesOfUncountedReferrals(outcomes, store: store, asOf: figures.asOf)
        var rows: [[CSVTable.Cell]] = []
        for outcome in outcomes {
            let referral = outcome.referral
            let status = outcome.latestStatus ?? uncountedStatuses[referral.id]
            let acceptance = switch outcome.acceptance {
            case .accepted: "yes"
            case .duplicate: "duplicate"
            case .selfReferral: "self-referral"
            }
            rows.append([
                .text(referral.id), .text(referral.at.iso8601), .text(referral.referrer), .text(referral.name),
                .text(referral.email), .text(referral.source.rawValue), referral.variant.map(CSVTable.Cell.text) ?? .empty,
                referral.consent.map(CSVTable.Cell.bool) ?? .empty, .text(acceptance),
                .text(status?.rawValue ?? "referred"),
                outcome.firstConvertedAt.map { .text($0.iso8601) } ?? .empty,
                outcome.conversionValue.map(CSVTable.Cell.number) ?? .empty,
                .bool(outcome.isConversion),
                outcome.offer.map(CSVTable.Cell.text) ?? .empty, payableReward(outcome, program: store.program).map(CSVTable.Cell.number) ?? .empty,
            ])
        }
        rows.sort { lhs, rhs in
            if case .text(let left) = lhs[1], case .text(let right) = rhs[1], left != right { return left < right }
            if case .text(let left) = lhs[0], case .text(let right) = rhs[0] { return left < right }
            return false
        }
        return CSVTable(header: header, rows: rows)
    }

    /// The latest status, as of the figures, of each referral not counted (a duplicate, a
    /// self-referral): the figures follow only counted ones', and such a referral exported as
    /// `referred` after the CRM had set it `rejected` read as a change to make there again.
    private static func statusesOfUncountedReferrals(_ outcomes: [ReferralOutcome], store: Store, asOf: Instant) -> [String: ReferralStatus] {
        let uncounted = Set(outcomes.lazy.filter { !$0.isAccepted }.map(\.referral.id))
        guard !uncounted.isEmpty else { return [:] }
        var latest: [String: ReferralStatus] = [:]
        for event in store.journal where event.at <= asOf {
            if case .status(let change) = event, uncounted.contains(change.id) { latest[change.id] = change.status }
        }
        return latest
    }

    /// What a referral earns its referrer: a counted conversion's reward, or an open referral's
    /// should it convert in time; nil for one that earns nothing (a duplicate, a self-referral, a
    /// rejection, a conversion after the window), so a CRM never reads an amount to pay there.
    /// The window counts from the first conversion: once that came too late, no later status
    /// earns (contacted again, say).
    private static func payableReward(_ outcome: ReferralOutcome, program: Program) -> Double? {
        guard outcome.isAccepted else { return nil }
        switch outcome.latestStatus {
        case .rejected: return nil
        case .converted, .rewarded: return outcome.isConversion ? outcome.reward : nil
        case nil, .contacted:
            if let convertedAt = outcome.firstConvertedAt, !program.isWithinWindow(convertedAt, of: outcome.referral) { return nil }
            return outcome.reward
        }
    }

    static func referrers(store: Store) -> CSVTable {
        let urls = SiteURLs(baseURL: store.program.baseURL)
        let header = ["code", "name", "email", "segment", "joined", "shareURL", "statsURL"]
        return CSVTable(header: header, rows: store.referrers.map { referrer in
            [.text(referrer.code), .text(referrer.name), .text(referrer.email), .text(referrer.segment.rawValue),
             referrer.joined.map { .text($0.iso8601) } ?? .empty, .text(urls.referrerLink(referrer.code)),
             .text(urls.statsURL(referrer.statsToken))]
        })
    }

    static func stats(figures: Figures) -> CSVTable {
        let header = ["code", "referrals", "converted", "conversionRate", "earned", "pending", "tier", "nextTier", "remaining", "asOf"]
        return CSVTable(header: header, rows: figures.referrers.map { referrer in
            [.text(referrer.code), .number(Double(referrer.referrals)), .number(Double(referrer.converted)),
             .number(referrer.conversionRate), .number(referrer.earned), .number(referrer.pending),
             referrer.tier.map { .text($0.name) } ?? .empty, referrer.nextTier.map { .text($0.name) } ?? .empty,
             referrer.remainingToNextTier.map { .number(Double($0)) } ?? .empty, .text(figures.asOf.iso8601)]
        })
    }
}
