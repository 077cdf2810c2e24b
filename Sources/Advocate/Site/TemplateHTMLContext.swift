/// Where in the HTML a template's tag writes its value, read from the template's text before
/// it: `advocate check` warns of a value where HTML escaping does not make it safe (an event
/// handler, a `style`, the start of a link, a script).
///
/// Written here because no package reads HTML with Mustache tags in it; it reads only as much
/// as that needs: the start tag the offset is in, or the element whose text it is in.
enum TemplateHTMLContext: Equatable {
    /// Text between tags, or a place this reader does not tell apart from it.
    case text
    /// Inside the value of attribute `name` (lower case); `atStart` when nothing but Mustache
    /// tags that write nothing comes before the value in it.
    case attribute(name: String, atStart: Bool)
    /// The text of a `<script>` or a `<style>` element (`element` in lower case).
    case rawText(element: String)

    /// The context at byte `offset` of `text`.
    static func at(_ offset: Int, in text: String) -> TemplateHTMLContext {
        let before = Array(text.utf8.prefix(offset))
        if let element = openRawTextElement(in: before) { return .rawText(element: element) }
        // The start tag the offset is in: a `<` and a letter with no `>` after it.
        guard let open = before.lastIndex(of: UInt8(ascii: "<")), open + 1 < before.count, isASCIILetter(before[open + 1]),
              !before[open...].contains(UInt8(ascii: ">")) else { return .text }
        return attributeContext(Array(before[(open + 1)...]))
    }

    /// The element whose text the bytes end in, when it is a script or a style.
    private static func openRawTextElement(in bytes: [UInt8]) -> String? {
        let lowered = String(decoding: bytes, as: UTF8.self).lowercased()
        for element in ["script", "style"] {
            guard let open = lowered.range(of: "<" + element, options: .backwards) else { continue }
            let after = lowered[open.upperBound...]
            // `<scripts>` is another element; the start tag must be closed, and the element not.
            guard let next = after.first, next == ">" || next == " " || next == "\t" || next == "\n" || next == "/",
                  after.contains(">"), !after.contains("</" + element) else { continue }
            return element
        }
        return nil
    }

    /// Reads a start tag's text (after its `<`) up to the offset: the attribute whose value it
    /// ends in, if any.
    private static func attributeContext(_ tag: [UInt8]) -> TemplateHTMLContext {
        var index = tag.firstIndex { !isASCIILetter($0) && !isASCIIDigit($0) } ?? tag.count
        while index < tag.count {
            // A Mustache tag among the attributes (`{{#x}}checked{{/x}}`) is passed over whole.
            if tag[index] == UInt8(ascii: "{"), index + 1 < tag.count, tag[index + 1] == UInt8(ascii: "{") {
                guard let close = closingBraces(in: tag, from: index + 2) else { return .text }
                index = close
                continue
            }
            if isSpace(tag[index]) || tag[index] == UInt8(ascii: "/") { index += 1; continue }
            let nameStart = index
            while index < tag.count, !isSpace(tag[index]), tag[index] != UInt8(ascii: "="), tag[index] != UInt8(ascii: "/") { index += 1 }
            let name = String(decoding: tag[nameStart..<index], as: UTF8.self).lowercased()
            while index < tag.count, isSpace(tag[index]) { index += 1 }
            guard index < tag.count, tag[index] == UInt8(ascii: "=") else { continue }
            index += 1
            while index < tag.count, isSpace(tag[index]) { index += 1 }
            if index == tag.count { return .attribute(name: name, atStart: true) }
            let quote = tag[index] == UInt8(ascii: "\"") || tag[index] == UInt8(ascii: "'") ? tag[index] : nil
            if quote != nil { index += 1 }
            let valueStart = index
            let end = tag[valueStart...].firstIndex { byte in quote.map { byte == $0 } ?? isSpace(byte) }
            guard let end else { return .attribute(name: name, atStart: writesNothing(tag[valueStart...])) }
            index = end + 1
        }
        return .text
    }

    /// Whether the bytes are only Mustache tags that write nothing (sections, comments).
    private static func writesNothing(_ bytes: ArraySlice<UInt8>) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            guard bytes[index] == UInt8(ascii: "{"), index + 2 < bytes.endIndex, bytes[index + 1] == UInt8(ascii: "{"),
                  "#^/!".utf8.contains(bytes[index + 2]), let close = closingBraces(in: Array(bytes), from: index - bytes.startIndex + 2)
            else { return false }
            index = bytes.startIndex + close
        }
        return true
    }

    /// The index just past the `}}` that closes a Mustache tag whose text starts at `start`.
    private static func closingBraces(in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "}"), bytes[index + 1] == UInt8(ascii: "}") {
                return index + 2 < bytes.count && bytes[index + 2] == UInt8(ascii: "}") ? index + 3 : index + 2
            }
            index += 1
        }
        return nil
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D }
    private static func isASCIILetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
    private static func isASCIIDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
}
