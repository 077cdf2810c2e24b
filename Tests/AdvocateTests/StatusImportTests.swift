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
        let updates = try StatusImport.updates(csv: csv, file: "crm.csv", store: store, now: .now).get().updates
        #expect(updates.count == 3)
        try JournalWriter(dataDirectory: data).append(updates.map(\.journalLine))
        let reloaded = try StoreLoader.load(from: data).store
        let figures = FigureCalculator.compute(reloaded, asOf: CalendarDay("2026-03-31")!.end)
        #expect(figures.referrer("ada")?.converted == 1)
        #expect(try directory.read("content/data/referrals.jsonl").contains(#"{"type":"status","id":"\#(ids[0])","at":"2026-03-05T10:00:00Z","status":"converted","value":1200}"#))
    }

    /// A CRM's full export repeats the rows that did not change: they are skipped with one
    /// warning (a line above counts as the referral's status too), not a refusal of the file.
    @Test func linesGivingTheStatusAReferralHasAreSkipped() throws {
        var (fixture, ids) = fixture()
        fixture.status(ids[0], "contacted", at: "2026-03-04T09:00:00Z")
        let store = try fixture.load()
        let csv = "id,status\n\(ids[0]),contacted\n\(ids[1]),contacted\n\(ids[1]),contacted\n\(ids[0]),converted\n"
        let imported = try StatusImport.updates(csv: csv, file: "crm.csv", store: store, now: .now).get()
        #expect(imported.updates.map { [$0.id, $0.status.rawValue] } == [[ids[1], "contacted"], [ids[0], "converted"]])
        #expect(imported.unchanged == 2)
        #expect(imported.warnings.map(\.description) == ["crm.csv:2:1: warning: 2 lines give the status its referral already has, and are skipped (lines 2, 4)"])
        // A CRM repeats the order's value on the rows after the conversion, and writes 0 for none.
        fixture.status(ids[0], "converted", at: "2026-03-05T09:00:00Z", value: 175)
        fixture.status(ids[0], "rewarded", at: "2026-03-06T09:00:00Z")
        let repeated = try StatusImport.updates(csv: "id,status,value\n\(ids[0]),rewarded,175\n\(ids[0]),rewarded,0\n", file: "crm.csv",
                                                store: try fixture.load(), now: .now).get()
        #expect(repeated.updates.isEmpty && repeated.unchanged == 2, "\(repeated)")
        // Another value for the same status is no repeat: refused as a change, not dropped unsaid.
        fixture.status(ids[1], "converted", at: "2026-03-05T09:00:00Z", value: 10)
        guard case .failure(let error) = StatusImport.updates(csv: "id,status,value\n\(ids[1]),converted,250\n\(ids[1]),converted,10\n", file: "crm.csv",
                                                              store: try fixture.load(), now: .now) else {
            Issue.record("a new value was dropped")
            return
        }
        #expect(error.diagnostics.map(\.description) == ["crm.csv:2:1: error: line 2: referral \(ids[1]) is already converted, with the value 10, and a recorded value is not changed (250 given)",
                                                         "crm.csv:3:1: warning: 1 line gives the status its referral already has, and is skipped (line 3)"], "\(error.diagnostics)")
    }

    /// Spreadsheet habits that had been misread without a word: an unquoted `1,200` (read as 1,
    /// its 200 in no column), `1.200` for a thousand two hundred (read as 1.2), `1e3`; a value
    /// or reason on a status that records none. Rows of empty fields, a lone CR between lines
    /// (Excel for Mac) and `referred` for a referral with no status yet (what the export
    /// writes) are read as a person means them.
    /// A CSV is read as UTF-8 (with or without a byte order mark); a spreadsheet's UTF-16
    /// "Unicode Text" and any other encoding are refused, saying how to export it.
    @Test func aCSVIsReadAsUTF8AndUTF16IsRefusedSayingHow() throws {
        let csv = "id,status\nrf_1,converted\n"
        #expect(try StatusImport.text(ofCSV: Data(csv.utf8)).get() == csv)
        for encoding in [String.Encoding.utf16, .utf16LittleEndian] {
            let refused = StatusImport.text(ofCSV: try #require(csv.data(using: encoding)))
            #expect(throws: StatusImport.CSVEncodingError.self) { try refused.get() }
            if case .failure(let problem) = refused { #expect(problem.description == #"is UTF-16 text: export the CSV as UTF-8 ("CSV UTF-8" in Excel)"#) }
        }
        if case .failure(let problem) = StatusImport.text(ofCSV: Data([0x69, 0x64, 0x0A, 0x61, 0xE9, 0x0A])) {
            #expect(problem.description == #"is not UTF-8 text from line 2, column 2 on: export the CSV as UTF-8 ("CSV UTF-8" in Excel)"#)
        } else {
            Issue.record("Latin-1 text was read as UTF-8")
        }
    }

    @Test func spreadsheetHabitsAreReadAsMeantOrRefused() throws {
        let (fixture, ids) = fixture()
        let store = try fixture.load()
        func problems(_ csv: String) -> [String] {
            guard case .failure(let error) = StatusImport.updates(csv: csv, file: "crm.csv", store: store, now: .now) else { return [] }
            return error.diagnostics.map(\.description)
        }
        #expect(problems("id,status,value\n\(ids[0]),converted,1,200\n") == ["crm.csv:2:\(ids[0].count + 14): error: line 2: 4 values where the header has 3 columns; a comma inside a value splits it in two: write amounts without a thousands separator (1200)"])
        #expect(problems("id,status,value\n\(ids[0]),converted,1.200\n") == ["crm.csv:2:\(ids[0].count + 12): error: line 2: value \"1.200\" has more than 2 decimals: is the point a thousands separator (1.200 for 1200)? Write 1200 or 1200.50"])
        // Zeros past a currency's decimals are no thousands group, but for three of them.
        #expect(try StatusImport.orderValue("1200.00", decimals: 0).get() == 1200)
        #expect(try StatusImport.orderValue("12.5000", decimals: 2).get() == 12.5)
        for (text, decimals) in [("1.000", 0), ("1.200", 2), ("10.999", 2), ("1200.5", 0)] {
            #expect((try? StatusImport.orderValue(text, decimals: decimals).get()) == nil, "\(text)")
        }
        for text in ["1e3", "0x10", "$1200", "-5", "1.2.3"] {
            #expect(problems("id,status,value\n\(ids[0]),converted,\(text)\n").first?.contains("is not an amount") == true, "\(text)")
        }
        let read = try StatusImport.updates(csv: "id,status,value,reason\r\(ids[0]),contacted,5,late\r\(ids[1]),converted,\"1200.50\",x\r,,,\r\(ids[2]),referred,,\r",
                                            file: "crm.csv", store: store, now: .now).get()
        #expect(read.updates.map(\.journalLine).map { $0.contains("value") || $0.contains("reason") } == [false, true])
        #expect(read.updates.last?.value == 1200.5 && read.updates.last?.reason == nil)
        #expect(read.unchanged == 1)
        // Excel's `sep=,` line before the header is skipped; a column named twice is refused.
        #expect(try StatusImport.updates(csv: "sep=,\nid,status\n\(ids[0]),contacted\n", file: "crm.csv", store: store, now: .now).get().updates.count == 1)
        #expect(problems("id,status,status\n\(ids[0]),contacted,rewarded\n") == ["crm.csv:1:11: error: the header names the column 'status' twice; keep one"])
        // A lone CR inside a quoted field is a line break, as outside one.
        #expect(try CSVReader.records("id,reason\r1,\"a\rb\"\r2,c\r").map(\.line) == [1, 2, 4])
        var contacted = fixture
        contacted.status(ids[0], "contacted", at: "2026-03-04T09:00:00Z")
        guard case .failure(let back) = StatusImport.updates(csv: "id,status\n\(ids[0]),referred\nrf_nope,referred\n", file: "crm.csv", store: try contacted.load(), now: .now) else {
            Issue.record("a referral went back to referred")
            return
        }
        #expect(back.diagnostics.map(\.message) == ["line 2: status \"referred\": the referral is contacted already, and a status cannot be taken back; give the status it has now, or leave the line out",
                                                    "line 3: no referral has the id \"rf_nope\" (see `advocate export referrals`)"])
    }

    /// A status given by day (a CRM's close date) on the day its referral came in is dated at
    /// the referral's time, not refused as before it; on a later day it is the day's start.
    @Test func aStatusGivenByDayOnTheReferralsDayIsDatedAtTheReferral() throws {
        let (fixture, ids) = fixture()
        let store = try fixture.load()
        let csv = "id,status,at\n\(ids[0]),contacted,2026-03-01\n\(ids[0]),converted,2026-03-01\n\(ids[1]),contacted,2026-03-04\n"
        let updates = try StatusImport.updates(csv: csv, file: "crm.csv", store: store, now: .now).get().updates
        #expect(updates.map(\.at.iso8601) == ["2026-03-01T09:00:00Z", "2026-03-01T09:00:00Z", "2026-03-04T00:00:00Z"])
        // A time of day is taken as given, and refused when it is before the referral.
        guard case .failure = StatusImport.updates(csv: "id,status,at\n\(ids[0]),contacted,2026-03-01T08:00:00Z\n", file: "crm.csv", store: store, now: .now) else {
            Issue.record("a time before the referral was accepted")
            return
        }
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
        #expect(error.diagnostics.map(\.line) == [2, 3, 4, 5, 6, 7])
        #expect(messages.contains { $0.hasPrefix("crm.csv:2:1: error:") && $0.contains("only a converted referral can be rewarded") })
        #expect(messages.contains { $0.hasPrefix("crm.csv:3:1: error:") && $0.contains("no referral has the id \"rf_404\"") })
        // The id's own column when it is not the first.
        guard case .failure(let unknown) = StatusImport.updates(csv: "status,id\nconverted,rf_nope\n", file: "crm.csv", store: store, now: .now) else {
            Issue.record("expected an error")
            return
        }
        #expect(unknown.diagnostics.map(\.description).first?.hasPrefix("crm.csv:2:11: error: line 2: no referral has the id") == true, "\(unknown.diagnostics)")
        #expect(messages.contains { $0.hasPrefix("crm.csv:4:\(ids[1].count + 2): error:") && $0.contains("must be one of") })
        #expect(messages.contains { $0.hasPrefix("crm.csv:5:1: error:") && $0.contains("was not counted") })
        #expect(messages.contains { $0.hasPrefix("crm.csv:6:\(ids[1].count + 12): error:") && $0.contains("is not an amount") })
        #expect(messages.contains { $0.hasPrefix("crm.csv:7:1: error:") && $0.contains("before the referral itself") })
    }

    /// The messages of a file the import refuses.
    private func refusal(_ csv: String, store: Store) -> [String] {
        guard case .failure(let error) = StatusImport.updates(csv: csv, file: "crm.csv", store: store, now: .now) else { return [] }
        return error.diagnostics.filter { $0.severity == .error }.map(\.description)
    }

    /// A CRM's export names its columns its own way: a date or an amount in a column the import
    /// does not read refuses the file at that column (a `Close Date` ignored had recorded the
    /// conversion today, outside the attribution window, for good), and renamed it is read.
    @Test func aCRMsDateAndAmountColumnsAreNamedNotDropped() throws {
        let (fixture, ids) = fixture()
        let store = try fixture.load()
        let header = "Record ID, id ,Status,Deal Stage,Amount,Close Date,Owner"
        let row = "\n9,\(ids[0]),converted,closedwon,1200,2026-03-20,Kim\n"
        let amountError = "crm.csv:1:34: error: column 'Amount' looks like the order's value, but only a column named 'value' is read, "
            + "and a conversion recorded without one keeps none: rename it to 'value', or remove it"
        #expect(refusal(header + row, store: store) == ["crm.csv:1:41: error: column 'Close Date' looks like a date, but only a column named 'at' says when each status changed, "
                                                        + "and without one every status is recorded as of now (a conversion then lands outside the attribution window, for good): "
                                                        + "rename the column that says when the status changed to 'at', or remove this one", amountError])
        let dated = header.replacingOccurrences(of: "Close Date", with: "at")
        #expect(refusal(dated + row, store: store) == [amountError])
        // Only a conversion takes a value: a file of other statuses with an amount is read.
        #expect(refusal(dated + "\n9,\(ids[0]),contacted,open,1200,2026-03-20,Kim\n", store: store).isEmpty)
        let renamed = dated.replacingOccurrences(of: "Amount", with: "value")
        let imported = try StatusImport.updates(csv: renamed + row, file: "crm.csv", store: store, now: .now).get()
        #expect(imported.updates.map { "\($0.status.rawValue) \($0.value ?? -1) \($0.at.iso8601)" } == ["converted 1200.0 2026-03-20T00:00:00Z"])
        #expect(imported.warnings.map(\.description) == ["crm.csv:1:1: warning: column 'record id' is ignored", "crm.csv:1:23: warning: column 'deal stage' is ignored",
                                                         "crm.csv:1:43: warning: column 'owner' is ignored"])
        // The file read with its amount left out: no warning that contradicts an error.
        guard case .failure(let amountIgnored) = StatusImport.updates(csv: dated + row, file: "crm.csv", store: store, now: .now) else { return }
        #expect(!amountIgnored.diagnostics.contains { $0.message == "column 'amount' is ignored" }, "\(amountIgnored.diagnostics)")
    }

    /// A CRM lists its newest rows first: the changes are taken in the order they happened, and
    /// rows of one time (or none) keep the file's order.
    @Test func rowsAreTakenInTheOrderTheyHappened() throws {
        let (fixture, ids) = fixture()
        let store = try fixture.load()
        let csv = "id,status,value,at\n\(ids[0]),rewarded,,2026-03-25\n\(ids[0]),converted,120,2026-03-20\n\(ids[1]),contacted,,\n\(ids[0]),contacted,,2026-03-10\n"
        let imported = try StatusImport.updates(csv: csv, file: "crm.csv", store: store, now: .now).get()
        #expect(imported.updates.map { "\($0.id) \($0.status.rawValue)" } == ["\(ids[0]) contacted", "\(ids[0]) converted", "\(ids[0]) rewarded", "\(ids[1]) contacted"])
        // A problem is still placed at its own line.
        let late = "id,status,at\n\(ids[0]),rewarded,2026-03-25\n\(ids[0]),contacted,2026-03-10\n"
        #expect(refusal(late, store: store) == ["crm.csv:2:1: error: line 2: referral \(ids[0]) cannot become rewarded: only a converted referral can be rewarded (it is contacted)"])
    }

    /// A short row, a changed order value, a tab-separated file and a file of many bad rows each
    /// say what is wrong with them.
    @Test func rowsTheImportCannotTakeSayWhy() throws {
        var (fixture, ids) = fixture()
        fixture.status(ids[0], "converted", at: "2026-03-04T09:00:00Z", value: 175)
        let store = try fixture.load()
        #expect(refusal("id,status\n\(ids[1])\n", store: store) == ["crm.csv:2:1: error: line 2: 1 value where the header has 2 columns, so it gives no status"])
        #expect(refusal("id,status,value\n\(ids[0]),converted,176\n", store: store)
                == ["crm.csv:2:1: error: line 2: referral \(ids[0]) is already converted, with the value 175, and a recorded value is not changed (176 given)"])
        #expect(refusal("id\tstatus\n\(ids[1])\tcontacted\n", store: store).first?.hasSuffix("found: id status (the values are separated by tabs: export the CSV with commas)") == true)
        let many = refusal("id,status\n" + (1...25).map { "rf_missing\($0),contacted\n" }.joined(), store: store)
        #expect(many.count == StatusImport.errorsNamed + 1)
        #expect(many.last == "crm.csv:22:1: error: 5 more errors, not named one by one (lines 22 to 26); fix those above and import again to see them")
    }

    /// A value the store's loader would refuse is refused before it is written: `5e12` was
    /// imported, and then no command could load the store.
    @Test(arguments: ["5e12", "1000000001", "-1"])
    func aValueTheLoaderWouldRefuseIsNotImported(value: String) throws {
        let (fixture, ids) = fixture()
        let store = try fixture.load()
        let csv = "id,status,value,at\n\(ids[0]),converted,\(value),2026-03-05\n"
        guard case .failure(let error) = StatusImport.updates(csv: csv, file: "crm.csv", store: store, now: .now) else {
            Issue.record("imported")
            return
        }
        // Written as a CRM would not (`5e12`, `-1`), or past the loader's bound.
        #expect(error.diagnostics.map(\.description).contains { $0.hasPrefix("crm.csv:2:") && ($0.contains("value must be a number from 0 to 1,000,000,000") || $0.contains("is not an amount")) },
                "\(error.diagnostics)")
    }

    /// `--value inf` (which Swift reads as a number) is named as given, not as "null".
    @Test func anInfiniteValueIsNamedAsGiven() throws {
        let (fixture, ids) = fixture()
        let update = StatusUpdate(id: ids[0], status: .converted, value: .infinity, at: CalendarDay("2026-03-05")!.start)
        let problems = StatusRecorder.problems([update], store: try fixture.load(), now: .now)
        #expect(problems.map(\.message) == ["value must be a number from 0 to 1,000,000,000, found inf"])
    }

    /// An id the export wrote with the formula guard's `'` (`=sum` as `'=sum`) is read back as
    /// the id it stands for, so a CRM round trip of the export imports.
    @Test func anIdTheExportGuardedIsReadBack() throws {
        var (fixture, _) = fixture()
        fixture.lines.append(#"{"type":"referral","id":"=sum","at":"2026-03-04T09:00:00Z","referrer":"ada","name":"Eve","email":"eve@example.org","source":"link","consent":true}"#)
        let store = try fixture.load()
        let exported = Exporter.table(.referrals, store: store, figures: FigureCalculator.compute(store, asOf: CalendarDay("2026-03-31")!.end)).text
        #expect(exported.contains("\r\n'=sum,"), "\(exported)")
        let updates = try StatusImport.updates(csv: "id,status\n'=sum,contacted\n", file: "crm.csv", store: store, now: .now).get().updates
        #expect(updates.map(\.id) == ["=sum"])
    }

    /// A reason is one line of words: a line break in it (pasted into --reason or a CSV cell) is refused.
    @Test func aReasonWithALineBreakIsRefused() throws {
        let (fixture, ids) = fixture()
        for reason in ["refund\r\nX-Evil: 1", "a\nb", "tab\there", "line\u{2028}separated"] {
            let update = StatusUpdate(id: ids[0], status: .rejected, reason: reason, at: CalendarDay("2026-03-05")!.start)
            let problems = StatusRecorder.problems([update], store: try fixture.load(), now: .now)
            #expect(problems.map(\.message) == ["reason holds a line break or another control character; write it on one line"], "\(reason)")
        }
    }

    /// A status happens after the referral's latest one and not in the future: the journal keeps
    /// whatever is appended, so a wrong time is refused rather than recorded.
    @Test func statusTimesFollowTheLatestStatusAndNotTheFuture() throws {
        var (fixture, ids) = fixture()
        fixture.status(ids[0], "converted", at: "2026-03-10T09:00:00Z")
        let store = try fixture.load()
        let now = try #require(Instant(iso8601: "2026-04-01T12:00:00Z"))
        let updates = [
            StatusUpdate(id: ids[0], status: .rewarded, at: try #require(Instant(iso8601: "2026-03-09T09:00:00Z"))),
            StatusUpdate(id: ids[1], status: .contacted, at: try #require(Instant(iso8601: "2026-04-02T00:00:00Z"))),
            StatusUpdate(id: ids[1], status: .contacted, at: try #require(Instant(iso8601: "2026-04-01T12:04:00Z"))),
            StatusUpdate(id: ids[0], status: .rewarded, at: try #require(Instant(iso8601: "2026-03-10T09:00:00Z"))),
        ]
        let problems = StatusRecorder.problems(updates, store: store, now: now)
        #expect(problems.map(\.index) == [0, 1])
        #expect(problems.first?.message.contains("before the referral's latest status (converted at 2026-03-10T09:00:00Z)") == true)
        #expect(problems.last?.message.contains("is in the future") == true)
    }

    /// The referrals export fed back would record each referral's own time as its status's.
    @Test func theReferralsExportIsNotTakenForStatusTimes() throws {
        let (fixture, ids) = fixture()
        let store = try fixture.load()
        let exported = "id,at,referrer,name,email,status\r\n\(ids[0]),2026-03-01T09:00:00Z,ada,Grace Hopper,grace@example.org,contacted\r\n"
        guard case .failure(let error) = StatusImport.updates(csv: exported, file: "referrals.csv", store: store, now: .now) else {
            Issue.record("expected an error")
            return
        }
        #expect(error.diagnostics.first?.description.hasPrefix("referrals.csv:1:4: error: this looks like `advocate export referrals`") == true)
        let imported = try StatusImport.updates(csv: "id,status,note\r\n\(ids[0]),contacted,called\r\n", file: "crm.csv", store: store, now: .now).get()
        #expect(imported.updates.count == 1)
        #expect(imported.warnings.map(\.description) == ["crm.csv:1:11: warning: column 'note' is ignored"])
        // A line's error points at the field it is about, as an editor jumps to it.
        guard case .failure(let wrong) = StatusImport.updates(csv: "id,status,value\n\(ids[0]),\"convertd\",12\n\(ids[0]),converted,  twelve\n",
                                                             file: "crm.csv", store: store, now: .now) else {
            Issue.record("expected errors")
            return
        }
        #expect(wrong.diagnostics.map { "\($0.line):\($0.column)" } == ["2:\(ids[0].count + 2)", "3:\(ids[0].count + 12)"])
    }

    @Test func csvReaderHandlesQuotesAndKeepsLines() throws {
        let records = try CSVReader.records("a,b\n\"x, \"\"y\"\"\",\"multi\nline\"\nlast,one")
        #expect(records.map(\.line) == [1, 2, 4])
        #expect(records[1].fields == ["x, \"y\"", "multi\nline"])
        #expect(records.map { $0.positions.map { "\($0.line):\($0.column)" } } == [["1:1", "1:3"], ["2:1", "2:12"], ["4:1", "4:6"]])
        // A field after one quoted over several lines starts on the later line.
        #expect(try CSVReader.records("id,reason,status\nrf_1,\"line one\nline two\",converted\n")[1].positions.map(\.line) == [2, 2, 3])
        #expect(throws: CSVReader.SyntaxError.self) { try CSVReader.records("a,\"open\n") }
    }

    @Test func statusUpdatesAreRefusedWhileAServerHoldsTheStore() throws {
        let (fixture, ids) = fixture()
        let directory = try TemporaryDirectory()
        try fixture.write(to: directory)
        let data = directory.file("content/data")
        let server = try JournalWriter(dataDirectory: data)
        #expect(throws: JournalWriter.Failure.self) {
            try JournalWriter(dataDirectory: data).append(StatusUpdate(id: ids[0], status: .contacted, at: .now).journalLine)
        }
        _ = server
    }
}
