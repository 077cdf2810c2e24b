import Foundation

/// Turns a CRM export (CSV with a header row: `id`, `status`, and optionally `value`, `at`,
/// `reason`) into status updates, reporting every bad line with its number.
public enum StatusImport {
    /// What a file gives: its updates, and warnings (columns ignored, lines skipped).
    public struct Imported: Sendable {
        public var updates: [StatusUpdate]
        public var warnings: [Diagnostic]
        /// Lines giving the status their referral already has: a CRM's full export repeats
        /// every unchanged row, and they are left out rather than refuse the file.
        public var unchanged: Int
    }

    /// The text of a CSV file, or what is wrong with it (a spreadsheet's "Unicode Text" is
    /// UTF-16, and any other encoding is refused rather than guessed).
    public static func text(ofCSV data: Data) -> Result<String, CSVEncodingError> {
        do throws(UTF8Text.NotUTF8) {
            return .success(try UTF8Text.decode([UInt8](data)))
        } catch {
            if error.isUTF16 { return .failure(CSVEncodingError(description: "is UTF-16 text: export the CSV as UTF-8 (\"CSV UTF-8\" in Excel)")) }
            // Where: Excel's plain "CSV" writes é as one byte, in a row far down a roster.
            return .failure(CSVEncodingError(description: "is not UTF-8 text from line \(error.location.line), column \(error.location.column) on: "
                                             + "export the CSV as UTF-8 (\"CSV UTF-8\" in Excel)"))
        }
    }

