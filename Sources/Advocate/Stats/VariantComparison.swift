import Foundation

/// Whether one messaging variant converts better than another, and whether the difference is
/// more than chance: a two-proportion z-test (pooled) with a 95% confidence interval of the
/// difference (unpooled, Wald), as statistics textbooks give them.
public struct VariantComparison: Sendable {
    /// The baseline (the first variant by name, usually `a`).
    public var baseline: GroupFigures
    public var challenger: GroupFigures

    /// The significance level of the verdict, and the power the sample-size estimate plans for.
    public static let alpha = 0.05
    public static let power = 0.8

    public init(baseline: GroupFigures, challenger: GroupFigures) {
        self.baseline = baseline
        self.challenger = challenger
    }

    /// The challenger's conversion rate minus the baseline's.
    public var difference: Double { challenger.conversionRate - baseline.conversionRate }

    /// The 95% confidence interval of `difference`, within the -100 to +100 points a difference
    /// of two rates can be (the Wald interval of a small sample reaches past them: 1 of 5
    /// against 1 of 2 gave +107.7 points); nil while a variant has no referrals.
    public var confidenceInterval: ClosedRange<Double>? {
        guard baseline.referrals > 0, challenger.referrals > 0 else { return nil }
        let p1 = baseline.conversionRate, p2 = challenger.conversionRate
        let standardError = (p1 * (1 - p1) / Double(baseline.referrals) + p2 * (1 - p2) / Double(challenger.referrals)).squareRoot()
        let margin = Self.zCritical * standardError
        return max(-1, difference - margin)...min(1, difference + margin)
    }

    /// The z statistic; nil while a variant has no referrals or nobody (or everybody) converted.
    public var z: Double? {
        let n1 = Double(baseline.referrals), n2 = Double(challenger.referrals)
        guard n1 > 0, n2 > 0 else { return nil }
        let pooled = Double(baseline.converted + challenger.converted) / (n1 + n2)
        let standardError = (pooled * (1 - pooled) * (1 / n1 + 1 / n2)).squareRoot()
        guard standardError > 0 else { return nil }
        return difference / standardError
    }

    /// The two-sided p-value of the z-test.
    public var pValue: Double? {
        z.map { erfc(abs($0) / 2.0.squareRoot()) }
    }

    /// True when the difference is unlikely to be chance (p < 0.05).
    public var isSignificant: Bool { (pValue ?? 1) < Self.alpha }

    /// Referrals each variant needs to tell the observed rates apart (α 0.05 two-sided, power 80%);
    /// nil when the rates are equal (no difference to detect).
    public var referralsNeededPerVariant: Int? {
        let p1 = baseline.conversionRate, p2 = challenger.conversionRate
        guard baseline.referrals > 0, challenger.referrals > 0, p1 != p2 else { return nil }
        let mean = (p1 + p2) / 2
        let numerator = Self.zCritical * (2 * mean * (1 - mean)).squareRoot() + Self.zPower * (p1 * (1 - p1) + p2 * (1 - p2)).squareRoot()
        return Int((numerator * numerator / ((p2 - p1) * (p2 - p1))).rounded(.up))
    }

    /// A sentence for people.
    public var verdict: String {
        let better = difference > 0 ? challenger.name : baseline.name
        if isSignificant {
            return "\(better) converts better; the difference is unlikely to be chance."
        }
        guard baseline.referrals > 0, challenger.referrals > 0 else {
            return "Not enough data yet: each variant needs referrals before they can be compared."
        }
        guard let needed = referralsNeededPerVariant else {
            return "No difference so far: both variants convert at the same rate."
        }
        let more = needed - min(baseline.referrals, challenger.referrals)
        guard more > 0 else { return "No clear winner: with this many referrals, the difference looks like chance." }
        return "Not enough data yet: about \(more) more referral\(more == 1 ? "" : "s") per variant needed to tell whether \(better) is really better."
    }

    /// z for a two-sided 95% interval, and for 80% power.
    static let zCritical = 1.959964
    static let zPower = 0.841621
}
