/// Reads RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF), keeping the line each
/// record starts on so that import errors can name it.
///
/// Written by hand because the CSV packages available here do not report line numbers.
public enum CSVReader {
    public struct Record: Sendable, Equatable {
        public var line: Int
        public var fields: [String]
        /// Where each field starts (its column counted in Unicode scalars from 1; a field after
        /// one quoted over several lines starts on a later line), for a diagnostic about it.
        public var positions: [SourceLocation] = []
    }

    public struct SyntaxError: Error, Sendable {
        public var line: Int
        public var message: String
    }

    public static func records(_ text: String) throws(SyntaxError) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var recordLine = 1
        // The column of the scalar being read, and where the field being read started.
        var column = 0
        var fieldStart = SourceLocation(line: 1, column: 1)
        var positions: [SourceLocation] = []
        var inQuotes = false
        var afterQuote = false
        var iterator = text.unicodeScalars.makeIterator()
        var lookahead: Unicode.Scalar? = iterator.next()
        func endField() {
            fields.append(field)
            positions.append(fieldStart)
            field = ""
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields, positions: positions)) }
            fields = []
            positions = []
        }
        while let scalar = lookahead {
            lookahead = iterator.next()
            column += 1
            if inQuotes {
                if scalar == "\"" {
                    if lookahead == "\"" {
                        field.unicodeScalars.append("\"")
                        lookahead = iterator.next()
                        column += 1
                    } else {
                        inQuotes = false
                        afterQuote = true
                    }
                } else {
                    // A line break in a quoted field, as outside: LF, CR LF, or a lone CR.
                    if scalar == "\n" || scalar == "\r" && lookahead != "\n" {
                        line += 1
                        column = 0
                    }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case ",":
                endField()
                fieldStart = SourceLocation(line: line, column: column + 1)
                afterQuote = false
            case "\r" where lookahead == "\n":
                continue
            case "\n", "\r":  // a lone CR ends a line too: Excel for Mac's "CSV (Macintosh)"
                endRecord()
                line += 1
                recordLine = line
                column = 0
                fieldStart = SourceLocation(line: line, column: 1)
                afterQuote = false
            case "\"" where field.isEmpty && !afterQuote:
                inQuotes = true
            default:
                if afterQuote {
                    throw SyntaxError(line: line, message: "text after a closing quote (quote the whole field and double inner quotes)")
                }
                field.unicodeScalars.append(scalar)
            }
        }
        if inQuotes { throw SyntaxError(line: recordLine, message: "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
