@testable import Advocate
import Foundation
import Testing

/// The endpoint's ledger, made from a store and then given the events recorded since, must
/// accept and refuse exactly as one made from the whole journal.
@Suite struct ReferralLedgerTests {
    /// What a form takes as an email: a typo that no mail server would take (a doubled or
    /// leading dot, a label starting with a hyphen) is refused while the person is still there,
    /// and so is a local part no mail can be sent to (not ASCII: `zoë@`, `аda@` with a Cyrillic а).
    @Test(arguments: [("grace@example.com", true), ("grace.hopper+refer@mail.example.co.uk", true), ("zoe@exämple.de", true),
                      ("zoë@exämple.de", false), ("\u{430}da@example.com", false),
                      ("x@ü/x.com", false), ("x@ü#.com", false), ("x@%C3%BC.com", false), ("x@ex%41mple.com", false), ("x@example.com/", false), ("x@1\u{5D0}.example", false),
                      ("a-b@x-y.example", true), (" grace@example.com ", true),
                      ("grace..hopper@example.com", false), (".grace@example.com", false), ("grace.@example.com", false),
                      ("grace@-example.com", false), ("grace@example-.com", false), ("grace@example..com", false),
                      ("@example.com", false), ("grace@example", false), ("grace@1.2.3.4", false), ("a b@example.com", false),
                      ("grace@example.com\u{200B}", false), ("gr\u{2060}ace@example.com", false), ("\u{FEFF}grace@example.com", false),
                      ("grace\u{A0}@example.com", false), ("grace@exa\u{200C}mple.com", false)])
    func aFormTakesOnlyAPlausibleEmail(_ email: String, _ plausible: Bool) {
        var errors: [FieldError] = []
        ReferralLedger.checkPerson(name: "Grace", email: email, into: &errors)
        #expect(errors.isEmpty == plausible, "\(email)")
    }

    /// A name is given on one line: Unicode's line and paragraph separators break it as a line
    /// feed does.
    @Test(arguments: ["Grace\u{2028}Hopper", "Grace\u{2029}Hopper", "Grace\nHopper"])
    func aNameWithALineBreakIsRefused(_ name: String) {
        var errors: [FieldError] = []
        ReferralLedger.checkPerson(name: name, email: "grace@example.com", into: &errors)
        #expect(errors.map(\.field) == ["name"])
    }

    @Test func applyingEventsOneByOneGivesTheLedgerOfTheWholeJournal() throws {
        let store = try StoreLoader.load(from: OutcomeLedgerTests.exampleData).store
        let whole = ReferralLedger(store: store)
        let referrals = store.journal.compactMap { event -> Referral? in
            if case .referral(let referral) = event { referral } else { nil }
        }
        let newFriends = referrals.prefix(5).map { referral in
            var friend = referral
            friend.email = "new.friend.\(referral.id)@example.net"
            return friend
        }
        for cut in stride(from: 0, through: store.journal.count, by: 11) {
            var start = store
            start.journal = Array(store.journal.prefix(cut))
            start.referrers = store.referrers.filter { referrer in
                !store.journal.dropFirst(cut).contains { if case .referrer(let joined, _) = $0 { joined.code == referrer.code } else { false } }
            }
            var ledger = ReferralLedger(store: start)
            for event in store.journal.dropFirst(cut) { ledger.apply(event) }
            for referrer in store.referrers {
                #expect(ledger.isKnownReferrer(referrer.code), "cut after \(cut) events")
            }
            for referral in referrals + newFriends {
                #expect(ledger.conflict(for: referral) == whole.conflict(for: referral), "cut after \(cut) events: \(referral.email)")
            }
        }
    }

