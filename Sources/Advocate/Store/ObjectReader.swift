import Foundation

/// Reads the fields of one JSON object of the store, reporting each problem with its file,
/// line, column and field name, and going on so that every problem is reported at once.
struct ObjectReader {
    let file: String
    let context: String
    let node: JSONNode
    /// The object's members in source order; looked up linearly, which beats hashing for the
    /// handful of fields a store object has (objects with many keys get an index).
    private let memberList: [JSONNode.Member]
    private let index: [String: Int]?
    private(set) var diagnostics = DiagnosticList()

    /// Nil, with a diagnostic, when `node` is not an object.
    init?(_ node: JSONNode, file: String, context: String, diagnostics: inout DiagnosticList) {
        guard let list = node.members else {
            diagnostics.error(file, node.location, "\(context) must be an object, found \(node.kindName)")
            return nil
        }
        self.file = file
        self.context = context
        self.node = node
        // Nearly every object has each key once: it is read as it is, without a copy (a journal
        // line's members were copied for every line).
        if list.count <= 16 && !list.indices.contains(where: { index in list[..<index].contains { $0.key == list[index].key } }) {
            memberList = list
            self.index = nil
            return
        }
        var unique: [JSONNode.Member] = []
        unique.reserveCapacity(list.count)
        // Where each repeated key was first written: the member kept is the last one.
        var firstPlace: [String: SourceLocation] = [:]
        // Hashing every key of every journal line cost more than comparing a handful of keys.
        var seen: [String: Int]? = list.count > 16 ? [:] : nil
        for member in list {
            let earlier = if let seen { seen[member.key] } else { unique.firstIndex { $0.key == member.key } }
            if let earlier {
                let first = firstPlace[member.key] ?? unique[earlier].keyLocation
                firstPlace[member.key] = first
                diagnostics.error(file, member.keyLocation,
                                  "\(context): field '\(member.key)' appears twice (first at line \(first.line)"
                                  + (first.line == member.keyLocation.line ? ", column \(first.column))" : ")") + "; the last is the one read")
                unique[earlier] = member
            } else {
                seen?[member.key] = unique.count
                unique.append(member)
            }
        }
        self.memberList = unique
        self.index = seen
    }

    /// Just after the member the readers below found last: fields are mostly read in the order
    /// they are written, so the next one is usually there (a journal line's nine lookups made
    /// 40 key comparisons from the start).
    private var cursor = 0

    /// Where the member named `key` is, searching from `start` round to it.
    private func position(of key: String, from start: Int) -> Int? {
        if let index { return index[key] }
        var position = start
        for _ in 0..<memberList.count {
            if position >= memberList.count { position = 0 }
            if memberList[position].key == key { return position }
            position += 1
        }
        return nil
    }

    private subscript(key: String) -> JSONNode.Member? {
        position(of: key, from: 0).map { memberList[$0] }
    }

    /// The member named `key`, searched from the cursor on (and the cursor moved past it).
    private mutating func member(_ key: String) -> JSONNode.Member? {
        guard let found = position(of: key, from: cursor) else { return nil }
        cursor = found + 1
        return memberList[found]
    }

    func has(_ key: String) -> Bool { self[key] != nil }

    /// Whether `key` is given a value other than null.
    func hasValue(_ key: String) -> Bool { self[key].map { !$0.value.isNull } ?? false }

    /// A field's string value as written, without any check.
    func rawString(_ key: String) -> String? { self[key]?.value.stringValue }

    func location(of key: String) -> SourceLocation {
        self[key]?.value.location ?? node.location
    }

    /// Warns about keys that nothing reads: usually a typo of a real field, an error when it is
    /// a near miss of a field the object lacks (its default would silently take the value's
    /// place). `allowed` is a list,
    /// not a set: every journal line is checked, and comparing its few keys with a handful of
    /// short names is cheaper than hashing them (half a second of CPU at a million lines, perf).
    mutating func warnAboutUnknownKeys(allowed: [String]) {
        // One pass: a journal's every line comes through here.
        var named = 0, more = 0
        var firstUnnamed: SourceLocation?
        for member in memberList where !allowed.contains(member.key) {
            if let meant = UnknownKey.closest(to: member.key, among: allowed), !memberList.contains(where: { $0.key == meant }) {
                // A near miss of a field the object lacks ("bonsu" with no "bonus"): the value
                // meant would be dropped and a default used in its place (a bonus of 0), so an error.
                diagnostics.error(file, member.keyLocation, "\(context): unknown field '\(member.key)': did you mean '\(meant)'? "
                                  + "As written, '\(meant)' is not set; correct the name")
            } else if named < Self.unknownKeysNamed {
                diagnostics.warning(file, member.keyLocation, "\(context): " + UnknownKey.warning(member.key, allowed: allowed))
                named += 1
            } else {
                if firstUnnamed == nil { firstUnnamed = member.keyLocation }
                more += 1
            }
        }
        if let firstUnnamed {
            diagnostics.warning(file, firstUnnamed, "\(context): \(Formatting.grouped(Int64(more))) more unknown fields, not named one by one")
        }
    }

