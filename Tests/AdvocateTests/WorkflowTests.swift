import Foundation
import Testing
@testable import Advocate

/// The team's workflow in the library: adding referrers, exports, message lengths.
@Suite struct WorkflowTests {
    @Test func addingAReferrerDerivesAFreeReadableCodeAndAFreshToken() throws {
        let directory = try TemporaryDirectory()
        try StoreFixture().write(to: directory)
        let data = directory.file("content/data")
        var store = try StoreLoader.load(from: data).store
        let first = try RosterEditor.add(name: "Ada Byron", email: "byron@example.com", code: nil, segment: .partner, joined: nil,
                                         dataDirectory: data)
        #expect(first.code == "ada-byron")
        store = try StoreLoader.load(from: data).store
        let second = try RosterEditor.add(name: "Zoë Müller", email: "zoe@example.com", code: nil, segment: .customer, joined: CalendarDay("2026-05-01"),
                                          dataDirectory: data)
        #expect(second.code == "zoe")
        store = try StoreLoader.load(from: data).store
        #expect(store.referrers.map(\.code) == ["ada", "bob", "ada-byron", "zoe"])
        #expect(store.referrers[2].segment == .partner)
        #expect(StoreRules.isValidToken(store.referrers[3].statsToken))
        #expect(store.referrers[2].statsToken != store.referrers[3].statsToken)
        #expect(throws: RosterEditor.Refusal.self) {
            try RosterEditor.add(name: "Ada Again", email: " ADA@example.com", code: nil, segment: .customer, joined: nil, dataDirectory: data)
        }
        #expect(throws: RosterEditor.Refusal.self) {
            try RosterEditor.add(name: "X", email: "x@example.com", code: "../x", segment: .customer, joined: nil, dataDirectory: data)
        }
        // A future day would move every page's as-of there while the journal is empty.
        do {
            _ = try RosterEditor.add(name: "Bob Future", email: "future@example.com", code: nil, segment: .customer,
                                     joined: CalendarDay("2199-12-31"), dataDirectory: data, today: CalendarDay("2026-12-05")!)
            Issue.record("a future --joined was accepted")
        } catch {
            #expect("\(error)" == "--joined 2199-12-31 is after today (2026-12-05): a future day would move the figures' as-of there")
        }
        // A web address as a name, as the join form refuses it: it would be a link in friends' emails.
        #expect {
            try RosterEditor.add(name: "https://evil.example/win", email: "evil@example.com", code: nil, segment: .customer, joined: nil, dataDirectory: data)
        } throws: { "\($0)" == "--name \"https://evil.example/win\" holds a web or email address; give the person's name" }
        // A day before 1970 the loader refuses: written, it would have stopped every command.
        let roster = try Data(contentsOf: URL(fileURLWithPath: directory.file("content/data/referrers.json")))
        #expect {
            try RosterEditor.add(name: "Bob Past", email: "past@example.com", code: nil, segment: .customer,
                                 joined: CalendarDay("1969-12-31"), dataDirectory: data)
        } throws: { "\($0)" == "--joined 1969-12-31 is outside the years 1970 to 2199 that the journal takes; check the year" }
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.file("content/data/referrers.json"))) == roster)
        #expect(try StoreLoader.load(from: data).store.referrers.count == 4)
    }

    /// A referrers.json with CRLF line ends (written on Windows) keeps them: the new entry had LF.
    @Test func addingAReferrerKeepsTheFilesLineEnds() throws {
        let directory = try TemporaryDirectory()
        try StoreFixture().write(to: directory)
        let data = directory.file("content/data")
        let file = directory.file("content/data/referrers.json")
        let original = try String(contentsOfFile: file, encoding: .utf8)
        try original.replacingOccurrences(of: "\n", with: "\r\n").write(toFile: file, atomically: false, encoding: .utf8)
        _ = try RosterEditor.add(name: "Ada Byron", email: "byron@example.com", code: nil, segment: .partner, joined: nil, dataDirectory: data)
        let bytes = Array(try String(contentsOfFile: file, encoding: .utf8).utf8)
        let lineFeeds = bytes.indices.filter { bytes[$0] == 0x0A }
        #expect(!lineFeeds.isEmpty && lineFeeds.allSatisfy { $0 > 0 && bytes[$0 - 1] == 0x0D })
        #expect(try StoreLoader.load(from: data).store.referrers.map(\.code).contains("ada-byron"))
    }

    /// While another process (`advocate serve`) holds the store, `referrers add` refuses rather
    /// than race the join form for a code.
    @Test func addingAReferrerWaitsForNoOtherWriter() throws {
        let directory = try TemporaryDirectory()
        try StoreFixture().write(to: directory)
        let data = directory.file("content/data")
        let server = try JournalWriter(dataDirectory: data)
        do {
            _ = try RosterEditor.add(name: "Pat Jones", email: "pat@example.com", code: nil, segment: .customer, joined: nil,
                                     dataDirectory: data)
            Issue.record("expected a refusal")
        } catch {
            #expect("\(error)".contains("another advocate process is writing to this store"), "\(error)")
        }
        #expect(try StoreLoader.load(from: data).store.referrers.count == 2)
        server.close()
        #expect(try RosterEditor.add(name: "Pat Jones", email: "pat@example.com", code: nil, segment: .customer, joined: nil,
                                     dataDirectory: data).code == "pat")
    }

    /// Each `referrers add` checks the roster as it is once it holds the store's lock: several
    /// at once asking for one code give it to one of them only.
    @Test func addingReferrersAtOnceGivesACodeOnce() throws {
        let directory = try TemporaryDirectory()
        try StoreFixture().write(to: directory)
        let data = directory.file("content/data")
        let added = LockedList<String>()
        DispatchQueue.concurrentPerform(iterations: 4) { index in
            for _ in 0..<50 {
                if let referrer = try? RosterEditor.add(name: "Pat \(index)", email: "pat\(index)@example.com", code: "pat", segment: .customer,
                                                       joined: nil, dataDirectory: data) {
                    added.append(referrer.code)
                    return
                }
                usleep(2_000)
            }
        }
        #expect(added.values == ["pat"])
        #expect(try StoreLoader.load(from: data).store.referrers.count { $0.code == "pat" } == 1)
    }

    @Test func csvIsRFC4180AndDefusesFormulas() {
        let table = CSVTable(header: ["name", "n"], rows: [[.text("Hopper, \"Amazing\" Grace"), .number(2)], [.text("=HYPERLINK(\"x\")"), .empty]])
        #expect(table.text == "name,n\r\n\"Hopper, \"\"Amazing\"\" Grace\",2\r\n\"'=HYPERLINK(\"\"x\"\")\",\r\n")
    }

    /// An export that holds personal data or private links says so; the figures alone do not.
    @Test func exportsThatHoldPersonalDataOrPrivateLinksSaySo() throws {
        #expect(ExportKind.referrals.privacyNote?.contains("friends' names and email addresses") == true)
        #expect(ExportKind.referrers.privacyNote?.contains("private stats links") == true)
        #expect(ExportKind.stats.privacyNote == nil)
    }

    @Test func exportsCarryTheFigures() throws {
        var fixture = StoreFixture()
        let id = fixture.refer("ada", friend: "Grace Hopper", email: "grace@example.org", at: "2026-03-01T00:00:00Z")
        fixture.status(id, "converted", at: "2026-03-02T00:00:00Z", value: 120)
        fixture.refer("bob", friend: "Grace Again", email: "GRACE@example.org", at: "2026-03-03T00:00:00Z")
        let store = try fixture.load()
        let figures = FigureCalculator.compute(store, asOf: CalendarDay("2026-03-31")!.end)
        let referrals = Exporter.table(.referrals, store: store, figures: figures).text
        #expect(referrals.contains("rf_1,2026-03-01T00:00:00Z,ada,Grace Hopper,grace@example.org,email,,true,yes,converted,2026-03-02T00:00:00Z,120,true"))
        #expect(referrals.contains("rf_2,2026-03-03T00:00:00Z,bob,Grace Again,GRACE@example.org,email,,true,duplicate,referred,,,false"))
        // A duplicate's own status, set in the CRM and imported, is exported as it is, not as `referred`.
        var rejected = fixture
        rejected.status("rf_2", "rejected", at: "2026-03-04T00:00:00Z")
        rejected.status("rf_2", "contacted", at: "2026-04-04T00:00:00Z")
        let afterRejection = Exporter.table(.referrals, store: try rejected.load(), figures: FigureCalculator.compute(try rejected.load(), asOf: CalendarDay("2026-03-31")!.end)).text
        #expect(afterRejection.contains("rf_2,2026-03-03T00:00:00Z,bob,Grace Again,GRACE@example.org,email,,true,duplicate,rejected,,,false"), "\(afterRejection)")
        let referralsJSON = Exporter.json(Exporter.table(.referrals, store: store, figures: figures)).serialized()
        #expect(referralsJSON.contains(#""consent":true,"accepted":"yes","#))
        #expect(referralsJSON.contains(#""counted":false,"#))
        let stats = Exporter.table(.stats, store: store, figures: figures).text
        #expect(stats.contains("ada,1,1,1,0,25,Bronze,Silver,2,2026-03-31T23:59:59.999Z"))
        let json = Exporter.json(Exporter.table(.referrers, store: store, figures: figures)).serialized()
        #expect(json.contains(#""shareURL":"https://refer.acme.example/r/ada/""#))
    }

    @Test func smsLengthsFollowGSM7AndUCS2() {
        let short = MessageLength.measure(String(repeating: "a", count: 160), channel: .sms)
        #expect(short.segments == 1 && short.encoding == "GSM-7" && !short.over)
        let long = MessageLength.measure(String(repeating: "a", count: 161), channel: .sms)
        #expect(long.segments == 2 && long.over)
        let euro = MessageLength.measure(String(repeating: "€", count: 80), channel: .sms)
        #expect(euro.count == 160 && euro.segments == 1)
        let unicode = MessageLength.measure("Zoë says hi 👋 " + String(repeating: "a", count: 60), channel: .sms)
        #expect(unicode.encoding == "UCS-2" && unicode.segments == 2)
        #expect(MessageLength.measure("é", channel: .sms).encoding == "GSM-7")
        #expect(MessageLength.measure("é", channel: .sms).summary == "1 segment · GSM-7 · 1 character")
        #expect(MessageLength.measure("!", channel: .email).summary == "1 character")
    }

    @Test func xCountsLinksAs23() {
        let text = "Get 20% off with my link https://refer.acme.example/r/ada/?src=x"
        let length = MessageLength.measure(text, channel: .x)
        #expect(length.count == "Get 20% off with my link ".count + 23)
        #expect(MessageLength.measure("日本", channel: .x).count == 4)
        #expect(MessageLength.measure(String(repeating: "a", count: 281), channel: .x).over)
    }

    @Test func variantAssignmentIsDeterministicAndEven() {
        let codes = (0..<2000).map { "referrer-\($0)" }
        let assigned = codes.map { VariantAssignment.variant(for: $0, among: ["a", "b"])! }
        #expect(assigned == codes.map { VariantAssignment.variant(for: $0, among: ["a", "b"])! })
        let share = Double(assigned.count { $0 == "a" }) / Double(codes.count)
        #expect(abs(share - 0.5) < 0.05)
        #expect(VariantAssignment.variant(for: "ada", among: []) == nil)
    }
}

