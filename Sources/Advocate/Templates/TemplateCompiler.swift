/// Compiles a Mustache text into ``TemplateNode``s that read the same as swift-mustache 2.x
/// parses it: the same tags, the same standalone-line and indentation rules, the same text split
/// into lines (a partial's indentation is added per piece of text).
///
/// swift-mustache keeps its parsed tokens internal, so its parse cannot be reused; this one
/// follows its rules step by step, over Characters as it does. What this renderer does not
/// support (transforms such as `{{uppercased(name)}}`, dynamic partials `{{>*name}}`, content
/// types other than the theme's) makes ``compile(_:)`` throw `.unsupported`, and the theme is
/// then rendered by swift-mustache itself. Syntax errors are swift-mustache's to report: a text
/// is compiled here only after swift-mustache has parsed it.
struct TemplateCompiler {
    enum Failure: Error, Equatable {
        case unsupported(String)
        case syntax(String)
    }

    /// Compiles `text`; the content type named by its `{{%CONTENT_TYPE:…}}` pragma must be `contentType`.
    static func compile(_ text: String, contentType: String) throws(Failure) -> [TemplateNode] {
        var compiler = TemplateCompiler(characters: Array(text), contentType: contentType)
        return try compiler.parse(State())
    }

    private struct State {
        var sectionName: String?
        var atLineStart = true
        /// Inside `{{< parent}}…{{/parent}}`, and directly in it (where `{{$name}}` overrides a block).
        var inOverrides = false
        var overridesTopLevel = false
        /// Within an override, the first line's indentation, taken off every later line.
        var overrideIndent: Int?
        var open: [Character] = ["{", "{"]
        var close: [Character] = ["}", "}"]

        func entering(section name: String, atLineStart: Bool) -> State {
            var state = self
            state.sectionName = name
            state.overridesTopLevel = false
            if !atLineStart { state.atLineStart = false }
            return state
        }

        func enteringOverrides(of name: String) -> State {
            var state = self
            state.sectionName = name
            state.atLineStart = true
            state.inOverrides = true
            state.overridesTopLevel = true
            return state
        }
    }

    private let characters: [Character]
    private let contentType: String
    private var position = 0

    private init(characters: [Character], contentType: String) {
        self.characters = characters
        self.contentType = contentType
    }

    private static let nameCharacters = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*")
    private static let plainNameCharacters = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?*")
    private static let partialNameCharacters = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*/")

    private var atEnd: Bool { position == characters.count }
    /// The current character, or NUL at the end (as swift-mustache's parser answers).
    private var current: Character { atEnd ? "\0" : characters[position] }

    private mutating func parse(_ initial: State) throws(Failure) -> [TemplateNode] {
        var nodes: [TemplateNode] = []
        var state = initial
        var whitespaceBefore = ""
        func flushWhitespace() {
            if !whitespaceBefore.isEmpty {
                nodes.append(.text(Array(whitespaceBefore.utf8)))
                whitespaceBefore = ""
            }
        }
        while !atEnd {
            if state.atLineStart {
                let whitespace = read { $0 == " " || $0 == "\t" }
                if state.inOverrides, !state.overridesTopLevel {
                    if let indent = state.overrideIndent {
                        whitespaceBefore = String(whitespace.dropFirst(indent))
                    } else {
                        state.overrideIndent = whitespace.count
                    }
                } else {
                    whitespaceBefore = whitespace
                }
            }
            let text = try readTextOfLine(state)
            if current.isNewline {
                nodes.append(.text(Array((whitespaceBefore + text + String(current)).utf8)))
                state.atLineStart = true
                position += 1
                continue
            }
            if !text.isEmpty {
                nodes.append(.text(Array((whitespaceBefore + text).utf8)))
                whitespaceBefore = ""
                state.atLineStart = false
            }
            if atEnd { break }
            var standalone = false
            switch current {
            case "#", "^":
                let inverted = current == "^"
                position += 1
                let name = try readName(state)
                if isStandalone(state) { standalone = true } else { flushWhitespace() }
                let body = try parse(state.entering(section: name, atLineStart: standalone))
                nodes.append(.section(TemplatePath(name), body, inverted: inverted))
            case "/":
                position += 1
                let name = try readName(state)
                guard name == state.sectionName else { throw .syntax("'\(name)' closes a section it did not open") }
                if !isStandalone(state) { flushWhitespace() }
                return nodes
            case "!":
                position += 1
                try skipComment(state)
                standalone = isStandalone(state)
            case "{":
                flushWhitespace()
                position += 1
                let name = try readName(state)
                guard try readCharacter("}") else { throw .syntax("'{{{' is not closed with '}}}'") }
                nodes.append(.variable(TemplatePath(name), escaped: false))
            case "&":
                flushWhitespace()
                position += 1
                nodes.append(.variable(TemplatePath(try readName(state)), escaped: false))
            case ">":
                position += 1
                _ = read(while: \.isWhitespace)
                if current == "*" { throw .unsupported("dynamic partial") }
                let name = try readPartialName(state)
                let indentation = Array(whitespaceBefore.utf8)
                flushWhitespace()
                standalone = isStandalone(state)
                nodes.append(.partial(name, indentation: standalone ? indentation : nil, overrides: nil))
            case "<":
                position += 1
                let name = try readPartialName(state)
                if name.first == "*" { throw .unsupported("dynamic parent") }
                let indentation = Array(whitespaceBefore.utf8)
                flushWhitespace()
                standalone = isStandalone(state)
                var overrides: [String: [TemplateNode]] = [:]
                for node in try parse(state.enteringOverrides(of: name)) {
                    switch node {
                    case .blockOverride(let block, let body): overrides[block] = body
                    case .text: break
                    default: throw .syntax("only {{$block}} overrides may appear inside {{<\(name)}}")
                    }
                }
                nodes.append(.partial(name, indentation: indentation, overrides: overrides))
            case "$":
                position += 1
                let name = try readName(state)
                if state.overridesTopLevel {
                    standalone = isStandalone(state)
                    nodes.append(.blockOverride(name, try parse(state.entering(section: name, atLineStart: standalone))))
                } else {
                    let indentation = Array(whitespaceBefore.utf8)
                    flushWhitespace()
                    standalone = isStandalone(state)
                    let body = try parse(state.entering(section: name, atLineStart: standalone))
                    nodes.append(.block(name, defaultBody: body, indentation: indentation))
                }
            case "=":
                position += 1
                try setDelimiters(&state)
                standalone = isStandalone(state)
            case "%":
                position += 1
                try readPragma(state)
                standalone = isStandalone(state)
            default:
                flushWhitespace()
                nodes.append(.variable(TemplatePath(try readName(state)), escaped: true))
            }
            state.atLineStart = standalone
        }
        if let name = state.sectionName { throw .syntax("section '\(name)' is not closed") }
        return nodes
    }

