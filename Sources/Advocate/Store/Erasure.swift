import Foundation

/// `advocate forget EMAIL`: erases a person's name and email from the store, as data-protection
/// law requires, while every figure stays the same.
///
/// Every occurrence of the email (as a referrer, or as a referred friend) is replaced by one
/// random placeholder address, so the comparisons the figures rest on (first referral wins,
/// self-referral) come out exactly as before; names become "Erased". The journal and
/// referrers.json are rewritten whole and atomically under the store's lock, and a line in
/// `erasures.log` records that an erasure happened, never whom it concerned. Emails in the
/// outbox (waiting, kept in `sent/` or given up on in `failed/`) addressed to the person, naming
/// their address or about one of their referrals are deleted, and so are torn journal lines set
/// aside that name them, before the store's files are replaced together (``AtomicFile/replaceTogether(_:)``).
/// referrers.json keeps its formatting: only the values change.
public enum Erasure {
    public struct Report: Sendable, Equatable {
        public var referrals: Int
        public var referrers: Int
        /// Emails deleted from the outbox and its `sent/` and `failed/` folders.
        public var emails = 0
        /// Torn journal lines set aside (`referrals.jsonl.torn-…`) that named the person, deleted.
        public var setAsideLines = 0

        /// False when no referrer or referral had the email: nothing in the site changed.
        public var erasedAnything: Bool { referrals + referrers > 0 }
    }

    public static let erasedName = "Erased"
    /// The domain of the placeholder addresses (`erased-…@erased.invalid`; .invalid is reserved
    /// by RFC 2606, so no mail goes anywhere).
    static let placeholderDomain = "erased.invalid"
    private static let placeholderSuffix = "@" + placeholderDomain

    /// Whether `email` is an erased person's placeholder.
    public static func isPlaceholder(_ email: String) -> Bool {
        email.hasSuffix(placeholderSuffix)
    }
    public static let logFile = "erasures.log"

    /// Where the log of erasures is, in the store's folder.
    public static func logPath(dataDirectory: String) -> String { Paths.join(dataDirectory, logFile) }

