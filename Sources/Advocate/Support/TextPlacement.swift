/// Where a text read out of a file sits in it (a front matter value, a Markdown body), so that
/// a problem found in the text is reported where the file has it.
public struct TextPlacement: Sendable, Equatable {
    /// The file's line and column of the text's first character.
    public var line: Int
    public var column: Int
    /// The columns before the text on each of its later lines: a YAML block scalar's indentation.
    public var indentation: Int

    /// Text that starts a line of the file and keeps the file's columns (a Markdown body).
    public static func lines(from line: Int) -> TextPlacement {
        TextPlacement(line: line, column: 1, indentation: 0)
    }

    /// Where the text's own `line` and `column` (both from 1) are in the file.
    public func location(line textLine: Int, column textColumn: Int) -> SourceLocation {
        textLine == 1 ? SourceLocation(line: line, column: column + textColumn - 1)
            : SourceLocation(line: line + textLine - 1, column: indentation + textColumn)
    }

    /// Where a place given within the text is in the file.
    public func location(of place: SourceLocation) -> SourceLocation {
        location(line: place.line, column: place.column)
    }
}