    /// The unknown fields of one object named each in a warning: a file of a million (a script
    /// gone wrong) printed a million lines.
    static let unknownKeysNamed = 20

    private mutating func missing(_ key: String, _ what: String) {
        diagnostics.error(file, node.location, "\(context): missing required field '\(key)' (\(what))")
    }

    private mutating func wrongType(_ key: String, _ value: JSONNode, _ expected: String) {
        diagnostics.error(file, value.location, "\(context): field '\(key)' must be \(expected), found \(value.kindName)")
    }

    /// A string field that pages show as text (a program's, a reward's, a tier's name): as
    /// ``string(_:required:maxLength:what:)``, and an error for a control character (U+000B,
    /// say, which text pasted from a word processor carries), which no page can show.
    mutating func displayText(_ key: String, required: Bool, maxLength: Int) -> String? {
        withoutControls(key, string(key, required: required, maxLength: maxLength), advice: "remove it (pasted from a word processor?)")
    }

    /// A journal event's id: as ``string(_:required:maxLength:what:)``, one line without control
    /// characters, since an id goes into an email's Message-ID header and the CLI's output.
    mutating func identifier(_ key: String) -> String? {
        withoutControls(key, string(key, required: true, maxLength: StoreRules.maximumIdLength), advice: "an id is one line of plain text")
    }

    private mutating func withoutControls(_ key: String, _ text: String?, advice: String) -> String? {
        guard let text else { return nil }
        if let control = StoreRules.firstControlCharacter(in: text) {
            error(key, "field '\(key)' contains the control character \(String(format: "U+%04X", control.value)); \(advice)")
            return nil
        }
        return text
    }

    /// A string field; empty strings count as missing when required.
    mutating func string(_ key: String, required: Bool, maxLength: Int, what: String = "text") -> String? {
        guard let member = member(key), !member.value.isNull else {
            if required { missing(key, what) }
            return nil
        }
        guard let string = member.value.stringValue else {
            wrongType(key, member.value, "a string")
            return nil
        }
        if required && string.isBlank {
            diagnostics.error(file, member.value.location, "\(context): field '\(key)' must not be empty")
            return nil
        }
        // A string has no more characters than bytes: counting characters (grapheme breaking)
        // is needed only for a long one.
        if string.utf8.count > maxLength, string.count > maxLength {
            diagnostics.error(file, member.value.location,
                              "\(context): field '\(key)' is \(string.count) characters long; the limit is \(maxLength)")
            return nil
        }
        if Self.containsNUL(string) {
            diagnostics.error(file, member.value.location, "\(context): field '\(key)' contains a NUL character")
            return nil
        }
        return string
    }