    /// Text up to a newline (not consumed) or up to and past the next opening delimiter.
    private mutating func readTextOfLine(_ state: State) throws(Failure) -> String {
        let first = state.open[0]
        var text = ""
        while !atEnd {
            text += read { $0 != "\n" && $0 != "\r\n" && $0 != first }
            if current.isNewline { break }
            if current == first {
                if try readDelimiter(state.open) { break }
                text.append(first)
                position += 1
            }
        }
        return text
    }

    private mutating func readName(_ state: State) throws(Failure) -> String {
        let name = try readTagName(state, allowed: Self.nameCharacters)
        if name.contains(where: { !Self.plainNameCharacters.contains($0) }) { throw .unsupported("transform in '\(name)'") }
        return name
    }

    private mutating func readPartialName(_ state: State) throws(Failure) -> String {
        try readTagName(state, allowed: Self.partialNameCharacters)
    }

    /// A tag's name between optional whitespace, and the closing delimiter after it.
    private mutating func readTagName(_ state: State, allowed: Set<Character>) throws(Failure) -> String {
        _ = read(while: \.isWhitespace)
        let name = read { allowed.contains($0) }
        _ = read(while: \.isWhitespace)
        guard try readDelimiter(state.close) else { throw .syntax("a tag is not closed") }
        return name
    }

    /// Skips to just past the closing delimiter, matching it as swift-mustache does (after a
    /// mismatch, the character that broke the match is not tried as a new start).
    private mutating func skipComment(_ state: State) throws(Failure) {
        var matched = 0
        while !atEnd {
            if characters[position] == state.close[matched] {
                matched += 1
                if matched == state.close.count {
                    position += 1
                    return
                }
            } else {
                matched = 0
            }
            position += 1
        }
        throw .syntax("a comment is not closed")
    }

    private mutating func setDelimiters(_ state: inout State) throws(Failure) {
        _ = read(while: \.isWhitespace)
        let open = try readUntil(\.isWhitespace)
        _ = read(while: \.isWhitespace)
        let close = try readUntil { $0 == "=" || $0.isWhitespace }
        _ = read(while: \.isWhitespace)
        guard try readCharacter("="), try readDelimiter(state.close), !open.isEmpty, !close.isEmpty else {
            throw .syntax("invalid set-delimiter tag")
        }
        state.open = Array(open)
        state.close = Array(close)
        state.overridesTopLevel = false
    }

    private mutating func readPragma(_ state: State) throws(Failure) {
        _ = read(while: \.isWhitespace)
        let variable = read { Self.plainNameCharacters.contains($0) }
        _ = read(while: \.isWhitespace)
        guard try readCharacter(":") else { throw .syntax("invalid pragma") }
        _ = read(while: \.isWhitespace)
        let value = read { Self.plainNameCharacters.contains($0) }
        _ = read(while: \.isWhitespace)
        guard try readDelimiter(state.close) else { throw .syntax("invalid pragma") }
        guard variable == "CONTENT_TYPE", value == contentType else { throw .unsupported("pragma \(variable):\(value)") }
    }

    /// swift-mustache's standalone test: the tag began its line and only spaces or tabs follow it
    /// to a newline (consumed) or to the end.
    private mutating func isStandalone(_ state: State) -> Bool {
        guard state.atLineStart else { return false }
        if atEnd { return true }
        var index = position
        while index < characters.count, characters[index] == " " || characters[index] == "\t" { index += 1 }
        guard index < characters.count, characters[index].isNewline else { return false }
        position = index + 1
        return true
    }

    private mutating func read(while predicate: (Character) -> Bool) -> String {
        let start = position
        while !atEnd, predicate(characters[position]) { position += 1 }
        return String(characters[start..<position])
    }

    /// Reads up to a character matching `predicate`; without one before the end, an error.
    private mutating func readUntil(_ predicate: (Character) -> Bool) throws(Failure) -> String {
        let start = position
        let text = read { !predicate($0) }
        if atEnd {
            position = start
            throw .syntax("unexpected end of template")
        }
        return text
    }

    private mutating func readCharacter(_ character: Character) throws(Failure) -> Bool {
        guard !atEnd else { throw .syntax("unexpected end of template") }
        guard characters[position] == character else { return false }
        position += 1
        return true
    }

    private mutating func readDelimiter(_ delimiter: [Character]) throws(Failure) -> Bool {
        guard characters.count - position >= delimiter.count else { throw .syntax("unexpected end of template") }
        guard characters[position..<(position + delimiter.count)].elementsEqual(delimiter) else { return false }
        position += delimiter.count
        return true
    }
}
