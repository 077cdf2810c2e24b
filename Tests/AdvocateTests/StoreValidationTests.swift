import Foundation
import Testing
@testable import Advocate

/// Every validation rule of the store, each reported with file, line, column and field.
@Suite struct StoreValidationTests {
    /// Loads a store written with the fixture and the given overrides; returns every diagnostic.
    func diagnostics(program: String? = nil, referrers: String? = nil, journal: String? = nil) throws -> [Diagnostic] {
        let directory = try TemporaryDirectory()
        let fixture = StoreFixture()
        try fixture.write(to: directory)
        if let program { try directory.write("content/data/program.json", program) }
        if let referrers { try directory.write("content/data/referrers.json", referrers) }
        if let journal { try directory.write("content/data/referrals.jsonl", journal) }
        do {
            return try StoreLoader.load(from: directory.file("content/data")).warnings
        } catch {
            return error.diagnostics
        }
    }

    func referrersJSON(_ entries: String...) -> String {
        "[\n" + entries.joined(separator: ",\n") + "\n]\n"
    }

    /// A journal of two referrals and a status, one object a line.
    var sampleJournal: String {
        var fixture = StoreFixture()
        let id = fixture.refer(fixture.referrers[0].code, friend: "Grace", at: "2026-03-01T09:30:00Z")
        _ = fixture.refer(fixture.referrers[0].code, friend: "Linus", at: "2026-03-02T09:30:00Z")
        fixture.status(id, "contacted", at: "2026-03-03T09:30:00Z")
        return fixture.lines.joined(separator: "\n") + "\n"
    }

    let ada = #"{"code": "ada", "name": "Ada", "email": "ada@example.com", "statsToken": "k3v9q0c8m2x7w1r5t4y6u8i0ab"}"#

