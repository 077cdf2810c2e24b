import Testing
@testable import Advocate

/// Limited-time offers: a referral made within an offer's dates earns the offer's amount when it
/// converts; of overlapping offers the highest amount wins, the first listed on a tie.
@Suite struct OfferFigureTests {
    static let offers = """
        [{"name": "Double credit week", "from": "2026-06-01", "until": "2026-06-07", "referrerAmount": 50, "friend": "30% off"},
         {"name": "Launch week", "from": "2026-06-05", "until": "2026-06-10", "referrerAmount": 40},
         {"name": "Twin", "from": "2026-06-09", "until": "2026-06-12", "referrerAmount": 40}]
        """

    func fixture() -> StoreFixture {
        var fixture = StoreFixture()
        fixture.offers = Self.offers
        fixture.hold = 0
        fixture.tiers = "[]"
        return fixture
    }

    /// Ada's figures for one referral made at `at`, converted a day after June 20 (matured at once).
    func earned(referredAt at: String) throws -> Double {
        var fixture = fixture()
        let id = fixture.refer("ada", friend: "Grace Hopper", at: at)
        fixture.status(id, "converted", at: "2026-06-20T00:00:00Z")
        return try #require(try fixture.figures(asOf: "2026-06-30").referrer("ada")).earned
    }

    @Test func aReferralWithinTheDatesEarnsTheOfferAmountFromTheFirstToTheLastMillisecond() throws {
        #expect(try earned(referredAt: "2026-05-31T23:59:59Z") == 25)
        #expect(try earned(referredAt: "2026-06-01T00:00:00Z") == 50)
        #expect(try earned(referredAt: "2026-06-03T12:00:00Z") == 50)
    }

    @Test func overlappingOffersTheHighestAmountWinsThenTheFirstListed() throws {
        // June 5–7: Double credit (50) and Launch week (40) overlap: 50.
        #expect(try earned(referredAt: "2026-06-06T09:00:00Z") == 50)
        // June 8: only Launch week.
        #expect(try earned(referredAt: "2026-06-08T09:00:00Z") == 40)
        // June 9–10: Launch week and Twin, both 40: Launch week, listed first.
        let program = try fixture().load().program
        #expect(program.offer(at: Instant(iso8601: "2026-06-10T23:59:59Z")!)?.name == "Launch week")
        #expect(program.offer(at: Instant(iso8601: "2026-06-11T00:00:00Z")!)?.name == "Twin")
        #expect(try earned(referredAt: "2026-06-13T00:00:00Z") == 25)
    }

    @Test func aConversionAfterTheOfferEndedStillEarnsTheOfferAmountOfItsReferral() throws {
        var fixture = fixture()
        fixture.hold = 30
        let during = fixture.refer("ada", friend: "Grace Hopper", at: "2026-06-02T10:00:00Z")
        let after = fixture.refer("ada", friend: "Alan Turing", at: "2026-06-15T10:00:00Z")
        fixture.status(during, "converted", at: "2026-07-01T10:00:00Z")
        fixture.status(after, "converted", at: "2026-07-01T10:00:00Z")
        let held = try #require(try fixture.figures(asOf: "2026-07-02").referrer("ada"))
        #expect(held.earned == 0)
        #expect(held.pending == 75)
        let figures = try fixture.figures(asOf: "2026-08-15")
        let matured = try #require(figures.referrer("ada"))
        #expect(matured.earned == 75)
        #expect(matured.pending == 0)
        #expect(figures.program.earned == 75)
        let json = figures.json.serialized()
        #expect(json.contains(#""earned":75"#))
    }

    @Test func tierBonusesAreUnchangedByOffers() throws {
        var fixture = fixture()
        fixture.tiers = #"[{"name":"Bronze","conversions":1,"bonus":10}]"#
        let id = fixture.refer("ada", friend: "Grace Hopper", at: "2026-06-02T10:00:00Z")
        fixture.status(id, "converted", at: "2026-06-20T00:00:00Z")
        #expect(try fixture.figures(asOf: "2026-06-30").referrer("ada")?.earned == 60)
    }

    @Test func theReferralsExportNamesTheOfferAndTheReward() throws {
        var fixture = fixture()
        fixture.refer("ada", friend: "Grace Hopper", at: "2026-06-02T10:00:00Z")
        fixture.refer("bob", friend: "Alan Turing", at: "2026-06-20T10:00:00Z")
        let store = try fixture.load()
        let table = Exporter.table(.referrals, store: store, figures: FigureCalculator.compute(store, asOf: CalendarDay("2026-06-30")!.end))
        let offer = try #require(table.header.firstIndex(of: "offer"))
        let reward = try #require(table.header.firstIndex(of: "reward"))
        #expect(table.rows[0][offer] == .text("Double credit week") && table.rows[0][reward] == .number(50))
        #expect(table.rows[1][offer] == .empty && table.rows[1][reward] == .number(25))
    }

