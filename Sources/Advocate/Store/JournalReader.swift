import Foundation

/// Reads referrals.jsonl, the append-only journal: one JSON object a line, oldest first.
///
/// A last line with no newline that does not parse is a write torn by a crash: it is left out
/// with a warning. Any other bad line is an error naming its line and column.
enum JournalReader {
    struct Result {
        var events: [JournalEvent] = []
        /// Where each event came from, parallel to `events`.
        var lines: [Int] = []
        /// The byte offset of each event's line in the file (after a byte order mark), parallel to `events`.
        var offsets: [Int] = []
        /// The bytes of a torn last line, when there is one.
        var tornTail: [UInt8]?
        /// The ids of referral lines that were not loaded for an error: their status lines are
        /// not errors too (one mistake, one message).
        var unloadedReferralIDs: Set<String> = []
        /// The codes (lower-cased) of `referrer` lines that were not loaded for an error: their
        /// referrals are not called referrals of an unknown referrer too.
        var unloadedReferrerCodes: Set<String> = []
        /// The referral ids of `status` lines that were not loaded for an error (`"convertd"`):
        /// advice drawn from the statuses that did load (record a conversion) is not given.
        var unloadedStatusIDs: Set<String> = []
    }

    /// A run of whole lines of the journal, read by one task.
    struct Part {
        var range: Range<Int>
        /// The number of its first line in the file.
        var firstLine = 1
        /// How many lines start in it: at most that many events come out of it.
        var lineCount = 0
    }

    /// Reads the whole journal.
    static func read(_ bytes: [UInt8], file: String, diagnostics: inout DiagnosticList) -> Result {
        bytes.withUnsafeBytes { read($0, file: file, diagnostics: &diagnostics, alongside: {}).result }
    }

    /// Reads the whole journal in parts on every core, and runs `alongside` on one of them
    /// meanwhile (the loader decodes referrers.json there): a million lines is most of a large
    /// site's load. Each part decodes its events straight into its own stretch of the result,
    /// which is then closed up by moving them, so that no event is copied (a million copies and
    /// their reference counting were a second on one core at 100,000 referrers, perf).
    static func read<Alongside: Sendable>(_ bytes: UnsafeRawBufferPointer, file: String, diagnostics: inout DiagnosticList,
                                          alongside: @Sendable () -> Alongside) -> (result: Result, alongside: Alongside) {
        if let problem = shapeProblem(bytes, file: file) {
            diagnostics.error(file, problem.location, problem.message)
            return (Result(), alongside())
        }
        let shared = SharedBytes(bytes: bytes)
        let parts = partition(bytes, into: bytes.count < 1 << 20 ? 1 : 8 * ProcessInfo.processInfo.activeProcessorCount)
        var partReads: [PartRead] = []
        var besides: Alongside?
        let events = [JournalEvent](unsafeUninitializedCapacity: parts.last.map { $0.firstLine - 1 + $0.lineCount } ?? 0) { slots, count in
            let target = EventSlots(base: slots.baseAddress)
            let outcomes = parallelMap(parts.count + 1) { index -> (Alongside?, PartRead?) in
                guard index > 0 else { return (alongside(), nil) }
                let part = parts[index - 1]
                var partRead = PartRead()
                Self.read(shared.bytes, part: part, into: target.base.map { $0 + part.firstLine - 1 }, file: file, result: &partRead)
                return (nil, partRead)
            }
            besides = outcomes[0].0
            partReads = outcomes.dropFirst().compactMap(\.1)
            // Close the gaps left by lines that gave no event (blank, malformed or invalid).
            for (part, read) in zip(parts, partReads) {
                if read.events > 0, let base = slots.baseAddress, part.firstLine - 1 != count {
                    (base + count).moveInitialize(from: base + part.firstLine - 1, count: read.events)
                }
                count += read.events
            }
        }
        var result = Result(events: events)
        var malformedNamed = 0
        var malformedUnnamed: [Int] = []
        for part in partReads {
            result.lines.append(contentsOf: part.lines)
            result.offsets.append(contentsOf: part.offsets)
            result.tornTail = part.tornTail ?? result.tornTail
            result.unloadedReferralIDs.formUnion(part.unloadedReferralIDs)
            result.unloadedReferrerCodes.formUnion(part.unloadedReferrerCodes)
            result.unloadedStatusIDs.formUnion(part.unloadedStatusIDs)
            for diagnostic in part.diagnostics.all {
                if diagnostic.message.hasPrefix(malformedLine) {
                    guard malformedNamed < malformedLinesNamed else {
                        malformedUnnamed.append(diagnostic.line)
                        continue
                    }
                    malformedNamed += 1
                }
                diagnostics.append(diagnostic)
            }
        }
        if let first = malformedUnnamed.first, let last = malformedUnnamed.last {
            diagnostics.error(file, SourceLocation(line: first, column: 1),
                              "\(Formatting.grouped(Int64(malformedUnnamed.count))) more malformed lines, not named one by one (lines \(first) to \(last)); "
                              + "the journal is one JSON object a line, each on a line of its own")
        }
        return (result, besides!)
    }

