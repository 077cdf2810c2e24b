import Foundation
import Testing
@testable import Advocate

/// Each rule of DESIGN.md's "What the figures mean", over a store written to real files.
@Suite struct FigureRulesTests {
    @Test func acceptedReferralsCountWhateverTheirStatus() throws {
        var fixture = StoreFixture()
        fixture.refer("ada", friend: "Grace Hopper", at: "2026-03-01T09:30:00Z")
        let rejected = fixture.refer("ada", friend: "Alan Turing", at: "2026-03-02T09:30:00Z")
        fixture.status(rejected, "rejected", at: "2026-03-03T09:30:00Z")
        let ada = try #require(try fixture.figures(asOf: "2026-03-31").referrer("ada"))
        #expect(ada.referrals == 2)
        #expect(ada.converted == 0)
        #expect(ada.conversionRate == 0)
    }

    /// A conversion's value is its latest `converted` event's that gives one: refunded at 50 and
    /// converted again at 70 is worth 70, and a value sent with a corrected `converted` counts.
    @Test func aConversionIsWorthItsLatestValue() throws {
        var fixture = StoreFixture()
        let again = fixture.refer("ada", friend: "Grace Hopper", at: "2026-01-01T00:00:00Z")
        fixture.status(again, "converted", at: "2026-01-02T00:00:00Z", value: 50)
        fixture.status(again, "rejected", at: "2026-01-03T00:00:00Z")
        fixture.status(again, "converted", at: "2026-01-04T00:00:00Z", value: 70)
        let corrected = fixture.refer("ada", friend: "Alan Turing", at: "2026-01-01T00:00:00Z")
        fixture.status(corrected, "converted", at: "2026-01-02T00:00:00Z")
        fixture.status(corrected, "converted", at: "2026-01-03T00:00:00Z", value: 120)
        #expect(try fixture.figures(asOf: "2026-03-31").program.conversionValue == 190)
    }

    /// The program's referrer count as of a day holds those who had joined by then and those
    /// who had referred someone by then, though their joined day is later (an import's day): it
    /// never leaves out a referrer whose referrals the program's totals hold.
    @Test func theProgramCountsAReferrerWhoReferredBeforeTheirJoinedDay() throws {
        var fixture = StoreFixture()
        fixture.refer("bob", friend: "Grace Hopper", at: "2026-01-02T09:00:00Z")
        let early = try fixture.figures(asOf: "2026-01-03").program
        #expect(early.referrers == 1 && early.referrals == 1)
        #expect(try fixture.figures(asOf: "2026-01-01").program.referrers == 0)
        #expect(try fixture.figures(asOf: "2026-01-04").program.referrers == 2)
    }

    /// The terminal table has tier columns only for a program with tiers.
    @Test func theStatsTableHasTierColumnsOnlyWithTiers() throws {
        var fixture = StoreFixture()
        let header = { (table: String) in table.split(separator: "\n")[1].split(separator: " ").map(String.init) }
        #expect(header(StatsTable.render(try fixture.figures(asOf: "2026-03-31"), store: try fixture.load())).suffix(2) == ["tier", "next"])
        fixture.tiers = "[]"
        #expect(header(StatsTable.render(try fixture.figures(asOf: "2026-03-31"), store: try fixture.load())) == ["code", "referrals", "converted", "rate", "earned", "pending"])
    }

    /// The terminal table counts its referrers in words that agree: "1 referrer", "2 referrers".
    @Test func theStatsTableCountsReferrersInAgreeingWords() throws {
        var fixture = StoreFixture()
        let two = StatsTable.render(try fixture.figures(asOf: "2026-03-31"), store: try fixture.load())
        #expect(two.split(separator: "\n").first?.contains(" · 2 referrers · ") == true, "\(two)")
        fixture.referrers = [fixture.referrers[0]]
        let one = StatsTable.render(try fixture.figures(asOf: "2026-03-31"), store: try fixture.load())
        #expect(one.split(separator: "\n").first?.contains(" · 1 referrer · ") == true, "\(one)")
    }

    /// A program with nothing to date (no journal event, no joined day) says so, not "as of 1970".
    @Test func theStatsTableOfAProgramWithNothingYetSaysSo() throws {
        var fixture = StoreFixture()
        fixture.referrers = []
        let store = try fixture.load()
        let table = StatsTable.render(FigureCalculator.compute(store, asOf: AsOf.resolve(nil, store: store)), store: store)
        #expect(table.hasPrefix("no referrals yet · 0 referrers · "), "\(table)")
    }