@Suite struct StatusTransitionTests {
    @Test func allowsTheUsualMoves() {
        #expect(StatusTransition.refusal(from: nil, to: .contacted) == nil)
        #expect(StatusTransition.refusal(from: .contacted, to: .converted) == nil)
        #expect(StatusTransition.refusal(from: .converted, to: .rewarded) == nil)
        #expect(StatusTransition.refusal(from: .converted, to: .rejected) == nil)
        #expect(StatusTransition.refusal(from: .rewarded, to: .rejected) == nil)
    }

    @Test func refusesImpossibleMoves() {
        #expect(StatusTransition.refusal(from: nil, to: .rewarded)?.contains("only a converted referral can be rewarded") == true)
        #expect(StatusTransition.refusal(from: .contacted, to: .rewarded) != nil)
        #expect(StatusTransition.refusal(from: .converted, to: .converted) == "it is already converted")
        #expect(StatusTransition.refusal(from: .rewarded, to: .contacted) != nil)
    }
}

@Suite struct PersonNameTests {
    @Test func masksFriendsNames() {
        #expect(PersonName.masked("Grace Hopper") == "Grace H.")
        #expect(PersonName.masked("Grace Brewster Murray Hopper") == "Grace H.")
        #expect(PersonName.masked("Grace") == "Grace")
        #expect(PersonName.masked("王小明") == "王.")
        #expect(PersonName.masked("  ") == "A friend")
        #expect(PersonName.masked("grace@example.com") == "g.")
        #expect(PersonName.masked("Grace grace@example.com") == "G.")
        #expect(PersonName.masked("Zoë zoe@example.com") == "Z.")
        #expect(PersonName.firstName("Zoë Müller") == "Zoë")
    }

