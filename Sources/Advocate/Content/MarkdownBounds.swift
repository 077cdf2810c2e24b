/// The bounds a Markdown file is held to before Debian's cmark-gfm 0.29.0.gfm.6 parses it, where
/// time or output grows much faster than the text: each was found taking minutes or gigabytes
/// while every other Markdown render waited on the parser's lock. Written here because the
/// parser has no such limits; one pass over the bytes finds them all.
struct MarkdownBounds {
    /// `[` in a file: unmatched brackets take time that grows with the square of their number
    /// (`![[]()` 100,000 times took over 100 s); 20,000 take about 2 s.
    static let maximumBrackets = 20_000
    /// `|` on one line: a GFM table gives every row as many cells as its header has columns, so
    /// 16 KB of Markdown (a header of 2,000 columns, 2,000 short rows) made a 40 MB page in 11 s.
    static let maximumPipesOnALine = 256
    /// Cells of the file's tables, as the parser makes them (each row as wide as its header): 41 KB
    /// of one-letter rows under a 255-column header made a 51 MB page with 1.3 GB in 19 s.
    static let maximumTableCells = 200_000
    /// Quotes and list items opened on one line (`> > - 1. >`): a quote 40,000 deep with as many
    /// lines continuing it took 38 s, and past about 500 elements browsers flatten the page.
    /// Indentation is not counted: code and JSON nest deep in it.
    static let maximumDepth = 100
    /// Bare `www.` in a file (after a space, a line's start or `*_~(`, where the autolink
    /// extension looks; not in `https://www.`): its scan grows with the square of them in one
    /// run of text (`www.a_` 40,000 times, 240 KB, took 71 s).
    static let maximumBareLinks = 5_000

    /// The first bound `text` is past, as a message and where; nil when it is within them all.
    static func problem(in text: String) -> (location: SourceLocation, message: String)? {
        var scan = Scan()
        for byte in text.utf8 { scan.read(byte) }
        scan.endLine()
        if scan.brackets > maximumBrackets {
            return (.start, "the file has \(grouped(scan.brackets)) '[' where at most \(grouped(maximumBrackets)) are read "
                    + "(Markdown's parser slows with the square of their number): split the page")
        }
        if scan.widest.pipes > maximumPipesOnALine {
            return (SourceLocation(line: scan.widest.line, column: 1), "this line has \(grouped(scan.widest.pipes)) '|' where at most "
                    + "\(maximumPipesOnALine) are read (a table's columns: every row gets one cell a column of its header); split the table")
        }
        if let table = scan.tableStart, scan.cells > maximumTableCells {
            return (SourceLocation(line: table, column: 1), "the file's tables have \(grouped(scan.cells)) cells (every row as wide as its header) "
                    + "where at most \(grouped(maximumTableCells)) are made; split the table, or give it fewer columns")
        }
        if scan.deepest.depth > maximumDepth {
            return (SourceLocation(line: scan.deepest.line, column: 1), "this line opens \(grouped(scan.deepest.depth)) quotes or list items, "
                    + "where at most \(maximumDepth) are read; nest less")
        }
        if scan.bareLinks > maximumBareLinks {
            return (.start, "the file has \(grouped(scan.bareLinks)) 'www.' where at most \(grouped(maximumBareLinks)) are read "
                    + "(Markdown's parser slows with the square of their number): split the page")
        }
        return nil
    }

    private static func grouped(_ number: Int) -> String { Formatting.grouped(Int64(number)) }

