/// Running totals of the program's referrals, kept as outcomes are counted in and out (a status
/// change takes an outcome's old contribution out and puts its new one in).
struct ProgramTally: Sendable, Codable {
    var duplicates = 0
    var selfReferrals = 0
    var conversionValue = 0.0
    var funnel = Funnel(referred: 0, contacted: 0, converted: 0, rewarded: 0)
    var bySource: [String: GroupFigures] = [:]
    var bySegment: [String: GroupFigures] = [:]
    var byVariant: [String: GroupFigures] = [:]
    var weekly = WeeklySeries()
    var cohorts = MonthlyCohorts()

    /// Counts a refused referral in (`sign` 1) or out (-1).
    mutating func countRefused(_ acceptance: ReferralOutcome.Acceptance, sign: Int) {
        switch acceptance {
        case .duplicate: duplicates += sign
        case .selfReferral: selfReferrals += sign
        case .accepted: break
        }
    }

    /// Counts an accepted referral in (`sign` 1) or out (-1).
    mutating func count(_ outcome: ReferralOutcome, segment: Segment, sign: Int) {
        let converted = outcome.isConversion
        funnel.referred += sign
        if outcome.wasContacted { funnel.contacted += sign }
        if converted {
            funnel.converted += sign
            conversionValue += Double(sign) * (outcome.conversionValue ?? 0)
            if outcome.latestStatus == .rewarded { funnel.rewarded += sign }
        }
        bySource.tally(outcome.referral.source.rawValue, converted: converted, sign: sign)
        bySegment.tally(segment.rawValue, converted: converted, sign: sign)
        if let variant = outcome.referral.variant { byVariant.tally(variant, converted: converted, sign: sign) }
        weekly.count(outcome, sign: sign)
        cohorts.count(outcome, sign: sign)
    }
}

extension Dictionary where Value == GroupFigures {
    /// Counts a referral into (`sign` 1) or out of (-1) the group at `key`, which is made when
    /// first counted into and removed when it empties: one lookup where the ledger made four
    /// (a million of them at 100,000 referrers).
    mutating func tally(_ key: Key, named name: @autoclosure () -> String, converted: Bool, sign: Int) {
        if Self.tally(&self[key, default: GroupFigures(name: name(), referrals: 0, converted: 0)], converted: converted, sign: sign) {
            self[key] = nil
        }
    }

    /// ``tally(_:named:converted:sign:)`` of a group named by its key.
    mutating func tally(_ name: String, converted: Bool, sign: Int) where Key == String {
        tally(name, named: name, converted: converted, sign: sign)
    }

    /// Counts into `group`; true when it is left empty.
    private static func tally(_ group: inout GroupFigures, converted: Bool, sign: Int) -> Bool {
        group.referrals += sign
        if converted { group.converted += sign }
        return group.referrals == 0
    }
}

/// Accepted referrals by the calendar month they were made in, and how many of each month's
/// are conversions (a cohort), for the goals.
public struct MonthlyCohorts: Sendable, Equatable, Codable {
    private var cohorts: [Int: GroupFigures] = [:]

    /// The month's number counted from year 0 (`year * 12 + month - 1`).
    public static func monthNumber(of instant: Instant) -> Int {
        let (year, month, _) = instant.day.components
        return year * 12 + month - 1
    }

    /// Counts an accepted referral in (`sign` 1) or out (-1).
    mutating func count(_ outcome: ReferralOutcome, sign: Int) {
        cohorts.tally(Self.monthNumber(of: outcome.referral.at), named: "", converted: outcome.isConversion, sign: sign)
    }

    /// The referrals made in a month (by ``monthNumber(of:)``) and how many of them converted.
    public subscript(month: Int) -> (referrals: Int, converted: Int) {
        cohorts[month].map { ($0.referrals, $0.converted) } ?? (0, 0)
    }
}