    /// How many malformed lines are named each in an error: a journal of a million lines in
    /// another shape (a script gone wrong) printed a million.
    static let malformedLinesNamed = 20
    private static let malformedLine = "malformed journal line: "

    /// What is wrong with a journal that is not one JSON object a line at all: UTF-16 text, lines
    /// ending in CR alone, a JSON array, or objects pretty-printed over several lines (`jq .` without `-c`), which
    /// gave an error a line without saying why. Nil for a journal of that shape, or empty.
    static func shapeProblem(_ bytes: UnsafeRawBufferPointer, file: String) -> (location: SourceLocation, message: String)? {
        var index = bytes.starts(with: byteOrderMark) ? byteOrderMark.count : 0
        if UTF8Text.isUTF16(bytes[index...]) { return (.start, UTF8Text.utf16Problem) }
        var line = 1
        var lineStart = index
        while index < bytes.count, [0x20, 0x09, 0x0D, 0x0A].contains(bytes[index]) {
            if bytes[index] == 0x0A { line += 1; lineStart = index + 1 }
            index += 1
        }
        guard index < bytes.count else { return nil }
        let location = SourceLocation(line: line, column: index - lineStart + 1)
        let name = (file as NSString).lastPathComponent
        if let base = bytes.baseAddress, memchr(base, 0x0A, bytes.count) == nil, memchr(base, 0x0D, bytes.count) != nil {
            return (location, "the journal's lines end in a CR alone (old Mac line ends); each event is a line ending in LF: convert it with tr "
                    + "and put the result in its place (tr '\\r' '\\n' < \(name) > \(name).new && mv \(name).new \(name))")
        }
        let convert = { (filter: String) in "convert it with jq and put the result in its place (jq -c \(filter) \(name) > \(name).new && mv \(name).new \(name))" }
        if bytes[index] == UInt8(ascii: "[") {
            return (location, "the journal is a JSON array; it is one event object a line (JSON Lines): " + convert("'.[]'"))
        }
        // An object's opening brace alone on its line, with more lines after it.
        let restOfLine = bytes[(index + 1)...].prefix { $0 != 0x0A }
        if bytes[index] == UInt8(ascii: "{"), restOfLine.allSatisfy({ [0x20, 0x09, 0x0D].contains($0) }), index + 1 + restOfLine.count < bytes.count {
            return (location, "the journal's events are spread over several lines (pretty-printed); each is one JSON object on one line: " + convert("."))
        }
        return nil
    }

    /// Splits the journal into about `count` parts of whole lines, numbered (the lines are
    /// counted a part per core).
    static func partition(_ bytes: UnsafeRawBufferPointer, into count: Int) -> [Part] {
        var parts: [Part] = []
        var start = 0
        for part in 1...max(1, count) {
            var end = bytes.count
            if part < count, let newline = nextNewline(in: bytes, from: min(bytes.count, bytes.count / count * part), to: bytes.count) {
                end = newline + 1
            }
            guard end > start else { continue }
            parts.append(Part(range: start..<end))
            start = end
        }
        if parts.isEmpty { return [Part(range: 0..<0)] }
        let shared = SharedBytes(bytes: bytes)
        let newlines = parallelMap(parts.count) { [parts] index in
            var found = 0
            var position = parts[index].range.lowerBound
            while let newline = nextNewline(in: shared.bytes, from: position, to: parts[index].range.upperBound) {
                found += 1
                position = newline + 1
            }
            return found
        }
        var firstLine = 1
        for index in parts.indices {
            parts[index].firstLine = firstLine
            let range = parts[index].range
            let endsUnfinished = !range.isEmpty && bytes[range.upperBound - 1] != 0x0A
            parts[index].lineCount = newlines[index] + (endsUnfinished ? 1 : 0)
            firstLine += newlines[index]
        }
        return parts
    }

