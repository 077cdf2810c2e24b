import Mustache

/// The HTML escaping of `{{name}}` in themes and messaging templates: the same five characters
/// as swift-mustache's own (`< > & " '`), but over UTF-8 bytes, and the text itself when it has
/// none of them (most values). swift-mustache escapes with a dictionary lookup per Character,
/// which was a sixth of a 100,000-referrer build (perf); it lets a template choose its content
/// type by pragma, so every template is parsed behind ``pragma``.
enum HTMLEscaping: MustacheContentType {
    case bytes

    /// The content type's registered name.
    static let name = "ADVOCATE_HTML"

    /// Put in front of a template's text so that it escapes with this type.
    static var pragma: String {
        _ = registration
        return "{{%CONTENT_TYPE:\(name)}}"
    }

    /// A theme template's text as it is parsed: behind ``pragma``, on a line of its own, which
    /// Mustache drops (a standalone tag), so the output is as without it.
    static func themeSource(_ text: String) -> String {
        pragma + "\n" + text
    }

    private static let registration: Void = MustacheContentTypes.register(HTMLEscaping.bytes, named: name)

    func escapeText(_ text: String) -> String {
        Self.escape(text)
    }

    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { replacement(for: $0) != nil }) else { return text }
        var escaped: [UInt8] = []
        escaped.reserveCapacity(text.utf8.count + 16)
        append(text, to: &escaped)
        return String(decoding: escaped, as: UTF8.self)
    }

    /// Appends `text`'s UTF-8 to `output`, escaped: one pass that copies the runs between
    /// the characters it replaces.
    static func append(_ text: String, to output: inout [UInt8]) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
            var runStart = 0
            for index in bytes.indices {
                guard let replacement = replacement(for: bytes[index]) else { continue }
                output.append(contentsOf: bytes[runStart..<index])
                output.append(contentsOf: replacement.utf8)
                runStart = index + 1
            }
            output.append(contentsOf: bytes[runStart...])
        }
        if copied == nil { append(String(decoding: Array(text.utf8), as: UTF8.self), to: &output) }
    }

    private static func replacement(for byte: UInt8) -> String? {
        switch byte {
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): "&gt;"
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "\""): "&quot;"
        case UInt8(ascii: "'"): "&#39;"
        default: nil
        }
    }
}
