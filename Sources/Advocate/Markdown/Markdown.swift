import CCMarkGFM
import Foundation

/// GitHub Flavored Markdown through libcmark-gfm: tables, strikethrough, autolinks, task lists,
/// footnotes and the tag filter, in cmark's safe mode (raw HTML and `javascript:` links are dropped).
///
/// Debian's libcmark-gfm 0.29.0.gfm.6 is not safe for parses on several threads at once
/// (upstream cmark-gfm PR #176, issue #207), so every call into it holds one process-wide lock;
/// callers parallelise everything else and render shared Markdown once.
public enum Markdown {
    /// A heading of a document, with the `id` its HTML carries.
    public struct Heading: Sendable, Equatable {
        public var level: Int
        public var text: String
        public var id: String
        /// The line of the Markdown given that it starts on.
        public var line = 1
    }

    /// Raw HTML in a document, which safe mode leaves out of the page: where it starts (lines
    /// of the Markdown given) and its first line.
    public struct OmittedHTML: Sendable, Equatable {
        public var line: Int
        public var column: Int
        public var text: String
    }

    /// A rendered document.
    public struct Rendered: Sendable {
        public var html: String
        public var headings: [Heading]
        /// Raw HTML dropped from `html`, comments aside (they are not meant to show).
        public var omittedHTML: [OmittedHTML] = []
        /// Links and pictures whose address safe mode dropped (`javascript:`, `file:`…): where
        /// each is, and its address.
        public var droppedLinks: [OmittedHTML] = []
        /// Pictures with no description (`![](…)`), which screen readers pass over: where each
        /// is, and its address.
        public var undescribedPictures: [OmittedHTML] = []
    }

    private static let lock = NSLock()
    private static let extensionNames = ["table", "strikethrough", "autolink", "tasklist", "tagfilter"]
    /// Table alignment as `style="text-align: …"`: HTML dropped the `align` attribute.
    private static let options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES | CMARK_OPT_FOOTNOTES

    /// Renders Markdown to HTML; headings get unique, readable `id`s (for a table of contents).
    public static func render(_ markdown: String) -> Rendered {
        let (html, (headings, omitted, dropped, undescribed)) = withDocument(markdown) { document, extensions in
            (takeString(cmark_render_html(document, options, extensions)), outline(document))
        }
        return Rendered(html: labellingTaskBoxes(in: wrappingTables(in: addingIDs(to: html, headings: headings))), headings: headings,
                        omittedHTML: omitted.isEmpty ? [] : inCharacters(omitted, of: markdown),
                        droppedLinks: dropped.isEmpty ? [] : inCharacters(dropped, of: markdown),
                        undescribedPictures: undescribed.isEmpty ? [] : inCharacters(undescribed, of: markdown))
    }

    /// A task list's boxes named by their state: cmark-gfm writes them without a label, which a
    /// screen reader announces as an unnamed checkbox (axe: `label`). Safe mode drops raw HTML,
    /// so each such `<input` is a task list's.
    private static func labellingTaskBoxes(in html: String) -> String {
        guard html.contains("<input type=\"checkbox\"") else { return html }
        return html.replacingOccurrences(of: "<input type=\"checkbox\" checked=\"\" disabled=\"\" />",
                                         with: "<input type=\"checkbox\" checked=\"\" disabled=\"\" aria-label=\"Done\" />")
            .replacingOccurrences(of: "<input type=\"checkbox\" disabled=\"\" />",
                                  with: "<input type=\"checkbox\" disabled=\"\" aria-label=\"Not done\" />")
    }