    /// The index of the first newline in `bytes[from..<to]` (memchr: the journal is scanned twice).
    private static func nextNewline(in bytes: UnsafeRawBufferPointer, from: Int, to: Int) -> Int? {
        guard from < to, let base = bytes.baseAddress, let found = memchr(base + from, 0x0A, to - from) else { return nil }
        return base.distance(to: found)
    }

    /// What one part of the journal gave, beside its events.
    private struct PartRead: Sendable {
        var events = 0
        var lines: [Int] = []
        var offsets: [Int] = []
        var tornTail: [UInt8]?
        var unloadedReferralIDs: Set<String> = []
        var unloadedReferrerCodes: Set<String> = []
        var unloadedStatusIDs: Set<String> = []
        var diagnostics = DiagnosticList()
    }

    /// Decodes the lines of `part`, which starts a line and ends after a newline or at the end of
    /// the file, into `slots` (one per line at most), counting them in `result.events`.
    private static func read(_ bytes: UnsafeRawBufferPointer, part: Part, into slots: UnsafeMutablePointer<JournalEvent>?,
                             file: String, result: inout PartRead) {
        var lineNumber = part.firstLine - 1
        var start = part.range.lowerBound
        while start < part.range.upperBound {
            lineNumber += 1
            let newline = nextNewline(in: bytes, from: start, to: part.range.upperBound)
            let end = newline ?? part.range.upperBound
            defer { start = end + 1 }
            // A byte order mark (an editor on Windows may write one) is not part of the first line.
            let lineStart = start == 0 && bytes.starts(with: byteOrderMark) ? byteOrderMark.count : start
            guard lineStart <= end, let line = content(ofLine: bytes[lineStart..<end]) else { continue }
            // Refused before it is parsed: a line of 500 MB (one long name) took 1.7 GB to read
            // only to be refused for its length.
            guard line.count <= maximumLineBytes else {
                result.diagnostics.error(file, SourceLocation(line: lineNumber, column: 1),
                                         "this line is \(Formatting.grouped(Int64(line.count))) bytes; a journal line is at most "
                                         + "\(Formatting.grouped(Int64(maximumLineBytes))) (its text fields hold \(Formatting.grouped(Int64(StoreRules.maximumStoredTextLength))) characters at most)")
                if let id = referralID(ofMalformed: line.prefix(4096)) { result.unloadedReferralIDs.insert(id) }
                continue
            }
            let node: JSONNode
            do {
                node = try JSONParser.parse(Array(line), firstLine: lineNumber)
            } catch {
                if newline == nil && error.endedEarly {
                    result.diagnostics.warning(file, error.location,
                                               "the last line is incomplete and is left out: \(error.message). A write torn by a crash ends so, and so does a line "
                                               + "typed by hand and not finished: if you typed it, finish it (with a newline after it). `advocate serve` and the "
                                               + "commands that write to the journal move it to \((file as NSString).lastPathComponent).torn-<time> before they append")
                    result.tornTail = Array(bytes[start..<end])
                } else {
                    result.diagnostics.error(file, error.location, malformedLine + error.message)
                    // Its statuses further down are this error's, not errors of their own.
                    if let id = referralID(ofMalformed: line) { result.unloadedReferralIDs.insert(id) }
                }
                continue
            }
            guard let event = decodeEvent(node, file: file, line: lineNumber, diagnostics: &result.diagnostics) else {
                if let id = text("id", ofLineOfType: "referral", node) { result.unloadedReferralIDs.insert(id) }
                if let code = text("code", ofLineOfType: "referrer", node) { result.unloadedReferrerCodes.insert(code.lowercased()) }
                if let id = text("id", ofLineOfType: "status", node) { result.unloadedStatusIDs.insert(id) }
                continue
            }
            if let slots {
                (slots + result.events).initialize(to: event)
                result.events += 1
                result.lines.append(lineNumber)
                result.offsets.append(lineStart)
            }
        }
    }

    /// The longest line read: room for every field at its longest, four bytes a character.
    static let maximumLineBytes = 256 * 1024