    /// Why a CSV file cannot be read as text, to follow its name.
    public struct CSVEncodingError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Every update of the file, or every problem in it (then nothing may be recorded).
    public static func updates(csv text: String, file: String, store: Store, now: Instant) -> Result<Imported, DiagnosticsError> {
        var diagnostics = DiagnosticList()
        var records: [CSVReader.Record]
        do {
            records = try CSVReader.records(text)
        } catch {
            return .failure(DiagnosticsError([.error(file, SourceLocation(line: error.line, column: 1), error.message)]))
        }
        if let first = records.first, first.fields[0].lowercased().hasPrefix("sep="), first.fields.dropFirst().allSatisfy(\.isEmpty) {
            // Excel's line naming the separator (`sep=,`, which reads as two fields), before the header.
            records.removeFirst()
        }
        guard let header = records.first else {
            return .failure(DiagnosticsError([.error(file, .start, "the file is empty; it needs a header row: id,status,value,at")]))
        }
        let columns = header.fields.map { $0.trimmingWhitespace().lowercased() }
        guard let idColumn = columns.firstIndex(of: "id"), let statusColumn = columns.firstIndex(of: "status") else {
            let separator = columns.count != 1 ? nil : columns[0].contains(";") ? "';'" : columns[0].contains("\t") ? "tabs" : nil
            let hint = separator.map { " (the values are separated by \($0): export the CSV with commas)" } ?? ""
            let found = columns.joined(separator: ",").replacingOccurrences(of: "\t", with: " ")
            return .failure(DiagnosticsError([.error(file, .start, "the header row needs 'id' and 'status' columns (and may have value, at, reason); found: \(found)\(hint)")]))
        }
        if columns.contains("at") && columns.contains("referrer") {
            // `advocate export referrals` fed back: its `at` is when the referral was made, and
            // the journal, append-only, would keep that wrong time for every status.
            return .failure(DiagnosticsError([.error(file, columns.firstIndex(of: "at").map { header.positions[$0] } ?? .start,
                "this looks like `advocate export referrals`, whose 'at' column is when each referral was made, not when its status changed; remove or rename that column (each status is then recorded as of now), or give each status's own time in it")]))
        }
        for (index, name) in columns.enumerated() where columns[..<index].contains(name) && !name.isEmpty {
            // Which of the two would count is a guess; the file says both.
            return .failure(DiagnosticsError([.error(file, header.positions[index], "the header names the column '\(name)' twice; keep one")]))
        }
        let valueColumn = columns.firstIndex(of: "value")
        let atColumn = columns.firstIndex(of: "at")
        let hasRows = records.dropFirst().contains { $0.fields.contains { !$0.trimmingWhitespace().isEmpty } }
        // A deal's amount where no column is named `value`: an error once a row converts, else ignored.
        let amountColumn = valueColumn == nil ? columns.firstIndex(where: Self.looksLikeAnOrderValue) : nil
        for (index, name) in columns.enumerated() where !["id", "status", "value", "at", "reason"].contains(name) && !name.isEmpty && index != amountColumn {
            if atColumn == nil, hasRows, name.contains("date") || name.contains("time") {
                // A CRM's `Close Date` ignored had dated every conversion today, outside the
                // attribution window, and an import cannot move a status recorded.
                diagnostics.error(file, header.positions[index], "column '\(header.fields[index].trimmingWhitespace())' looks like a date, but only a column named 'at' says "
                                  + "when each status changed, and without one every status is recorded as of now (a conversion then lands outside the "
                                  + "attribution window, for good): rename the column that says when the status changed to 'at', or remove this one")
            } else {
                diagnostics.warning(file, header.positions[index], "column '\(name)' is ignored")
            }
        }
        let reasonColumn = columns.firstIndex(of: "reason")
        var updates: [StatusUpdate] = []
        // Where each update's id is, for what the journal refuses about its referral.
        var places: [SourceLocation] = []
        let latest = StatusTransition.latestStatuses(store)
        let referralIDs = Set(store.journal.lazy.compactMap { event -> String? in
            if case .referral(let referral) = event { referral.id } else { nil }
        })
        // Lines of `referred` (what `advocate export referrals` writes before any status) for a
        // referral that has none yet: unchanged, as a full export fed back repeats them.
        var stillReferred: [Int] = []
        var amountIsRefused = false
        for record in records.dropFirst() where record.fields.contains(where: { !$0.trimmingWhitespace().isEmpty }) {
            // (A row of empty fields, `,,,`, which spreadsheets leave below the data, is skipped.)
            func field(_ column: Int?) -> String {
                guard let column, column < record.fields.count else { return "" }
                return record.fields[column].trimmingWhitespace()
            }
            // Where a field starts (a short line lacks it: then the line's start).
            func location(_ column: Int?) -> SourceLocation {
                column.flatMap { $0 < record.positions.count ? record.positions[$0] : nil } ?? SourceLocation(line: record.line, column: 1)
            }
            if record.fields.count > columns.count, record.fields[columns.count...].contains(where: { !$0.trimmingWhitespace().isEmpty }) {
                // An unquoted `1,200` had been read as a value of 1, its `200` in no column.
                diagnostics.error(file, record.positions[columns.count], "line \(record.line): \(record.fields.count) values where the header has "
                                  + "\(columns.count) columns; a comma inside a value splits it in two: write amounts without a thousands separator (1200)")
                continue
            }
            let id = Self.unneutralised(field(idColumn), known: referralIDs)
            guard !id.isEmpty else {
                diagnostics.error(file, location(idColumn), "line \(record.line): 'id' is empty")
                continue
            }
            if field(statusColumn).lowercased() == "referred" {
                if !referralIDs.contains(id) {
                    diagnostics.error(file, location(idColumn), "line \(record.line): \(StatusRecorder.unknownID(id))")
                } else if let current = latest[id]?.status {
                    diagnostics.error(file, location(statusColumn), "line \(record.line): status \"referred\": the referral is \(current.rawValue) already, and a status cannot be taken back; give the status it has now, or leave the line out")
                } else {
                    stillReferred.append(record.line)
                }
                continue
            }
            if record.fields.count <= max(idColumn, statusColumn) {
                diagnostics.error(file, SourceLocation(line: record.line, column: 1), "line \(record.line): \(record.fields.count) value\(record.fields.count == 1 ? "" : "s") where the header has "
                                  + "\(columns.count) columns, so it gives no status")
                continue
            }
            guard let status = ReferralStatus(rawValue: field(statusColumn).lowercased()) else {
                diagnostics.error(file, location(statusColumn), "line \(record.line): status \"\(field(statusColumn))\" must be one of contacted, converted, rejected, rewarded")
                continue
            }
            if status == .converted, let amount = amountColumn {
                // Like a date, a conversion's value cannot be added once it is recorded.
                diagnostics.error(file, header.positions[amount], "column '\(header.fields[amount].trimmingWhitespace())' looks like the order's value, but only a column named "
                                  + "'value' is read, and a conversion recorded without one keeps none: rename it to 'value', or remove it")
                amountIsRefused = true
                break
            }
            var value: Double?
            // Only a conversion records the order's value: CRMs repeat it on every later row.
            if status == .converted, !field(valueColumn).isEmpty {
                switch orderValue(field(valueColumn), decimals: Money.decimals(of: store.program.currency)) {
                case .success(let number): value = number
                case .failure(let problem):
                    diagnostics.error(file, location(valueColumn), "line \(record.line): value \"\(field(valueColumn))\" \(problem.message)")
                    continue
                }
            }
            var at = now
            var isDay = false
            let atText = field(atColumn)
            if !atText.isEmpty {
                if let instant = Instant(iso8601: atText) {
                    at = instant
                } else if let day = CalendarDay(atText) {
                    at = day.start
                    isDay = true
                } else {
                    diagnostics.error(file, location(atColumn), "line \(record.line): at \"\(atText)\" is not a date (2026-03-20) or an ISO 8601 time with its zone (2026-03-20T16:00:00Z, 2026-03-20T18:00:00+02:00)")
                    continue
                }
            }
            let reason = status == .rejected ? field(reasonColumn) : ""
            updates.append(StatusUpdate(id: id, status: status, value: value, reason: reason.isEmpty ? nil : reason, at: at, isDay: isDay))
            places.append(location(idColumn))
        }
        if let amount = amountColumn, !amountIsRefused {
            diagnostics.warning(file, header.positions[amount], "column '\(columns[amount])' is ignored")
        }
        // In the order the changes happened, whatever the file's (a CRM lists its newest rows
        // first: `rewarded` above its `converted` had been refused); rows of one time keep theirs.
        let byTime = updates.indices.sorted { (updates[$0].at, $0) < (updates[$1].at, $1) }
        updates = StatusRecorder.placingDays(byTime.map { updates[$0] }, store: store)
        places = byTime.map { places[$0] }
        let unchangedLines = (dropUnchanged(&updates, places: &places, store: store) + stillReferred).sorted()
        if let first = unchangedLines.first {
            let listed = unchangedLines.prefix(5).map(String.init).joined(separator: ", ")
            let more = unchangedLines.count > 5 ? " and \(unchangedLines.count - 5) more" : ""
            diagnostics.warning(file, SourceLocation(line: first, column: 1), "\(unchangedLines.count) line\(unchangedLines.count == 1 ? " gives" : "s give") "
                                + "the status its referral already has, and \(unchangedLines.count == 1 ? "is" : "are") skipped (line\(unchangedLines.count == 1 ? "" : "s") \(listed)\(more))")
        }
        for problem in StatusRecorder.problems(updates, store: store, now: now) {
            let place = places[problem.index]
            diagnostics.error(file, place, "line \(place.line): \(problem.message)")
        }
        // Lines that did not parse were reported first, those refused by the journal after: in line order for the reader.
        let inLineOrder = diagnostics.all.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
        if diagnostics.hasErrors { return .failure(DiagnosticsError(namingTheFirstErrors(inLineOrder, file: file))) }
        return .success(Imported(updates: updates, warnings: inLineOrder, unchanged: unchangedLines.count))
    }

