import Yams

/// A Markdown file split into its YAML front matter and its body.
public struct MarkdownSource: Sendable {
    public var file: String
    /// The front matter's top-level fields (strings, numbers, booleans, lists, maps).
    public var fields: [String: FrontMatterValue]
    /// Where each top-level field is, for messages.
    public var fieldLocations: [String: SourceLocation]
    public var body: String
    /// The line the body starts on.
    public var bodyLine: Int
    /// The line each field's value starts on, fields within maps included, by dotted path
    /// (`variants.b.body`); a block scalar's (`body: |`) is the line after its key. The line of
    /// a key within a map is there too, under its path and `#key` (`variants.b#key`).
    public var valueLines: [String: Int] = [:]
    /// Where the text of each scalar value is, by dotted path as ``valueLines``: after a quote,
    /// and for a block scalar at its indentation on the line after its key.
    public var valuePlacements: [String: TextPlacement] = [:]
    /// Front matter that parses but most likely does not say what was meant (``FrontMatter/surprises(in:firstLine:fields:file:)``).
    public var warnings: [Diagnostic] = []

    /// The line the value at `path` (``valueLines``) starts on, else the line of the field `key` holding it.
    func line(ofValue path: String, inField key: String) -> Int {
        valueLines[path] ?? location(of: key).line
    }

    /// The line the key of the value at `path` is written on (a mapping's value starts on the line after).
    func line(ofKey path: String, inField key: String) -> Int {
        valueLines[path + "#key"] ?? line(ofValue: path, inField: key)
    }

    /// Where the text of the scalar at `path` is (``valuePlacements``), else the start of the
    /// line its value or the field `key` holding it starts on.
    func placement(ofValue path: String, inField key: String) -> TextPlacement {
        valuePlacements[path] ?? .lines(from: line(ofValue: path, inField: key))
    }

    public func location(of key: String) -> SourceLocation {
        fieldLocations[key] ?? .start
    }
}

/// A YAML value, reduced to what front matter needs; Sendable so content crosses threads.
///
/// Every field is text, so a scalar is kept as written: YAML's typing would read `version: 2.10`
/// as 2.1, `010` as 8 and `title: Yes` as true.
public indirect enum FrontMatterValue: Sendable, Equatable {
    case string(String)
    case list([FrontMatterValue])
    case map([String: FrontMatterValue])
    case null

    /// The text of a scalar.
    public var text: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var map: [String: FrontMatterValue]? {
        if case .map(let value) = self { return value }
        return nil
    }
}