    /// A control character in text that pages show (U+000B, which a word processor's paste
    /// carries) is an error at its field: it had reached every page's title.
    @Test func controlCharactersInTheProgramsTextAreErrors() throws {
        let program = StoreFixture().programJSON
            .replacingOccurrences(of: #""name": "Acme Rewards""#, with: #""name": "Acme\u0007 Rewards\u000b""#)
        #expect(program.contains(#"\u0007"#))
        let found = try diagnostics(program: program).filter { $0.severity == .error }
        #expect(found.count == 1 && found[0].line == 2, "\(found)")
        #expect(found.first?.message.hasSuffix("field 'name' contains the control character U+0007; remove it (pasted from a word processor?)") == true, "\(found)")
        // An offer's wording for friends too: it goes into share links and SMS previews.
        var fixture = StoreFixture()
        fixture.offers = #"[{"name": "Double", "from": "2026-06-01", "until": "2026-06-07", "referrerAmount": 50, "friend": "30% off\r\nBcc: x@example.com"}]"#
        let offer = try diagnostics(program: fixture.programJSON).filter { $0.severity == .error }
        #expect(offer.map(\.message) == ["program.offers[0]: field 'friend' contains the control character U+000D; remove it (pasted from a word processor?)"], "\(offer)")
    }

    /// An id with a line break or another control character is an error at its line: an id goes
    /// into an email's Message-ID header, where a line break had added a Bcc.
    @Test func anIdWithAControlCharacterIsAnError() throws {
        let journal = #"{"type":"referral","id":"rf_1\r\nBcc: eve@example.com","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"G","email":"g@example.com"}"#
            + "\n" + #"{"type":"status","id":"rf_2\u001b[2J","at":"2026-03-02T09:30:00Z","status":"contacted"}"# + "\n"
        let found = try diagnostics(journal: journal).filter { $0.severity == .error && $0.message.contains("control character") }
        #expect(found.map(\.line) == [1, 2], "\(found)")
        #expect(found.first?.message.hasSuffix("field 'id' contains the control character U+000D; an id is one line of plain text") == true, "\(found)")
        // A value a message quotes cannot reach the terminal as control characters.
        let code = try diagnostics(referrers: #"[{"code": "\u001b[2Jx", "name": "X", "email": "x@example.com", "statsToken": "k3v9q0c8m2x7w1r5t4y6u8i0ab"}]"#)
            .first { $0.message.contains("[2Jx") }
        #expect(code?.description.contains("\\u{1B}[2Jx") == true && code?.description.contains("\u{1B}") == false, "\(String(describing: code))")
    }

    /// A line longer than any valid one is refused before it is parsed (one of 500 MB took
    /// 1.7 GB), at its line; its statuses are not called unknown.
    @Test func anOverlongJournalLineIsRefusedUnread() throws {
        let long = #"{"type":"referral","id":"rf_big","at":"2026-03-01T09:30:00Z","referrer":"ada","name":""# + String(repeating: "x", count: 300_000)
            + #"","email":"g@example.com"}"#
        let journal = long + "\n" + #"{"type":"status","id":"rf_big","at":"2026-03-02T09:30:00Z","status":"contacted"}"# + "\n"
        let found = try diagnostics(journal: journal).filter { $0.severity == .error }
        #expect(found.map(\.description).count == 1, "\(found)")
        #expect(found.first?.line == 1 && found.first?.message.hasPrefix("this line is 300,") == true, "\(found)")
    }

    /// A friend's reward may be left out or null (a program that gives friends nothing); one
    /// given without its description is an error at its field, never a load that fails unexplained.
    @Test func aFriendRewardMayBeLeftOutButNotHalfGiven() throws {
        let friend = #""friend": { "description": "20% off the first order" }"#
        #expect(StoreFixture().programJSON.contains(friend))
        for replacement in [#""friend": null"#, #""unused": null"#] {
            let program = StoreFixture().programJSON.replacingOccurrences(of: friend, with: replacement)
            let directory = try TemporaryDirectory()
            try StoreFixture().write(to: directory)
            try directory.write("content/data/program.json", program)
            #expect(try StoreLoader.load(from: directory.file("content/data")).store.program.friendReward == nil, "\(replacement)")
        }
        let half = StoreFixture().programJSON.replacingOccurrences(of: friend, with: #""friend": { "amount": 5 }"#)
        let errors = try diagnostics(program: half).filter { $0.severity == .error }
        #expect(errors.map(\.message).contains { $0.contains("missing required field 'description'") }, "\(errors)")
        // Not an object: its error, and no program without a friend reward to check pages with.
        let directory = try TemporaryDirectory()
        try StoreFixture().write(to: directory)
        try directory.write("content/data/program.json", StoreFixture().programJSON.replacingOccurrences(of: friend, with: #""friend": "20% off""#))
        #expect(throws: DiagnosticsError.self) { try StoreLoader.load(from: directory.file("content/data")) }
        #expect(StoreLoader.read(from: directory.file("content/data")).standIn == nil)
    }

    /// A well-formed code that is no currency (a typo, a crypto ticker) is a warning at its field.
    @Test func aCurrencyCodeThatIsNoCurrencyIsAWarning() throws {
        let program = StoreFixture().programJSON.replacingOccurrences(of: #""currency": "USD""#, with: #""currency": "XYZ""#)
        #expect(program.contains("XYZ"))
        let found = try diagnostics(program: program)
        #expect(found.count == 1 && found[0].severity == .warning, "\(found)")
        #expect(found.first?.message.hasSuffix("field 'currency' is \"XYZ\", which is no ISO 4217 currency this system knows (a typo of USD, EUR…?); pages show amounts with the code as it is") == true, "\(found)")
        #expect(try diagnostics(program: StoreFixture().programJSON.replacingOccurrences(of: #""currency": "USD""#, with: #""currency": "CHF""#)).isEmpty)
    }

    /// A data folder that is not there (a mistyped --data) is one error naming it, not one for
    /// each file it should hold.
    @Test func aMissingDataFolderIsOneError() {
        let reading = StoreLoader.read(from: "/nonexistent/advocate-data")
        #expect(reading.diagnostics.map(\.description) == [
            "/nonexistent/advocate-data:1:1: error: the data folder does not exist (it holds program.json, referrers.json and the journal; check --data, which defaults to <source>/content/data)",
        ])
        // `serve` and the commands that append say the same, not that the lock file cannot be opened.
        do {
            _ = try JournalWriter(dataDirectory: "/nonexistent/advocate-data")
            Issue.record("a journal was opened in a folder that is not there")
        } catch {
            #expect(error.description.hasPrefix("/nonexistent/advocate-data: the data folder does not exist"), "\(error.description)")
        }
    }

    /// `--data` naming a file (program.json itself) is one error saying so, from the loader and
    /// from the commands that append, not "program.json/program.json not found".
    @Test func aDataFolderThatIsAFileIsOneError() throws {
        let directory = try TemporaryDirectory()
        try StoreFixture().write(to: directory)
        let file = directory.file("content/data/program.json")
        let expected = "\(file): is not a folder: --data names the folder that holds program.json, referrers.json and the journal (probably \(directory.file("content/data")))"
        #expect(StoreLoader.read(from: file).diagnostics.map(\.description) == ["\(file):1:1: error: " + expected.dropFirst(file.count + 2)])
        do {
            _ = try JournalWriter(dataDirectory: file)
            Issue.record("a journal was opened below a file")
        } catch {
            #expect(error.description == expected, "\(error.description)")
        }
    }

    /// A store file saved as UTF-16 (Notepad's "Unicode", Excel's "Unicode Text") is one error
    /// saying so: the journal had given one for each of its lines.
    @Test func aStoreFileInUTF16IsOneErrorSayingSo() throws {
        let fixture = StoreFixture()
        for (name, text) in [("program.json", fixture.programJSON), ("referrals.jsonl", sampleJournal)] {
            let directory = try TemporaryDirectory()
            try fixture.write(to: directory)
            for encoding in [String.Encoding.utf16, .utf16LittleEndian, .utf16BigEndian] {
                try #require(text.data(using: encoding)).write(to: URL(fileURLWithPath: directory.file("content/data/\(name)")))
                let found = StoreLoader.read(from: directory.file("content/data")).diagnostics.filter { $0.severity == .error }
                #expect(found.map(\.description) == ["\(directory.file("content/data/\(name)")):1:1: error: " + UTF8Text.utf16Problem], "\(name) \(encoding): \(found)")
            }
        }
        #expect(UTF8Text.utf16Problem.hasSuffix("save it as UTF-8"))
        // The commands that append (serve, referral status) say the same before they append.
        let directory = try TemporaryDirectory()
        try fixture.write(to: directory)
        try #require(sampleJournal.data(using: .utf16LittleEndian)).write(to: URL(fileURLWithPath: directory.file("content/data/referrals.jsonl")))
        do {
            _ = try JournalWriter(dataDirectory: directory.file("content/data"))
            Issue.record("a UTF-16 journal was opened for appending")
        } catch {
            #expect(error.description == directory.file("content/data/referrals.jsonl") + ":1:1: " + UTF8Text.utf16Problem, "\(error.description)")
        }
        #expect(!UTF8Text.isUTF16(Array("{\"a\": 1}".utf8)) && !UTF8Text.isUTF16([0x7B]) && !UTF8Text.isUTF16([]))
    }

    /// An empty program.json or referrers.json (`touch`ed) says what it holds, not "unexpected
    /// end of input".
    @Test func anEmptyStoreFileSaysWhatItHolds() throws {
        let program = try diagnostics(program: "").filter { $0.severity == .error }
        #expect(program.map(\.message) == ["the file is empty; it holds one JSON object"], "\(program)")
        let referrers = try diagnostics(referrers: " \n").filter { $0.severity == .error }
        #expect(referrers.map(\.message) == ["the file is empty; it holds a JSON array of referrers ([] for none yet)"], "\(referrers)")
    }

    /// Blank optional cells, as a spreadsheet's export writes them, are as if absent: a blank
    /// `joined` was an error while a blank `segment` was the default.
    @Test func blankOptionalReferrerFieldsAreAbsent() throws {
        let blank = ada.replacingOccurrences(of: #""statsToken""#, with: #""joined": "", "segment": "", "statsToken""#)
        #expect(blank.contains(#""joined": """#))
        let directory = try TemporaryDirectory()
        try StoreFixture().write(to: directory)
        try directory.write("content/data/referrers.json", referrersJSON(blank))
        let referrer = try #require(try StoreLoader.load(from: directory.file("content/data")).store.referrers.first)
        #expect(referrer.joined == nil && referrer.segment == .customer)
    }

    /// A journal in another shape than one object a line (a JSON array, or pretty-printed by
    /// `jq .`) is one error that says how to convert it, not an error for each line.
    @Test func aJournalInAnotherShapeIsOneErrorThatSaysHowToConvertIt() throws {
        let lines = sampleJournal.split(separator: "\n")
        let array = "\n[\n" + lines.joined(separator: ",\n") + "\n]\n"
        let pretty = lines.map { $0.replacingOccurrences(of: "{", with: "{\n  ").replacingOccurrences(of: ",\"", with: ",\n  \"").replacingOccurrences(of: "}", with: "\n}") }
            .joined(separator: "\n") + "\n"
        for (journal, expected) in [(array, "2:1: error: the journal is a JSON array; it is one event object a line (JSON Lines): convert it with jq and put the result in its place (jq -c '.[]' referrals.jsonl > referrals.jsonl.new && mv referrals.jsonl.new referrals.jsonl)"),
                                    (pretty, "1:1: error: the journal's events are spread over several lines (pretty-printed); each is one JSON object on one line: convert it with jq and put the result in its place (jq -c . referrals.jsonl > referrals.jsonl.new && mv referrals.jsonl.new referrals.jsonl)")] {
            let found = try diagnostics(journal: journal).filter { $0.severity == .error }
            #expect(found.map { $0.description.split(separator: ":", maxSplits: 1)[1] } == [Substring(expected)], "\(found)")
        }
        let classicMac = try diagnostics(journal: sampleJournal.replacingOccurrences(of: "\n", with: "\r")).filter { $0.severity == .error }
        #expect(classicMac.map(\.message) == ["the journal's lines end in a CR alone (old Mac line ends); each event is a line ending in LF: convert it with tr and put the result in its place (tr '\\r' '\\n' < referrals.jsonl > referrals.jsonl.new && mv referrals.jsonl.new referrals.jsonl)"], "\(classicMac)")
        // A journal whose only line is an opening brace is a torn write, not pretty-printed.
        #expect(try diagnostics(journal: "{").map(\.severity) == [.warning])
    }

    /// Past twenty, malformed lines are counted in one error naming their first and last line:
    /// a million in another shape printed a million.
    @Test func malformedLinesPastTwentyAreCountedInOneError() throws {
        let journal = sampleJournal + String(repeating: #"{"type":"referral","#.appending("\n"), count: 25)
        let first = sampleJournal.split(separator: "\n").count + 1
        let found = try diagnostics(journal: journal).filter { $0.severity == .error }
        #expect(found.count == 21, "\(found)")
        #expect(found.prefix(20).allSatisfy { $0.message.hasPrefix("malformed journal line: ") })
        #expect(found.last?.line == first + 20)
        #expect(found.last?.message == "5 more malformed lines, not named one by one (lines \(first + 20) to \(first + 24)); the journal is one JSON object a line, each on a line of its own")
    }

    /// A store reached through a symbolic link whose target is gone (a volume not mounted yet)
    /// is an error naming the link: neither a data folder to create nor an empty journal to start,
    /// after which every earlier friend would count as new.
    @Test func aStoreLinkToNowhereIsNamedNotStartedAfresh() throws {
        let directory = try TemporaryDirectory()
        try StoreFixture().write(to: directory)
        let journal = directory.file("content/data/referrals.jsonl")
        try? FileManager.default.removeItem(atPath: journal)
        try FileManager.default.createDirectory(atPath: directory.file("mount"), withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: journal, withDestinationPath: directory.file("mount/referrals.jsonl"))
        let problem = "is a symbolic link to \(directory.file("mount/referrals.jsonl")), which cannot be followed (No such file or directory); point it at the"
        #expect(StoreLoader.read(from: directory.file("content/data")).diagnostics.map(\.description) == ["\(journal):1:1: error: \(problem) file, or remove it"])
        do {
            _ = try JournalWriter(dataDirectory: directory.file("content/data"))
            Issue.record("a journal was started through a link to nowhere")
        } catch {
            #expect(error.description == "\(journal): \(problem) journal, or remove it")
        }
        #expect(!directory.exists("mount/referrals.jsonl"))

        try FileManager.default.createSymbolicLink(atPath: directory.file("data-link"), withDestinationPath: directory.file("unmounted"))
        #expect(StoreLoader.read(from: directory.file("data-link")).diagnostics.map(\.description) == [
            "\(directory.file("data-link")):1:1: error: is a symbolic link to \(directory.file("unmounted")), which cannot be followed (No such file or directory); point it at the data folder, or remove it",
        ])
    }

    /// A journal's variant is kept as the store gave it (an import may name them "A" and "B");
    /// only one past the store's bound is an error.
    @Test func aJournalVariantOfAnyShapeLoads() throws {
        let line = { (variant: String) in #"{"type":"referral","id":"rf_1","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"G","email":"g@example.com","variant":"\#(variant)"}"# + "\n" }
        let directory = try TemporaryDirectory()
        try StoreFixture().write(to: directory)
        try directory.write("content/data/referrals.jsonl", line("Subject B"))
        let store = try StoreLoader.load(from: directory.file("content/data")).store
        #expect(store.journal.compactMap { if case .referral(let referral) = $0 { referral.variant } else { nil } } == ["Subject B"])
        let refused = try diagnostics(journal: line(String(repeating: "v", count: StoreRules.maximumIdLength + 1)))
        #expect(refused.contains { $0.severity == .error && $0.line == 1 && $0.message.contains("variant") })
    }

    /// A number past a billion (an amount typed with a few zeros too many) is an error that says
    /// the limit; the figures summed from it would lose their cents, and the pages crashed.
    @Test func numbersPastABillionAreErrorsThatSayTheLimit() throws {
        var fixture = StoreFixture()
        fixture.amount = 1e16
        let amount = try diagnostics(program: fixture.programJSON)
        #expect(amount.contains { $0.severity == .error && $0.message.contains("field 'amount' must be at most 1,000,000,000, found 1e+16") },
                "\(amount)")
        fixture.amount = 25
        let window = try diagnostics(program: fixture.programJSON.replacingOccurrences(of: #""attributionWindowDays": 90"#, with: #""attributionWindowDays": 100000000000"#))
        #expect(window.contains { $0.message.contains("field 'attributionWindowDays' must be at most 1,000,000,000") }, "\(window)")
        #expect(Formatting(currency: "USD").money(2e17).hasPrefix("$"), "a sum past Int64's cents is clamped, not a crash")
    }

    /// Two referrers with one email (in any case) is a warning on the second: `forget` would
    /// erase both.
    @Test func twoReferrersWithOneEmailIsAWarning() throws {
        let grace = #"{"code": "grace", "name": "Grace", "email": " ADA@example.com", "statsToken": "z3v9q0c8m2x7w1r5t4y6u8i0ab"}"#
        let found = try diagnostics(referrers: referrersJSON(ada, grace))
        #expect(found.count == 1 && found.first?.severity == .warning && found.first?.line == 3, "\(found)")
        #expect(found.first?.message.contains("referrer \"grace\": email  ADA@example.com is also referrer \"ada\"'s") == true, "\(found)")
    }

    /// A status dated before its referral is almost surely a typo: a warning naming both lines.
    @Test func aStatusBeforeItsReferralIsAWarning() throws {
        let journal = #"""
            {"type":"referral","id":"rf_1","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"G","email":"g@example.com"}
            {"type":"status","id":"rf_1","at":"2025-03-02T09:30:00Z","status":"converted"}
            {"type":"status","id":"rf_1","at":"2026-03-02T09:30:00Z","status":"rewarded"}

            """#
        let found = try diagnostics(journal: journal)
        #expect(found.map(\.line) == [2], "\(found)")
        #expect(found.first?.severity == .warning)
        #expect(found.first?.message.contains("the converted status is dated 2025-03-02T09:30:00Z, before its referral (line 1, 2026-03-01T09:30:00Z)") == true, "\(found)")
    }

    /// Statuses count in journal order, so one written after another but dated before it (an
    /// import in the wrong order, a date typed wrong) silently decides the referral: a warning.
    /// So is `rewarded` with no `converted` before it, which counts as no conversion at all.
    @Test func aStatusDatedBeforeTheLastOneAndARewardWithoutAConversionAreWarnings() throws {
        let journal = #"""
            {"type":"referral","id":"a","at":"2026-01-01T00:00:00Z","referrer":"ada","name":"F","email":"f@example.com"}
            {"type":"status","id":"a","at":"2026-02-01T00:00:00Z","status":"converted","value":50}
            {"type":"status","id":"a","at":"2026-01-20T00:00:00Z","status":"contacted"}
            {"type":"referral","id":"b","at":"2026-01-01T00:00:00Z","referrer":"ada","name":"G","email":"g@example.com"}
            {"type":"status","id":"b","at":"2026-02-01T00:00:00Z","status":"rewarded"}
            {"type":"status","id":"a","at":"2026-02-02T00:00:00Z","status":"converted"}
            {"type":"status","id":"a","at":"2026-03-01T00:00:00Z","status":"rewarded"}

            """#
        let found = try diagnostics(journal: journal)
        #expect(found.map(\.line) == [3, 5], "\(found)")
        #expect(found.allSatisfy { $0.severity == .warning })
        #expect(found.first?.message == "line 3: field 'at': the contacted status is dated 2026-01-20T00:00:00Z, before the converted status on line 2 (2026-02-01T00:00:00Z); statuses count in the journal's order, so this one is the referral's latest: check the date", "\(found)")
        #expect(found.last?.message == "line 5: field 'status': rewarded, but the referral has no converted status, so it counts as no conversion; record the conversion (advocate referral status b converted)", "\(found)")
    }

    /// A near miss of a field the object lacks is an error naming the field meant (its default
    /// would take the value's place); beside the field itself, or far from any, a warning.
    @Test func aNearMissOfAnAbsentFieldIsAnError() throws {
        let referrer = #"{"code": "ada", "name": "Ada", "email": "ada@example.com", "statsToken": "k3v9q0c8m2x7w1r5t4y6u8i0ab", "segmnet": "partner"}"#
        let found = try diagnostics(referrers: referrersJSON(referrer))
        #expect(found.contains { $0.severity == .error && $0.message.contains("unknown field 'segmnet': did you mean 'segment'?") && $0.line == 2 }, "\(found)")
        let both = #"{"code": "ada", "name": "Ada", "email": "ada@example.com", "statsToken": "k3v9q0c8m2x7w1r5t4y6u8i0ab", "segment": "partner", "segmnet": "x"}"#
        let beside = try diagnostics(referrers: referrersJSON(both))
        #expect(beside.contains { $0.severity == .warning && $0.message.contains("'segmnet' is ignored; did you mean 'segment'?") } && !beside.contains { $0.severity == .error }, "\(beside)")
        let other = #"{"code": "ada", "name": "Ada", "email": "ada@example.com", "statsToken": "k3v9q0c8m2x7w1r5t4y6u8i0ab", "phone": "555"}"#
        #expect(try diagnostics(referrers: referrersJSON(other)).allSatisfy { $0.severity == .warning })
        let journal = #"{"type":"referral","id":"a","at":"2026-01-01T00:00:00Z","referrer":"ada","name":"F","email":"f@example.com"}"# + "\n"
            + #"{"type":"status","id":"a","at":"2026-02-01T00:00:00Z","status":"converted","valeu":1200}"# + "\n"
        #expect(try diagnostics(journal: journal).contains { $0.severity == .error && $0.line == 2 && $0.message.contains("did you mean 'value'?") })
    }

    /// A status line in error (a misspelt status) may be the conversion: the reward after it
    /// gets no advice to record one, which would fail on the same error.
    @Test func aRewardAfterAStatusLineInErrorIsNotWarnedAbout() throws {
        let journal = #"""
            {"type":"referral","id":"b","at":"2026-01-01T00:00:00Z","referrer":"ada","name":"G","email":"g@example.com"}
            {"type":"status","id":"b","at":"2026-01-20T00:00:00Z","status":"convertd"}
            {"type":"status","id":"b","at":"2026-02-01T00:00:00Z","status":"rewarded"}

            """#
        let found = try diagnostics(journal: journal)
        #expect(found.map(\.line) == [2], "\(found)")
        #expect(found.first?.severity == .error && found.first?.message.contains("convertd") == true, "\(found)")
    }

    /// A `converted` line after the `rewarded` one makes the referral a conversion (its latest
    /// status is `converted`): no warning that it counts as none.
    @Test func aRewardFollowedByAConversionIsNoWarning() throws {
        let journal = #"""
            {"type":"referral","id":"b","at":"2026-01-01T00:00:00Z","referrer":"ada","name":"G","email":"g@example.com"}
            {"type":"status","id":"b","at":"2026-01-02T00:00:00Z","status":"rewarded"}
            {"type":"status","id":"b","at":"2026-01-20T00:00:00Z","status":"converted"}

            """#
        #expect(try diagnostics(journal: journal).isEmpty)
    }

    /// Referrals dated before their referrer's `joined` day load without a word: imports and
    /// generated stores carry them by the ten thousand, and a warning for each would bury the
    /// ones that matter. They are counted.
    @Test func referralsBeforeTheirReferrerJoinedLoadQuietly() throws {
        let journal = #"""
            {"type":"referral","id":"rf_1","at":"2026-01-02T09:30:00Z","referrer":"ada","name":"G","email":"g@example.com"}

            """#
        #expect(try diagnostics(journal: journal).isEmpty)
    }

    /// A year typed wrong (9999, 0001) moved every page's as-of to the year 9999 and made the
    /// weekly series half a million weeks long: journal times outside 1970 to 2199 are errors.
    @Test func journalTimesOutsideTheYears1970To2199AreErrors() throws {
        let line = { (id: String, at: String) in #"{"type":"referral","id":"\#(id)","at":"\#(at)","referrer":"ada","name":"G","email":"\#(id)@example.com"}"# }
        let journal = [line("a", "9999-12-31T23:59:59Z"), line("b", "0001-01-01T00:00:00Z"), line("c", "1969-12-31T23:59:59Z"),
                       line("d", "1970-01-01T00:00:00Z"), line("e", "2199-12-31T23:59:59Z"), line("f", "2200-01-01T00:00:00Z")]
        let found = try diagnostics(journal: journal.joined(separator: "\n") + "\n")
        #expect(found.filter { $0.severity == .error }.map(\.line) == [1, 2, 3, 6], "\(found)")
        #expect(found.first?.message == "line 1: field 'at' is 9999-12-31T23:59:59Z, outside the years 1970 to 2199 that the journal takes; check the year", "\(found)")
        // With no journal yet the as-of is the newest joined day: the same bound.
        let joined = try diagnostics(referrers: referrersJSON(#"{"code": "ada", "name": "Ada", "email": "ada@example.com", "joined": "9999-01-04", "statsToken": "k3v9q0c8m2x7w1r5t4y6u8i0ab"}"#))
        #expect(joined.contains { $0.severity == .error && $0.message == "referrer #1: field 'joined' is 9999-01-04, outside the years 1970 to 2199; check the year" }, "\(joined)")
    }

    /// The endpoint is a path the form posts to: one with quotes, spaces or angle brackets is
    /// no URL path, one below a page's or asset's folder would be served as a page, and a `.` or
    /// empty segment is a path browsers post elsewhere (`/api/./x` to `/api/x`).
    @Test func anEndpointMustBeAPlainPathOutsideThePages() throws {
        for endpoint in [#"/api/ref\"><script>"#, "/api/my referrals", "/r/ada/", "/stats/x", "/assets/form", "/api/referrals?x=1",
                         "/api/join", "/healthz", "/api/openapi.json", "/terms/", "/faq", "/", "/api/./x", "/api//x", "/api/.", "/api/x/.."] {
            let found = try diagnostics(program: StoreFixture().programJSON.replacingOccurrences(of: #""endpoint": "/api/referrals""#, with: #""endpoint": "\#(endpoint)""#))
            #expect(found.contains { $0.severity == .error && $0.message.contains("field 'endpoint'") }, "\(endpoint): \(found)")
        }
        // An address on another host is told what is wrong with it.
        let query = try diagnostics(program: StoreFixture().programJSON.replacingOccurrences(of: #""endpoint": "/api/referrals""#, with: #""endpoint": "https://forms.example/x?campaign=acme""#))
        #expect(query.contains { $0.message.contains("an absolute http(s) URL with no query or fragment: no ? or #, found") }, "\(query)")
        for endpoint in ["/api/referrals", "/refer/api/v1/referrals", "https://api.acme.example/referrals", "/api/referrals/", "/api/.well-known-x"] {
            let found = try diagnostics(program: StoreFixture().programJSON.replacingOccurrences(of: #""endpoint": "/api/referrals""#, with: #""endpoint": "\#(endpoint)""#))
            #expect(found.isEmpty, "\(endpoint): \(found)")
        }
    }

    /// The journal's checks run one rule after another, so they find line 3's problem before
    /// line 1's; the report lists them by line, as an editor would.
    @Test func problemsAreReportedInReadingOrder() throws {
        let journal = """
            {"type":"status","id":"rf_nope","at":"2026-06-01T00:00:00Z","status":"converted"}
            {"type":"referral","id":"rf_1","at":"2026-06-01T00:00:00Z","referrer":"nobody","name":"X","email":"x@example.com"}
            {"type":"status","id":"rf_1","at":"2026-13-01T00:00:00Z","status":"converted"}

            """
        let found = try diagnostics(journal: journal)
        #expect(found.map(\.line) != [1, 2, 3], "the checks no longer find them out of order; this test shows nothing")
        #expect(Diagnostic.inReadingOrder(found).map(\.line) == [1, 2, 3])
        let report = DiagnosticsError(found).description.split(separator: "\n").dropLast()
        #expect(report.map { $0.split(separator: ":")[1] } == ["1", "2", "3"])
    }

    /// A baseURL lands as it is in every page, the sitemap and share links, so it must be one
    /// they can carry: each fault is named (an IDN host, a user and password on every page, a
    /// port past 65535 and a raw U+2028 were taken, and `//evil.example` as the path made every
    /// root link a link to that host, its script on every page).
    @Test(arguments: [
        ("https://réfer.example/", "write a host with letters outside ASCII in its xn-- form"),
        ("https://refer.example/\u{2028}/", "percent-encode U+2028 in the path"),
        ("https://u:p@refer.example", "no user name or password"),
        ("https://refer.example:99999/", "a port is a number from 1 to 65535"),
        ("https://refer.example/../../", "no . or .. in the path"),
        ("https://refer.example//evil.example", "no empty segment (//) in the path"),
        ("https://refer.example/refer//", "no empty segment (//) in the path"),
        ("https://refer.example/a b", "percent-encode spaces"),
        ("https://refer.exa_mple/", "a host is letters, digits, - and ."),
        ("HTTPS://refer.example/", "in lower case"),
        ("https://refer.example/?x=1", "no ? or #"),
    ])
    func aBaseURLIsOnePagesCanCarry(baseURL: String, reason: String) throws {
        var fixture = StoreFixture()
        fixture.baseURL = baseURL
        let found = try diagnostics(program: fixture.programJSON)
        #expect(found.contains { $0.severity == .error && $0.message.contains("field 'baseURL'") && $0.message.contains(reason) }, "\(found)")
    }

    /// A colour written another way than #rrggbb is told the form to use, however long it is
    /// (`rgb(11, 110, 79)` was told only that it was longer than 7 characters).
    @Test(arguments: ["rgb(11, 110, 79)", "green", "#0b6e4f80"])
    func aBrandColourIsToldTheFormToUse(color: String) throws {
        let program = StoreFixture().programJSON.replacingOccurrences(of: #""currency": "USD","#, with: #""currency": "USD", "brand": {"color": "\#(color)"},"#)
        let found = try diagnostics(program: program)
        #expect(found.contains { $0.message == "program.brand: field 'color' must be a hex colour such as #0b6e4f, found \"\(color)\"" }, "\(found)")
    }

    @Test(arguments: ["https://refer.acme.example", "http://127.0.0.1:8080/refer/", "https://[::1]:8443/", "https://xn--rfer-bpa.example/a%20b/~x/"])
    func aPlainBaseURLIsTaken(baseURL: String) throws {
        var fixture = StoreFixture()
        fixture.baseURL = baseURL
        #expect(try diagnostics(program: fixture.programJSON).isEmpty)
    }

    /// A store file that is not a regular file (a FIFO, a folder) is an error saying so; a FIFO
    /// made `check` wait for ever for a writer.
    @Test func aStoreFileThatIsNotARegularFileIsAnError() throws {
        let directory = try SiteFixture().write()
        let journal = directory.file("content/data/referrals.jsonl")
        try FileManager.default.removeItem(atPath: journal)
        #expect(mkfifo(journal, 0o600) == 0)
        try FileManager.default.removeItem(atPath: directory.file("content/data/referrers.json"))
        try FileManager.default.createDirectory(atPath: directory.file("content/data/referrers.json"), withIntermediateDirectories: false)
        let found = SiteChecker.check(SiteFixture.options(directory)).diagnostics
        for file in ["referrals.jsonl", "referrers.json"] {
            #expect(found.contains { $0.file.hasSuffix(file) && $0.message.hasPrefix("not a regular file (a folder, a FIFO or a device)") }, "\(found)")
        }
    }

    @Test func malformedJSONNamesLineAndColumn() throws {
        let found = try diagnostics(program: "{\n  \"name\": \"Acme\",\n  \"baseURL\" \"https://x.example\"\n}\n")
        let error = try #require(found.first)
        #expect(error.severity == .error)
        #expect(error.file.hasSuffix("content/data/program.json"))
        #expect(error.line == 3)
        #expect(error.column == 13)
        #expect(error.message.contains("expected ':'"))
    }

    @Test func wrongTypeNamesTheField() throws {
        var fixture = StoreFixture()
        fixture.amount = 25
        let program = fixture.programJSON.replacingOccurrences(of: "\"attributionWindowDays\": 90", with: "\"attributionWindowDays\": \"ninety\"")
        let found = try diagnostics(program: program)
        let error = try #require(found.first { $0.message.contains("attributionWindowDays") })
        #expect(error.message.contains("must be a number, found a string"))
        #expect(error.line == 6)
    }

    /// DESIGN.md: the loader accepts the names and emails the store was given, longer than the
    /// forms take; only a line past the store's own bound is an error.
    @Test func longNamesAndEmailsInTheStoreLoad() throws {
        let longName = String(repeating: "x", count: 3_009)
        let longEmail = String(repeating: "a", count: 300) + "@example.com"
        let referrers = referrersJSON(#"{"code": "ada", "name": "\#(longName)", "email": "ada@example.com", "statsToken": "k3v9q0c8m2x7w1r5t4y6u8i0ab"}"#)
        let journal = #"{"type":"referral","id":"rf_1","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"\#(String(repeating: "y", count: 201))","email":"\#(longEmail)"}"# + "\n"
        let found = try diagnostics(referrers: referrers, journal: journal)
        #expect(!found.contains { $0.severity == .error }, "\(found.map(\.message))")
        let tooLong = String(repeating: "z", count: StoreRules.maximumStoredTextLength + 1)
        let refused = try diagnostics(journal: #"{"type":"referral","id":"rf_1","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"\#(tooLong)","email":"g@example.com"}"# + "\n")
        #expect(refused.contains { $0.severity == .error && $0.message.contains("the limit is 10000") && $0.line == 1 })
    }

    /// A key written twice in one object is an error at its second place, whichever fields are read first.
    @Test func aRepeatedKeyIsNamed() throws {
        let journal = #"{"type":"referral","id":"rf_1","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"Grace","email":"g@example.com","name":"Again"}"# + "\n"
        let found = try diagnostics(journal: journal)
        #expect(found.contains { $0.severity == .error && $0.message == "line 1: field 'name' appears twice (first at line 1, column 77); the last is the one read" && $0.line == 1 && $0.column == 116 }, "\(found.map(\.description))")
        // Written three times: each later one names the first place.
        let thrice = #"{"type":"referral","id":"rf_1","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"Grace","email":"g@example.com","name":"Again","name":"Third"}"# + "\n"
        let repeated = try diagnostics(journal: thrice).filter { $0.message.contains("appears twice") }
        #expect(repeated.map(\.message) == Array(repeating: "line 1: field 'name' appears twice (first at line 1, column 77); the last is the one read", count: 2), "\(repeated)")
        let referrers = referrersJSON(#"{"code": "ada", "email": "ada@example.com", "name": "Ada", "statsToken": "k3v9q0c8m2x7w1r5t4y6u8i0ab", "code": "bob"}"#)
        #expect(try diagnostics(referrers: referrers, journal: "").contains { $0.message.contains("field 'code' appears twice") && $0.line == 2 })
    }

    @Test func missingRequiredFieldIsNamed() throws {
        let found = try diagnostics(referrers: referrersJSON(#"{"code": "ada", "email": "ada@example.com", "statsToken": "k3v9q0c8m2x7w1r5t4y6u8i0ab"}"#))
        #expect(found.contains { $0.severity == .error && $0.message.contains("missing required field 'name'") && $0.line == 2 })
        // A missing token says how to make one, as a short analyticsToken does.
        let untokened = try diagnostics(referrers: referrersJSON(#"{"code": "ada", "name": "Ada", "email": "ada@example.com"}"#))
        #expect(untokened.contains { $0.message.contains("missing required field 'statsToken'") && $0.message.contains("openssl rand -base64 24") }, "\(untokened)")
    }

    @Test(arguments: ["../x", "A", "Ada", "a", "x/y", "ada lovelace", String(repeating: "a", count: 41)])
    func codeOutsideThePatternIsRejected(code: String) throws {
        let entry = #"{"code": "\#(code)", "name": "Ada", "email": "ada@example.com", "statsToken": "k3v9q0c8m2x7w1r5t4y6u8i0ab"}"#
        let found = try diagnostics(referrers: referrersJSON(entry), journal: "")
        let error = try #require(found.first { $0.severity == .error })
        #expect(error.message.contains("must be 2 to 40 characters of a-z, 0-9 and '-'"))
        #expect(error.line == 2)
        #expect(error.column == 10)
    }

    @Test func duplicateCodesPointAtTheFirst() throws {
        let second = #"{"code": "ada", "name": "Ada Two", "email": "ada2@example.com", "statsToken": "zzzzq0c8m2x7w1r5t4y6u8i0ab"}"#
        let found = try diagnostics(referrers: referrersJSON(ada, second), journal: "")
        let error = try #require(found.first { $0.message.contains("duplicate code") })
        #expect(error.line == 3)
        #expect(error.message.contains("referrers.json:2:1"))
        // The same person entered twice: one error, not also "email … is also referrer "ada"'s".
        let again = #"{"code": "ada", "name": "Ada", "email": "ada@example.com", "statsToken": "zzzzq0c8m2x7w1r5t4y6u8i0ab"}"#
        let twice = try diagnostics(referrers: referrersJSON(ada, again), journal: "")
        #expect(twice.count == 1 && twice.first?.message.contains("duplicate code") == true, "\(twice)")
    }

    @Test func shortOrIllegalStatsTokensAreRejected() throws {
        for token in ["short", "k3v9q0c8m2x7w1r5t4y6u8i0a!", String(repeating: "k", count: 129)] {
            let entry = #"{"code": "ada", "name": "Ada", "email": "ada@example.com", "statsToken": "\#(token)"}"#
            let found = try diagnostics(referrers: referrersJSON(entry), journal: "")
            #expect(found.contains { $0.severity == .error && $0.message.contains("statsToken") }, "token \(token)")
        }
    }

    @Test func tokenContainingTheCodeIsAWarning() throws {
        let entry = #"{"code": "lovelace", "name": "Ada", "email": "ada@example.com", "statsToken": "lovelace-k3v9q0c8m2x7w1r5t4"}"#
        let found = try diagnostics(referrers: referrersJSON(entry), journal: "")
        #expect(found.count == 1)
        #expect(found[0].severity == .warning && found[0].message.contains("contains the code"))
    }

    @Test func sharedTokenIsRejected() throws {
        let second = #"{"code": "bob", "name": "Bob", "email": "bob@example.com", "statsToken": "k3v9q0c8m2x7w1r5t4y6u8i0ab"}"#
        let found = try diagnostics(referrers: referrersJSON(ada, second), journal: "")
        #expect(found.contains { $0.message.contains("statsToken is already used") && $0.line == 3 })
    }

    /// A currency without cents (JPY) with an amount that has some is a warning naming the whole
    /// amount that figures and pages use.
    @Test func aFractionalAmountInACurrencyWithoutCentsIsAWarning() throws {
        var fixture = StoreFixture()
        fixture.currency = "JPY"
        fixture.amount = 12.5
        let found = try diagnostics(program: fixture.programJSON)
        #expect(found.map(\.message) == ["program.rewards.referrer: field 'amount' is 12.5, finer than 1 JPY, the currency's smallest unit: each figure is rounded to it once summed, so several rewards do not add up to the rounded one shown; write 13"], "\(found)")
        fixture.amount = 1250
        #expect(try diagnostics(program: fixture.programJSON).isEmpty)
    }

    /// Figures are rounded to cents: an amount finer than that is a warning naming the one to write
    /// (its old text said amounts were counted in cents, when three of 12.345 sum to 37.04).
    @Test func anAmountFinerThanACentIsAWarning() throws {
        var fixture = StoreFixture()
        fixture.amount = 12.345
        let found = try diagnostics(program: fixture.programJSON)
        #expect(found.map(\.message) == ["program.rewards.referrer: field 'amount' is 12.345, finer than 0.01 USD, the currency's smallest unit: each figure is rounded to it once summed, so several rewards do not add up to the rounded one shown; write 12.35"], "\(found)")
        fixture.amount = 12.3
        #expect(try diagnostics(program: fixture.programJSON).isEmpty)
    }

    /// `language` is a BCP 47 tag; anything else is named.
    @Test(arguments: [("fr", true), ("pt-BR", true), ("zh-Hant-TW", true), ("es-419", true), ("english", false), ("e", false), ("en_US", false), ("en-", false), ("<b>", false)])
    func theLanguageIsALanguageTag(_ tag: String, _ valid: Bool) throws {
        let program = StoreFixture().programJSON.replacingOccurrences(of: #""currency":"#, with: #""language": "\#(tag)", "currency":"#)
        let found = try diagnostics(program: program)
        #expect(found.contains { $0.message.contains("field 'language' must be a language tag") } == !valid, "\(tag): \(found)")
    }

    /// A dinar has a thousand fils: 1.125 BHD is an amount as it is, and 1.1255 is finer than a fils.
    @Test func aThreeDecimalCurrencyTakesThousandths() throws {
        var fixture = StoreFixture()
        fixture.currency = "BHD"
        fixture.amount = 1.125
        #expect(try diagnostics(program: fixture.programJSON).isEmpty)
        fixture.amount = 1.1255
        let found = try diagnostics(program: fixture.programJSON)
        #expect(found.map(\.message).first?.contains("finer than 0.001 BHD, the currency's smallest unit") == true, "\(found)")
        #expect(found.map(\.message).first?.hasSuffix("write 1.126") == true, "\(found)")
    }

    /// Tokens that differ only in letter case name one folder on a case-insensitive file system
    /// (macOS, Windows): one referrer's private page would be served at the other's address.
    @Test func tokensEqualButForLetterCaseAreRejected() throws {
        let second = #"{"code": "bob", "name": "Bob", "email": "bob@example.com", "statsToken": "K3V9Q0C8M2X7W1R5T4Y6U8I0AB"}"#
        let found = try diagnostics(referrers: referrersJSON(ada, second), journal: "")
        #expect(found.count == 1 && found[0].severity == .error && found[0].line == 3, "\(found)")
        #expect(found.first?.message.hasPrefix("referrer \"bob\": statsToken differs from the one at ") == true, "\(found)")
        #expect(found.first?.message.hasSuffix("referrers.json:2:1 only in letter case; on a file system that ignores case (macOS, Windows) both pages would be one folder: make it unique (`advocate referrers add` makes random ones)") == true, "\(found)")
    }

    @Test func referralForUnknownReferrer() throws {
        let journal = #"{"type":"referral","id":"rf_1","at":"2026-03-01T09:30:00Z","referrer":"nobody","name":"Grace","email":"g@example.com"}"# + "\n"
        let found = try diagnostics(journal: journal)
        let error = try #require(found.first)
        #expect(error.file.hasSuffix("referrals.jsonl"))
        #expect(error.line == 1)
        #expect(error.message.contains("field 'referrer': unknown referrer code \"nobody\""))
    }

    /// A code in capitals is refused once, in referrers.json: its referrals are not also called
    /// unknown (the advice was to restore the referrer from a backup); a journal line naming a
    /// code in capitals is told codes are lower-case.
    @Test func aCodeInCapitalsIsOneErrorAndTheJournalIsToldCodesAreLowerCase() throws {
        let journal = #"{"type":"referral","id":"rf_1","at":"2026-03-01T09:30:00Z","referrer":"bob","name":"Grace","email":"g@example.com"}"# + "\n"
            + #"{"type":"referral","id":"rf_2","at":"2026-03-01T09:30:00Z","referrer":"ADA","name":"Grace","email":"g2@example.com"}"# + "\n"
        let bob = ada.replacingOccurrences(of: #""ada""#, with: #""Bob""#).replacingOccurrences(of: "ada@", with: "bob@").replacingOccurrences(of: "k3v9", with: "z3v9")
        let found = try diagnostics(referrers: referrersJSON(ada, bob), journal: journal).filter { $0.severity == .error }
        #expect(found.count == 2, "\(found)")
        #expect(found.first?.message.contains(#"code "Bob" must be"#) == true, "\(found)")
        #expect(found.last?.message == #"line 2: field 'referrer': unknown referrer code "ADA"; codes are lower-case: write "ada""#, "\(found)")
        // The same for a referrer who joined through the form, as a journal line.
        let joined = #"{"type":"referrer","at":"2026-02-01T09:30:00Z","code":"Bobby","name":"Bobby","email":"bobby@example.com","statsToken":"q3v9q0c8m2x7w1r5t4y6u8i0ab"}"# + "\n"
            + #"{"type":"referral","id":"rf_3","at":"2026-03-01T09:30:00Z","referrer":"bobby","name":"Grace","email":"g3@example.com"}"# + "\n"
        let inJournal = try diagnostics(referrers: referrersJSON(ada), journal: joined).filter { $0.severity == .error }
        #expect(inJournal.count == 1 && inJournal.first?.message.contains(#"code "Bobby" must be"#) == true, "\(inJournal)")
    }

    /// A referrer lost from referrers.json is one error naming its lines, not one a line.
    @Test func anUnknownCodeIsOneErrorForAllItsLines() throws {
        let journal = (1...8).map { #"{"type":"referral","id":"rf_\#($0)","at":"2026-03-01T09:30:00Z","referrer":"\#($0 == 3 ? "ghost" : "nobody")","name":"Grace","email":"g\#($0)@example.com"}"# }
            .joined(separator: "\n") + "\n"
        let found = try diagnostics(journal: journal).filter { $0.message.contains("unknown referrer code") }
        #expect(found.map(\.line) == [1, 3], "\(found)")
        #expect(found.first?.message == "line 1: field 'referrer': unknown referrer code \"nobody\", also on 6 more lines (2, 4, 5, 6, 7, …); "
                + "no referrer in referrers.json or the journal has it: restore the referrer in referrers.json from your backup or version control (with their statsToken, so their private link still works), or correct the code")
        #expect(found.last?.message.hasPrefix("line 3: field 'referrer': unknown referrer code \"ghost\"; no referrer") == true, "\(found)")
    }

    @Test func statusForUnknownID() throws {
        let journal = #"{"type":"status","id":"rf_404","at":"2026-03-01T09:30:00Z","status":"converted"}"# + "\n"
        let found = try diagnostics(journal: journal)
        #expect(found.contains { $0.message.contains("unknown referral id \"rf_404\"") && $0.line == 1 })
    }

    /// A referral line with an error is one error: its status lines are not reported as well.
    @Test func aBrokenReferralDoesNotCascadeIntoItsStatusLines() throws {
        let journal = """
            {"type":"referral","id":"rf_1","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"Grace","email":""}
            {"type":"status","id":"rf_1","at":"2026-03-02T09:30:00Z","status":"contacted"}
            {"type":"status","id":"rf_1","at":"2026-03-03T09:30:00Z","status":"converted","value":10}
            {"type":"status","id":"rf_2","at":"2026-03-03T09:30:00Z","status":"converted","value":10}

            """
        let errors = try diagnostics(journal: journal).filter { $0.severity == .error }
        #expect(errors.map(\.line) == [1, 4], "\(errors)")
        #expect(errors.last?.message.contains("unknown referral id \"rf_2\"") == true)
        // Not even when the line is not JSON (a comma too many), where its id is read as text.
        let malformed = """
            {"type":"referral","id":"rf_1","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"Grace","email":"g@example.org",}
            {"type":"status","id":"rf_1","at":"2026-03-02T09:30:00Z","status":"contacted"}
            {"type":"status","id":"rf_2","at":"2026-03-03T09:30:00Z","status":"converted","value":10}

            """
        let malformedErrors = try diagnostics(journal: malformed).filter { $0.severity == .error }
        #expect(malformedErrors.map(\.line) == [1, 3], "\(malformedErrors)")
        // Nor when the slip is in the type itself; a malformed status line hides no error of its id.
        let brokenType = """
            {"type":,"referral","id":"rf_1","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"Grace","email":"g@example.org"}
            {"type":"status","id":"rf_1","at":"2026-03-02T09:30:00Z","status":"contacted"}
            {"type":"status","id":"rf_3","at":"2026-03-02T09:30:00Z","status":"contacted",}
            {"type":"status","id":"rf_3","at":"2026-03-03T09:30:00Z","status":"converted"}
            {"type":"referral","id":"rf_4","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"Alan","email":"a@example.org","status":"new",}
            {"type":"status","id":"rf_4","at":"2026-03-02T09:30:00Z","status":"contacted"}

            """
        let brokenTypeErrors = try diagnostics(journal: brokenType).filter { $0.severity == .error }
        #expect(brokenTypeErrors.map(\.line).sorted() == [1, 3, 4, 5], "\(brokenTypeErrors)")
    }

    @Test func statusIDKnownFromAnyReferralAcceptedOrNot() throws {
        let journal = """
            {"type":"referral","id":"rf_1","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"Ada","email":"ada@example.com"}
            {"type":"status","id":"rf_1","at":"2026-03-02T09:30:00Z","status":"contacted"}

            """
        #expect(try diagnostics(journal: journal).allSatisfy { $0.severity != .error })
    }

    /// A time that is no ISO 8601 date-time says why when it nearly is one.
    @Test(arguments: [("2026-03-01", " (it is a day without a time: 2026-03-01T00:00:00Z, say)"), ("2026-03-01 9:30", ""), ("yesterday", ""),
                      ("2026-03-01T09:30", " (it has no seconds and no time zone: 2026-03-01T09:30:00Z, say)"),
                      ("2026-03-01T09:30:00+0100", " (its offset needs a colon: 2026-03-01T09:30:00+01:00)"),
                      ("2026-02-30T09:30:00Z", " (2026-02-30 is not a day of the calendar)"), ("2026-03-01T25:00:00Z", ""),
                      ("2026-03-01T09:30:00", " (it has no time zone: add Z for UTC, or its offset such as +01:00)"),
                      ("2026-03-01T09:30Z", " (it has no seconds: 2026-03-01T09:30:00Z)"),
                      ("2026-03-01T09:30+02:00", " (it has no seconds: 2026-03-01T09:30:00+02:00)")])
    func timestampThatIsNotISO8601(at: String, why: String) throws {
        let journal = #"{"type":"referral","id":"rf_1","at":"\#(at)","referrer":"ada","name":"Grace","email":"g@example.com"}"# + "\n"
        let found = try diagnostics(journal: journal)
        let error = try #require(found.first { $0.message.contains("'at'") })
        #expect(error.message.hasSuffix("field 'at' is not an ISO 8601 date-time with its time zone, found \"\(at)\"\(why); write it like 2026-03-01T09:30:00Z (UTC) or 2026-03-01T10:30:00+01:00"), "\(error)")
        #expect(error.column == 37)
    }

    @Test func tornLastLineIsAWarning() throws {
        let journal = #"{"type":"referral","id":"rf_1","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"Grace","email":"g@example.com"}"# + "\n" + #"{"type":"referral","id":"rf_2","at":"2026-03-0"#
        let directory = try TemporaryDirectory()
        try StoreFixture().write(to: directory)
        try directory.write("content/data/referrals.jsonl", journal)
        let loaded = try StoreLoader.load(from: directory.file("content/data"))
        #expect(loaded.store.journal.count == 1)
        #expect(loaded.warnings.count == 1)
        #expect(loaded.warnings[0].severity == .warning && loaded.warnings[0].line == 2)
        #expect(loaded.tornJournalTail == Array(#"{"type":"referral","id":"rf_2","at":"2026-03-0"#.utf8))
    }

    /// Only a line that stops mid-value is torn; a whole line that is wrong, newline or not,
    /// is an error where it goes wrong (a stray comma was taken for a torn write and its
    /// conversion silently left out).
    @Test(arguments: [
        (#"{"type":"status","id":"rf_1","at":"2026-03-10T09:30:00Z","status":"converted",}"#, 79),
        (#"{"type":"status","id":"rf_1","at":"2026-03-10T09:30:00Z","status":"converted"}}"#, 79),
        ("garbage", 1),
    ])
    func aWholeLastLineThatIsWrongIsAnErrorNotATornWrite(last: String, column: Int) throws {
        let first = #"{"type":"referral","id":"rf_1","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"Grace","email":"g@example.com"}"#
        let found = try diagnostics(journal: first + "\n" + last)
        let error = try #require(found.first)
        #expect(found.count == 1 && error.severity == .error && error.line == 2 && error.column == column, "\(found)")
        let store = try TemporaryDirectory()
        try StoreFixture().write(to: store)
        try store.write("content/data/referrals.jsonl", first + "\n" + last)
        #expect(throws: JournalWriter.Failure.self) { try JournalWriter(dataDirectory: store.file("content/data")) }
        #expect(try store.read("content/data/referrals.jsonl").hasSuffix(last), "an append would have joined it")
    }

    /// A write cut anywhere inside a value is torn, a literal and a \u escape included.
    @Test(arguments: [#"{"type":"referral","id":"rf_2","at":"2026-03-0"#, #"{"type":"referral","consent":tr"#, #"{"name":"Gr\u00"#, #"{"value":12"#])
    func aLineCutShortIsTorn(last: String) throws {
        let first = #"{"type":"referral","id":"rf_1","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"Grace","email":"g@example.com"}"#
        let found = try diagnostics(journal: first + "\n" + last)
        #expect(found.count == 1 && found[0].severity == .warning && found[0].message.contains("torn"), "\(found)")
    }

    @Test func malformedLineInTheMiddleIsAnError() throws {
        let good = #"{"type":"referral","id":"rf_1","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"Grace","email":"g@example.com"}"#
        let found = try diagnostics(journal: good + "\n{\"type\": oops}\n" + good.replacingOccurrences(of: "rf_1", with: "rf_2") + "\n")
        let error = try #require(found.first)
        #expect(error.severity == .error && error.line == 2 && error.column == 10)
    }

    /// A journal over a mebibyte is read a part per core; lines keep their numbers and order.
    @Test func aLargeJournalReadInPartsKeepsLineNumbersAndOrder() throws {
        func referral(_ number: Int) -> String {
            #"{"type":"referral","id":"rf_\#(number)","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"Grace","email":"g\#(number)@example.com"}"#
        }
        var lines = (1...12_000).map(referral)
        lines[4_999] = referral(5_000).replacingOccurrences(of: "\"name\"", with: "\"nickname\":\"G\",\"name\"")
        lines[11_000] = #"{"type": oops}"#
        let journal = lines.joined(separator: "\n") + "\n" + #"{"type":"referral","id":"rf_torn""#
        #expect(journal.utf8.count > 1 << 20)
        let found = try diagnostics(journal: journal)
        #expect(found.map(\.line) == [5_000, 11_001, 12_001])
        #expect(found.map(\.severity) == [.warning, .error, .warning])

        lines.remove(at: 11_000)
        let directory = try TemporaryDirectory()
        try StoreFixture().write(to: directory)
        try directory.write("content/data/referrals.jsonl", lines.joined(separator: "\n") + "\n" + #"{"type":"referral","id":"rf_torn""#)
        let loaded = try StoreLoader.load(from: directory.file("content/data"))
        let ids = loaded.store.journal.compactMap { event -> String? in
            if case .referral(let referral) = event { referral.id } else { nil }
        }
        #expect(ids == (1...12_000).filter { $0 != 11_001 }.map { "rf_\($0)" })
        #expect(loaded.tornJournalTail == Array(#"{"type":"referral","id":"rf_torn""#.utf8))
    }

    /// Lines that give no event (blank ones here) leave gaps in every part, which the reader
    /// closes up: events, their line numbers and their offsets stay together and in order.
    @Test func eventsOfEveryPartKeepTheirLinesAndOffsets() throws {
        var lines: [String] = []
        for number in 1...12_000 {
            if number % 97 == 0 { lines.append("  \t") }
            lines.append(#"{"type":"referral","id":"rf_\#(number)","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"Grace","email":"g\#(number)@example.com"}"#)
        }
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        #expect(bytes.count > 1 << 20)
        var diagnostics = DiagnosticList()
        let result = JournalReader.read(bytes, file: "referrals.jsonl", diagnostics: &diagnostics)
        #expect(diagnostics.all.isEmpty)
        let ids = result.events.map { event -> String in
            if case .referral(let referral) = event { referral.id } else { "" }
        }
        #expect(ids == (1...12_000).map { "rf_\($0)" })
        #expect(result.lines.count == 12_000 && result.offsets.count == 12_000)
        for (index, (line, offset)) in zip(result.lines, result.offsets).enumerated() {
            let expected = Array(#"{"type":"referral","id":"\#(ids[index])","#.utf8)
            #expect(lines[line - 1].hasPrefix(#"{"type":"referral","id":"\#(ids[index])","#))
            #expect(Array(bytes[offset..<offset + expected.count]) == expected)
        }
    }

    /// A byte order mark before the first line, as some Windows editors save, is skipped as
    /// program.json's and referrers.json's are; one anywhere else is still an error.
    @Test func aByteOrderMarkBeforeTheJournalIsSkipped() {
        let first = #"{"type":"referral","id":"rf_1","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"Grace","email":"g@example.com"}"#
        let second = #"{"type":"status","id":"rf_1","at":"2026-03-02T09:30:00Z","status":"contacted"}"#
        var diagnostics = DiagnosticList()
        let result = JournalReader.read([0xEF, 0xBB, 0xBF] + Array((first + "\n" + second + "\n").utf8), file: "referrals.jsonl", diagnostics: &diagnostics)
        #expect(diagnostics.all.isEmpty, "\(diagnostics.all)")
        #expect(result.events.count == 2 && result.lines == [1, 2] && result.offsets == [3, 3 + first.utf8.count + 1])
        var inside = DiagnosticList()
        _ = JournalReader.read(Array((first + "\n").utf8) + [0xEF, 0xBB, 0xBF] + Array((second + "\n").utf8), file: "referrals.jsonl", diagnostics: &inside)
        #expect(inside.all.map(\.description).first?.hasPrefix("referrals.jsonl:2:1: error: malformed journal line") == true, "\(inside.all)")
    }

    @Test(arguments: [1, 2, 3, 7])
    func journalPartsAreWholeLinesNumberedFromTheirFirst(count: Int) {
        for text in ["a\nbb\n\nccc\ndddd\ne", "a\nbb\n\nccc\ndddd\n", ""] {
            let bytes = Array(text.utf8)
            let parts = bytes.withUnsafeBytes { JournalReader.partition($0, into: count) }
            #expect(parts.first?.range.lowerBound == 0 && parts.last?.range.upperBound == bytes.count)
            for (part, next) in zip(parts, parts.dropFirst()) {
                #expect(part.range.upperBound == next.range.lowerBound && bytes[part.range.upperBound - 1] == 0x0A)
            }
            for part in parts {
                #expect(part.firstLine == 1 + bytes[..<part.range.lowerBound].filter { $0 == 0x0A }.count)
                // A line per newline, and one for an unfinished last line: room for every event.
                let lines = bytes[part.range].split(separator: 0x0A, omittingEmptySubsequences: false).count - (bytes[part.range].last == 0x0A ? 1 : 0)
                #expect(part.lineCount == (part.range.isEmpty ? 0 : lines))
            }
            #expect(parts.map(\.lineCount).reduce(0, +) == text.split(separator: "\n", omittingEmptySubsequences: false).count - (text.hasSuffix("\n") || text.isEmpty ? 1 : 0))
        }
    }

    @Test func everyProblemIsReportedAtOnce() throws {
        let referrers = referrersJSON(
            #"{"code": "../x", "name": "X", "email": "x@example.com", "statsToken": "k3v9q0c8m2x7w1r5t4y6u8i0ab"}"#,
            #"{"code": "bob", "name": "Bob", "email": "bob@example.com", "statsToken": "short"}"#)
        let journal = """
            {"type":"referral","id":"rf_1","at":"nope","referrer":"ada","name":"Grace","email":"g@example.com"}
            {"type":"status","id":"rf_9","at":"2026-03-02T09:30:00Z","status":"won"}

            """
        let errors = try diagnostics(referrers: referrers, journal: journal).filter { $0.severity == .error }
        #expect(errors.count == 4)
        #expect(Set(errors.map { $0.file.split(separator: "/").last! }) == ["referrers.json", "referrals.jsonl"])
    }

    @Test func unknownFieldIsAWarningNamingIt() throws {
        let entry = #"{"code": "ada", "name": "Ada", "emial": "x", "email": "ada@example.com", "statsToken": "k3v9q0c8m2x7w1r5t4y6u8i0ab"}"#
        let found = try diagnostics(referrers: referrersJSON(entry), journal: "")
        #expect(found.count == 1)
        #expect(found[0].severity == .warning && found[0].message.contains("unknown field 'emial'"))
    }

    /// Twenty unknown fields of an object are named, the rest counted in one warning: a file of
    /// a million printed a million lines.
    @Test func manyUnknownFieldsAreCountedNotEachNamed() throws {
        let extra = (1...1_000).map { #""x\#($0)": 1"# }.joined(separator: ", ")
        let entry = #"{"code": "ada", "name": "Ada", "email": "ada@example.com", "statsToken": "k3v9q0c8m2x7w1r5t4y6u8i0ab", "# + extra + "}"
        let found = try diagnostics(referrers: referrersJSON(entry), journal: "")
        #expect(found.count == 21, "\(found.count)")
        #expect(found.last?.message.hasSuffix("980 more unknown fields, not named one by one") == true, "\(String(describing: found.last))")
    }

    @Test func joinedReferrersFromTheJournalJoinTheRoster() throws {
        let journal = """
            {"type":"referrer","at":"2026-05-02T10:00:00Z","code":"linus","name":"Linus T.","email":"linus@example.com","segment":"customer","statsToken":"q8w7e6r5t4y3u2i1o0p9a8s7d6"}
            {"type":"referral","id":"rf_1","at":"2026-05-03T09:30:00Z","referrer":"linus","name":"Grace","email":"g@example.com"}

            """
        let directory = try TemporaryDirectory()
        try StoreFixture().write(to: directory)
        try directory.write("content/data/referrals.jsonl", journal)
        let store = try StoreLoader.load(from: directory.file("content/data")).store
        #expect(store.referrers.map(\.code) == ["ada", "bob", "linus"])
        #expect(store.referrers[2].joined == CalendarDay("2026-05-02"))
    }
}

extension StoreValidationTests {
    /// A referrers.json that does not parse is one error, not one more for each journal line
    /// whose code it would have held.
    @Test func anUnreadableRosterDoesNotCascadeIntoUnknownReferrerErrors() throws {
        let journal = (1...5).map { #"{"type":"referral","id":"rf_\#($0)","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"Grace","email":"g\#($0)@example.com"}"# }
            .joined(separator: "\n") + "\n"
        for broken in ["[\n" + ada + ",\n", #"{"ada": {}}"#] {
            let errors = try diagnostics(referrers: broken, journal: journal).filter { $0.severity == .error }
            #expect(errors.count == 1, "\(errors)")
            #expect(errors.first?.file.hasSuffix("referrers.json") == true)
        }
    }

    @Test func aMissingRosterIsAWarning() throws {
        let directory = try TemporaryDirectory()
        try StoreFixture().write(to: directory)
        try directory.write("content/data/referrals.jsonl", "")
        try FileManager.default.removeItem(atPath: directory.file("content/data/referrers.json"))
        let loaded = try StoreLoader.load(from: directory.file("content/data"))
        #expect(loaded.store.referrers.isEmpty)
        #expect(loaded.warnings.map(\.description) == [
            "\(directory.file("content/data/referrers.json")):1:1: warning: file not found: the roster is only the journal's referrer events (create it holding [] if that is meant)",
        ])
    }

    /// A journal left out (of a deploy, say) is said: the site would otherwise publish every
    /// figure at zero and drop the pages of referrers who joined by the form, without a word.
    @Test func aMissingJournalIsAWarning() throws {
        let directory = try TemporaryDirectory()
        try StoreFixture().write(to: directory)
        try? FileManager.default.removeItem(atPath: directory.file("content/data/referrals.jsonl"))
        let loaded = try StoreLoader.load(from: directory.file("content/data"))
        #expect(loaded.store.journal.isEmpty)
        #expect(loaded.warnings.map(\.description) == ["\(directory.file("content/data/referrals.jsonl")):1:1: warning: \(StoreLoader.missingJournal)"])
        try directory.write("content/data/referrals.jsonl", "")
        #expect(try StoreLoader.load(from: directory.file("content/data")).warnings.isEmpty)
    }

    /// A blank optional choice, as a spreadsheet's empty column exports, takes its default; a
    /// blank required one is still an error.
    @Test func aBlankSourceOrSegmentTakesItsDefault() throws {
        let directory = try TemporaryDirectory()
        try StoreFixture().write(to: directory)
        try directory.write("content/data/referrers.json", referrersJSON(#"{"code": "ada", "name": "Ada", "email": "ada@example.com", "segment": "", "statsToken": "k3v9q0c8m2x7w1r5t4y6u8i0ab"}"#))
        try directory.write("content/data/referrals.jsonl", #"{"type":"referral","id":"rf_1","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"Grace","email":"g@example.com","source":""}"# + "\n")
        let store = try StoreLoader.load(from: directory.file("content/data")).store
        #expect(store.referrers.first?.segment == .customer)
        guard case .referral(let referral) = store.journal.first else { Issue.record("no referral"); return }
        #expect(referral.source == .link)
        let blankStatus = try diagnostics(journal: #"{"type":"referral","id":"rf_1","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"Grace","email":"g@example.com"}"#
            + "\n" + #"{"type":"status","id":"rf_1","at":"2026-03-02T09:30:00Z","status":""}"# + "\n")
        #expect(blankStatus.contains { $0.severity == .error && $0.message.contains("field 'status'") }, "\(blankStatus)")
    }

    @Test func invalidReferrerDoesNotCascadeIntoUnknownReferrerErrors() throws {
        let entry = #"{"code": "ada", "name": "Ada", "email": "ada@example.com", "statsToken": "short"}"#
        let journal = #"{"type":"referral","id":"rf_1","at":"2026-03-01T09:30:00Z","referrer":"ada","name":"Grace","email":"g@example.com"}"# + "\n"
        let errors = try diagnostics(referrers: referrersJSON(entry), journal: journal).filter { $0.severity == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.message.contains("statsToken") == true)
    }
}
