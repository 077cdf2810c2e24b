/// A strict RFC 8259 JSON parser that records the line and column of every value.
///
/// Written by hand because no JSON package reports source positions, and the store's errors
/// must say `file:line:column`. It bounds nesting depth so hostile input cannot exhaust the stack.
public struct JSONParser {
    /// A syntax error, located.
    public struct SyntaxError: Error, Sendable {
        public var location: SourceLocation
        public var message: String
        /// Whether the text ran out before the value was whole (`{"id":"rf_1`), as a write cut
        /// short leaves it, rather than going wrong before its end (`{"a":1,}`).
        public var endedEarly = false
    }

    /// Deepest nesting of arrays and objects accepted.
    public static let maximumDepth = 64

    private let bytes: [UInt8]
    private var index = 0
    private var line: Int
    private var lineStart = 0
    /// UTF-8 continuation bytes between `lineStart` and the end of the last string read, so that
    /// a value's column counts characters without rescanning its line.
    private var continuationBytes = 0
    private var depth = 0

    /// Parses one JSON document; `firstLine` numbers lines when the text is a slice of a file.
    public static func parse(_ bytes: [UInt8], firstLine: Int = 1) throws(SyntaxError) -> JSONNode {
        var parser = JSONParser(bytes: bytes, line: firstLine)
        parser.skipWhitespace()
        let node = try parser.parseValue()
        parser.skipWhitespace()
        if parser.index < bytes.count {
            throw parser.error("unexpected text after the JSON value")
        }
        return node
    }

    public static func parse(_ text: String, firstLine: Int = 1) throws(SyntaxError) -> JSONNode {
        try parse(Array(text.utf8), firstLine: firstLine)
    }

    private init(bytes: [UInt8], line: Int) {
        self.bytes = bytes
        self.line = line
    }

    private var location: SourceLocation {
        SourceLocation(line: line, column: index - lineStart - continuationBytes + 1)
    }