    /// `reward` is an amount to pay only where one can be earned: a duplicate, a self-referral,
    /// a rejection and a conversion after the attribution window have none.
    @Test func theReferralsExportHasNoRewardWhereNothingIsEarned() throws {
        var fixture = fixture()
        let counted = fixture.refer("ada", friend: "Grace Hopper", email: "grace@example.org", at: "2026-01-02T10:00:00Z")
        fixture.status(counted, "converted", at: "2026-01-10T00:00:00Z")
        fixture.refer("bob", friend: "Grace Again", email: "GRACE@example.org", at: "2026-01-03T10:00:00Z")
        let rejected = fixture.refer("bob", friend: "Alan Turing", email: "alan@example.org", at: "2026-01-04T10:00:00Z")
        fixture.status(rejected, "rejected", at: "2026-01-06T00:00:00Z")
        let late = fixture.refer("bob", friend: "Edsger Dijkstra", email: "edsger@example.org", at: "2026-01-05T10:00:00Z")
        fixture.status(late, "converted", at: "2026-06-20T00:00:00Z")
        fixture.refer("bob", friend: "Barbara Liskov", email: "barbara@example.org", at: "2026-01-07T10:00:00Z")
        // Contacted again after a conversion past the window: the window is still past.
        let lateThenContacted = fixture.refer("bob", friend: "Fay Late", email: "fay@example.org", at: "2026-01-08T10:00:00Z")
        fixture.status(lateThenContacted, "converted", at: "2026-06-20T00:00:00Z")
        fixture.status(lateThenContacted, "contacted", at: "2026-06-21T00:00:00Z")
        // Marked rewarded before any conversion: it counts as none, and cannot become converted.
        let paidEarly = fixture.refer("bob", friend: "Paid Early", email: "paid@example.org", at: "2026-06-01T10:00:00Z")
        fixture.status(paidEarly, "rewarded", at: "2026-06-02T00:00:00Z")
        let store = try fixture.load()
        let table = Exporter.table(.referrals, store: store, figures: FigureCalculator.compute(store, asOf: CalendarDay("2026-06-30")!.end))
        let reward = try #require(table.header.firstIndex(of: "reward"))
        let id = try #require(table.header.firstIndex(of: "id"))
        func rewardOf(_ referral: String) -> CSVTable.Cell? { table.rows.first { $0[id] == .text(referral) }?[reward] }
        #expect(rewardOf(lateThenContacted) == .empty && rewardOf(paidEarly) == .empty, "\(String(describing: rewardOf(paidEarly)))")
        #expect(table.rows.filter { $0[id] != .text(lateThenContacted) && $0[id] != .text(paidEarly) }.map { $0[reward] }
                == [.number(25), .empty, .empty, .empty, .number(25)])
    }

    @Test func anOfferEndingBeforeItStartsIsAnErrorNamingTheField() throws {
        var fixture = StoreFixture()
        fixture.offers = #"[{"name": "Backwards", "from": "2026-06-07", "until": "2026-06-01", "referrerAmount": 50}]"#
        let directory = try TemporaryDirectory()
        try fixture.write(to: directory)
        #expect(throws: DiagnosticsError.self) { try StoreLoader.load(from: directory.file("content/data")) }
        do {
            _ = try StoreLoader.load(from: directory.file("content/data"))
        } catch {
            let message = error.diagnostics.map(\.description).joined(separator: "\n")
            #expect(message.contains("program.json:") && message.contains("offer 'Backwards' ends (2026-06-01) before it starts"))
        }
    }

    /// A server whose pages, as of the newest event, show another offer than the one running
    /// now says so at its start: a quiet program kept promising an ended offer on every share
    /// page while friends were emailed the base reward.
    @Test func theNoticeNamesTheOfferThePagesShowAndTheOneRunningNow() throws {
        let directory = try TemporaryDirectory()
        try fixture().write(to: directory)
        let program = try StoreLoader.load(from: directory.file("content/data")).store.program
        func notice(asOf: String, now: String) -> String? {
            OfferNotice.message(program: program, pagesAsOf: Instant(iso8601: asOf)!, now: Instant(iso8601: now)!)
        }
        #expect(notice(asOf: "2026-06-02T09:00:00Z", now: "2026-06-03T09:00:00Z") == nil)
        #expect(notice(asOf: "2026-05-02T09:00:00Z", now: "2026-05-03T09:00:00Z") == nil)
        let ended = try #require(notice(asOf: "2026-06-11T09:00:00Z", now: "2026-12-06T09:00:00Z"))
        #expect(ended.contains("as of 2026-06-11") && ended.contains("“Twin”, which ended 2026-06-12") && ended.contains("base reward"), "\(ended)")
        let started = try #require(notice(asOf: "2026-05-20T09:00:00Z", now: "2026-06-02T09:00:00Z"))
        #expect(started.contains("do not show the offer “Double credit week”"), "\(started)")
        let other = try #require(notice(asOf: "2026-06-02T09:00:00Z", now: "2026-06-08T09:00:00Z"))
        #expect(other.contains("“Double credit week”, while “Launch week” runs now"), "\(other)")
        // A program that gives friends nothing emails them no base reward.
        var withoutFriendReward = program
        withoutFriendReward.friendReward = nil
        let promised = try #require(OfferNotice.message(program: withoutFriendReward, pagesAsOf: Instant(iso8601: "2026-06-11T09:00:00Z")!,
                                                        now: Instant(iso8601: "2026-12-06T09:00:00Z")!))
        #expect(promised.contains("friends who refer now are promised no reward") && !promised.contains("base reward"), "\(promised)")
    }
}
