/// Where in the HTML a template's tag writes its value, read from the template's text before
/// it: `advocate check` warns of a value where HTML escaping does not make it safe (an event
/// handler, a `style`, the start of a link, an unquoted attribute, a script).
///
/// Written here because no package reads HTML with Mustache tags in it. It reads the text from
/// its start as a browser's tokenizer would, only as far as that needs: comments, start tags and
/// their attributes (quoted or not), and the text of `<script>`, `<style>`, `<textarea>` and
/// `<title>` elements. Mustache tags, as the template's scan found them (custom delimiters
/// followed), are passed over whole wherever they are (`{{#x}}checked{{/x}}` among attributes).
enum TemplateHTMLContext: Equatable {
    /// Text between tags, a comment, or the text of a `<textarea>` or `<title>` (escaped there).
    case text
    /// Inside the value of attribute `name` (lower case). `atStart` when only spaces and
    /// Mustache tags that write nothing come before the value in it; `quoted` when the value
    /// is in quotes.
    case attribute(name: String, atStart: Bool, quoted: Bool)
    /// Inside a start tag where an attribute's name goes (`<div {{x}}>`).
    case tagBody
    /// The text of a `<script>` or a `<style>` element (`element` in lower case), with its
    /// `type` attribute ("" without one); `atStart` when only spaces and Mustache tags that
    /// write nothing come before the value in it.
    case rawText(element: String, type: String, atStart: Bool)

    /// The context at byte `offset` of `text`, whose Mustache tags are `tags` (as
    /// ``MustacheTags/scan(_:)`` finds them, custom delimiters followed).
    static func at(_ offset: Int, in text: String, tags: [MustacheTags.Tag]) -> TemplateHTMLContext {
        var reader = Reader(bytes: Array(text.utf8.prefix(offset)), tags: tags)
        return reader.read()
    }

    private struct Reader {
        let bytes: [UInt8]
        /// Where each Mustache tag before the offset ends, by where it starts, and whether it
        /// writes nothing (a section's tags, a comment, a delimiter change).
        let mustache: [Int: (end: Int, writesNothing: Bool)]
        var index = 0

        init(bytes: [UInt8], tags: [MustacheTags.Tag]) {
            self.bytes = bytes
            var mustache: [Int: (end: Int, writesNothing: Bool)] = [:]
            for tag in tags where tag.offset < bytes.count {
                mustache[tag.offset] = (tag.end, ![.variable, .partial, .parent, .block].contains(tag.kind))
            }
            self.mustache = mustache
        }

        mutating func read() -> TemplateHTMLContext {
            while index < bytes.count {
                if let tag = mustache[index] {
                    // A Mustache tag is no HTML (`{{<layout}}` opens no element).
                    index = tag.end
                } else if starts(with: "<!--") {
                    guard let end = find("-->", from: index + 4) else { return .text }
                    index = end + 3
                } else if bytes[index] == UInt8(ascii: "<"), index + 1 == bytes.count || mustache[index + 1] != nil {
                    // A tag whose name is a value (`<{{x}} …>`).
                    index += 1
                    var type = ""
                    if let inside = readAttributes(type: &type) { return inside }
                } else if bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count, isASCIILetter(bytes[index + 1]) {
                    index += 1
                    let name = word().lowercased()
                    var type = ""
                    if let inside = readAttributes(type: &type) { return inside }
                    if ["script", "style", "textarea", "title"].contains(name) {
                        // Raw text up to its end tag; escaped values are safe only in the last two.
                        guard let end = endTag(name) else {
                            guard name == "script" || name == "style" else { return .text }
                            return .rawText(element: name, type: type, atStart: writesNothing(bytes[index...]))
                        }
                        index = end
                    }
                } else {
                    index += 1
                }
            }
            return .text
        }

        /// Reads a start tag's attributes to its `>`, keeping its `type`'s value; the context when
        /// the text ends inside it.
        private mutating func readAttributes(type: inout String) -> TemplateHTMLContext? {
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: ">") { index += 1; return nil }
                if isSpace(byte) || byte == UInt8(ascii: "/") { index += 1; continue }
                if let tag = mustache[index] {
                    index = tag.end
                    continue
                }
                let name = attributeName().lowercased()
                while index < bytes.count, isSpace(bytes[index]) { index += 1 }
                // The text ends where a name goes (`<input disabled {{x}}`, `<div data-{{x}}=…`).
                guard index < bytes.count else { return .tagBody }
                guard bytes[index] == UInt8(ascii: "=") else { continue }
                index += 1
                while index < bytes.count, isSpace(bytes[index]) { index += 1 }
                guard index < bytes.count else { return .attribute(name: name, atStart: true, quoted: false) }
                let quote = bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") ? bytes[index] : nil
                if quote != nil { index += 1 }
                let valueStart = index
                while index < bytes.count {
                    if let quote, bytes[index] == quote { break }
                    if quote == nil, isSpace(bytes[index]) || bytes[index] == UInt8(ascii: ">") { break }
                    if let tag = mustache[index] { index = tag.end; continue }
                    index += 1
                }
                if index >= bytes.count {
                    return .attribute(name: name, atStart: writesNothing(bytes[valueStart...]), quoted: quote != nil)
                }
                if name == "type" { type = String(decoding: bytes[valueStart..<index], as: UTF8.self) }
                if quote != nil { index += 1 }
            }
            return .tagBody
        }

        /// Where the end tag of a raw-text element `name` ends (`</script` and a space, `/` or
        /// `>`: `</scripts>` is text), searching from the reader's place.
        private func endTag(_ name: String) -> Int? {
            var from = index
            while let found = find("</" + name, from: from, ignoringCase: true) {
                let after = found + 2 + name.utf8.count
                guard after < bytes.count else { return nil }
                if isSpace(bytes[after]) || bytes[after] == UInt8(ascii: "/") || bytes[after] == UInt8(ascii: ">") { return after }
                from = after
            }
            return nil
        }

        private mutating func word() -> String {
            let start = index
            while index < bytes.count, isASCIILetter(bytes[index]) || (0x30...0x39).contains(bytes[index]) || bytes[index] == UInt8(ascii: "-") { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        private mutating func attributeName() -> String {
            let start = index
            while index < bytes.count, !isSpace(bytes[index]), ![UInt8(ascii: "="), UInt8(ascii: ">"), UInt8(ascii: "/")].contains(bytes[index]),
                  mustache[index] == nil { index += 1 }
            if index == start { index += 1 }  // a stray `"` or `'`: passed over, as a browser makes it part of a name
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        /// Whether the bytes are only spaces (a browser strips them off a link) and Mustache
        /// tags that write nothing (sections, comments).
        private func writesNothing(_ value: ArraySlice<UInt8>) -> Bool {
            var position = value.startIndex
            while position < value.endIndex {
                if isSpace(value[position]) { position += 1; continue }
                guard let tag = mustache[position], tag.writesNothing else { return false }
                position = tag.end
            }
            return true
        }

        private func starts(with prefix: String) -> Bool {
            bytes[index...].starts(with: prefix.utf8)
        }

        private func find(_ needle: String, from start: Int, ignoringCase: Bool = false) -> Int? {
            let target = Array((ignoringCase ? needle.lowercased() : needle).utf8)
            var position = start
            while position + target.count <= bytes.count {
                if bytes[position..<(position + target.count)].elementsEqual(target, by: { (ignoringCase ? lowercased($0) : $0) == $1 }) {
                    return position
                }
                position += 1
            }
            return nil
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D }
    private static func isASCIILetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
    private static func lowercased(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte + 0x20 : byte }
}
