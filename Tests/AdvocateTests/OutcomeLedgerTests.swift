@testable import Advocate
import Foundation
import Testing

/// The server keeps an ``OutcomeLedger`` and applies each event it records; its figures must be
/// those a build computes from the whole journal.
@Suite struct OutcomeLedgerTests {
    static let exampleData = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("content/data").path

    @Test func applyingEventsOneByOneGivesTheFiguresOfTheWholeJournal() throws {
        let store = try StoreLoader.load(from: Self.exampleData).store
        let asOf = try #require(store.newestEventInstant)
        let whole = FigureCalculator.compute(store, asOf: asOf)
        // Every place the journal could have been cut when the server started.
        for cut in stride(from: 0, through: store.journal.count, by: 7) {
            var start = store
            start.journal = Array(store.journal.prefix(cut))
            var ledger = OutcomeLedger(store: start)
            for event in store.journal.dropFirst(cut) { ledger.apply(event) }
            let figures = ledger.figures(asOf: asOf)
            #expect(figures.json == whole.json, "cut after \(cut) events")
            #expect(Self.summary(figures.allOutcomes) == Self.summary(whole.allOutcomes), "cut after \(cut) events")
            #expect(figures.program.cohorts == whole.program.cohorts)
            #expect(figures.perWeek == whole.perWeek)
        }
    }

    /// The ledger made while loading is the one figures are computed from, as of the newest event
    /// or later; before it, or once the store changed, they are computed afresh.
    @Test func theLedgerMadeWhileLoadingGivesTheFiguresComputedAfresh() throws {
        var loaded = try StoreLoader.load(from: Self.exampleData, makingLedger: true)
        #expect(loaded.ledger != nil)
        #expect(try StoreLoader.load(from: Self.exampleData).ledger == nil)
        let newest = try #require(loaded.store.newestEventInstant)
        for asOf in [newest, Instant(milliseconds: newest.milliseconds + 40 * Instant.millisecondsPerDay),
                     Instant(milliseconds: newest.milliseconds - 20 * Instant.millisecondsPerDay)] {
            let figures = loaded.figures(asOf: asOf)
            let afresh = FigureCalculator.compute(loaded.store, asOf: asOf)
            #expect(figures.json == afresh.json)
            #expect(Self.summary(figures.allOutcomes) == Self.summary(afresh.allOutcomes))
        }
        loaded.store.journal.removeLast(5)
        #expect(loaded.ledger == nil)
        let asOf = try #require(loaded.store.newestEventInstant)
        #expect(loaded.figures(asOf: asOf).json == FigureCalculator.compute(loaded.store, asOf: asOf).json)
    }

