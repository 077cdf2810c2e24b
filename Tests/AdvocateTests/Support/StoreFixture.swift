import Foundation
@testable import Advocate

/// Builds a small JSON store on disk: a program, referrers and journal lines, with helpers for
/// the events tests need.
struct StoreFixture {
    var baseURL = "https://refer.acme.example"
    var window = 90
    var hold = 30
    var amount = 25.0
    var currency = "USD"
    /// Every referrer's `joined` day.
    var joined = "2026-01-04"
    /// program.json's `language`, left out when nil.
    var language: String?
    var tiers = #"[{"name":"Bronze","conversions":1,"bonus":0},{"name":"Silver","conversions":3,"bonus":50},{"name":"Gold","conversions":5,"bonus":150}]"#
    /// program.json's `offers` array.
    var offers = "[]"
    var referrers: [(code: String, name: String, email: String)] = [
        ("ada", "Ada Lovelace", "ada@example.com"),
        ("bob", "Bob Builder", "bob@example.com"),
    ]
    var lines: [String] = []
    private var counter = 0

    var programJSON: String {
        """
        {
          "name": "Acme Rewards",
          "baseURL": "\(baseURL)",
          "endpoint": "/api/referrals",
          "currency": "\(currency)",\(language.map { "\n  \"language\": \"\($0)\"," } ?? "")
          "attributionWindowDays": \(window),
          "rewardHoldDays": \(hold),
          "requireConsent": true,
          "analyticsToken": "p7m2c9x4k1v8q3w6r0t5y2u8i4",
          "rewards": {
            "referrer": { "description": "$25 account credit", "amount": \(JSONOutput.format(amount)) },
            "friend": { "description": "20% off the first order" }
          },
          "tiers": \(tiers),
          "offers": \(offers)
        }
        """
    }

    var referrersJSON: String {
        "[\n" + referrers.enumerated().map { index, referrer in
            let token = "tok\(index)xxxxxxxxxxxxxxxxxxxxxxxxx"
            return #"  {"code": "\#(referrer.code)", "name": "\#(referrer.name)", "email": "\#(referrer.email)", "joined": "\#(joined)", "statsToken": "\#(token)"}"#
        }.joined(separator: ",\n") + "\n]\n"
    }

    /// Appends a referral and returns its id.
    @discardableResult
    mutating func refer(_ referrer: String, friend: String, email: String? = nil, at: String, source: String = "email", variant: String? = nil) -> String {
        counter += 1
        let id = "rf_\(counter)"
        let friendEmail = email ?? friend.lowercased().replacingOccurrences(of: " ", with: ".") + "@example.org"
        let variantField = variant.map { #","variant":"\#($0)""# } ?? ""
        lines.append(#"{"type":"referral","id":"\#(id)","at":"\#(at)","referrer":"\#(referrer)","name":"\#(friend)","email":"\#(friendEmail)","source":"\#(source)"\#(variantField),"consent":true}"#)
        return id
    }

    mutating func status(_ id: String, _ status: String, at: String, value: Double? = nil) {
        let valueField = value.map { #","value":\#(JSONOutput.format($0))"# } ?? ""
        lines.append(#"{"type":"status","id":"\#(id)","at":"\#(at)","status":"\#(status)"\#(valueField)}"#)
    }

    /// Writes the store into `directory` (program.json, referrers.json, referrals.jsonl).
    func write(to directory: TemporaryDirectory, folder: String = "content/data") throws {
        try directory.write("\(folder)/program.json", programJSON)
        try directory.write("\(folder)/referrers.json", referrersJSON)
        try writeJournal(to: directory, folder: folder)
    }

    /// Writes the journal alone, leaving the store's other files (and their times) as they are.
    func writeJournal(to directory: TemporaryDirectory, folder: String = "content/data") throws {
        try directory.write("\(folder)/referrals.jsonl", lines.map { $0 + "\n" }.joined())
    }

    /// Writes the store to a fresh folder and loads it.
    func load() throws -> Store {
        let directory = try TemporaryDirectory()
        try write(to: directory)
        return try StoreLoader.load(from: directory.file("content/data")).store
    }

    /// Figures as of the end of a day.
    func figures(asOf day: String) throws -> Figures {
        let store = try load()
        return FigureCalculator.compute(store, asOf: CalendarDay(day)!.end)
    }
}
