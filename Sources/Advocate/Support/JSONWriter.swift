/// A JSON value to serialise, with object keys kept in the order they were given so that
/// output is deterministic and reads naturally. Not `indirect`, as ``JSONNode/Value`` is not.
public enum JSONOutput: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONOutput])
    case object([(String, JSONOutput)])

    public static func == (lhs: JSONOutput, rhs: JSONOutput) -> Bool {
        lhs.serialized() == rhs.serialized()
    }

    /// Compact JSON text (one line), or indented with two spaces when `pretty`.
    public func serialized(pretty: Bool = false) -> String {
        var output = ""
        write(into: &output, pretty: pretty, indent: 0)
        return output
    }

    /// Compact JSON text to write inside an HTML `<script>` element: `<`, `>` and `&` are
    /// `\u003c`, `\u003e` and `\u0026`, so no value can end the element (`</script>`) or open a
    /// comment in it (`<!--`), and the JSON still reads back as the same values.
    public func serializedForScript() -> String {
        var output = ""
        write(into: &output, pretty: false, indent: 0, forScript: true)
        return output
    }

    private func write(into output: inout String, pretty: Bool, indent: Int, forScript: Bool = false) {
        switch self {
        case .null:
            output += "null"
        case .bool(let value):
            output += value ? "true" : "false"
        case .number(let value):
            output += Self.format(value)
        case .string(let value):
            Self.writeString(value, into: &output, forScript: forScript)
        case .array(let elements):
            if elements.isEmpty {
                output += "[]"
                return
            }
            output += "["
            for (offset, element) in elements.enumerated() {
                if offset > 0 { output += "," }
                if pretty { Self.newline(&output, indent + 1) }
                element.write(into: &output, pretty: pretty, indent: indent + 1, forScript: forScript)
            }
            if pretty { Self.newline(&output, indent) }
            output += "]"
        case .object(let members):
            if members.isEmpty {
                output += "{}"
                return
            }
            output += "{"
            for (offset, (key, value)) in members.enumerated() {
                if offset > 0 { output += "," }
                if pretty { Self.newline(&output, indent + 1) }
                Self.writeString(key, into: &output, forScript: forScript)
                output += pretty ? ": " : ":"
                value.write(into: &output, pretty: pretty, indent: indent + 1, forScript: forScript)
            }
            if pretty { Self.newline(&output, indent) }
            output += "}"
        }
    }

    private static func newline(_ output: inout String, _ indent: Int) {
        output += "\n"
        output += String(repeating: "  ", count: indent)
    }

    /// Integers print without a fraction ("25", not "25.0"); other values in Swift's shortest form.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return String(value)
    }

    /// Writes a JSON string literal. `<`, `>` and `&` stay as they are, but `forScript`: this
    /// JSON goes to files people read, edit and grep (program.json, referrers.json, the journal)
    /// and to API answers, where they need no escape.
    static func writeString(_ value: String, into output: inout String, forScript: Bool = false) {
        output += "\""
        // Most strings (a page's title, a path) need no escape: checked on bytes, added whole.
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x80 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\")
            && !(forScript && ($0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "&"))) }) {
            output += value
            output += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "<" where forScript: output += "\\u003c"
            case ">" where forScript: output += "\\u003e"
            case "&" where forScript: output += "\\u0026"
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{2028}": output += "\\u2028"
            case "\u{2029}": output += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