    @Test func aReferrersLastWeeksAreTheEndOfAllTheirWeeks() throws {
        let store = try StoreLoader.load(from: Self.exampleData).store
        let figures = FigureCalculator.compute(store, asOf: try #require(store.newestEventInstant))
        var compared = 0
        for referrer in store.referrers {
            let series = figures.weeklySeries(ofReferrer: referrer.code)
            let all = series.weeks()
            for limit in [0, 1, 2, 5, 26, all.count, all.count + 3] {
                #expect(series.weeks(last: limit).map(\.name) == all.suffix(limit).map(\.name), "\(referrer.code), last \(limit)")
                #expect(series.weeks(last: limit).map(\.referrals) == all.suffix(limit).map(\.referrals))
                #expect(series.weeks(last: limit).map(\.converted) == all.suffix(limit).map(\.converted))
            }
            compared += all.count > 5 ? 1 : 0
            // Counted for the last weeks alone, through the as-of, past it and before it.
            for end in [figures.asOf, Instant(milliseconds: figures.asOf.milliseconds + 60 * Instant.millisecondsPerDay), store.journal[3].at] {
                for limit in [0, 1, 2, 5, 12, 26, all.count + 3] {
                    let counted = figures.recentWeeks(ofReferrer: referrer.code, last: limit, through: end)
                    #expect(counted == series.weeks(last: limit, through: end), "\(referrer.code), last \(limit) through \(end.iso8601)")
                }
            }
        }
        #expect(compared >= 3, "the example should have referrers with more than five weeks")
        #expect(WeeklySeries().weeks(last: 3).isEmpty)
    }

    @Test func aStatusChangeMovesTheTotalsBothWays() throws {
        var fixture = StoreFixture()
        let id = fixture.refer("ada", friend: "Grace Hopper", email: "grace@example.org", at: "2026-06-02T09:00:00Z")
        var ledger = OutcomeLedger(store: try fixture.load())
        let referred = ledger.figures(asOf: CalendarDay("2026-06-30")!.end)
        #expect([referred.program.funnel.referred, referred.program.funnel.contacted, referred.program.funnel.converted, referred.program.funnel.rewarded] as [Int] == [1, 0, 0, 0])

        fixture.status(id, "converted", at: "2026-06-05T09:00:00Z")
        let converted = try fixture.load()
        guard case .status(let change) = converted.journal.last else { Issue.record("no status event"); return }
        ledger.apply(.status(change))
        let afterConversion = ledger.figures(asOf: CalendarDay("2026-06-30")!.end)
        #expect([afterConversion.program.funnel.referred, afterConversion.program.funnel.contacted, afterConversion.program.funnel.converted, afterConversion.program.funnel.rewarded] as [Int] == [1, 1, 1, 0])
        #expect(afterConversion.referrer("ada")?.converted == 1)
        #expect(afterConversion.json == FigureCalculator.compute(converted, asOf: CalendarDay("2026-06-30")!.end).json)

        fixture.status(id, "rejected", at: "2026-06-07T09:00:00Z")
        let refunded = try fixture.load()
        guard let refund = refunded.journal.last else { Issue.record("no refund event"); return }
        ledger.apply(refund)
        let afterRefund = ledger.figures(asOf: CalendarDay("2026-06-30")!.end)
        #expect([afterRefund.program.funnel.referred, afterRefund.program.funnel.contacted, afterRefund.program.funnel.converted, afterRefund.program.funnel.rewarded] as [Int] == [1, 1, 0, 0])
        #expect(afterRefund.perWeek.map(\.converted).reduce(0, +) == 0)
        #expect(afterRefund.referrer("ada")?.converted == 0)
        #expect(afterRefund.json == FigureCalculator.compute(refunded, asOf: CalendarDay("2026-06-30")!.end).json)
    }

    /// What can differ between two computations of an outcome, as text.
    /// A referral whose id an earlier one has (an error `advocate check` reports) is not counted:
    /// the first keeps its outcome, and a status for that id applies to the first.
    @Test func aRepeatedIdKeepsTheFirstReferralsOutcome() throws {
        var store = try StoreLoader.load(from: Self.exampleData).store
        guard case .referral(var first) = try #require(store.journal.first { if case .referral = $0 { true } else { false } }) else { return }
        let before = OutcomeLedger(store: store).figures(asOf: try #require(store.newestEventInstant))
        let firstReferrer = first.referrer
        first.email = "someone-new@example.org"
        first.referrer = firstReferrer == "grace" ? "ada" : "grace"
        store.journal.append(.referral(first))
        let after = OutcomeLedger(store: store).figures(asOf: try #require(store.newestEventInstant))
        #expect(after.json == before.json)
        #expect(Self.summary(after.allOutcomes) == Self.summary(before.allOutcomes))
        #expect(after.allOutcomes.filter { $0.referral.id == first.id }.map(\.referral.referrer) == [firstReferrer])
    }

    /// ``BuildSnapshot`` takes each event's outcome from the ledger: the referral a line records
    /// or a status names, the same whether the ledger took the journal in at once or event by
    /// event; none for a referral after the as-of.
    @Test func eachEventNamesTheOutcomeOfItsReferral() throws {
        let store = try StoreLoader.load(from: Self.exampleData).store
        let ledger = OutcomeLedger(store: store)
        try #require(ledger.outcomeOfEvent.count == store.journal.count)
        func id(_ index: Int32, in ledger: OutcomeLedger) -> String? {
            index >= 0 ? ledger.outcomes[Int(index)].referral.id : nil
        }
        var named = 0
        for (event, index) in zip(store.journal, ledger.outcomeOfEvent) {
            switch event {
            case .referral(let referral): #expect(id(index, in: ledger) == referral.id)
            case .status(let change): #expect(id(index, in: ledger) == change.id)
            case .referrer: #expect(index == -1)
            }
            named += index >= 0 ? 1 : 0
        }
        #expect(named > 100, "the example should have referrals and statuses")

        var applied = OutcomeLedger(store: Store(program: store.program, referrers: store.referrers, journal: []))
        for event in store.journal { applied.apply(event) }
        #expect(applied.outcomeOfEvent == ledger.outcomeOfEvent)

        let dates = store.journal.compactMap { if case .referral(let referral) = $0 { referral.at } else { nil } }.sorted()
        let cut = dates[dates.count / 2]
        let earlier = OutcomeLedger(store: store, through: cut)
        var later = 0
        for (event, index) in zip(store.journal, earlier.outcomeOfEvent) {
            switch event {
            case .referral(let referral):
                #expect(id(index, in: earlier) == (referral.at <= cut ? referral.id : nil))
                later += referral.at > cut ? 1 : 0
            case .status(let change): #expect(id(index, in: earlier) == (index >= 0 ? change.id : nil))
            case .referrer: #expect(index == -1)
            }
        }
        #expect(later > 0 && later < dates.count)
    }

    static func summary(_ outcomes: [ReferralOutcome]) -> [String] {
        outcomes.map {
            "\($0.referral.id) \($0.acceptance) \(String(describing: $0.latestStatus)) \(String(describing: $0.firstConvertedAt)) "
                + "\($0.isConversion) \($0.isMatured) \($0.wasContacted) \($0.reward) \(String(describing: $0.offer))"
        }
    }
}