    /// Rewards of 10.1 add up to 30.3, not binary floating point's 30.299999999999997, in the
    /// figures and in `advocate stats --format json`.
    @Test func amountsAreKeptToHundredths() throws {
        var fixture = StoreFixture()
        fixture.amount = 10.1
        fixture.tiers = "[]"
        for (index, friend) in ["Grace Hopper", "Alan Turing", "Edsger Dijkstra"].enumerated() {
            let id = fixture.refer("ada", friend: friend, at: "2026-01-0\(index + 1)T09:30:00Z")
            fixture.status(id, "converted", at: "2026-01-0\(index + 2)T09:30:00Z", value: 0.1)
        }
        let figures = try fixture.figures(asOf: "2026-03-31")
        #expect(figures.referrer("ada")?.earned == 30.3)
        #expect(figures.program.earned == 30.3)
        #expect(figures.program.conversionValue == 0.3)
        let json = figures.json.serialized()
        #expect(json.contains(#""earned":30.3,"#))
        #expect(json.contains(#""conversionValue":0.3,"#))
    }

    /// A half typed as a decimal (0.145, 1.005) is rounded away from zero, as it reads, although
    /// binary holds it a hair below; an amount truly below the half stays below.
    @Test(arguments: [(0.145, 0.15, "$0.15"), (1.005, 1.01, "$1.01"), (-1.005, -1.01, "-$1.01"), (2.675, 2.68, "$2.68"),
                      (1.0049, 1.0, "$1"), (1234.565, 1234.57, "$1,234.57"), (10.1 + 10.1 + 10.1, 30.3, "$30.30")])
    func aTypedHalfRoundsAwayFromZero(_ amount: Double, _ rounded: Double, _ printed: String) {
        #expect(Money.rounded(amount, decimals: 2) == rounded)
        #expect(Formatting(currency: "USD").money(amount) == printed)
    }

    /// A program whose reward has cents shows cents on every amount ("$0.00" beside "$12.50",
    /// not "$0"); one of whole amounts shows none.
    @Test func amountsShowCentsWhenTheProgramsRewardsHaveThem() throws {
        var fixture = StoreFixture()
        let whole = Formatting(program: try fixture.load().program)
        #expect([whole.money(0), whole.money(25), whole.money(30.3)] == ["$0", "$25", "$30.30"])
        fixture.amount = 12.5
        let cents = Formatting(program: try fixture.load().program)
        #expect([cents.money(0), cents.money(25), cents.money(1250)] == ["$0.00", "$25.00", "$1,250.00"])
    }

    /// Figures and pages keep the currency's own minor unit: thousandths for a dinar (1.125 BHD
    /// is a dinar and 125 fils, not 1.13), none for a yen.
    @Test func amountsKeepTheCurrencysMinorUnit() throws {
        var fixture = StoreFixture()
        fixture.currency = "BHD"
        fixture.amount = 1.125
        fixture.tiers = #"[{"name":"Bronze","conversions":1,"bonus":2.5}]"#
        for index in 0..<3 {
            let id = fixture.refer("ada", friend: "Friend \(index)", at: "2026-01-0\(index + 1)T09:30:00Z")
            fixture.status(id, "converted", at: "2026-01-0\(index + 2)T09:30:00Z", value: 10.001)
        }
        let figures = try fixture.figures(asOf: "2026-03-31")
        #expect(figures.referrer("ada")?.earned == 5.875)
        #expect(figures.program.earned == 5.875)
        #expect(figures.program.conversionValue == 30.003)
        let dinars = Formatting(program: try fixture.load().program)
        #expect([dinars.money(0), dinars.money(5.875), dinars.money(1250)] == ["0.000 BHD", "5.875 BHD", "1,250.000 BHD"])
        #expect(Formatting(currency: "JPY").money(1250.4) == "¥1,250")
        #expect(Formatting(currency: "KWD").money(0.5) == "0.500 KWD")
        #expect(["CLF", "UYI", "USD", "OMR"].map(Money.decimals(of:)) == [4, 0, 2, 3])
        #expect(Formatting(currency: "CLF").money(1.2345) == "1.2345 CLF")
    }

