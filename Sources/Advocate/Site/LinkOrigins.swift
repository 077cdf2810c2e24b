import Foundation

/// Where a link found in a built page was written, so that `advocate check` names the file a
/// person edits (content/faq.md, templates/layout.mustache) rather than the page it built.
///
/// A link is looked up as it is written: in the Markdown the page was made from, then in the
/// theme's templates, where `{{site.root}}terms/` stands for `/terms/`. One made of other
/// template values (`{{site.root}}r/{{code}}/`) is written nowhere as it appears, and is reported
/// at the built page.
struct LinkOrigins {
    struct Origin: Hashable {
        var file: String
        var location: SourceLocation
    }

    private let site: Site
    /// Every file that may hold a link, read once: the Markdown pages and the templates.
    private let texts: [String: String]
    private let templates: [String]

    init(site: Site) {
        self.site = site
        let content = site.inputs.content
        let markdown = [content.home, content.terms, content.faq].compactMap { $0?.source.file }
            + content.stories.map(\.page.source.file) + content.messages.map(\.file)
        let directory = site.inputs.theme.directory
        templates = ContentLoader.listFiles(directory).filter { $0.hasSuffix(".mustache") }.map { Paths.join(directory, $0) }
        var texts: [String: String] = [:]
        for file in markdown + templates {
            if let data = FileManager.default.contents(atPath: file) { texts[file] = String(decoding: data, as: UTF8.self) }
        }
        self.texts = texts
    }

    /// The first place `url` is written among the sources of `page`, then the templates.
    func origin(of url: String, on page: PageSpec) -> Origin? {
        // Markdown's `<…>` destination may hold spaces, which the page has percent-encoded.
        var forms = [url] + [url.removingPercentEncoding].compactMap { $0 }.filter { $0 != url }
        // The scanner read `&amp;` as `&`; a source may hold either.
        forms += forms.filter { $0.contains("&") }.map { $0.replacingOccurrences(of: "&", with: "&amp;") }
        // A theme writes its links from the site's root, as docs/theme.md asks: `{{site.root}}terms/`.
        // Content's root links were given the base path by the build (`/nope/` is now
        // `/refer/nope/`): they are written without it.
        let root = site.urls.root
        if url.hasPrefix(root) {
            forms += forms.map { "{{site.root}}" + $0.dropFirst(root.count) }
            if root != "/" { forms += forms.filter { !$0.hasPrefix("{{") }.map { "/" + $0.dropFirst(root.count) } }
        }
        // An email's site links are shown from the root (an email has no page to be relative
        // to): `/faq/` may be written `faq/`, `./faq/` or `../faq/`.
        if case .messaging = page {
            let fromRoot = forms.filter { $0.hasPrefix("/") && !$0.hasPrefix("//") }.map { $0.dropFirst() }
            forms += fromRoot.flatMap { ["\($0)", "./\($0)", "../\($0)"] }
        }
        for file in markdownFiles(of: page) + templates {
            guard let text = texts[file] else { continue }
            for form in forms {
                if let location = Self.location(of: form, in: text) { return Origin(file: file, location: location) }
            }
        }
        return nil
    }

    private func markdownFiles(of page: PageSpec) -> [String] {
        let content = site.inputs.content
        switch page {
        case .home: return [content.home?.source.file].compactMap { $0 }
        case .terms: return [content.terms?.source.file].compactMap { $0 }
        case .faq: return [content.faq?.source.file].compactMap { $0 }
        case .story(let index): return [content.stories[index].page.source.file]
        case .stories: return content.stories.map(\.page.source.file)
        case .messaging: return content.messages.map(\.file)
        default: return []
        }
    }

    /// Where `url` stands on its own in `text`: between delimiters a link is written with
    /// (`](url)`, `<url>`, `href="url"`, a reference definition), not inside a longer URL.
    static func location(of url: String, in text: String) -> SourceLocation? {
        let before: Set<Character> = ["(", "<", "\"", "'", " ", "\t", "\n"], after: Set<Character> = [")", ">", "\"", "'", " ", "\t", "\n", "\r"]
        var searchStart = text.startIndex
        while let range = text.range(of: url, range: searchStart..<text.endIndex) {
            let opens = range.lowerBound > text.startIndex && before.contains(text[text.index(before: range.lowerBound)])
            let closes = range.upperBound == text.endIndex || after.contains(text[range.upperBound])
            if opens && closes {
                // Counted in bytes: "\r\n" is one Character, which a search for "\n" would miss.
                let prefix = text[..<range.lowerBound].utf8
                let lineStart = prefix.lastIndex(of: UInt8(ascii: "\n")).map(prefix.index(after:)) ?? prefix.startIndex
                return SourceLocation(line: prefix.count { $0 == UInt8(ascii: "\n") } + 1,
                                      column: SourceLocation.column(after: text[lineStart..<range.lowerBound].utf8))
            }
            searchStart = range.upperBound
        }
        return nil
    }
}
