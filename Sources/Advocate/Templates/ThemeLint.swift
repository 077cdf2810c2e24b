import Foundation

/// What `advocate check` says of a theme beyond what a build needs: templates nothing uses and
/// blocks filled in vain. Not build warnings: a build with warnings keeps no stamp or snapshot,
/// so a theme's spare partial would make every build a full one.
enum ThemeLint {
    static func warnings(directory: String) -> [Diagnostic] {
        var diagnostics = DiagnosticList()
        var sources: [String: String] = [:]
        var blank: Set<String> = []
        var included: Set<String> = []
        var blocks = TemplateBlocks()
        for path in ContentLoader.listFiles(directory) where path.hasSuffix(".mustache") {
            let name = String(path.dropLast(".mustache".count))
            guard let data = FileManager.default.contents(atPath: Paths.join(directory, path)) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            sources[name] = Paths.join(directory, path)
            if text.allSatisfy(\.isWhitespace) { blank.insert(name) }
            let tags = MustacheTags.scan(text)
            blocks.add(name, tags: tags)
            for tag in tags where tag.kind == .partial || tag.kind == .parent {
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