/// Splits `---`-fenced YAML front matter from a Markdown file and parses it with Yams.
public enum FrontMatter {
    public static func parse(_ text: String, file: String) throws(Diagnostic) -> MarkdownSource {
        var text = text
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        // "\r\n" is one Character in Swift, so a split on "\n" alone kept a CRLF file whole.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        // A blank line before the fence, or a space after it, cannot be seen in an editor: the
        // fence is still meant, and read as Markdown the fields would title the page.
        let firstLine = lines.firstIndex(where: { !$0.allSatisfy(\.isWhitespace) })
        if let firstLine, lines[firstLine].trimmingTrailingWhitespace() == "+++" {
            // Hugo's and Zola's TOML front matter would be published as the page's first text.
            throw Diagnostic.error(file, SourceLocation(line: firstLine + 1, column: 1),
                                   "front matter in TOML ('+++') is not read; write it in YAML between '---' lines (title: Some words)")
        }
        guard let opening = firstLine, lines[opening].trimmingTrailingWhitespace() == "---" else {
            return MarkdownSource(file: file, fields: [:], fieldLocations: [:], body: text, bodyLine: 1)
        }
        guard let closing = lines[(opening + 1)...].firstIndex(where: { ["---", "..."].contains($0.trimmingTrailingWhitespace()) }) else {
            throw Diagnostic.error(file, SourceLocation(line: opening + 1, column: 1), "front matter starts with '---' but has no closing '---' line")
        }
        // Yams counts lines within the YAML text, whose first line is the file's `yamlLine`.
        let yamlLine = opening + 2
        let yaml = lines[(opening + 1)..<closing].joined(separator: "\n")
        let body = lines[(closing + 1)...].joined(separator: "\n")
        var fields: [String: FrontMatterValue] = [:]
        var locations: [String: SourceLocation] = [:]
        var valueLines: [String: Int] = [:]
        var placements: [String: TextPlacement] = [:]
        let yamlLines = lines[(opening + 1)..<closing]
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                return MarkdownSource(file: file, fields: [:], fieldLocations: [:], body: body, bodyLine: closing + 2)
            }
            guard let mapping = node.mapping else {
                throw Diagnostic.error(file, SourceLocation(line: yamlLine, column: 1), "front matter must be a map of fields such as 'title: …'")
            }
            if let mark = unquotedMustacheMark(in: node) {
                throw Diagnostic.error(file, SourceLocation(line: mark.line + yamlLine - 1, column: mark.column), "invalid YAML front matter: \(unquotedMustache)")
            }
            var budget = maximumValues
            for (key, value) in mapping {
                guard let name = key.string else { continue }
                let location = key.mark.map { SourceLocation(line: $0.line + yamlLine - 1, column: $0.column) } ?? SourceLocation(line: yamlLine, column: 1)
                guard let converted = convert(value, path: name, in: yamlLines, firstLine: yamlLine, budget: &budget, lines: &valueLines, placements: &placements) else {
                    throw Diagnostic.error(file, location, "front matter holds more than \(Formatting.grouped(Int64(maximumValues))) values "
                                           + "(each alias '*name' is a copy of what it names); front matter needs only a few fields such as 'title:'")
                }
                fields[name] = converted
                locations[name] = location
            }
        } catch YamlError.duplicatedKeysInMapping(let duplicates, let context) {
            // Yams's own text for this spans several lines, which breaks `file:line:col:` output.
            // Its mark is the first occurrence's, of its first key.
            let key = duplicates.first ?? ""
            throw Diagnostic.error(file, secondOccurrence(of: key, after: context.mark, in: lines[(opening + 1)..<closing], firstLine: yamlLine),
                                   "invalid YAML front matter: '\(key)' is given twice; keep one")
        } catch let error as YamlError {
            if let (place, message) = plainWords(for: error, in: lines[...], yamlLine: yamlLine) {
                throw Diagnostic.error(file, place, "invalid YAML front matter: \(message)")
            }
            let errorLine = location(of: error, yamlLine: yamlLine).line
            if let place = unquotedMustacheLine(in: yamlLines, firstLine: yamlLine), place.line == errorLine {
                throw Diagnostic.error(file, place, "invalid YAML front matter: \(unquotedMustache)")
            }
            if lines.indices.contains(errorLine - 1), let column = apostropheInSingleQuotes(lines[errorLine - 1]) {
                throw Diagnostic.error(file, SourceLocation(line: errorLine, column: column),
                                       "invalid YAML front matter: an apostrophe inside single quotes ends the value; write it twice ('Ada''s story') "
                                       + "or use double quotes (title: \"Ada's story\")")
            }
            let described = describe(error)
            let place = location(of: error, yamlLine: yamlLine)
            let fileLine = place.line - 1
            let found = lines.indices.contains(fileLine) ? lines[fileLine].dropFirst(max(place.column - 1, 0)).first : nil
            // The usual cause: a value with ": " in it (`title: Ada: a story`), which YAML reads as a map.
            let hint = if described.contains("mapping values are not allowed") {
                " (a value with ': ' in it needs quotes: title: \"Ada: a story\")"
            } else if found == "\t" {
                " (indent with spaces, not tabs)"
            } else if described.contains("cannot start any token") {
                // YAML keeps @ and ` for later use, and % starts a directive.
                " (a value starting with @, ` or % needs quotes: title: \"@acme on X\")"
            } else {
                ""
            }
            throw Diagnostic.error(file, place, "invalid YAML front matter: \(described)\(hint)")
        } catch let diagnostic as Diagnostic {
            throw diagnostic
        } catch {
            throw Diagnostic.error(file, SourceLocation(line: yamlLine, column: 1), "invalid YAML front matter: \(error)")
        }
        return MarkdownSource(file: file, fields: fields, fieldLocations: locations, body: body, bodyLine: closing + 2, valueLines: valueLines,
                              valuePlacements: placements, warnings: surprises(in: yamlLines, firstLine: yamlLine, fields: fields, file: file))
    }

    /// Top-level fields YAML reads otherwise than a person writing copy means: `title: #1 FAQ`
    /// (a comment: the field is empty) and `title: !important news` (a tag: the value is "news").
    static func surprises(in yamlLines: ArraySlice<Substring>, firstLine: Int, fields: [String: FrontMatterValue], file: String) -> [Diagnostic] {
        var found: [Diagnostic] = []
        for (offset, line) in yamlLines.enumerated() {
            guard let first = line.first, !first.isWhitespace, first != "#", let (key, rest) = field(of: line), !rest.isEmpty,
                  let value = fields[String(key)] else { continue }
            let written = rest.trimmingTrailingWhitespace()
            let location = SourceLocation(line: firstLine + offset, column: line.distance(from: line.startIndex, to: rest.startIndex) + 1)
            if written.hasPrefix("#"), value == .null {
                found.append(.warning(file, location, "'\(key)' is empty: YAML reads what follows '#' as a comment; to keep it, quote it: \(key): \"\(written)\""))
            } else if written.hasPrefix("!"), !written.hasPrefix("!!") {
                found.append(.warning(file, location, "'\(key)': YAML reads '\(written.prefix { $0 != " " })' as a tag, not as part of the value; to keep it, quote it: \(key): \"\(written)\""))
            }
        }
        return found
    }

    /// Yams shares an aliased node rather than copying it, but converting it copies: eight
    /// lines of aliases can stand for 10^8 values. The cap bounds that work and memory.
    static let maximumValues = 10_000

    /// The node at `path` as a value, with the lines its values start on (the YAML's first line
    /// is the file's `firstLine`); nil once it would take more than `budget` values in all.
    private static func convert(_ node: Node, path: String, in yamlLines: ArraySlice<Substring>, firstLine: Int, budget: inout Int,
                                lines: inout [String: Int], placements: inout [String: TextPlacement]) -> FrontMatterValue? {
        budget -= 1
        guard budget >= 0 else { return nil }
        if let mark = node.mark {
            let isBlock = node.scalar.map { $0.style == .literal || $0.style == .folded } ?? false
            lines[path] = mark.line + firstLine - 1 + (isBlock ? 1 : 0)
            if let scalar = node.scalar {
                placements[path] = placement(of: scalar, at: mark, in: yamlLines, firstLine: firstLine)
            }
        }
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return .null }
            return .string(scalar.string)
        case .mapping(let mapping):
            var map: [String: FrontMatterValue] = [:]
            for (key, value) in mapping {
                guard let name = key.string else { continue }
                if let mark = key.mark { lines[path + "." + name + "#key"] = mark.line + firstLine - 1 }
                guard let converted = convert(value, path: path + "." + name, in: yamlLines, firstLine: firstLine, budget: &budget, lines: &lines, placements: &placements)
                else { return nil }
                map[name] = converted
            }
            return .map(map)
        case .sequence(let sequence):
            var list: [FrontMatterValue] = []
            for (index, value) in sequence.enumerated() {
                guard let converted = convert(value, path: path + ".\(index)", in: yamlLines, firstLine: firstLine, budget: &budget, lines: &lines, placements: &placements)
                else { return nil }
                list.append(converted)
            }
            return .list(list)
        case .alias:
            return .null
        }
    }

    /// Where a scalar's text is, from its mark (at its opening quote, or at a block scalar's `|`
    /// or `>`): after the quote; for a block scalar, at the indentation of its first line of text.
    private static func placement(of scalar: Node.Scalar, at mark: Mark, in yamlLines: ArraySlice<Substring>, firstLine: Int) -> TextPlacement {
        let line = mark.line + firstLine - 1
        switch scalar.style {
        case .literal, .folded:
            // Its text starts on a later line (`mark.line` counts from 1: the next line's index).
            let text = yamlLines.dropFirst(mark.line).first { !$0.allSatisfy(\.isWhitespace) }
            let indentation = text.map { $0.prefix { $0 == " " }.count } ?? 0
            return TextPlacement(line: line + 1, column: indentation + 1, indentation: indentation)
        case .singleQuoted, .doubleQuoted:
            return TextPlacement(line: line, column: mark.column + 1, indentation: 0)
        default:
            return TextPlacement(line: line, column: mark.column, indentation: 0)
        }
    }

    /// Where `key` is given the second time at the top level of the front matter (whose first
    /// line is the file's second); its first line when not found.
    /// Where `key` is given again after its first occurrence at `first` (a mark within the YAML,
    /// whose first line is the file's `firstLine`): the next line at the same indentation that
    /// names it, in a map nested under `variants:` too.
    private static func secondOccurrence(of key: String, after first: Mark, in yamlLines: ArraySlice<Substring>, firstLine: Int) -> SourceLocation {
        let indentation = max(first.column - 1, 0)
        let start = yamlLines.startIndex + first.line  // the line after the first occurrence
        for index in yamlLines.indices where index >= start {
            let line = yamlLines[index]
            let spaces = line.prefix { $0 == " " }.count
            guard spaces == indentation else { continue }
            let rest = line.dropFirst(spaces)
            if rest.hasPrefix(key), rest.dropFirst(key.count).drop(while: { $0 == " " }).hasPrefix(":") {
                return SourceLocation(line: index + 1, column: spaces + 1)
            }
        }
        return SourceLocation(line: first.line + firstLine - 1, column: first.column)
    }

    /// Yams reports marks within the YAML text, whose first line is the file's `yamlLine`.
    private static func location(of error: YamlError, yamlLine: Int) -> SourceLocation {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return SourceLocation(line: mark.line + yamlLine - 1, column: mark.column)
        default:
            return SourceLocation(line: yamlLine, column: 1)
        }
    }

    static let unquotedMustache = "a value that starts with '{{' needs quotes, or YAML reads it as a map: subject: \"{{referrer.firstName}} sent you a gift\""

    /// Where YAML read a value that starts with `{{` as a map (`subject: {{referrer.firstName}}`
    /// is a map whose key is another map): no one means that in front matter.
    private static func unquotedMustacheMark(in node: Node) -> Mark? {
        switch node {
        case .mapping(let mapping):
            if mapping.keys.contains(where: { $0.mapping != nil }) { return node.mark }
            return mapping.values.lazy.compactMap(unquotedMustacheMark).first
        case .sequence(let sequence):
            return sequence.lazy.compactMap(unquotedMustacheMark).first
        case .scalar, .alias:
            return nil
        }
    }

    /// The first line whose value starts with an unquoted `{{` (`subject: {{x}} sent you…`,
    /// `- {{x}}`), outside block scalars' text, for a YAML error on that line.
    private static func unquotedMustacheLine(in yamlLines: ArraySlice<Substring>, firstLine: Int) -> SourceLocation? {
        var blockIndentation: Int?
        for (offset, line) in yamlLines.enumerated() {
            let indentation = line.prefix { $0 == " " }.count
            if let block = blockIndentation, indentation > block || line.allSatisfy({ $0 == " " }) { continue }
            blockIndentation = nil
            var rest = line.dropFirst(indentation)
            if rest.hasPrefix("- ") { rest = rest.dropFirst(2).drop { $0 == " " } }
            if !rest.hasPrefix("{{"), let (_, value) = field(of: rest) {
                rest = value
                if rest.hasPrefix("|") || rest.hasPrefix(">") { blockIndentation = indentation }
            }
            if rest.hasPrefix("{{") { return SourceLocation(line: firstLine + offset, column: line.unicodeScalars.count - rest.unicodeScalars.count + 1) }
        }
        return nil
    }

    /// A `field: value` line's field and what is written after `field: ` (nil for a line without
    /// a colon followed by a space).
    private static func field(of line: Substring) -> (key: Substring, value: Substring)? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let afterColon = line[line.index(after: colon)...]
        guard afterColon.first == " " else { return nil }
        return (line[..<colon], afterColon.drop { $0 == " " })
    }

    /// The column of a `field: '…'` value with an odd count of `'` on its line (a single-quoted
    /// value always has an even one): an apostrophe ended it early.
    private static func apostropheInSingleQuotes(_ line: Substring) -> Int? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let value = line[line.index(after: colon)...].drop { $0 == " " }
        guard value.hasPrefix("'"), line.count(where: { $0 == "'" }) % 2 == 1 else { return nil }
        return line.unicodeScalars.count - value.unicodeScalars.count + 1
    }

    /// The two slips people who write copy make most, told where they are and in their words:
    /// libyaml notices them where it gives up (the end of the front matter, the line after) and
    /// says "while scanning a quoted scalar: found unexpected end of stream". Nil for the others.
    private static func plainWords(for error: YamlError, in lines: ArraySlice<Substring>, yamlLine: Int) -> (SourceLocation, String)? {
        guard case .scanner(let context?, let problem, _, _) = error else { return nil }
        let start = SourceLocation(line: context.mark.line + yamlLine - 1, column: context.mark.column)
        let line = lines.indices.contains(start.line - 1) ? lines[start.line - 1] : ""
        let quote = line.dropFirst(max(start.column - 1, 0)).first
        // An odd count of that quote on its line: one is left open. With an even count the quote
        // libyaml took for an opening one closed a value it had split elsewhere
        // (`subject:"Ada: a gift"`, no space after the first colon).
        if context.text.contains("quoted scalar") && problem.contains("end of stream"), let quote, line.filter({ $0 == quote }).count % 2 == 1 {
            return (start, "this quote is never closed; end the value with the same quote on its line (title: \"Amira's story\")")
        }
        if context.text.contains("simple key") && problem.contains("could not find expected ':'") {
            return (start, "this line is not 'field: value'; put a space after the field's colon (channel: sms)")
        }
        return nil
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _), .composer(let context, let problem, _, _):
            return [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
        default:
            return "\(error)"
        }
    }
}

extension Substring {
    func trimmingTrailingWhitespace() -> Substring {
        var line = self
        while let last = line.last, last.isWhitespace { line.removeLast() }
        return line
    }
}