    /// Whether `string` has a NUL (memchr over its bytes: every string of the journal is checked).
    private static func containsNUL(_ string: String) -> Bool {
        string.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.count > 0 && memchr(bytes.baseAddress!, 0, bytes.count) != nil
        } ?? string.utf8.contains(0)
    }

    /// The largest number a field may hold: a billion units of any currency, day count or order
    /// value, so that sums over a million journal lines stay exact to the hundredth (and fit the
    /// pages' whole-hundredths arithmetic).
    static let largestNumber = 1e9

    mutating func number(_ key: String, required: Bool, minimum: Double = 0) -> Double? {
        guard let member = member(key), !member.value.isNull else {
            if required { missing(key, "a number") }
            return nil
        }
        guard let number = member.value.numberValue else {
            wrongType(key, member.value, "a number")
            return nil
        }
        if number < minimum {
            diagnostics.error(file, member.value.location, "\(context): field '\(key)' must be at least \(JSONOutput.format(minimum)), found \(JSONOutput.format(number))")
            return nil
        }
        if number > Self.largestNumber {
            diagnostics.error(file, member.value.location, "\(context): field '\(key)' must be at most 1,000,000,000, found \(JSONOutput.format(number))")
            return nil
        }
        return number
    }

    /// An amount of money in `currency`: a number, with a warning when it is finer than the
    /// currency's smallest unit, which every figure and page rounds away (three rewards of 12.345
    /// dollars earn 37.04, not 3 × 12.35).
    mutating func money(_ key: String, required: Bool, currency: String) -> Double? {
        guard let amount = number(key, required: required) else { return nil }
        let decimals = Money.decimals(of: currency)
        let rounded = Money.rounded(amount, decimals: decimals)
        if abs(rounded - amount) > 1e-9 * max(1, abs(amount)), let member = member(key) {
            let unit = decimals == 0 ? "1" : "0." + String(repeating: "0", count: decimals - 1) + "1"
            diagnostics.warning(file, member.value.location,
                                "\(context): field '\(key)' is \(JSONOutput.format(amount)), finer than \(unit) \(currency), the currency's smallest unit: each figure is rounded to it once summed, so several rewards do not add up to the rounded one shown; write \(JSONOutput.format(rounded))")
        }
        return amount
    }

    mutating func integer(_ key: String, required: Bool, minimum: Int = 0) -> Int? {
        guard let number = number(key, required: required, minimum: Double(minimum)) else { return nil }
        guard number == number.rounded() else {
            diagnostics.error(file, location(of: key), "\(context): field '\(key)' must be a whole number, found \(JSONOutput.format(number))")
            return nil
        }
        return Int(number)
    }

    mutating func bool(_ key: String, required: Bool) -> Bool? {
        guard let member = member(key), !member.value.isNull else {
            if required { missing(key, "true or false") }
            return nil
        }
        guard let bool = member.value.boolValue else {
            wrongType(key, member.value, "true or false")
            return nil
        }
        return bool
    }

    mutating func object(_ key: String, required: Bool) -> ObjectReader? {
        guard let member = member(key), !member.value.isNull else {
            if required { missing(key, "an object") }
            return nil
        }
        var nested = DiagnosticList()
        let reader = ObjectReader(member.value, file: file, context: "\(context).\(key)", diagnostics: &nested)
        diagnostics.append(contentsOf: nested.all)
        return reader
    }

    mutating func array(_ key: String, required: Bool) -> [JSONNode]? {
        guard let member = member(key), !member.value.isNull else {
            if required { missing(key, "an array") }
            return nil
        }
        guard let elements = member.value.elements else {
            wrongType(key, member.value, "an array")
            return nil
        }
        return elements
    }

    mutating func instant(_ key: String, required: Bool) -> Instant? {
        guard let text = string(key, required: required, maxLength: 64, what: "an ISO 8601 date-time such as 2026-03-01T09:30:00Z") else { return nil }
        guard let instant = Instant(iso8601: text) else {
            diagnostics.error(file, location(of: key), "\(context): field '\(key)' is not an ISO 8601 date-time with its time zone, found \"\(text)\"\(Instant.nearMiss(ofISO8601: text).map { " (\($0))" } ?? ""); write it like 2026-03-01T09:30:00Z (UTC) or 2026-03-01T10:30:00+01:00")
            return nil
        }
        guard StoreRules.journalTimes.contains(instant) else {
            diagnostics.error(file, location(of: key), "\(context): field '\(key)' is \(instant.iso8601), \(StoreRules.journalTimesRequirement)")
            return nil
        }
        return instant
    }

    mutating func day(_ key: String, required: Bool) -> CalendarDay? {
        guard let text = string(key, required: required, maxLength: 32, what: "a date such as 2026-01-04") else { return nil }
        // An optional day left empty (a blank column of an export) is as if it were absent.
        if text.isEmpty && !required { return nil }
        guard let day = CalendarDay(text) else {
            diagnostics.error(file, location(of: key), "\(context): field '\(key)' is not a date YYYY-MM-DD, found \(CalendarDay.quoted(text))")
            return nil
        }
        return day
    }

    /// A string that must be one of an enumeration's raw values.
    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, required: Bool, of type: T.Type) -> T? where T.RawValue == String {
        guard let text = string(key, required: required, maxLength: 64) else { return nil }
        // An optional choice left empty (a blank column of an export) is as if it were absent.
        if text.isEmpty && !required { return nil }
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            diagnostics.error(file, location(of: key), "\(context): field '\(key)' must be one of \(allowed), found \"\(text)\"")
            return nil
        }
        return value
    }

    mutating func append(_ other: DiagnosticList) {
        diagnostics.append(contentsOf: other.all)
    }

    mutating func warning(_ key: String, _ message: String) {
        diagnostics.warning(file, location(of: key), "\(context): \(message)")
    }

    mutating func error(_ key: String, _ message: String) {
        diagnostics.error(file, location(of: key), "\(context): \(message)")
    }
}
