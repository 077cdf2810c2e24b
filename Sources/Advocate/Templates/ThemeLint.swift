import Foundation

/// What `advocate check`, and `advocate build` too, says of a theme beyond what rendering needs:
/// templates nothing uses and blocks filled in vain (``SiteChecker/buildWarnings(_:)``), and
/// files in templates/ that are not templates (`check` alone: tidiness, no page changes).
enum ThemeLint {
    /// A template as `check` reads it: its name, file, text and tags.
    struct Source {
        var name: String
        var file: String
        var text: String
        var isBlank: Bool
        var tags: [MustacheTags.Tag]
    }

    /// Every template below `directory`, read and scanned once for all of `check`'s theme rules.
    static func sources(directory: String) -> [Source] {
        ContentLoader.listFilesAndLinks(directory).filter { $0.hasSuffix(".mustache") }.compactMap { path in
            let file = Paths.join(directory, path)
            guard let data = FileManager.default.contents(atPath: file) else { return nil }
            let text = String(decoding: data, as: UTF8.self)
            return Source(name: String(path.dropLast(".mustache".count)), file: file, text: text, isBlank: text.allSatisfy(\.isWhitespace),
                          tags: MustacheTags.scan(text))
        }
    }

    /// The files of templates/ that are neither a template nor in assets/ (`extra.html`,
    /// `home.mustache.bak`): never read or copied, each named so nothing goes missing quietly.
    static func filesNotRead(directory: String) -> [Diagnostic] {
        ContentLoader.listFilesAndLinks(directory)
            .filter { !$0.hasSuffix(".mustache") && !$0.hasPrefix("assets/") }
            .map { .warning(Paths.join(directory, $0), .start, "not read: only *.mustache files are templates, and only what is in templates/assets/ is copied into the site") }
            + ContentLoader.subfolders(of: directory).filter { $0.hasSuffix(".mustache") && !$0.hasPrefix("assets/") }.sorted()
            .map { .warning(Paths.join(directory, $0), .start, "not read: a folder, not a template (a template is a *.mustache file)") }
    }

    static func warnings(_ templates: [Source]) -> [Diagnostic] {
        var diagnostics = DiagnosticList()
        var sources: [String: String] = [:]
        var blank: Set<String> = []
        var included: Set<String> = []
        var blocks = TemplateBlocks()
        for template in templates {
            sources[template.name] = template.file
            if template.isBlank { blank.insert(template.name) }
            blocks.add(template.name, tags: template.tags)
            for tag in template.tags where tag.kind == .partial || tag.kind == .parent {
                included.insert(tag.name)
            }
        }
        // A template no page renders and none includes is most likely a misspelt page template
        // (`leaderbaord.mustache`): its page silently went missing.
        let pages = Set(Theme.pageTemplates + Theme.optionalPageTemplates)
        for name in sources.keys.sorted() where !pages.contains(name) && !included.contains(name) && !name.contains("/") {
            let guess = UnknownKey.closest(to: name, among: pages.sorted()).map { " (did you mean \($0).mustache?)" } ?? ""
            diagnostics.warning(sources[name]!, .start, "\(name).mustache is not a page template and no template includes it, so it is never used\(guess)")
        }
        // An empty parent has its own warning.
        for (filled, known) in blocks.unknown() where sources[filled.parent] != nil && !blank.contains(filled.parent) {
            diagnostics.warning(sources[filled.template]!, filled.tag.location,
                                "block '\(filled.tag.name)' is not one of \(filled.parent).mustache's (\(known.isEmpty ? "it has none" : known.joined(separator: ", "))), "
                                + "so what it holds is never shown")
        }
        return diagnostics.all
    }
}
