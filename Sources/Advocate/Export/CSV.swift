/// RFC 4180 CSV: CRLF line ends, fields quoted when they hold a comma, quote, CR or LF.
///
/// Text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR)
/// is prefixed with `'`, as OWASP advises for CSV files opened in spreadsheets: names and emails
/// come from strangers.
public struct CSVTable: Sendable {
    public enum Cell: Sendable, Equatable {
        case text(String)
        case number(Double)
        /// `true` or `false` in CSV; a JSON boolean in the JSON export.
        case bool(Bool)
        case empty
    }

    public var header: [String]
    public var rows: [[Cell]]

    public init(header: [String], rows: [[Cell]]) {
        self.header = header
        self.rows = rows
    }

    public var text: String {
        var output = header.map(Self.quote).joined(separator: ",") + "\r\n"
        for row in rows {
            output += row.map(Self.field).joined(separator: ",") + "\r\n"
        }
        return output
    }

    static func field(_ cell: Cell) -> String {
        switch cell {
        case .empty: ""
        case .number(let value): JSONOutput.format(value)
        case .bool(let value): value ? "true" : "false"
        case .text(let value): quote(neutralised(value))
        }
    }

    static func neutralised(_ value: String) -> String {
        startsAsAFormula(value) ? "'" + value : value
    }

    /// Whether a spreadsheet would run `value` as a formula (its first character `=`, `+`, `-`,
    /// `@`, a tab or CR).
    static func startsAsAFormula(_ value: some StringProtocol) -> Bool {
        value.unicodeScalars.first.map { "=+-@\t\r".unicodeScalars.contains($0) } ?? false
    }

    static func quote(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
