/// Finds the tags of a Mustache text (following its set-delimiter tags), with their positions,
/// so the build can check partial names and variables before rendering anything.
///
/// swift-mustache keeps its parsed tokens internal, so this small scanner reads the source text.
enum MustacheTags {
    /// The most tags a template or message may have: swift-mustache's parse takes time that
    /// grows with the square of their number (20,000 took 43 s), and the bundled theme's largest
    /// template has about 120.
    static let maximumCount = 2_000

    /// The `{{` in `text`: its tags, near enough (delimiters a template sets aside).
    static func count(in text: String) -> Int {
        var count = 0
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "{"), previous == UInt8(ascii: "{") {
                count += 1
                previous = 0
            } else {
                previous = byte
            }
        }
        return count
    }

    /// The error for a text with more than ``maximumCount`` tags, or nil.
    static func tooMany(in text: String) -> String? {
        let count = count(in: text)
        guard count > maximumCount else { return nil }
        return "\(Formatting.grouped(Int64(count))) Mustache tags ({{…}}) where at most \(Formatting.grouped(Int64(maximumCount))) are read, "
            + "as the time to parse them grows with the square of their number: split the text (partials, for a template)"
    }

    enum Kind {
        case variable, section, invertedSection, closing, partial, parent, block, comment, other
    }

    struct Tag {
        var kind: Kind
        var name: String
        var line: Int
        /// In characters, from 1.
        var column: Int
        /// The byte offset of its `{{` in the text.
        var offset: Int
        /// The byte offset just past its closer (the text's end for one left unclosed).
        var end = 0
        /// `{{{name}}}`.
        var isTriple = false
        /// What opens and closes it: `{{` and `}}`, `}}}` for a triple tag, or the delimiters a
        /// set-delimiter tag chose.
        var opener = "{{"
        var closer = "}}"

        /// `name` written with the delimiters in force where the tag is (`{{name}}`, `<%name%>`).
        func written(_ name: String) -> String {
            isTriple ? "{{\(name)}}" : opener + name + closer
        }
        /// `{{{name}}}` or `{{&name}}`: the value written without escaping.
        var isUnescaped = false
        /// Left unclosed: the text ends before its `}}`, a triple tag ends with `}}` only, or the
        /// name has a brace in it (`{{#link} …`, the scan ran on to the next tag's `}}`).
        var isUnfinished = false

        var location: SourceLocation { SourceLocation(line: line, column: column) }
    }

    /// The tags of `text`, in order. A set-delimiter tag (`{{=<% %>=}}`) changes the delimiters
    /// the tags after it are found by, until the section it is in closes, as swift-mustache
    /// reads them.
    static func scan(_ text: String) -> [Tag] {
        var tags: [Tag] = []
        let bytes = Array(text.utf8)
        var opener = Array("{{".utf8)
        var closer = Array("}}".utf8)
        // The delimiters outside each open section, back in force when it closes.
        var outer: [(opener: [UInt8], closer: [UInt8])] = []
        var index = 0
        var line = 1
        var lineStart = 0
        while index < bytes.count {
            if bytes[index] == 0x0A {
                line += 1
                lineStart = index + 1
                index += 1
                continue
            }
            guard bytes[index...].starts(with: opener) else {
                index += 1
                continue
            }
            let isDefault = opener == Array("{{".utf8)
            let column = SourceLocation.column(ofByte: index, lineStart: lineStart, in: bytes)
            var start = index + opener.count
            // `{{{name}}}` is a tag of the default delimiters only; others write `&name`.
            let triple = isDefault && start < bytes.count && bytes[start] == UInt8(ascii: "{")
            if triple { start += 1 }
            let close = find(closer, in: bytes, from: start)
            let end = close ?? bytes.count
            var inner = String(decoding: bytes[start..<end], as: UTF8.self).trimmingWhitespace()
            var kind = Kind.variable
            var ampersand = false
            if !triple, let sigil = inner.first {
                switch sigil {
                case "#": kind = .section
                case "^": kind = .invertedSection
                case "/": kind = .closing
                case ">": kind = .partial
                case "<": kind = .parent
                case "$": kind = .block
                case "!": kind = .comment
                case "&": kind = .variable
                case "=", "%": kind = .other
                default: break
                }
                ampersand = sigil == "&"
                if kind != .variable || ampersand { inner = String(inner.dropFirst()).trimmingWhitespace() }
            }
            let closedTriple = end + closer.count < bytes.count && bytes[end + closer.count] == UInt8(ascii: "}")
            let unfinished = close == nil || (triple && !closedTriple) || (isDefault && inner.contains { $0 == "{" || $0 == "}" })
            tags.append(Tag(kind: kind, name: inner, line: line, column: column, offset: index, isTriple: triple,
                            opener: String(decoding: opener, as: UTF8.self), closer: triple ? "}}}" : String(decoding: closer, as: UTF8.self),
                            isUnescaped: kind == .variable && (triple || ampersand), isUnfinished: unfinished))
            tags[tags.count - 1].end = min(bytes.count, end + closer.count + (triple && closedTriple ? 1 : 0))
            guard close != nil else { break }
            // A tag over several lines: the line and its start move with it, for the columns after it.
            for position in index..<end where bytes[position] == 0x0A {
                line += 1
                lineStart = position + 1
            }
            // Past this tag's own closer, before the delimiters change.
            index = end + closer.count + (triple && closedTriple ? 1 : 0)
            if kind == .other, inner.hasSuffix("="), let delimiters = Self.delimiters(inner) {
                (opener, closer) = delimiters
            } else if openingSigil(kind) != nil {
                outer.append((opener, closer))
            } else if kind == .closing, let restored = outer.popLast() {
                (opener, closer) = restored
            }
        }
        return tags
    }

    /// The new delimiters a set-delimiter tag's text (`<% %>=`, its first `=` gone) names.
    private static func delimiters(_ inner: String) -> (opener: [UInt8], closer: [UInt8])? {
        let parts = inner.dropLast().split(whereSeparator: \.isWhitespace)
        guard parts.count == 2 else { return nil }
        return (Array(parts[0].utf8), Array(parts[1].utf8))
    }

    /// What is wrong with how `tags` open and close sections, inverted sections, parents and
    /// blocks (each open tag with its sigil: `#`, `^`, `<`, `$`).
    enum Nesting {
        /// The first closing tag whose name is not that of the innermost open tag; `isOpenAbove`
        /// when its name is open further out (else it closes nothing open: a stray `{{/x}}`,
        /// or a misspelt close of the innermost).
        case mismatched(closing: Tag, open: Tag, sigil: Character, isOpenAbove: Bool)
        /// The innermost tag still open at the end.
        case unclosed(Tag, sigil: Character)
        /// A closing tag with nothing open.
        case unopened(closing: Tag)
    }

    /// The first nesting problem of `tags`; nil when every tag is closed by its own name.
    static func nesting(of tags: [Tag]) -> Nesting? {
        var open: [(tag: Tag, sigil: Character)] = []
        for tag in tags where !tag.isUnfinished {
            if let sigil = openingSigil(tag.kind) {
                open.append((tag, sigil))
            } else if tag.kind == .closing {
                guard let innermost = open.popLast() else { return .unopened(closing: tag) }
                if innermost.tag.name != tag.name {
                    return .mismatched(closing: tag, open: innermost.tag, sigil: innermost.sigil, isOpenAbove: open.contains { $0.tag.name == tag.name })
                }
            }
        }
        return open.last.map { .unclosed($0.tag, sigil: $0.sigil) }
    }

    /// The sigil of a tag that opens something a closing tag ends; nil for any other kind.
    private static func openingSigil(_ kind: Kind) -> Character? {
        switch kind {
        case .section: "#"
        case .invertedSection: "^"
        case .parent: "<"
        case .block: "$"
        default: nil
        }
    }

    /// Where `delimiter` next starts in `bytes` from `start`.
    private static func find(_ delimiter: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + delimiter.count <= bytes.count {
            if bytes[index...].starts(with: delimiter) { return index }
            index += 1
        }
        return nil
    }
}