    /// Each way a name can be unusable has its own reason, and a name with nothing to read
    /// (zero-width spaces, direction marks) counts as no name.
    @Test(arguments: [
        ("", "Please enter your name."),
        ("\u{200B}", "Please enter your name."),
        ("\u{202E}\u{202E}", "Please enter your name."),
        ("Ann\tBee", "Please enter your name on one line, without tabs or other control characters."),
        ("Ann\nBee", "Please enter your name on one line, without tabs or other control characters."),
        (String(repeating: "x", count: 201), "Please enter a name of at most 200 characters."),
        // One character under 3,000 combining marks: kilobytes in the journal and in emails.
        ("Z" + String(repeating: "\u{0301}", count: 3_000), "Please enter your name without so many marks stacked on its letters."),
        ("Z" + String(repeating: "\u{0301}", count: 16) + " Doe", "Please enter your name without so many marks stacked on its letters."),
        (String(repeating: "👨‍👩‍👧‍👦", count: 115), "Please enter a shorter name."),
        ("https://evil.example/claim-your-credit Smith", "Please enter your name, not a web or email address."),
        ("Visit WWW.evil.example", "Please enter your name, not a web or email address."),
        ("Grace evil.com", "Please enter your name, not a web or email address."),
        ("Grace bit.ly/win", "Please enter your name, not a web or email address."),
        ("ｗｗｗ．evil．com", "Please enter your name, not a web or email address."),
        ("www\u{200B}.evil.com Smith", "Please enter your name, not a web or email address."),
        ("Hopper, evil.com", "Please enter your name, not a web or email address."),
        ("Grace Evil.Com", "Please enter your name, not a web or email address."),
        ("Grace evil.de/win", "Please enter your name, not a web or email address."),
        ("Grace evil.de:8080", "Please enter your name, not a web or email address."),
        ("Grace évil.com", "Please enter your name, not a web or email address."),
        ("Grace evil。com", "Please enter your name, not a web or email address."),
        ("Grace _evil.com", "Please enter your name, not a web or email address."),
        ("Grace (evil.com)", "Please enter your name, not a web or email address."),
        ("Grace x@evil.de", "Please enter your name, not a web or email address."),
        ("John <jdoe@corp>", "Please enter your name, not a web or email address."),
        ("Jo jo@localhost", "Please enter your name, not a web or email address."),
        ("Jo jo@mail.c", "Please enter your name, not a web or email address."),
        ("jdoe (at) example (dot) com", "Please enter your name, not a web or email address."),
        ("Jo jdoe\u{200B}@corp", "Please enter your name, not a web or email address."),
        ("Jo ｊｄｏｅ＠ｃｏｒｐ", "Please enter your name, not a web or email address."),
        ("Grace 203.0.113.7", "Please enter your name, not a web or email address."),
        ("Grace evil.co.uk", "Please enter your name, not a web or email address."),
        ("Grace bit.ly", "Please enter your name, not a web or email address."),
        ("Grace t.me", "Please enter your name, not a web or email address."),
        ("Grace evil.de?x=1", "Please enter your name, not a web or email address."),
    ])
    func unusableNamesGetTheirReason(name: String, message: String) {
        var errors: [FieldError] = []
        ReferralLedger.checkPerson(name: name, email: "grace@example.net", into: &errors)
        #expect(errors.map(\.message) == [message])
    }

