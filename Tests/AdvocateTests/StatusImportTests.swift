import Foundation
import Testing
@testable import Advocate

@Suite struct StatusImportTests {
    func fixture() -> (StoreFixture, [String]) {
        var fixture = StoreFixture()
        let first = fixture.refer("ada", friend: "Grace Hopper", email: "grace@example.org", at: "2026-03-01T09:00:00Z")
        let second = fixture.refer("bob", friend: "Alan Turing", email: "alan@example.org", at: "2026-03-02T09:00:00Z")
        let duplicate = fixture.refer("bob", friend: "Grace Again", email: "GRACE@example.org", at: "2026-03-03T09:00:00Z")
        return (fixture, [first, second, duplicate])
    }

    @Test func appendsValidUpdatesAndTheFiguresFollow() throws {
        let (fixture, ids) = fixture()
        let directory = try TemporaryDirectory()
        try fixture.write(to: directory)
        let data = directory.file("content/data")
        let store = try StoreLoader.load(from: data).store
        let csv = "id,status,value,at\r\n\(ids[0]),contacted,,2026-03-02\r\n\(ids[0]),converted,1200,2026-03-05T10:00:00Z\r\n\(ids[1]),rejected,,2026-03-06\r\n"
        let updates = try StatusImport.updates(csv: csv, file: "crm.csv", store: store, now: .now).get()
        #expect(updates.count == 3)
        try StatusRecorder.append(updates, dataDirectory: data)
        let reloaded = try StoreLoader.load(from: data).store
        let figures = FigureCalculator.compute(reloaded, asOf: CalendarDay("2026-03-31")!.end)
        #expect(figures.referrer("ada")?.converted == 1)
        #expect(try directory.read("content/data/referrals.jsonl").contains(#"{"type":"status","id":"\#(ids[0])","at":"2026-03-05T10:00:00Z","status":"converted","value":1200}"#))
    }

    @Test func anyBadLineRefusesTheWholeFileWithLineNumbers() throws {
        let (fixture, ids) = fixture()
        let store = try fixture.load()
        let csv = """
            id,status,value,at
            \(ids[0]),rewarded,,2026-03-05
            rf_404,contacted,,
            \(ids[1]),won,,
            \(ids[2]),contacted,,
            \(ids[1]),converted,lots,
            \(ids[1]),contacted,,2026-02-01

            """
        guard case .failure(let error) = StatusImport.updates(csv: csv, file: "crm.csv", store: store, now: .now) else {
            Issue.record("expected errors")
            return
        }
        let messages = error.diagnostics.map(\.description)
        #expect(messages.contains { $0.hasPrefix("crm.csv:2:1: error:") && $0.contains("only a converted referral can be rewarded") })
        #expect(messages.contains { $0.hasPrefix("crm.csv:3:1: error:") && $0.contains("no referral has the id \"rf_404\"") })
        #expect(messages.contains { $0.hasPrefix("crm.csv:4:1: error:") && $0.contains("must be one of") })
        #expect(messages.contains { $0.hasPrefix("crm.csv:5:1: error:") && $0.contains("was not counted") })
        #expect(messages.contains { $0.hasPrefix("crm.csv:6:1: error:") && $0.contains("not a number") })
        #expect(messages.contains { $0.hasPrefix("crm.csv:7:1: error:") && $0.contains("before the referral itself") })
    }

    @Test func csvReaderHandlesQuotesAndKeepsLines() throws {
        let records = try CSVReader.records("a,b\n\"x, \"\"y\"\"\",\"multi\nline\"\nlast,one")
        #expect(records.map(\.line) == [1, 2, 4])
        #expect(records[1].fields == ["x, \"y\"", "multi\nline"])
        #expect(throws: CSVReader.SyntaxError.self) { try CSVReader.records("a,\"open\n") }
    }

    @Test func statusUpdatesAreRefusedWhileAServerHoldsTheStore() throws {
        let (fixture, ids) = fixture()
        let directory = try TemporaryDirectory()
        try fixture.write(to: directory)
        let data = directory.file("content/data")
        let server = try JournalWriter(dataDirectory: data)
        #expect(throws: JournalWriter.Failure.self) {
            try StatusRecorder.append([StatusUpdate(id: ids[0], status: .contacted, at: .now)], dataDirectory: data)
        }
        _ = server
    }
}