    /// Each table in a wrapper it scrolls sideways inside, by keyboard too, instead of widening
    /// a phone's page (WCAG 1.4.10), named by the heading before it. Safe mode drops raw HTML
    /// and code escapes `<`, so each `<table>` and `</table>` in the output is a GFM table's,
    /// and each `<hN id="` a heading's (``addingIDs(to:headings:)``). Bytes, scanned once:
    /// Foundation's `range(of:)` went over the text from its start at each call.
    private static func wrappingTables(in html: String) -> String {
        let bytes = Array(html.utf8)
        let open = Array("<table>".utf8), close = Array("</table>".utf8)
        guard bytes.firstIndex(of: open, from: 0) != nil else { return html }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 256)
        var position = 0
        var name = "aria-label=\"Table\""
        while let table = bytes.firstIndex(of: open, from: position) {
            if let id = lastHeadingID(in: bytes[position..<table]) { name = "aria-labelledby=\"\(id)\"" }
            output += bytes[position..<table]
            output += Array("<div class=\"table-wrap\" role=\"group\" \(name) tabindex=\"0\">\n<table>".utf8)
            position = table + open.count
            guard let end = bytes.firstIndex(of: close, from: position) else { break }
            output += bytes[position..<end]
            output += Array("</table>\n</div>".utf8)
            position = end + close.count
        }
        output += bytes[position...]
        return String(decoding: output, as: UTF8.self)
    }

    /// The id of the last heading (`<h2 id="…">`) in `bytes`.
    private static func lastHeadingID(in bytes: ArraySlice<UInt8>) -> String? {
        let marker = Array(" id=\"".utf8)
        var index = bytes.endIndex - marker.count
        while index >= bytes.startIndex + 3 {
            // `<hN id="`: the marker right after `<h` and a digit.
            if bytes[index..<index + marker.count].elementsEqual(marker), bytes[index - 3] == UInt8(ascii: "<"),
               bytes[index - 2] == UInt8(ascii: "h"), (UInt8(ascii: "1")...UInt8(ascii: "6")).contains(bytes[index - 1]) {
                let start = index + marker.count
                let end = bytes[start...].firstIndex(of: UInt8(ascii: "\"")) ?? bytes.endIndex
                return String(decoding: bytes[start..<end], as: UTF8.self)
            }
            index -= 1
        }
        return nil
    }

    /// `html` (rendered here) with each id it gives (headings, footnotes) and each reference to
    /// one (`href="#…"`, a table's `aria-labelledby`) starting with `prefix`, so that documents
    /// shown together on one page (the messaging preview's emails) keep their ids apart. Safe
    /// mode escapes every `"` of the text, so these attributes are the renderer's own.
    public static func prefixingIDs(in html: String, with prefix: String) -> String {
        html.replacingOccurrences(of: " id=\"", with: " id=\"\(prefix)")
            .replacingOccurrences(of: " href=\"#", with: " href=\"#\(prefix)")
            .replacingOccurrences(of: " aria-labelledby=\"", with: " aria-labelledby=\"\(prefix)")
    }

    /// Renders Markdown to plain text, as a mail or SMS body would carry it.
    /// A link's address follows its text in parentheses (cmark's renderer keeps only the text),
    /// unless the text is the address. A link to a page of the site (`/terms/`, `faq/`) means
    /// nothing in a mail client: it becomes `{{program.url}}/terms/`, for the message's Mustache
    /// pass to complete with the site's address.
    public static func plainText(_ markdown: String, siteRoot: String = "/") -> String {
        withDocument(markdown) { document, _ in
            appendAddresses(toLinksIn: document, siteRoot: siteRoot)
            return takeString(cmark_render_plaintext(document, options, 0))
        }
    }

    private static func appendAddresses(toLinksIn document: OpaquePointer, siteRoot: String) {
        var links: [OpaquePointer] = []
        let iterator = cmark_iter_new(document)
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            if event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator), cmark_node_get_type(node) == CMARK_NODE_LINK {
                links.append(node)
            }
        }
        cmark_iter_free(iterator)
        // Added after the walk: the iterator does not expect the tree to change under it.
        for link in links {
            guard let pointer = cmark_node_get_url(link) else { continue }
            let written = String(cString: pointer)
            let text = takeString(cmark_render_plaintext(link, options, 0)).trimmingWhitespace()
            guard let address = mailAddress(of: written, siteRoot: siteRoot), ![text, "http://" + text, "https://" + text, "mailto:" + text].contains(address),
                  let suffix = cmark_node_new(CMARK_NODE_TEXT) else { continue }
            cmark_node_set_literal(suffix, " (\(address))")
            cmark_node_append_child(link, suffix)
        }
    }

    /// Where a link of an email leads, as the mail can say it: an absolute address or a template
    /// value (`{{link}}`) as written, a site path below `{{program.url}}`; nil for a link within
    /// the message (`#top`).
    static func mailAddress(of address: String, siteRoot: String) -> String? {
        if address.isEmpty || address.hasPrefix("#") { return nil }
        return sitePath(ofEmailLink: address, siteRoot: siteRoot).map { "{{program.url}}" + $0 } ?? address
    }

    /// A link of an email's Markdown as a path from the site's root, `/faq/`: an email has no
    /// page to be relative to, so `../faq/` and `faq/` lead there too, and `/refer/faq/` below
    /// a root `/refer/` is `/faq/`. Nil for an absolute address, a template value or a link
    /// within the message.
    public static func sitePath(ofEmailLink address: String, siteRoot: String) -> String? {
        let hasScheme = address.prefix { !"/?#".contains($0) }.contains(":")
        if address.isEmpty || address.hasPrefix("#") || hasScheme || address.hasPrefix("//") || address.contains("{{") { return nil }
        var path = Substring(address)
        while let rest = ["./", "../"].lazy.compactMap({ path.hasPrefix($0) ? path.dropFirst($0.count) : nil }).first { path = rest }
        if !path.hasPrefix("/") { path = "/" + path }
        if siteRoot != "/", path.hasPrefix(siteRoot) { path = path.dropFirst(siteRoot.count - 1) }
        return String(path)
    }

    private static func withDocument<T>(_ markdown: String, _ body: (OpaquePointer, UnsafeMutablePointer<cmark_llist>?) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        registerExtensions
        let parser = cmark_parser_new(options)!
        defer { cmark_parser_free(parser) }
        for name in extensionNames {
            if let syntax = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntax)
            }
        }
        var text = markdown
        text.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                cmark_parser_feed(parser, chars.baseAddress, chars.count)
            }
        }
        let document = cmark_parser_finish(parser)!
        defer { cmark_node_free(document) }
        return body(document, cmark_parser_get_syntax_extensions(parser))
    }

    /// `cmark_gfm_core_extensions_ensure_registered` is not itself locked in Debian's build:
    /// a lazy global runs it exactly once, under the lock above.
    private static let registerExtensions: Void = {
        cmark_gfm_core_extensions_ensure_registered()
    }()

    private static func takeString(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// `omitted` with columns counted in Unicode scalars, as every other message counts them:
    /// cmark counts bytes.
    private static func inCharacters(_ omitted: [OmittedHTML], of markdown: String) -> [OmittedHTML] {
        let lines = markdown.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        return omitted.map { found in
            guard lines.indices.contains(found.line - 1) else { return found }
            var placed = found
            placed.column = SourceLocation.column(after: lines[found.line - 1].utf8.prefix(max(found.column - 1, 0)))
            return placed
        }
    }

    /// The document's headings, its raw HTML, its links with an address safe mode drops, and its
    /// pictures without a description.
    private static func outline(_ document: OpaquePointer) -> ([Heading], [OmittedHTML], [OmittedHTML], [OmittedHTML]) {
        var headings: [Heading] = []
        var omitted: [OmittedHTML] = []
        var dropped: [OmittedHTML] = []
        var undescribed: [OmittedHTML] = []
        // The theme's own landmark id: a heading called "Main" must not take it.
        var ids = UniqueSlugs(reserved: ["main"])
        let iterator = cmark_iter_new(document)
        defer { cmark_iter_free(iterator) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE {
                let literal = cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
                if !literal.hasPrefix("<!--") {
                    omitted.append(OmittedHTML(line: Int(cmark_node_get_start_line(node)), column: Int(cmark_node_get_start_column(node)),
                                               text: String(literal.prefix { !$0.isNewline })))
                }
                continue
            }
            if type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE {
                let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                let place = OmittedHTML(line: Int(cmark_node_get_start_line(node)), column: Int(cmark_node_get_start_column(node)), text: String(url.prefix(60)))
                if isDropped(url) {
                    dropped.append(place)
                } else if type == CMARK_NODE_IMAGE && cmark_node_first_child(node) == nil {
                    undescribed.append(place)
                }
                continue
            }
            guard type == CMARK_NODE_HEADING else { continue }
            let text = takeString(cmark_render_plaintext(node, options, 0)).trimmingWhitespace()
            // cmark names footnotes `fn-…` and their references `fnref-…`: a heading "FN 1" must not.
            let slug = Slug.make(text, fallback: "section")
            let id = ids.claim(slug.hasPrefix("fn-") || slug.hasPrefix("fnref-") ? "section-" + slug : slug)
            headings.append(Heading(level: Int(cmark_node_get_heading_level(node)), text: text, id: id, line: Int(cmark_node_get_start_line(node))))
        }
        return (headings, omitted, dropped, undescribed)
    }

    /// Whether safe mode renders the address as nothing, as cmark's `_scan_dangerous_url` reads
    /// it: `javascript:`, `vbscript:`, `file:`, and `data:` but for PNG, GIF, JPEG and WebP pictures.
    static func isDropped(_ url: String) -> Bool {
        // The longest scheme looked at is `data:image/jpeg`: only that much is lower-cased (an
        // email's Markdown is rendered per referral, its links with it).
        let lowered = url.prefix(16).lowercased()
        if lowered.hasPrefix("javascript:") || lowered.hasPrefix("vbscript:") || lowered.hasPrefix("file:") { return true }
        return lowered.hasPrefix("data:") && !["png", "gif", "jpeg", "webp"].contains { lowered.hasPrefix("data:image/\($0)") }
    }

    /// Safe mode drops raw HTML and code escapes `<`, so each `<hN>` in the output is a heading,
    /// in document order.
    private static func addingIDs(to html: String, headings: [Heading]) -> String {
        guard !headings.isEmpty else { return html }
        let bytes = Array(html.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + headings.count * 24)
        var position = 0
        for heading in headings {
            let tag = Array("<h\(heading.level)>".utf8)
            guard let found = bytes.firstIndex(of: tag, from: position) else { break }
            output += bytes[position..<found]
            output += Array("<h\(heading.level) id=\"\(heading.id)\">".utf8)
            position = found + tag.count
        }
        output += bytes[position...]
        return String(decoding: output, as: UTF8.self)
    }
}