    /// How many errors a file's diagnostics name one by one: an export of 50,000 rows from the
    /// wrong CRM had printed 50,000 errors.
    static let errorsNamed = 20

    /// `diagnostics` up to the ``errorsNamed``th error, then one error counting the rest.
    private static func namingTheFirstErrors(_ diagnostics: [Diagnostic], file: String) -> [Diagnostic] {
        let errors = diagnostics.indices.filter { diagnostics[$0].severity == .error }
        guard errors.count > errorsNamed, let last = errors.last else { return diagnostics }
        let cut = errors[errorsNamed], first = diagnostics[cut].line
        return Array(diagnostics[..<cut]) + [.error(file, SourceLocation(line: first, column: 1),
            "\(Formatting.grouped(Int64(errors.count - errorsNamed))) more errors, not named one by one (lines \(first) to \(diagnostics[last].line)); fix those above and import again to see them")]
    }

    /// A column a CRM names for a deal's amount (`Amount`, `Deal Value`, `Revenue`).
    private static func looksLikeAnOrderValue(_ name: String) -> Bool {
        ["amount", "value", "revenue", "price", "total"].contains { name.contains($0) }
    }

    /// An id as the export wrote it back: an id starting with a formula's sign (`=x`) is exported
    /// as `'=x` (``CSVTable``), which names no referral; it is the id without the `'` when that
    /// one is known.
    static func unneutralised(_ id: String, known: Set<String>) -> String {
        guard id.hasPrefix("'"), !known.contains(id) else { return id }
        let bare = String(id.dropFirst())
        return CSVTable.startsAsAFormula(bare) && known.contains(bare) ? bare : id
    }