    /// Arabic given names of two words are greeted and shown whole ("عبد" alone is "servant"),
    /// an Arabic or Hebrew title is passed over as "Dr." is, and a family name's initial is its
    /// letter after the article (السعيد: س).
    @Test func arabicAndHebrewNamesAreGreetedAndMaskedAsWritten() {
        #expect(PersonName.firstName("عبد الله العلي") == "عبد الله")
        #expect(PersonName.firstName("أبو بكر الصديق") == "أبو بكر")
        #expect(PersonName.firstName("د. خالد المنصوري") == "خالد")
        #expect(PersonName.firstName("الدكتورة سارة أحمد") == "سارة")
        #expect(PersonName.firstName("ד\"ר יעל כהן") == "יעל")
        #expect(PersonName.firstName("محمد") == "محمد")
        #expect(PersonName.masked("عبد الرحمن السعيد") == "عبد الرحمن س.")
        #expect(PersonName.masked("فاطمة الزهراء") == "فاطمة ز.")
        #expect(PersonName.masked("محمد علي") == "محمد ع.")
        #expect(PersonName.masked("عبد الله") == "عبد ل.")
        #expect(PersonName.masked("ابن خلدون") == "ابن خ.")
    }

    @Test func headingsNeverTakeTheLandmarkID() {
        #expect(Markdown.render("## Main\n").headings.first?.id == "main-1")
    }
}
