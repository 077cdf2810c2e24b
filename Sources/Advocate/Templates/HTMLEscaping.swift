import Mustache

/// The HTML escaping of `{{name}}` in themes and messaging templates: the same five characters
/// as swift-mustache's own (`< > & " '`) and the control characters, but over UTF-8 bytes, and the text itself when
/// it has none of them (most values). swift-mustache escapes with a dictionary lookup per Character,
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

    /// `text` escaped; the text itself when it has nothing to escape (most values).
    static func escape(_ text: String, apostrophe: String = "&#39;") -> String {
        guard text.utf8.contains(where: { replacement(for: $0, apostrophe: apostrophe) != nil || $0 == BidiControl.leadByte || UnwantedCharacter.mayStart(with: $0) })
        else { return text }
        var escaped: [UInt8] = []
        escaped.reserveCapacity(text.utf8.count + 16)
        append(text, to: &escaped, apostrophe: apostrophe)
        return String(decoding: escaped, as: UTF8.self)
    }

    /// Appends `text`'s UTF-8 to `output`, escaped. The five characters are ASCII, so they are
    /// never part of another character's encoding, and a combining mark after one cannot hide
    /// it. Directional controls are confined to the value (``BidiControl``): a name holding
    /// U+202E cannot turn the page's words around it right to left.
    static func append(_ text: String, to output: inout [UInt8], apostrophe: String = "&#39;") {
        BidiControl.append(text, to: &output) { replacement(for: $0, apostrophe: apostrophe) }
    }

    private static func replacement(for byte: UInt8, apostrophe: String) -> String? {
        switch byte {
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): "&gt;"
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "\""): "&quot;"
        case UInt8(ascii: "'"): apostrophe
        // NUL is an error in HTML and not a character of XML at all, and so are the other
        // controls but tab and the line breaks (an ESC in an imported name): the replacement
        // character is what a browser would show (a form value typed back into a 422 page may hold one).
        default: UnwantedCharacter.isControl(byte) ? UnwantedCharacter.replacement : nil
        }
    }
}

/// Escaping for XML text and attribute values (SVG, the sitemap): the same five characters,
/// with XML's name for the apostrophe.
enum XMLText {
    static func escape(_ text: String) -> String {
        HTMLEscaping.escape(text, apostrophe: "&apos;")
    }

    static func append(_ text: String, to output: inout [UInt8]) {
        HTMLEscaping.append(text, to: &output, apostrophe: "&apos;")
    }
}
