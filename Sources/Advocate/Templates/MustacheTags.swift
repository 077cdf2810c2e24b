/// Finds the tags of a Mustache text (with the default `{{ }}` delimiters), with their positions,
/// so the build can check partial names and variables before rendering anything.
///
/// swift-mustache keeps its parsed tokens internal, so this small scanner reads the source text.
enum MustacheTags {
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
        /// `{{{name}}}`.
        var isTriple = false
        /// `{{{name}}}` or `{{&name}}`: the value written without escaping.
        var isUnescaped = false
        /// Left unclosed: the text ends before its `}}`, a triple tag ends with `}}` only, or the
        /// name has a brace in it (`{{#link} …`, the scan ran on to the next tag's `}}`).
        var isUnfinished = false

        var location: SourceLocation { SourceLocation(line: line, column: column) }
    }

    static func scan(_ text: String) -> [Tag] {
        var tags: [Tag] = []
        let bytes = Array(text.utf8)
        var index = 0
        var line = 1
        var lineStart = 0
        while index + 1 < bytes.count {
            if bytes[index] == 0x0A {
                line += 1
                lineStart = index + 1
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "{"), bytes[index + 1] == UInt8(ascii: "{") else {
                index += 1
                continue
            }
            let column = String(decoding: bytes[lineStart..<index], as: UTF8.self).count + 1
            var start = index + 2
            let triple = start < bytes.count && bytes[start] == UInt8(ascii: "{")
            if triple { start += 1 }
            let close = findClose(bytes, from: start)
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
            let closedTriple = end + 2 < bytes.count && bytes[end + 2] == UInt8(ascii: "}")
            let unfinished = close == nil || (triple && !closedTriple) || inner.contains { $0 == "{" || $0 == "}" }
            tags.append(Tag(kind: kind, name: inner, line: line, column: column, offset: index, isTriple: triple,
                            isUnescaped: kind == .variable && (triple || ampersand), isUnfinished: unfinished))
            guard close != nil else { break }
            for byte in bytes[index..<end] where byte == 0x0A {
                line += 1
            }
            index = end + (triple && closedTriple ? 3 : 2)
        }
        return tags
    }

    /// What is wrong with how `tags` open and close sections, inverted sections, parents and
    /// blocks (each open tag with its sigil: `#`, `^`, `<`, `$`).
    enum Nesting {
        /// The first closing tag whose name is not that of the innermost open tag.
        case mismatched(closing: Tag, open: Tag, sigil: Character)
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
                if innermost.tag.name != tag.name { return .mismatched(closing: tag, open: innermost.tag, sigil: innermost.sigil) }
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

    private static func findClose(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "}") && bytes[index + 1] == UInt8(ascii: "}") { return index }
            index += 1
        }
        return nil
    }
}