    /// Tiers may be listed in any order: a referrer's tier is the highest one reached (DESIGN.md),
    /// and the program keeps them by conversions; two at one number of conversions are an error.
    @Test func tiersListedInAnyOrderAreKeptByConversions() throws {
        var fixture = StoreFixture()
        fixture.tiers = #"[{"name":"Gold","conversions":3,"bonus":150},{"name":"Bronze","conversions":1,"bonus":10},{"name":"Silver","conversions":2,"bonus":50}]"#
        for index in 0..<2 {
            let id = fixture.refer("ada", friend: "Friend \(index)", at: "2026-01-0\(index + 1)T09:30:00Z")
            fixture.status(id, "converted", at: "2026-01-0\(index + 2)T09:30:00Z")
        }
        #expect(try fixture.load().program.tiers.map(\.name) == ["Bronze", "Silver", "Gold"])
        let ada = try #require(try fixture.figures(asOf: "2026-03-31").referrer("ada"))
        #expect(ada.tier?.name == "Silver" && ada.nextTier?.name == "Gold")
        #expect(ada.earned == 2 * fixture.amount + 10 + 50)
        fixture.tiers = #"[{"name":"Gold","conversions":1},{"name":"Bronze","conversions":1},{"name":"Gold","conversions":2}]"#
        let directory = try TemporaryDirectory()
        try fixture.write(to: directory)
        #expect(throws: DiagnosticsError.self) { try StoreLoader.load(from: directory.file("content/data")) }
        let found = StoreLoader.read(from: directory.file("content/data")).diagnostics.map(\.message)
        #expect(found == ["program.tiers[1]: tiers Gold and Bronze are both reached at 1 conversion; give each tier its own number",
                          "program.tiers[2]: tier name 'Gold' is used twice"], "\(found)")
    }

    @Test func duplicateFriendEmailFirstAcceptedReferralWins() throws {
        var fixture = StoreFixture()
        fixture.refer("ada", friend: "Grace Hopper", email: "grace@example.com", at: "2026-03-01T09:30:00Z")
        fixture.refer("bob", friend: "Grace H", email: "  GRACE@Example.com ", at: "2026-03-02T09:30:00Z")
        let figures = try fixture.figures(asOf: "2026-03-31")
        #expect(figures.referrer("ada")?.referrals == 1)
        #expect(figures.referrer("bob")?.referrals == 0)
        #expect(figures.program.duplicates == 1)
    }

    @Test func rejectedSelfReferralDoesNotClaimTheEmail() throws {
        var fixture = StoreFixture()
        // Bob refers himself (not accepted), then Ada refers Bob's address: Ada's is the first accepted one.
        fixture.refer("bob", friend: "Bob Builder", email: "Bob@Example.com", at: "2026-03-01T09:30:00Z")
        fixture.refer("ada", friend: "Bob Builder", email: "bob@example.com", at: "2026-03-02T09:30:00Z")
        let figures = try fixture.figures(asOf: "2026-03-31")
        #expect(figures.referrer("bob")?.referrals == 0)
        #expect(figures.referrer("ada")?.referrals == 1)
        #expect(figures.program.selfReferrals == 1)
        #expect(figures.program.duplicates == 0)
    }

    @Test func conversionCountsOnlyWithinTheAttributionWindow() throws {
        var fixture = StoreFixture()
        let inside = fixture.refer("ada", friend: "Grace Hopper", at: "2026-01-01T00:00:00Z")
        let late = fixture.refer("ada", friend: "Alan Turing", at: "2026-01-01T00:00:00Z")
        fixture.status(inside, "converted", at: "2026-04-01T00:00:00Z") // exactly 90 days
        fixture.status(late, "converted", at: "2026-04-01T00:00:01Z") // 90 days and a second
        let ada = try #require(try fixture.figures(asOf: "2026-06-30").referrer("ada"))
        #expect(ada.referrals == 2)
        #expect(ada.converted == 1)
        #expect(ada.conversionRate == 0.5)
    }

    @Test func windowIsMeasuredFromTheFirstConvertedEvent() throws {
        var fixture = StoreFixture()
        let id = fixture.refer("ada", friend: "Grace Hopper", at: "2026-01-01T00:00:00Z")
        fixture.status(id, "converted", at: "2026-01-10T00:00:00Z")
        fixture.status(id, "contacted", at: "2026-02-01T00:00:00Z")
        fixture.status(id, "converted", at: "2026-06-01T00:00:00Z")
        #expect(try fixture.figures(asOf: "2026-06-30").referrer("ada")?.converted == 1)
    }

    @Test func laterRejectionTakesTheConversionBack() throws {
        var fixture = StoreFixture()
        let id = fixture.refer("ada", friend: "Grace Hopper", at: "2026-03-01T00:00:00Z")
        fixture.status(id, "converted", at: "2026-03-05T00:00:00Z", value: 1200)
        fixture.status(id, "rejected", at: "2026-03-20T00:00:00Z")
        #expect(try fixture.figures(asOf: "2026-03-10").referrer("ada")?.converted == 1)
        let after = try #require(try fixture.figures(asOf: "2026-03-31").referrer("ada"))
        #expect(after.converted == 0)
        #expect(after.pending == 0)
        #expect(after.earned == 0)
    }

    @Test func rewardedCountsAsConverted() throws {
        var fixture = StoreFixture()
        let id = fixture.refer("ada", friend: "Grace Hopper", at: "2026-03-01T00:00:00Z")
        fixture.status(id, "converted", at: "2026-03-05T00:00:00Z")
        fixture.status(id, "rewarded", at: "2026-04-10T00:00:00Z")
        let figures = try fixture.figures(asOf: "2026-04-30")
        #expect(figures.referrer("ada")?.converted == 1)
        #expect(figures.program.funnel == Funnel(referred: 1, contacted: 1, converted: 1, rewarded: 1))
    }

    @Test func rewardIsPendingDuringTheHoldAndEarnedAfter() throws {
        var fixture = StoreFixture()
        fixture.hold = 30
        let id = fixture.refer("ada", friend: "Grace Hopper", at: "2026-03-01T00:00:00Z")
        fixture.status(id, "converted", at: "2026-03-02T12:00:00Z")
        // 2026-03-31 23:59:59.999 is 29.5 days later: still on hold.
        let held = try #require(try fixture.figures(asOf: "2026-03-31").referrer("ada"))
        #expect(held.earned == 0)
        #expect(held.pending == 25)
        // 2026-04-01 end is 30.5 days later: matured.
        let matured = try #require(try fixture.figures(asOf: "2026-04-01").referrer("ada"))
        #expect(matured.earned == 25)
        #expect(matured.pending == 0)
    }

    @Test func tierBonusesFollowMaturedAndAllConversions() throws {
        var fixture = StoreFixture()
        fixture.referrers.append(("cy", "Cy Twombly", "cy@example.com"))
        // Five conversions: three matured by April 30 (converted in March), two still on hold.
        for day in 1...3 {
            let id = fixture.refer("cy", friend: "Old Friend\(day)", at: "2026-03-0\(day)T00:00:00Z")
            fixture.status(id, "converted", at: "2026-03-1\(day)T00:00:00Z")
        }
        for day in 1...2 {
            let id = fixture.refer("cy", friend: "New Friend\(day)", at: "2026-04-1\(day)T00:00:00Z")
            fixture.status(id, "converted", at: "2026-04-2\(day)T00:00:00Z")
        }
        let cy = try #require(try fixture.figures(asOf: "2026-04-30").referrer("cy"))
        #expect(cy.converted == 5)
        #expect(cy.matured == 3)
        #expect(cy.tier?.name == "Gold")
        #expect(cy.nextTier == nil)
        // Earned: 3 x 25 + Bronze 0 + Silver 50. Pending: 2 x 25 + Gold 150.
        #expect(cy.earned == 125)
        #expect(cy.pending == 200)
    }

    @Test func nextTierAndRemaining() throws {
        var fixture = StoreFixture()
        let id = fixture.refer("ada", friend: "Grace Hopper", at: "2026-03-01T00:00:00Z")
        fixture.status(id, "converted", at: "2026-03-02T00:00:00Z")
        let ada = try #require(try fixture.figures(asOf: "2026-03-05").referrer("ada"))
        #expect(ada.tier?.name == "Bronze")
        #expect(ada.nextTier?.name == "Silver")
        #expect(ada.remainingToNextTier == 2)
        let bob = try #require(try fixture.figures(asOf: "2026-03-05").referrer("bob"))
        #expect(bob.tier == nil)
        #expect(bob.nextTier?.name == "Bronze")
    }

    @Test func eventsAfterTheAsOfAreIgnored() throws {
        var fixture = StoreFixture()
        let id = fixture.refer("ada", friend: "Grace Hopper", at: "2026-03-01T12:00:00Z")
        fixture.status(id, "converted", at: "2026-03-02T00:00:00Z")
        #expect(try fixture.figures(asOf: "2026-02-28").referrer("ada")?.referrals == 0)
        let firstDay = try #require(try fixture.figures(asOf: "2026-03-01").referrer("ada"))
        #expect(firstDay.referrals == 1)
        #expect(firstDay.converted == 0)
    }

    @Test func defaultAsOfIsTheNewestEvent() throws {
        var fixture = StoreFixture()
        let id = fixture.refer("ada", friend: "Grace Hopper", at: "2026-03-01T12:00:00Z")
        fixture.status(id, "converted", at: "2026-03-09T08:15:00Z")
        let store = try fixture.load()
        #expect(AsOf.resolve(nil, store: store).iso8601 == "2026-03-09T08:15:00Z")
        #expect(AsOf.resolve(CalendarDay("2026-03-31"), store: store).iso8601 == "2026-03-31T23:59:59.999Z")
    }

    @Test func programBreakdownsBySourceSegmentVariantAndWeek() throws {
        var fixture = StoreFixture()
        let first = fixture.refer("ada", friend: "Grace Hopper", at: "2026-03-02T10:00:00Z", source: "sms", variant: "a")
        fixture.refer("ada", friend: "Alan Turing", at: "2026-03-03T10:00:00Z", source: "sms", variant: "b")
        fixture.refer("bob", friend: "Edsger Dijkstra", at: "2026-03-17T10:00:00Z", source: "email", variant: "b")
        fixture.status(first, "converted", at: "2026-03-10T10:00:00Z")
        let figures = try fixture.figures(asOf: "2026-03-31")
        let program = figures.program
        #expect(program.bySource == [GroupFigures(name: "email", referrals: 1, converted: 0), GroupFigures(name: "sms", referrals: 2, converted: 1)])
        #expect(program.byVariant == [GroupFigures(name: "a", referrals: 1, converted: 1), GroupFigures(name: "b", referrals: 2, converted: 0)])
        #expect(program.bySegment == [GroupFigures(name: "customer", referrals: 3, converted: 1)])
        // To the as-of's week (a Tuesday's), the quiet weeks since the last referral as zeros.
        #expect(figures.perWeek.map(\.name) == ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"])
        #expect(figures.perWeek.map(\.referrals) == [2, 0, 1, 0, 0])
        #expect(figures.perWeek.map(\.converted) == [0, 1, 0, 0, 0])
        #expect(program.topReferrers == ["ada", "bob"])
    }

    /// The program's totals and top ten come from a pass of their own (``OutcomeLedger/programFigures(asOf:)``,
    /// which the build after new referrals uses alone): they must be what every referrer's figures add up to.
    @Test func programTotalsAndTopTenAreThoseOfEveryReferrersFigures() throws {
        var fixture = StoreFixture()
        fixture.referrers = (0..<24).map { ("r\($0)", "Referrer \($0)", "r\($0)@example.com") }
        // Referrers in a scrambled order (7 is prime to 24); ties on conversions and referrals
        // (codes decide), rewards held (converted 2026-03-28) and matured (converted early in March),
        // tier bonuses.
        for index in (0..<24).map({ $0 * 7 % 24 }) {
            for friend in 0..<(index % 7) {
                let day = 1 + (index + friend) % 27
                let id = fixture.refer("r\(index)", friend: "Friend \(index) \(friend)", at: String(format: "2026-03-%02dT09:00:00Z", day))
                if friend == 0 && index % 5 == 0 {
                    fixture.status(id, "converted", at: String(format: "2026-03-%02dT09:00:00Z", day + 1))
                } else if friend < index % 4 {
                    fixture.status(id, "converted", at: "2026-03-28T09:00:00Z")
                }
            }
        }
        let figures = try fixture.figures(asOf: "2026-04-15")
        let expectedTop = figures.referrers.filter { $0.referrals > 0 }
            .sorted { ($0.converted, $0.referrals, $1.code) > ($1.converted, $1.referrals, $0.code) }
            .prefix(10).map(\.code)
        #expect(figures.program.topReferrers == Array(expectedTop))
        #expect(figures.program.earned == figures.referrers.reduce(0) { $0 + $1.earned })
        #expect(figures.program.pending == figures.referrers.reduce(0) { $0 + $1.pending })
        #expect(figures.program.earned > 0 && figures.program.pending > 0)
    }

    @Test func statsJSONHasTheDocumentedShape() throws {
        var fixture = StoreFixture()
        let id = fixture.refer("ada", friend: "Grace Hopper", at: "2026-03-01T00:00:00Z")
        fixture.status(id, "converted", at: "2026-03-02T00:00:00Z")
        let json = try fixture.figures(asOf: "2026-03-05").json.serialized()
        #expect(json.hasPrefix(#"{"asOf":"2026-03-05T23:59:59.999Z","currency":"USD","referrers":[{"code":"ada","referrals":1,"converted":1,"conversionRate":1,"earned":0,"pending":25,"tier":"Bronze","nextTier":{"name":"Silver","conversions":3,"remaining":2}},{"code":"bob","referrals":0,"converted":0,"conversionRate":0,"earned":0,"pending":0,"tier":null,"nextTier":{"name":"Bronze","conversions":1,"remaining":1}}],"program":{"#))
    }
}
