import Foundation

/// Finds `href="…"` and `src="…"` values in HTML the build produced, and resolves them.
///
/// One pass over the page's bytes, by hand: the regular expression it replaced was compiled by
/// Foundation on every call, which made `advocate check` three times slower than a full build
/// (62 % of its time at 10,000 referrers, a quarter of it compiling the pattern).
enum LinkScanner {
    struct Link {
        var url: String
        var line: Int
        /// Byte offsets of the link's line and of its attribute name, for ``column(in:)``.
        var lineStart: Int
        var offset: Int

        /// The attribute's column, counted only for the links that are reported.
        func column(in html: [UInt8]) -> Int {
            SourceLocation.column(ofByte: offset, lineStart: lineStart, in: html)
        }
    }

    private static let quote = UInt8(ascii: "\"")
    private static let newline = UInt8(ascii: "\n")
    private static let equals = UInt8(ascii: "=")
    private static let names: [[UInt8]] = [Array("href".utf8), Array("src".utf8)]

    /// The values of the page's `id="…"` attributes: what a link's `#fragment` can name.
    static func ids(in html: [UInt8]) -> Set<String> {
        let marker = Array(" id=\"".utf8)
        var ids: Set<String> = []
        var index = 0
        while let found = html.firstIndex(of: marker, from: index) {
            let start = found + marker.count
            let end = html[start...].firstIndex(of: quote) ?? html.count
            ids.insert(String(decoding: html[start..<end], as: UTF8.self))
            index = end
        }
        return ids
    }

    /// Every `href="…"` and `src="…"` whose value closes on the same line, in order, with its
    /// character references read (`&amp;` as `&`, `&quot;` as `"`…).
    static func links(in html: [UInt8]) -> [Link] {
        var links: [Link] = []
        var line = 1
        var lineStart = 0
        var index = 0
        while index < html.count {
            let byte = html[index]
            if byte == newline {
                line += 1
                lineStart = index + 1
            }
            // Found at the `="` that follows the name, so each byte is looked at once.
            guard byte == equals, index + 1 < html.count, html[index + 1] == quote,
                  let name = names.first(where: { html[..<index].suffix($0.count).elementsEqual($0) })
            else {
                index += 1
                continue
            }
            let valueStart = index + 2
            var end = valueStart
            while end < html.count, html[end] != quote, html[end] != newline { end += 1 }
            // Unclosed on this line: no later attribute on it can close either (it would hold a quote).
            guard end < html.count, html[end] == quote else {
                index = end
                continue
            }
            let value = String(decoding: html[valueStart..<end], as: UTF8.self)
            links.append(Link(url: value.contains("&") ? decodingReferences(value) : value,
                              line: line, lineStart: lineStart, offset: index - name.count))
            index = end + 1
        }
        return links
    }

    /// The named character references ``decodingReferences(_:)`` reads.
    private static let namedReferences: [Substring: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"]

    /// `value` with the character references an attribute may hold read: the five the theme's
    /// escaping writes (`&amp;` `&lt;` `&gt;` `&quot;` `&#39;`), `&apos;`, and numeric ones.
    /// Anything else is left as written.
    static func decodingReferences(_ value: String) -> String {
        var output = ""
        var rest = Substring(value)
        while let ampersand = rest.firstIndex(of: "&") {
            output += rest[..<ampersand]
            let afterAmpersand = rest.index(after: ampersand)
            guard let semicolon = rest[afterAmpersand...].prefix(10).firstIndex(of: ";") else {
                output += "&"
                rest = rest[afterAmpersand...]
                continue
            }
            let name = rest[afterAmpersand..<semicolon]
            let number = name.hasPrefix("#x") || name.hasPrefix("#X") ? UInt32(name.dropFirst(2), radix: 16)
                : name.hasPrefix("#") ? UInt32(name.dropFirst()) : nil
            if let text = namedReferences[name] ?? number.flatMap(Unicode.Scalar.init).map({ String($0) }) {
                output += text
                rest = rest[rest.index(after: semicolon)...]
            } else {
                output += "&"
                rest = rest[afterAmpersand...]
            }
        }
        return output + rest
    }

    /// The output path a link points at, or nil for external links, fragments and other schemes.
    static func resolve(_ url: String, from page: String, root: String) -> String? {
        guard !url.isEmpty, !url.hasPrefix("#"), !url.hasPrefix("//"), !url.contains(":") || url.hasPrefix("/") else { return nil }
        var path = String(url.prefix { $0 != "?" && $0 != "#" })
        if path.contains("%") { path = path.removingPercentEncoding ?? path }
        if path.hasPrefix("/") {
            guard path.hasPrefix(root) || path == String(root.dropLast()) else { return nil }
            path = String(path.dropFirst(root.count))
        } else {
            let directory = (page as NSString).deletingLastPathComponent
            path = directory.isEmpty ? path : directory + "/" + path
        }
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        return parts.joined(separator: "/")
    }
}
