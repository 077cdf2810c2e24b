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

    /// Every update of the file, or every problem in it (then nothing may be recorded).
    public static func updates(csv text: String, file: String, store: Store, now: Instant) -> Result<Imported, DiagnosticsError> {
        var diagnostics = DiagnosticList()
        let records: [CSVReader.Record]
        do {
            records = try CSVReader.records(text)
        } catch {
            return .failure(DiagnosticsError([.error(file, SourceLocation(line: error.line, column: 1), error.message)]))
        }
        guard let header = records.first else {
            return .failure(DiagnosticsError([.error(file, .start, "the file is empty; it needs a header row: id,status,value,at")]))
        }
        let columns = header.fields.map { $0.trimmingWhitespace().lowercased() }
        guard let idColumn = columns.firstIndex(of: "id"), let statusColumn = columns.firstIndex(of: "status") else {
            let semicolons = columns.count == 1 && columns[0].contains(";") ? " (the values are separated by ';': export the CSV with commas)" : ""
            return .failure(DiagnosticsError([.error(file, .start, "the header row needs 'id' and 'status' columns (and may have value, at, reason); found: \(columns.joined(separator: ","))\(semicolons)")]))
        }
        if columns.contains("at") && columns.contains("referrer") {
            // `advocate export referrals` fed back: its `at` is when the referral was made, and
            // the journal, append-only, would keep that wrong time for every status.
            return .failure(DiagnosticsError([.error(file, columns.firstIndex(of: "at").map { header.positions[$0] } ?? .start,
                "this looks like `advocate export referrals`, whose 'at' column is when each referral was made, not when its status changed; remove or rename that column (each status is then recorded as of now), or give each status's own time in it")]))
        }
        for (index, name) in columns.enumerated() where !["id", "status", "value", "at", "reason"].contains(name) {
            diagnostics.warning(file, header.positions[index], "column '\(name)' is ignored")
        }
        let valueColumn = columns.firstIndex(of: "value")
        let atColumn = columns.firstIndex(of: "at")
        let reasonColumn = columns.firstIndex(of: "reason")
        var updates: [StatusUpdate] = []
        // Where each update's id is, for what the journal refuses about its referral.
        var places: [SourceLocation] = []
        for record in records.dropFirst() {
            func field(_ column: Int?) -> String {
                guard let column, column < record.fields.count else { return "" }
                return record.fields[column].trimmingWhitespace()
            }
            // Where a field starts (a short line lacks it: then the line's start).
            func location(_ column: Int?) -> SourceLocation {
                column.flatMap { $0 < record.positions.count ? record.positions[$0] : nil } ?? SourceLocation(line: record.line, column: 1)
            }
            let id = field(idColumn)
            guard !id.isEmpty else {
                diagnostics.error(file, location(idColumn), "line \(record.line): 'id' is empty")
                continue
            }
            guard let status = ReferralStatus(rawValue: field(statusColumn).lowercased()) else {
                diagnostics.error(file, location(statusColumn), "line \(record.line): status \"\(field(statusColumn))\" must be one of contacted, converted, rejected, rewarded")
                continue
            }
            var value: Double?
            if !field(valueColumn).isEmpty {
                guard let number = Double(field(valueColumn)), number.isFinite else {
                    diagnostics.error(file, location(valueColumn), "line \(record.line): value \"\(field(valueColumn))\" is not a number")
                    continue
                }
                value = number
            }
            var at = now
            let atText = field(atColumn)
            if !atText.isEmpty {
                guard let instant = Instant(iso8601: atText) ?? CalendarDay(atText)?.start else {
                    diagnostics.error(file, location(atColumn), "line \(record.line): at \"\(atText)\" is not a date (2026-03-20) or an ISO 8601 time (2026-03-20T16:00:00Z)")
                    continue
                }
                at = instant
            }
            let reason = field(reasonColumn)
            updates.append(StatusUpdate(id: id, status: status, value: value, reason: reason.isEmpty ? nil : reason, at: at))
            places.append(location(idColumn))
        }
        let unchangedLines = dropUnchanged(&updates, places: &places, store: store)
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
        if diagnostics.hasErrors { return .failure(DiagnosticsError(inLineOrder)) }
        return .success(Imported(updates: updates, warnings: inLineOrder, unchanged: unchangedLines.count))
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