    /// What one pass counts, a byte at a time. Code blocks are not told apart: a fence the scan
    /// took for one that the parser did not (a backtick in its info string, a shorter fence
    /// inside a longer one) had hidden a whole file from it.
    private struct Scan {
        var brackets = 0, bareLinks = 0, cells = 0
        var widest = (pipes: 0, line: 1), deepest = (depth: 0, line: 1)
        /// The first line of the table whose rows took the count past the bound, for the message.
        var tableStart: Int?
        private var line = 1
        // The line being read: its pipes; its containers (`>`, list markers `-`, `*`, `+`, `1.`,
        // `1)` before its text), which a table's rows may have in front; its first and last
        // characters after them; whether it is a delimiter row (`|---|:--|`).
        private var pipes = 0, quotes = 0, items = 0, inPrefix = true, pending = Pending.none
        private var onlyDelimiterRow = true, hasDash = false
        private var first: UInt8?, last: UInt8?
        /// The last five bytes, for a bare `www.` (after a space, a line's start, or `*_~(`).
        private var lastFive: UInt64 = 0x20
        /// The columns of the table whose rows are being read; nil outside a table.
        private var columns: Int?
        private var firstTableLine: Int?

        /// A list marker read at the start of a line, which is one only if a space follows.
        private enum Pending { case none, bullet, number, orderedMark }

        mutating func read(_ byte: UInt8) {
            if byte == UInt8(ascii: "\n") {
                endLine()
                return
            }
            lastFive = lastFive << 8 | UInt64(byte)
            if lastFive & 0xFFFF_FFFF == 0x7777_772E, " \t*_~(".utf8.contains(UInt8(truncatingIfNeeded: lastFive >> 32)) { bareLinks += 1 }
            if byte == UInt8(ascii: "[") { brackets += 1 }
            if byte == UInt8(ascii: "|") { pipes += 1 }
            if inPrefix, readContainer(byte) { return }
            if byte == UInt8(ascii: "-") { hasDash = true }
            if !" \t\r|-:".utf8.contains(byte) { onlyDelimiterRow = false }
            if byte != UInt8(ascii: " "), byte != UInt8(ascii: "\t"), byte != UInt8(ascii: "\r") {
                if first == nil { first = byte }
                last = byte
            }
        }

        /// Reads `byte` as part of the line's containers; false once the line's text has begun
        /// (this byte included, unless it ended a marker that was not one: `---`, `1.5`).
        private mutating func readContainer(_ byte: UInt8) -> Bool {
            let isSpace = byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
            let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            switch pending {
            case .bullet, .orderedMark:
                pending = .none
                if isSpace {
                    items += 1
                    return true
                }
                inPrefix = false
                return false
            case .number:
                if isDigit { return true }
                if byte == UInt8(ascii: ".") || byte == UInt8(ascii: ")") {
                    pending = .orderedMark
                    return true
                }
                pending = .none
                inPrefix = false
                return false
            case .none:
                break
            }
            switch byte {
            case UInt8(ascii: ">"): quotes += 1
            case UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "+"): pending = .bullet
            case _ where isDigit: pending = .number
            case _ where isSpace: break
            default:
                inPrefix = false
                return false
            }
            return true
        }

        mutating func endLine() {
            if pipes > widest.pipes { widest = (pipes, line) }
            // A line of markers alone is a rule (`* * *`) or an empty item: only its quotes count.
            let depth = quotes + (inPrefix ? 0 : items)
            if depth > deepest.depth { deepest = (depth, line) }
            if first == nil && pipes == 0 {
                columns = nil
            } else if let columns {
                cells += columns
                if tableStart == nil, cells > MarkdownBounds.maximumTableCells { tableStart = firstTableLine }
            } else if onlyDelimiterRow, hasDash, pipes > 0 {
                // A header's delimiter row: the rows below it are as wide. Pipes at its ends open
                // and close the row; the others part its cells.
                columns = pipes + 1 - (first == UInt8(ascii: "|") ? 1 : 0) - (last == UInt8(ascii: "|") && pipes > 1 ? 1 : 0)
                firstTableLine = max(1, line - 1)
            }
            line += 1
            (pipes, quotes, items, inPrefix, pending) = (0, 0, 0, true, .none)
            (onlyDelimiterRow, hasDash, first, last) = (true, false, nil, nil)
            lastFive = 0x20
        }
    }
}