    public static func forget(email: String, dataDirectory: String, outbox: Outbox? = nil, now: Instant,
                              warn: (String) -> Void = { _ in }) throws -> Report {
        let target = StoreRules.normalizedEmail(email)
        guard !target.isEmpty else { throw JournalWriter.Failure(description: "give the email address to forget") }
        let lock = try JournalWriter(dataDirectory: dataDirectory)
        if let notice = lock.tornTailNotice { warn(notice) }
        _ = try StoreLoader.load(from: dataDirectory)
        // The log of erasures is appended to by rewriting it: read it before anything is erased,
        // so that a log behind a link to nowhere or unreadable is not replaced by this entry alone.
        let log = logPath(dataDirectory: dataDirectory)
        let existingLog: Data
        if isMissing(log) {
            existingLog = Data()
        } else if let data = FileManager.default.contents(atPath: log) {
            existingLog = data
        } else {
            let problem = brokenLinkProblem(log, kind: "file")
                ?? (fileType(log) == S_IFDIR ? "is a folder, where the log of erasures goes; move it aside"
                                             : "cannot read the log of erasures (check its permissions)")
            throw JournalWriter.Failure(description: "\(log): \(problem); nothing was erased")
        }
        let placeholder = "erased-\(Tokens.statsToken().prefix(16).lowercased())@\(placeholderDomain)"
        var report = Report(referrals: 0, referrers: 0)

        var erased = Erased()
        // Every file is made first and replaced together at the end: a full disk or a file that
        // cannot be replaced leaves the store as it was, not erased in one file and not the other.
        var replaced: [(path: String, bytes: [UInt8])] = []
        let referrersFile = Paths.join(dataDirectory, StoreFiles.referrers)
        if let data = FileManager.default.contents(atPath: referrersFile) {
            let bytes = [UInt8](data)
            let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            if let elements = try JSONParser.parse(Array(bytes[bom...])).elements {
                let matching = elements.filter { redacted($0, target: target, placeholder: placeholder) != nil }
                if !matching.isEmpty {
                    report.referrers += matching.count
                    erased.note(matching)
                    replaced.append((referrersFile, replacingValues(of: matching, in: bytes, skipping: bom, placeholder: placeholder)))
                }
            }
        }

        let journalFile = lock.path
        if let data = FileManager.default.contents(atPath: journalFile) {
            var output: [UInt8] = []
            output.reserveCapacity(data.count)
            var changed = false
            var referralsByCode: [(id: String, code: String)] = []
            for line in data.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast(data.last == 0x0A ? 1 : 0) {
                let parsed = try? JSONParser.parse([UInt8](line))
                if let referral = parsed.flatMap(Erased.referralAndCode) { referralsByCode.append(referral) }
                if let node = parsed, let replaced = redacted(node, target: target, placeholder: placeholder) {
                    changed = true
                    if node.members?.first(where: { $0.key == "type" })?.value.stringValue == "referrer" {
                        report.referrers += 1
                    } else {
                        report.referrals += 1
                    }
                    erased.note([node])
                    output.append(contentsOf: replaced.serialized().utf8)
                } else {
                    output.append(contentsOf: line)
                }
                output.append(0x0A)
            }
            if changed { replaced.append((journalFile, output)) }
            // An erased referrer's referrals: the friends' emails about them name the referrer.
            erased.referralIDs.formUnion(referralsByCode.filter { erased.codes.contains($0.code) }.map(\.id))
        }
        // What names the person outside the store goes before the store changes: when it cannot,
        // the person is still in the store, and the same command again finds everything.
        do {
            report.setAsideLines = try removeSetAsideLines(dataDirectory: dataDirectory, naming: erased, target: target)
            if let outbox { report.emails = try deleteEmails(in: outbox, about: erased, target: target) }
        } catch {
            throw AtomicFile.Failure(description: "\(error); the store was not changed, run the same command again once that is mended")
        }

        let entry = JSONOutput.object([("at", .string(now.iso8601)), ("referrals", .number(Double(report.referrals))),
                                       ("referrers", .number(Double(report.referrers)))]).serialized() + "\n"
        replaced.append((log, [UInt8](existingLog) + Array(entry.utf8)))
        do {
            try AtomicFile.replaceTogether(replaced)
        } catch {
            let deleted = report.emails + report.setAsideLines
            throw AtomicFile.Failure(description: "\(error); " + (deleted == 0 ? "nothing was erased"
                : "the store was not changed (\(deleted) email\(deleted == 1 ? "" : "s") or set-aside line\(deleted == 1 ? "" : "s") naming the person were deleted); run the same command again once that is mended"))
        }
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

    /// What the erased records held: their names, the ids of the referrals among them, and the
    /// codes of the referrers among them.
    struct Erased {
        var names: Set<String> = []
        var referralIDs: Set<String> = []
        var codes: Set<String> = []

        mutating func note(_ records: [JSONNode]) {
            for record in records {
                guard let members = record.members else { continue }
                if let name = members.first(where: { $0.key == "name" })?.value.stringValue?.trimmingWhitespace(), !name.isEmpty {
                    names.insert(name.lowercased())
                }
                if let (id, _) = Self.referralAndCode(record) {
                    referralIDs.insert(id)
                } else if let code = members.first(where: { $0.key == "code" })?.value.stringValue {
                    codes.insert(code)
                }
            }
        }

        /// A referral event's id and its referrer's code.
        static func referralAndCode(_ record: JSONNode) -> (id: String, code: String)? {
            guard let members = record.members, members.first(where: { $0.key == "type" })?.value.stringValue == "referral",
                  let id = members.first(where: { $0.key == "id" })?.value.stringValue,
                  let code = members.first(where: { $0.key == "referrer" })?.value.stringValue else { return nil }
            return (id, code)
        }

        /// Whether `text` has the address, its part up to the `@` (a line torn inside it), or a
        /// name that was erased.
        func isNamed(in text: String, target: String) -> Bool {
            let lowered = text.lowercased()
            let local = target.prefix { $0 != "@" } + "@"
            return lowered.contains(target) || lowered.contains(local) || names.contains { lowered.contains($0) }
        }
    }

    /// `bytes` (a JSON array, after `skipping` bytes of BOM) with the name and email of each of
    /// `records` replaced where they stand, so that the rest of the file keeps its formatting.
    static func replacingValues(of records: [JSONNode], in bytes: [UInt8], skipping skipped: Int, placeholder: String) -> [UInt8] {
        var lineStarts = [skipped]
        for index in skipped..<bytes.count where bytes[index] == 0x0A { lineStarts.append(index + 1) }
        var replacements: [(range: Range<Int>, text: String)] = []
        for member in records.flatMap({ $0.members ?? [] }) where ["name", "email"].contains(member.key) {
            let start = SourceLocation.byteIndex(ofColumn: member.value.location.column, lineStart: lineStarts[member.value.location.line - 1], in: bytes)
            guard start < bytes.count, bytes[start] == UInt8(ascii: "\"") else { continue }
            var end = start + 1
            while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
            replacements.append((start..<min(end + 1, bytes.count), JSONOutput.string(member.key == "email" ? placeholder : erasedName).serialized()))
        }
        var output = bytes
        for replacement in replacements.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            output.replaceSubrange(replacement.range, with: Array(replacement.text.utf8))
        }
        return output
    }