    /// An error where the parser stands, which may be inside a string, so its column is counted
    /// afresh.
    private func error(_ message: String, endedEarly: Bool? = nil) -> SyntaxError {
        let column = SourceLocation.column(ofByte: min(index, bytes.count), lineStart: lineStart, in: bytes)
        return SyntaxError(location: SourceLocation(line: line, column: column), message: message, endedEarly: endedEarly ?? (index >= bytes.count))
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09:
                index += 1
            // A CR ends a line unless an LF follows it (CRLF): files saved with old Mac line ends
            // have only CRs, and their errors had been placed on line 1, at column 670.
            case 0x0D where index + 1 < bytes.count && bytes[index + 1] == 0x0A:
                index += 1
            case 0x0A, 0x0D:
                index += 1
                line += 1
                lineStart = index
                continuationBytes = 0
            default:
                return
            }
        }
    }

    private mutating func parseValue() throws(SyntaxError) -> JSONNode {
        guard index < bytes.count else { throw error("unexpected end of input, expected a value") }
        let start = location
        switch bytes[index] {
        case UInt8(ascii: "{"):
            return JSONNode(value: .object(try parseObject()), location: start)
        case UInt8(ascii: "["):
            return JSONNode(value: .array(try parseArray()), location: start)
        case UInt8(ascii: "\""):
            return JSONNode(value: .string(try parseString()), location: start)
        case UInt8(ascii: "t"):
            try expectWord("true")
            return JSONNode(value: .bool(true), location: start)
        case UInt8(ascii: "f"):
            try expectWord("false")
            return JSONNode(value: .bool(false), location: start)
        case UInt8(ascii: "n"):
            try expectWord("null")
            return JSONNode(value: .null, location: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return JSONNode(value: .number(try parseNumber()), location: start)
        default:
            throw error("unexpected character \(describe(bytes[index])), expected a value" + slipHint(at: index, closing: "]"))
        }
    }

    /// What a hand-edited file most likely got wrong where the byte at `index` stands instead
    /// of a value or a key: a comma left before the `closing` bracket, a comment, single quotes,
    /// typographic quotes (E2 80 98 to 9D: ‘ ’ ‚ ‛ “ ”, which word processors and phones type).
    private func slipHint(at index: Int, closing: Character) -> String {
        switch bytes[index] {
        case _ where Character(Unicode.Scalar(bytes[index])) == closing: "; JSON allows no comma before '\(closing)': remove the last one"
        case UInt8(ascii: "/"), UInt8(ascii: "#"): "; JSON has no comments: remove this one"
        case UInt8(ascii: "'"): "; JSON strings are in double quotes"
        case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (0x98...0x9D).contains(bytes[index + 2]):
            "; that is a typographic quote (as a word processor types it): JSON strings are in straight double quotes (\")"
        default: ""
        }
    }

    /// Where the next key or value starts on a later line than the value before it ended on,
    /// the slip is most likely a comma left off that line's end, which is said.
    private func missingCommaHint(after valueEnd: Int) -> String {
        guard line > valueEnd, [UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "[")].contains(bytes[index]) else { return "" }
        return "; is a comma missing at the end of line \(valueEnd)?"
    }

    private func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    private mutating func expectWord(_ word: String) throws(SyntaxError) {
        let count = word.utf8.count
        let matches = index + count <= bytes.count && bytes[index..<index + count].elementsEqual(word.utf8)
        guard matches else {
            let cutShort = index + count > bytes.count && word.utf8.starts(with: bytes[index...])
            throw error("invalid literal, expected '\(word)'", endedEarly: cutShort)
        }
        index += count
    }

    private mutating func enterNesting() throws(SyntaxError) {
        depth += 1
        if depth > Self.maximumDepth {
            throw error("nesting deeper than \(Self.maximumDepth) levels")
        }
    }

    private mutating func parseObject() throws(SyntaxError) -> [JSONNode.Member] {
        try enterNesting()
        defer { depth -= 1 }
        index += 1
        var members: [JSONNode.Member] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            index += 1
            return members
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw error("expected a string key in double quotes" + (index < bytes.count ? slipHint(at: index, closing: "}") : ""))
            }
            let keyLocation = location
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error("expected ':' after the key \"\(key)\"")
            }
            index += 1
            skipWhitespace()
            let value = try parseValue()
            members.append(JSONNode.Member(key: key, keyLocation: keyLocation, value: value))
            let valueEnd = line
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input, expected ',' or '}'") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return members
            } else {
                throw error("expected ',' or '}' after a value" + missingCommaHint(after: valueEnd))
            }
        }
    }

    private mutating func parseArray() throws(SyntaxError) -> [JSONNode] {
        try enterNesting()
        defer { depth -= 1 }
        index += 1
        var elements: [JSONNode] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            index += 1
            return elements
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            let valueEnd = line
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input, expected ',' or ']'") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return elements
            } else {
                throw error("expected ',' or ']' after a value" + missingCommaHint(after: valueEnd))
            }
        }
    }

    /// A string's bytes are copied only when it has escapes; the usual string is decoded
    /// straight from the input (a million journal lines hold eight million strings).
    private mutating func parseString() throws(SyntaxError) -> String {
        index += 1
        let start = index
        var unescaped: [UInt8] = []  // allocates only when appended to
        var hasEscapes = false
        var runStart = index
        var isASCII = true
        while true {
            guard index < bytes.count else { throw error("unterminated string") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 {
                throw error("control character \(describe(byte)) in a string (escape it)")
            }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                unescaped.append(contentsOf: bytes[runStart..<index])
                try parseEscape(into: &unescaped)
                runStart = index
                continue
            }
            if byte >= 0x80 { isASCII = false }
            index += 1
        }
        if !isASCII { continuationBytes += bytes[start..<index].count(where: SourceLocation.isContinuation) }
        let string: String?
        if hasEscapes {
            unescaped.append(contentsOf: bytes[runStart..<index])
            string = Self.decodeUTF8(unescaped[...], isASCII: false)
        } else {
            string = Self.decodeUTF8(bytes[start..<index], isASCII: isASCII)
        }
        guard let string else {
            // At the first byte that is no character (its escapes moved them: the string's quote).
            index = hasEscapes ? start - 1 : Self.firstInvalidUTF8(bytes[start..<index])
            throw error("string is not valid UTF-8 (save the file as UTF-8)")
        }
        index += 1
        return string
    }

    /// The index of the first byte in `bytes` that starts no valid UTF-8 sequence.
    private static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = bytes.startIndex
        while case .valid(let encoded) = parser.parseScalar(from: &iterator) {
            offset += encoded.count
        }
        return offset
    }

    /// The text of `bytes`, or nil when they are not valid UTF-8. `String(validating:as:)`
    /// is not specialised for byte slices and cost a tenth of reading a journal; decoding
    /// repairs invalid bytes instead, so any change means they were invalid.
    private static func decodeUTF8(_ bytes: ArraySlice<UInt8>, isASCII: Bool) -> String? {
        let string = String(decoding: bytes, as: UTF8.self)
        return isASCII || string.utf8.elementsEqual(bytes) ? string : nil
    }

    private mutating func parseEscape(into output: inout [UInt8]) throws(SyntaxError) {
        index += 1
        guard index < bytes.count else { throw error("unterminated escape") }
        let escaped = bytes[index]
        index += 1
        switch escaped {
        case UInt8(ascii: "\""): output.append(0x22)
        case UInt8(ascii: "\\"): output.append(0x5C)
        case UInt8(ascii: "/"): output.append(0x2F)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            var code = try parseHex4()
            if (0xD800...0xDBFF).contains(code) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error("unpaired surrogate in \\u escape", endedEarly: index + 1 >= bytes.count)
                }
                index += 2
                let low = try parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate in \\u escape") }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(code) {
                throw error("unpaired surrogate in \\u escape")
            }
            guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
            output.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            index -= 1
            throw error("invalid escape '\\\(Character(Unicode.Scalar(escaped)))'")
        }
    }

    private mutating func parseHex4() throws(SyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("incomplete \\u escape", endedEarly: true) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(SyntaxError) -> Double {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number: digits expected after '.'") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number: digits expected in exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            index = start  // at the number, not after it
            throw error("number out of range")
        }
        return value
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