    /// Why text is not an order's value.
    public struct ValueProblem: Error {
        public var message: String
    }

    /// An order's value as a CRM writes it: digits, with a point and at most as many decimals as
    /// the currency has. `1.200` (a thousand two hundred, in much of Europe) had been read as 1.2,
    /// and `1e3` or `0x10` as numbers at all.
    public static func orderValue(_ text: String, decimals: Int) -> Result<Double, ValueProblem> {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let isDigits = { (part: Substring) in !part.isEmpty && part.allSatisfy { ("0"..."9").contains($0) } }
        guard parts.count <= 2, parts.allSatisfy(isDigits), let number = Double(text), number.isFinite else {
            return .failure(ValueProblem(message: "is not an amount: write digits with a point before the decimals (1200 or 1200.50), without a currency sign or a thousands separator"))
        }
        // Zeros past the currency's decimals say nothing (`1200.00` yen), but for three of them,
        // which may be a thousands group (`1.000`).
        if parts.count == 2, parts[1].count > decimals, !(parts[1].dropFirst(decimals).allSatisfy { $0 == "0" } && parts[1].count != 3) {
            return .failure(ValueProblem(message: decimals == 0
                ? "has decimals, which this currency has none of: is the point a thousands separator? Write 1200"
                : "has more than \(decimals) decimals: is the point a thousands separator (1.200 for 1200)? Write 1200 or 1200.50"))
        }
        return .success(number)
    }

    /// Removes the updates that give a referral the status it already has (in the journal, or
    /// from a line above); returns their lines. A value counts only with converted (the order's
    /// value: a CRM repeats it on every later row, or writes 0 for none) and a reason only with
    /// rejected; a line that gives a converted referral another value (a corrected order value)
    /// is kept, and refused by ``StatusRecorder``, rather than dropped without a word.
    private static func dropUnchanged(_ updates: inout [StatusUpdate], places: inout [SourceLocation], store: Store) -> [Int] {
        var status: [String: ReferralStatus] = [:]
        var orderValue: [String: Double] = [:]
        var reason: [String: String] = [:]
        for event in store.journal {
            guard case .status(let change) = event else { continue }
            status[change.id] = change.status
            if change.status == .converted, let value = change.value { orderValue[change.id] = value }
            if change.status == .rejected, let text = change.reason { reason[change.id] = text }
        }
        var kept: [(StatusUpdate, SourceLocation)] = []
        var unchanged: [Int] = []
        for (update, place) in zip(updates, places) {
            let sameValue = update.status != .converted || update.value == nil || update.value == orderValue[update.id]
            let sameReason = update.status != .rejected || update.reason == nil || update.reason == reason[update.id]
            if status[update.id] == update.status, sameValue, sameReason {
                unchanged.append(place.line)
            } else {
                // Only a move to another status is what later lines are compared with.
                if status[update.id] != update.status {
                    status[update.id] = update.status
                    if let value = update.value, update.status == .converted { orderValue[update.id] = value }
                    if let text = update.reason, update.status == .rejected { reason[update.id] = text }
                }
                kept.append((update, place))
            }
        }
        updates = kept.map(\.0)
        places = kept.map(\.1)
        return unchanged
    }
}