    /// The id of a referral line that is not valid JSON (`…"id":"rf_7",…}}`), read as the text
    /// after `"id":`, when the line names a referral and is no status line (its malformed part
    /// may be the type itself: `{"type":,"referral",…`).
    private static func referralID(ofMalformed line: some Collection<UInt8>) -> String? {
        let text = String(decoding: line, as: UTF8.self)
        guard text.contains(#""referral""#), !text.contains(#""type":"status""#), !text.contains(#""type": "status""#),
              let key = text.range(of: #""id""#) else { return nil }
        let rest = text[key.upperBound...].drop { $0 == " " }
        guard rest.first == ":" else { return nil }
        let value = rest.dropFirst().drop { $0 == " " }
        guard value.first == "\"" else { return nil }
        let id = value.dropFirst().prefix { $0 != "\"" && $0 != "\\" }
        return id.isEmpty ? nil : String(id)
    }

    /// The text field `key` of a line of `type` that did not decode, when it has one.
    private static func text(_ key: String, ofLineOfType type: String, _ node: JSONNode) -> String? {
        guard let members = node.members, members.contains(where: { $0.key == "type" && $0.value.stringValue == type }) else { return nil }
        return members.first { $0.key == key }?.value.stringValue
    }

    /// A line as the journal reads it, without a trailing CR; nil when it holds only spaces and
    /// tabs (skipped). ``AppendedReferrals`` reads new lines by the same rule.
    static func content<Line: BidirectionalCollection<UInt8>>(ofLine line: Line) -> Line.SubSequence?
    where Line.SubSequence == Line {
        let line = line.last == 0x0D ? line.dropLast() : line
        return line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) ? nil : line
    }

    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    static let referralKeys: [String] = ["type", "id", "at", "referrer", "name", "email", "source", "variant", "consent"]
    static let statusKeys: [String] = ["type", "id", "at", "status", "value", "reason"]

    static func decodeEvent(_ node: JSONNode, file: String, line: Int, diagnostics: inout DiagnosticList) -> JournalEvent? {
        guard var reader = ObjectReader(node, file: file, context: "line \(line)", diagnostics: &diagnostics) else { return nil }
        defer { diagnostics.append(contentsOf: reader.diagnostics.all) }
        guard let type = reader.string("type", required: true, maxLength: 32, what: "referral, status or referrer") else { return nil }
        switch type {
        case "referral":
            reader.warnAboutUnknownKeys(allowed: referralKeys)
            let id = reader.identifier("id")
            let at = reader.instant("at", required: true)
            let referrer = reader.string("referrer", required: true, maxLength: 200)
            let name = reader.string("name", required: true, maxLength: StoreRules.maximumStoredTextLength)
            let email = reader.string("email", required: true, maxLength: StoreRules.maximumStoredTextLength)
            let source = reader.choice("source", required: false, of: ReferralSource.self) ?? .link
            // Kept as the store gave it, like names and emails (DESIGN.md gives the journal's
            // variant no shape; the endpoint records only messaging variant names).
            let variant = reader.string("variant", required: false, maxLength: StoreRules.maximumIdLength).flatMap { $0.isBlank ? nil : $0 }
            let consent = reader.bool("consent", required: false)
            guard let id, let at, let referrer, let name, let email else { return nil }
            return .referral(Referral(id: id, at: at, referrer: referrer, name: name, email: email, source: source,
                                      variant: variant, consent: consent))
        case "status":
            reader.warnAboutUnknownKeys(allowed: statusKeys)
            let id = reader.identifier("id")
            let at = reader.instant("at", required: true)
            let status = reader.choice("status", required: true, of: ReferralStatus.self)
            let value = reader.number("value", required: false)
            let reason = reader.string("reason", required: false, maxLength: StoreRules.maximumReasonLength)
            guard let id, let at, let status else { return nil }
            return .status(StatusChange(id: id, at: at, status: status, value: value, reason: reason))
        case "referrer":
            reader.warnAboutUnknownKeys(allowed: ReferrerDecoder.eventKeys)
            let at = reader.instant("at", required: true)
            guard let referrer = ReferrerDecoder.decode(&reader, joined: at?.day), let at else { return nil }
            return .referrer(referrer, at: at)
        default:
            reader.error("type", "unknown event type \"\(type)\" (expected referral, status or referrer)")
            return nil
        }
    }
}

/// The journal's bytes, shared read-only by the tasks that read it for the duration of the read.
private struct SharedBytes: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
}

/// Where the tasks decode events: each initializes only the slots of its own part.
private struct EventSlots: @unchecked Sendable {
    let base: UnsafeMutablePointer<JournalEvent>?
}
