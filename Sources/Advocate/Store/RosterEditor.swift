import Foundation

/// Adds referrers to referrers.json, rewriting it atomically and keeping its formatting.
public enum RosterEditor {
    /// Why a referrer could not be added.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Validates and appends a new referrer to the store in `dataDirectory`; returns it. The
    /// store must load cleanly: it is read once the store's lock is held, by `readStore` when
    /// given (the CLI's, which reports the store's problems itself), else by ``StoreLoader``.
    public static func add(name: String, email: String, code: String?, segment: Segment, joined: CalendarDay?,
                           dataDirectory: String, today: CalendarDay = Instant.now.day, warn: (String) -> Void = { _ in },
                           readStore: (() throws -> Store)? = nil) throws -> Referrer {
        guard StoreRules.isAcceptableNewName(name) else {
            throw Refusal(description: "--name must be " + StoreRules.newNameRequirement)
        }
        // As the join form refuses one: the name goes on their public page and into friends' emails.
        guard !WebAddressInName.isFound(in: name) else {
            throw Refusal(description: "--name \"\(name)\" holds a web or email address; give the person's name")
        }
        if let joined, today < joined {
            throw Refusal(description: "--joined \(joined.iso8601) is after today (\(today.iso8601)): a future day would move the figures' as-of there")
        }
        if let joined, !StoreRules.journalTimes.contains(joined.start) {
            // The loader's own rule (``ReferrerDecoder``): written anyway, it would stop every command.
            throw Refusal(description: "--joined \(joined.iso8601) is \(StoreRules.journalTimesRequirement)")
        }
        guard StoreRules.isPlausibleEmail(email) else {
            throw Refusal(description: "--email \"\(email)\" does not look like an email address")
        }
        guard StoreRules.hasDeliverableLocalPart(email) else {
            throw Refusal(description: "--email \"\(email)\": \(StoreRules.deliverableLocalPartRequirement)")
        }
        // The store's one writer at a time: while `advocate serve` runs, a code added here could
        // also be given to someone joining through the form, and the store would no longer load.
        let lock: JournalWriter
        do {
            lock = try JournalWriter(dataDirectory: dataDirectory)
        } catch {
            throw Refusal(description: error.description + (error.isLockHeld ? " (while `advocate serve` runs, people join through its join form)" : ""))
        }
        defer { lock.close() }
        if let notice = lock.tornTailNotice { warn(notice) }
        // The roster as it is under the lock: two `referrers add` at once had both given out
        // one code, each checking a copy read before the other wrote.
        let roster: [Referrer]
        if let readStore {
            roster = try readStore().referrers
        } else {
            do {
                roster = try StoreLoader.load(from: dataDirectory).store.referrers
            } catch {
                throw Refusal(description: "\(error)")
            }
        }
        let normalized = StoreRules.normalizedEmail(email)
        if let existing = roster.first(where: { StoreRules.normalizedEmail($0.email) == normalized }) {
            throw Refusal(description: "\(email) is already a referrer, with the code \"\(existing.code)\"")
        }
        let taken = Set(roster.map(\.code))
        let chosen: String
        if let code {
            guard StoreRules.isValidCode(code) else {
                throw Refusal(description: "--code \"\(code)\" must be 2 to 40 characters of a-z, 0-9 and '-'")
            }
            guard !taken.contains(code) else { throw Refusal(description: "the code \"\(code)\" is already taken") }
            chosen = code
        } else {
            chosen = Tokens.readableCode(for: name, taken: taken)
        }
        let referrer = Referrer(code: chosen, name: name.trimmingWhitespace(), email: email.trimmingWhitespace(), joined: joined,
                                segment: segment, statsToken: Tokens.statsToken(), leaderboard: false,
                                origin: Origin(file: Paths.join(dataDirectory, StoreFiles.referrers), location: .start))
        try append(referrer, file: referrer.origin.file)
        return referrer
    }

    static func json(_ referrer: Referrer) -> String {
        var members: [(String, JSONOutput)] = [("code", .string(referrer.code)), ("name", .string(referrer.name)),
                                               ("email", .string(referrer.email))]
        if let joined = referrer.joined { members.append(("joined", .string(joined.iso8601))) }
        members.append(("segment", .string(referrer.segment.rawValue)))
        members.append(("statsToken", .string(referrer.statsToken)))
        return JSONOutput.object(members).serialized().replacingOccurrences(of: "\",\"", with: "\", \"")
    }

    /// Inserts the object before the array's closing bracket, so the rest of the file is untouched.
    static func append(_ referrer: Referrer, file: String) throws {
        let entry = json(referrer)
        var text = FileManager.default.contents(atPath: file).map { String(decoding: $0, as: UTF8.self) } ?? "[]\n"
        guard let close = text.lastIndex(of: "]") else {
            throw Refusal(description: "\(file) is not a JSON array; fix it first (advocate check)")
        }
        let before = text[..<close]
        let isEmpty = before.drop { $0 != "[" }.dropFirst().allSatisfy(\.isWhitespace)
        var head = String(before)
        while head.last?.isWhitespace == true { head.removeLast() }
        // A file written on Windows keeps its CRLF line ends.
        let newline = text.contains("\r\n") ? "\r\n" : "\n"
        text = head + (isEmpty ? "" : ",") + newline + "  " + entry + newline + text[close...]
        try AtomicFile.write(Array(text.utf8), to: file, followingLinks: true)
    }
}
