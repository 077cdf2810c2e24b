/// Computes ``Figures`` from a store, as of an instant: a pure function of its inputs.
///
/// The rules are DESIGN.md's "What the figures mean"; README.md repeats them for users.
public enum FigureCalculator {
    public static func compute(_ store: Store, asOf: Instant) -> Figures {
        let program = store.program
        let outcomes = outcomes(of: store, asOf: asOf)
        var byReferrer: [String: [ReferralOutcome]] = [:]
        for outcome in outcomes {
            byReferrer[outcome.referral.referrer, default: []].append(outcome)
        }
        let referrers = store.referrers.map { referrer in
            figures(for: referrer.code, outcomes: byReferrer[referrer.code] ?? [], program: program)
        }
        let programFigures = ProgramFigures(
            store: store, asOf: asOf, referrers: referrers, outcomes: outcomes)
        return Figures(asOf: asOf, currency: program.currency, referrers: referrers, program: programFigures,
                       outcomesByReferrer: byReferrer)
    }

    /// Decides, in journal order, which referrals are accepted and what became of each.
    static func outcomes(of store: Store, asOf: Instant) -> [ReferralOutcome] {
        var ownEmails: [String: String] = [:]
        ownEmails.reserveCapacity(store.referrers.count)
        for referrer in store.referrers {
            ownEmails[referrer.code] = StoreRules.normalizedEmail(referrer.email)
        }
        // Sized up front: growing these one by one (rehashing a million ids) was an eighth of a
        // server refresh at 100,000 referrers (perf).
        let referralCount = store.journal.count { if case .referral = $0 { true } else { false } }
        var outcomes: [ReferralOutcome] = []
        outcomes.reserveCapacity(referralCount)
        var indexByID: [String: Int] = [:]
        indexByID.reserveCapacity(referralCount)
        var acceptedEmails: Set<String> = []
        acceptedEmails.reserveCapacity(referralCount)
        for event in store.journal {
            guard case .referral(let referral) = event, referral.at <= asOf,
                  let ownEmail = ownEmails[referral.referrer], indexByID[referral.id] == nil
            else { continue }
            let email = StoreRules.normalizedEmail(referral.email)
            let acceptance: ReferralOutcome.Acceptance
            if email == ownEmail {
                acceptance = .selfReferral
            } else if !acceptedEmails.insert(email).inserted {
                acceptance = .duplicate
            } else {
                acceptance = .accepted
            }
            indexByID[referral.id] = outcomes.count
            let offer = store.program.offer(at: referral.at)
            outcomes.append(ReferralOutcome(referral: referral, acceptance: acceptance, offer: offer?.name,
                                            reward: offer?.referrerAmount ?? store.program.referrerReward.amount, latestStatus: nil,
                                            firstConvertedAt: nil, conversionValue: nil, wasContacted: false,
                                            isConversion: false, isMatured: false))
        }
        for event in store.journal {
            guard case .status(let change) = event, change.at <= asOf, let index = indexByID[change.id],
                  outcomes[index].isAccepted
            else { continue }
            outcomes[index].latestStatus = change.status
            if change.status != .rejected { outcomes[index].wasContacted = true }
            if change.status == .converted, outcomes[index].firstConvertedAt == nil {
                outcomes[index].firstConvertedAt = change.at
                outcomes[index].conversionValue = change.value
            }
        }
        let window = Int64(store.program.attributionWindowDays) * Instant.millisecondsPerDay
        let hold = Int64(store.program.rewardHoldDays) * Instant.millisecondsPerDay
        for index in outcomes.indices {
            guard let convertedAt = outcomes[index].firstConvertedAt,
                  outcomes[index].latestStatus == .converted || outcomes[index].latestStatus == .rewarded,
                  convertedAt.milliseconds - outcomes[index].referral.at.milliseconds <= window
            else { continue }
            outcomes[index].isConversion = true
            outcomes[index].isMatured = asOf.milliseconds - convertedAt.milliseconds >= hold
        }
        return outcomes
    }

    static func figures(for code: String, outcomes: [ReferralOutcome], program: Program) -> ReferrerFigures {
        var referrals = 0
        var converted = 0
        var matured = 0
        var maturedRewards = 0.0
        var heldRewards = 0.0
        for outcome in outcomes where outcome.isAccepted {
            referrals += 1
            if outcome.isConversion {
                converted += 1
                if outcome.isMatured { maturedRewards += outcome.reward } else { heldRewards += outcome.reward }
            }
            if outcome.isMatured { matured += 1 }
        }
        let maturedBonus = program.tiers.filter { $0.conversions <= matured }.reduce(0) { $0 + $1.bonus }
        let allBonus = program.tiers.filter { $0.conversions <= converted }.reduce(0) { $0 + $1.bonus }
        return ReferrerFigures(
            code: code, referrals: referrals, converted: converted, matured: matured,
            earned: maturedRewards + maturedBonus,
            pending: heldRewards + (allBonus - maturedBonus),
            tier: program.tiers.last { $0.conversions <= converted },
            nextTier: program.tiers.first { $0.conversions > converted })
    }
}
