import Foundation

/// `advocate forget EMAIL`: erases a person's name and email from the store, as data-protection
/// law requires, while every figure stays the same.
///
/// Every occurrence of the email (as a referrer, or as a referred friend) is replaced by one
/// random placeholder address, so the comparisons the figures rest on (first referral wins,
/// self-referral) come out exactly as before; names become "Erased". The journal and
/// referrers.json are rewritten whole and atomically under the store's lock, and a line in
/// `erasures.log` records that an erasure happened, never whom it concerned. Emails in the
/// outbox (waiting, or kept in `sent/`) addressed to the person or naming their address are
/// deleted.
public enum Erasure {
    public struct Report: Sendable, Equatable {
        public var referrals: Int
        public var referrers: Int
        /// Emails deleted from the outbox and its `sent/` folder.
        public var emails = 0

        /// False when no referrer or referral had the email: nothing in the site changed.
        public var erasedAnything: Bool { referrals + referrers > 0 }
    }

    public static let erasedName = "Erased"
    public static let logFile = "erasures.log"

    /// Where the log of erasures is, in the store's folder.
    public static func logPath(dataDirectory: String) -> String { Paths.join(dataDirectory, logFile) }

    public static func forget(email: String, dataDirectory: String, outbox: Outbox? = nil, now: Instant) throws -> Report {
        let target = StoreRules.normalizedEmail(email)
        guard !target.isEmpty else { throw JournalWriter.Failure(description: "give the email address to forget") }
        let lock = try JournalWriter(dataDirectory: dataDirectory)
        _ = try StoreLoader.load(from: dataDirectory)
        let placeholder = "erased-\(Tokens.statsToken().prefix(16).lowercased())@erased.invalid"
        var report = Report(referrals: 0, referrers: 0)

        let referrersFile = Paths.join(dataDirectory, StoreFiles.referrers)
        if let data = FileManager.default.contents(atPath: referrersFile), let elements = try JSONParser.parse([UInt8](data)).elements {
            var changed = false
            let rewritten = elements.map { element -> JSONOutput in
                guard let replaced = redacted(element, target: target, placeholder: placeholder) else { return element.output }
                changed = true
                report.referrers += 1
                return replaced
            }
            if changed {
                let text = "[\n" + rewritten.map { "  " + $0.serialized() }.joined(separator: ",\n") + "\n]\n"
                try AtomicFile.write(Array(text.utf8), to: referrersFile)
            }
        }

        let journalFile = lock.path
        if let data = FileManager.default.contents(atPath: journalFile) {
            var output: [UInt8] = []
            output.reserveCapacity(data.count)
            var changed = false
            for line in data.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast(data.last == 0x0A ? 1 : 0) {
                if let node = try? JSONParser.parse([UInt8](line)), let replaced = redacted(node, target: target, placeholder: placeholder) {
                    changed = true
                    if node.members?.first(where: { $0.key == "type" })?.value.stringValue == "referrer" {
                        report.referrers += 1
                    } else {
                        report.referrals += 1
                    }
                    output.append(contentsOf: replaced.serialized().utf8)
                } else {
                    output.append(contentsOf: line)
                }
                output.append(0x0A)
            }
            if changed { try AtomicFile.write(output, to: journalFile) }
        }
        try eraseFromSetAsideFiles(dataDirectory: dataDirectory, email: email, target: target, placeholder: placeholder)
        if let outbox { report.emails = try deleteEmails(in: outbox, mentioning: target) }

        let entry = JSONOutput.object([("at", .string(now.iso8601)), ("referrals", .number(Double(report.referrals))),
                                       ("referrers", .number(Double(report.referrers)))]).serialized() + "\n"
        let log = logPath(dataDirectory: dataDirectory)
        let existing = FileManager.default.contents(atPath: log) ?? Data()
        try AtomicFile.write([UInt8](existing) + Array(entry.utf8), to: log)
        _ = lock
        return report
    }

    /// The object with its name and email erased, or nil when its email is not the target.
    static func redacted(_ node: JSONNode, target: String, placeholder: String) -> JSONOutput? {
        guard let members = node.members,
              let email = members.first(where: { $0.key == "email" })?.value.stringValue,
              StoreRules.normalizedEmail(email) == target
        else { return nil }
        return .object(members.map { member in
            switch member.key {
            case "email": ("email", .string(placeholder))
            case "name": ("name", .string(erasedName))
            default: (member.key, member.value.output)
            }
        })
    }

    /// Deletes the `.eml` files, waiting or sent, whose text has the address; returns how many.
    static func deleteEmails(in outbox: Outbox, mentioning target: String) throws -> Int {
        var deleted = 0
        for path in outbox.pending() + outbox.sent() {
            guard let data = FileManager.default.contents(atPath: path),
                  String(decoding: data, as: UTF8.self).lowercased().contains(target)
            else { continue }
            guard unlink(path) == 0 else {
                throw AtomicFile.Failure(description: "cannot delete \(path), an email to or about the address: \(systemMessage())")
            }
            deleted += 1
        }
        return deleted
    }

    /// Torn journal tails kept aside may hold the address too.
    static func eraseFromSetAsideFiles(dataDirectory: String, email: String, target: String, placeholder: String) throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dataDirectory)) ?? []
        for name in names where name.hasPrefix(StoreFiles.journal + ".torn-") {
            let path = Paths.join(dataDirectory, name)
            guard let text = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }),
                  text.lowercased().contains(target)
            else { continue }
            let erased = text.replacingOccurrences(of: email.trimmingWhitespace(), with: placeholder, options: .caseInsensitive)
            try AtomicFile.write(Array(erased.utf8), to: path)
        }
    }
}
