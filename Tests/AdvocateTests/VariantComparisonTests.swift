import Foundation
import Testing
@testable import Advocate

/// The A/B statistics against textbook values (two-proportion z-test, Wald interval, and the
/// classic sample size of 686 a group to tell 10% from 15% at α 0.05 with 80% power).
@Suite struct VariantComparisonTests {
    func comparison(_ baseline: (Int, Int), _ challenger: (Int, Int)) -> VariantComparison {
        VariantComparison(baseline: GroupFigures(name: "a", referrals: baseline.0, converted: baseline.1),
                          challenger: GroupFigures(name: "b", referrals: challenger.0, converted: challenger.1))
    }

    @Test func zTestPValueAndIntervalMatchTheTextbookFormulas() throws {
        let test = comparison((1000, 100), (1000, 130))
        #expect(abs(try #require(test.z) - 2.1027) < 0.0005)
        #expect(abs(try #require(test.pValue) - 0.0355) < 0.0005)
        let interval = try #require(test.confidenceInterval)
        #expect(abs(interval.lowerBound - 0.00207) < 0.0001)
        #expect(abs(interval.upperBound - 0.05793) < 0.0001)
        #expect(test.isSignificant)
        #expect(test.verdict == "b converts better; the difference is unlikely to be chance.")
    }

    /// A difference of two rates lies between -100 and +100 points; the Wald interval of a small
    /// sample (1 of 5 against 1 of 2) reaches past +100 and is cut there.
    @Test func theIntervalStaysWithinAHundredPoints() throws {
        let small = try #require(comparison((5, 1), (2, 1)).confidenceInterval)
        #expect(small.upperBound == 1)
        #expect(abs(small.lowerBound - -0.4768) < 0.001)
        let reversed = try #require(comparison((2, 1), (5, 1)).confidenceInterval)
        #expect(reversed.lowerBound == -1)
    }

    @Test func zOf196IsTheFivePercentLevel() throws {
        // Equal groups of 5,000 at 10% and 11.2%: z just under 1.96, p just over 0.05.
        let test = comparison((5000, 500), (5000, 560))
        #expect(abs(try #require(test.z) - 1.9491) < 0.001)
        #expect(!test.isSignificant)
    }

    @Test func sampleSizeForTenAgainstFifteenPercentIs686() throws {
        let test = comparison((100, 10), (100, 15))
        #expect(test.referralsNeededPerVariant == 686)
        #expect(test.verdict == "Not enough data yet: about 586 more referrals per variant needed to tell whether b is really better.")
    }

    @Test func noDataAndNoDifferenceSaySo() {
        #expect(comparison((0, 0), (10, 2)).verdict.hasPrefix("Not enough data yet: each variant needs referrals"))
        #expect(comparison((0, 0), (10, 2)).pValue == nil)
        #expect(comparison((20, 5), (40, 10)).verdict == "No difference so far: both variants convert at the same rate.")
    }

    @Test func variantsAreAssignedEvenlyAndAlwaysTheSame() {
        let codes = (0..<10_000).map { "referrer-\($0)" }
        let assigned = codes.map { VariantAssignment.variant(for: $0, among: ["a", "b"])! }
        let share = Double(assigned.count { $0 == "a" }) / Double(codes.count)
        #expect(share > 0.48 && share < 0.52)
        #expect(codes.map { VariantAssignment.variant(for: $0, among: ["a", "b"])! } == assigned)
        let three = codes.map { VariantAssignment.variant(for: $0, among: ["a", "b", "c"])! }
        for name in ["a", "b", "c"] {
            let part = Double(three.count { $0 == name }) / Double(codes.count)
            #expect(part > 0.31 && part < 0.36, "variant \(name): \(part)")
        }
    }
}
