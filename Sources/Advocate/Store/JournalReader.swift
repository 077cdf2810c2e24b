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
        /// The bytes of a torn last line, when there is one.
        var tornTail: ArraySlice<UInt8>?
    }

    static func read(_ bytes: [UInt8], file: String, diagnostics: inout DiagnosticList) -> Result {
        var result = Result()
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            lineNumber += 1
            let newline = bytes[start...].firstIndex(of: 0x0A)
            let end = newline ?? bytes.count
            defer { start = end + 1 }
            var line = bytes[start..<end]
            if line.last == 0x0D { line = line.dropLast() }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
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
            }
        }
        return result
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
