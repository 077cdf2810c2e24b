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
        /// The byte offset of each event's line in the file, parallel to `events`.
        var offsets: [Int] = []
        /// The bytes of a torn last line, when there is one.
        var tornTail: ArraySlice<UInt8>?
    }

    /// Reads the whole journal, a part per core: a million lines is most of a large site's load.
    static func read(_ bytes: [UInt8], file: String, diagnostics: inout DiagnosticList) -> Result {
        let parts = partition(bytes, into: bytes.count < 1 << 20 ? 1 : ProcessInfo.processInfo.activeProcessorCount)
        let results = parallelMap(parts.count) { index in
            var diagnostics = DiagnosticList()
            let result = read(bytes, part: parts[index].range, firstLine: parts[index].firstLine, file: file, diagnostics: &diagnostics)
            return (result, diagnostics)
        }
        var result = Result()
        for (part, partDiagnostics) in results {
            result.events.append(contentsOf: part.events)
            result.lines.append(contentsOf: part.lines)
            result.offsets.append(contentsOf: part.offsets)
            result.tornTail = part.tornTail ?? result.tornTail
            diagnostics.append(contentsOf: partDiagnostics.all)
        }
        return result
    }

    /// Splits the journal into about `count` parts of whole lines, each with the number of its first line.
    static func partition(_ bytes: [UInt8], into count: Int) -> [(range: Range<Int>, firstLine: Int)] {
        var parts: [(range: Range<Int>, firstLine: Int)] = []
        var start = 0
        var firstLine = 1
        for part in 1...max(1, count) {
            var end = bytes.count
            if part < count, let newline = bytes[min(bytes.count, bytes.count / count * part)...].firstIndex(of: 0x0A) {
                end = newline + 1
            }
            guard end > start else { continue }
            parts.append((start..<end, firstLine))
            firstLine += bytes[start..<end].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            start = end
        }
        return parts.isEmpty ? [(0..<0, 1)] : parts
    }

    /// Reads the lines in `part`, which starts a line and ends after a newline or at the end of the file.
    private static func read(_ bytes: [UInt8], part: Range<Int>, firstLine: Int, file: String,
                             diagnostics: inout DiagnosticList) -> Result {
        var result = Result()
        var lineNumber = firstLine - 1
        var start = part.lowerBound
        while start < part.upperBound {
            lineNumber += 1
            let newline = bytes[start..<part.upperBound].firstIndex(of: 0x0A)
            let end = newline ?? part.upperBound
            defer { start = end + 1 }
            guard let line = content(ofLine: bytes[start..<end]) else { continue }
            let node: JSONNode
            do {
                node = try JSONParser.parse(Array(line), firstLine: lineNumber)
            } catch {
                if newline == nil {
                    diagnostics.warning(file, SourceLocation(line: lineNumber, column: 1),
                                        "the last line is incomplete (a write torn by a crash?) and is ignored: \(error.message)")
                    result.tornTail = bytes[start..<end]
                } else {
                    diagnostics.error(file, error.location, "malformed journal line: \(error.message)")
                }
                continue
            }
            if let event = decodeEvent(node, file: file, line: lineNumber, diagnostics: &diagnostics) {
                result.events.append(event)
                result.lines.append(lineNumber)
                result.offsets.append(start)
            }
        }
        return result
    }

    /// A line as the journal reads it, without a trailing CR; nil when it holds only spaces and
    /// tabs (skipped). ``AppendedReferrals`` reads new lines by the same rule.
    static func content(ofLine line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let line = line.last == 0x0D ? line.dropLast() : line
        return line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) ? nil : line
    }

    static let referralKeys: Set<String> = ["type", "id", "at", "referrer", "name", "email", "source", "variant", "consent"]
    static let statusKeys: Set<String> = ["type", "id", "at", "status", "value", "reason"]

    static func decodeEvent(_ node: JSONNode, file: String, line: Int, diagnostics: inout DiagnosticList) -> JournalEvent? {
        guard var reader = ObjectReader(node, file: file, context: "line \(line)", diagnostics: &diagnostics) else { return nil }
        defer { diagnostics.append(contentsOf: reader.diagnostics.all) }
        guard let type = reader.string("type", required: true, maxLength: 32, what: "referral, status or referrer") else { return nil }
        switch type {
        case "referral":
            reader.warnAboutUnknownKeys(allowed: referralKeys)
            let id = reader.string("id", required: true, maxLength: StoreRules.maximumIdLength)
            let at = reader.instant("at", required: true)
            let referrer = reader.string("referrer", required: true, maxLength: 200)
            let name = reader.string("name", required: true, maxLength: StoreRules.maximumNameLength)
            let email = reader.string("email", required: true, maxLength: StoreRules.maximumEmailLength)
            let source = reader.choice("source", required: false, of: ReferralSource.self) ?? .link
            let variant = reader.string("variant", required: false, maxLength: StoreRules.maximumVariantLength)
            if let variant, !StoreRules.isValidVariant(variant) {
                reader.error("variant", "variant \"\(variant)\" must be letters a-z, digits or '-'")
            }
            let consent = reader.bool("consent", required: false)
            guard let id, let at, let referrer, let name, let email else { return nil }
            return .referral(Referral(id: id, at: at, referrer: referrer, name: name, email: email, source: source,
                                      variant: variant.flatMap { StoreRules.isValidVariant($0) ? $0 : nil }, consent: consent))
        case "status":
            reader.warnAboutUnknownKeys(allowed: statusKeys)
            let id = reader.string("id", required: true, maxLength: StoreRules.maximumIdLength)
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