    /// Names with dots or a `www` that are no address are names, even where a dot makes a
    /// host of a country's domain (`.li`, `.ng`, `.jo`) or a brand's (`.kim`); long names of
    /// accented letters or emoji sequences fit the bound on combining marks.
    @Test(arguments: [String(repeating: "Nguyễn Thị Ánh ", count: 13), String(repeating: "👨‍👩‍👧‍👦", count: 100), "👨🏻‍👩🏻‍👧🏻‍👦🏻 Okafor",
                      "J.R.R. Tolkien", "Anna Wwwilson", "Mr www", "Dr. Ada Lovelace", "St. John Smith", "Mary-Jane O'Neil", "Ana M.", "王小明", "Zoë Müller",
                      "J.Li", "H.Kim", "Dr.Ng", "Mary.Jo Smith", "Anne-Marie.Love", "Ada @ Acme", "Version 2.0 Smith",
                      "山田＠営業部", "田中 太郎＠大阪支社", "Tanaka@Sales", "C@rl Jones", "Jo@Home", "AT&T Team", "Hans Müller (AT)", "Ada [at] Acme",
                      "T.Ly", "Tran Thi.Ly", "Y.Su", "W.To", "A.Ai", "H.Co", "J.Me", "D.Bar", "L.Page", "J.Link", "K.Win", "R.Dev", "Xiao.Ru",
                      "Priya Sharma B.Com", "Ravi Kumar B.Tech", "J.Top", "Dr.Mobi Okafor", "Capt.Buzz Aldrin", "Hoàng T.Ly/Lê"])
    func namesThatAreNoAddressAreTaken(name: String) {
        var errors: [FieldError] = []
        ReferralLedger.checkPerson(name: name, email: "grace@example.net", into: &errors)
        #expect(errors.isEmpty, "\(errors)")
    }

    /// DESIGN.md: "for the form and for JSON alike", `source` defaults to `link` and `variant` is
    /// optional, so a blank one from either is no choice, not an error.
    /// A domain that is not ASCII is compared in the form its mail goes to: spellings of one
    /// domain are one friend, and a full-width letter does not hide a referrer's own address.
    @Test func spellingsOfOneDomainAreOneAddress() throws {
        for spelling in ["dd@bücher.example", "DD@xn--bcher-kva.example", "dd@ｂücher.example", "dd@ⓑücher.example"] {
            #expect(StoreRules.normalizedEmail(spelling) == "dd@xn--bcher-kva.example", "\(spelling)")
        }
        #expect(!StoreRules.isPlausibleEmail("dd@bücher.example。") && !StoreRules.isPlausibleEmail("dd@bücher。。example"))
        var ledger = ReferralLedger(store: try StoreLoader.load(from: OutcomeLedgerTests.exampleData).store)
        func referral(_ email: String, id: String) throws -> Referral {
            try ledger.validate(ReferralSubmission(formFields: ["referrer": "ada", "name": "G", "email": email, "consent": "on"]), id: id,
                                at: Instant(iso8601: "2026-03-01T09:30:00Z")!)
        }
        #expect(ledger.conflict(for: try referral("ada@ｅxample.com", id: "rf_self")) == .selfReferral)
        let first = try referral("dd@bücher.example", id: "rf_first")
        #expect(ledger.conflict(for: first) == nil)
        ledger.record(first)
        #expect(ledger.conflict(for: try referral("dd@xn--bcher-kva.example", id: "rf_again")) == .duplicate)
    }

    @Test func aBlankSourceOrVariantIsNoChoiceFromJSONAndTheFormAlike() throws {
        let ledger = ReferralLedger(store: try StoreLoader.load(from: OutcomeLedgerTests.exampleData).store)
        let json = try ReferralSubmission(json: JSONParser.parse(Array(#"{"referrer":"ada","name":"G","email":"g@example.net","source":"","variant":" ","consent":true}"#.utf8)))
        let form = ReferralSubmission(formFields: ["referrer": "ada", "name": "G", "email": "g@example.net", "source": "", "variant": "", "consent": "on"])
        for submission in [json, form] {
            let referral = try ledger.validate(submission, id: "rf_blank", at: Instant(iso8601: "2026-03-01T09:30:00Z")!)
            #expect(referral.source == .link)
            #expect(referral.variant == nil)
        }
    }

    @Test(arguments: ["Grace Hopper", "محمد", "\u{202E}Zoë", String(repeating: "x", count: 200)])
    func readableNamesPass(name: String) {
        var errors: [FieldError] = []
        ReferralLedger.checkPerson(name: name, email: "grace@example.net", into: &errors)
        #expect(errors.isEmpty)
    }
}