    /// Deletes the `.eml` files, waiting, sent or given up on, to or about the person: with the
    /// address in them, or about one of their referrals (the referrer's "your friend joined" and
    /// status notes name the friend, not the address); returns how many.
    static func deleteEmails(in outbox: Outbox, about erased: Erased, target: String) throws -> Int {
        var deleted = 0
        for path in outbox.pending() + outbox.sent() + outbox.failed() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            guard text.lowercased().contains(target) || erased.referralIDs.contains(where: { Self.isAbout($0, text) }) else { continue }
            guard unlink(path) == 0 else {
                throw AtomicFile.Failure(description: "cannot delete \(path), an email to or about the address: \(systemMessage())")
            }
            deleted += 1
        }
        return deleted
    }

    /// Whether an email's text is about the referral `id`: its Message-ID is the id as the
    /// message writes it (escaped), then the email's role. Not by prefix: forgetting `rf_p` had
    /// deleted an email about `rf_p.x`.
    static func isAbout(_ id: String, _ text: String) -> Bool {
        let start = "Message-ID: <\(EmailMessage.messageIDPart(id))."
        let roles = ["friend@", "referrer@"] + ReferralStatus.allCases.map { "\($0.rawValue)." }
        return roles.contains { text.contains(start + $0) }
    }

    /// Torn journal lines set aside (a crash's half-written line, never taken into the journal)
    /// that name the person are deleted: a line torn inside the address no longer holds it whole.
    /// Returns how many it deleted.
    static func removeSetAsideLines(dataDirectory: String, naming erased: Erased, target: String) throws -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dataDirectory)) ?? []
        var deleted = 0
        for name in names where name.hasPrefix(StoreFiles.journal + ".torn-") {
            let path = Paths.join(dataDirectory, name)
            guard let data = FileManager.default.contents(atPath: path), erased.isNamed(in: String(decoding: data, as: UTF8.self), target: target) else { continue }
            guard unlink(path) == 0 else {
                throw AtomicFile.Failure(description: "cannot delete \(path), a torn journal line naming the person: \(systemMessage())")
            }
            deleted += 1
        }
        return deleted
    }
}

extension Referrer {
    /// Whether `advocate forget` erased this referrer: their code stays, as the address of
    /// pages already shared, but no page names them and no referral goes to them.
    public var isErased: Bool { Erasure.isPlaceholder(email) }
}
