import Foundation

/// What `advocate check` adds to loading: it renders every page in memory (writing nothing) and
/// checks internal links and asset references, template variables, and messaging lengths.
public enum SiteChecker {
    public static func check(_ inputs: SiteInputs) -> [Diagnostic] {
        let site = Site(inputs: inputs)
        var diagnostics = DiagnosticList()
        checkMessageLengths(site, diagnostics: &diagnostics)
        checkTemplateVariables(site, diagnostics: &diagnostics)
        checkLinks(site, diagnostics: &diagnostics)
        return diagnostics.all
    }

    static func checkMessageLengths(_ site: Site, diagnostics: inout DiagnosticList) {
        for preview in MessagingPreview.previews(site, referrer: MessagingPreview.sampleReferrer(site)) where preview.length.over {
            let variant = preview.variant.map { " (variant \($0))" } ?? ""
            diagnostics.warning(preview.template.file, .start,
                                "\(preview.template.channel.label) message\(variant) is over the channel's limit: \(preview.length.summary)")
        }
    }

    /// Warns about `{{names}}` in the theme that no page's context provides: they render as nothing.
    static func checkTemplateVariables(_ site: Site, diagnostics: inout DiagnosticList) {
        let known = ThemeVariables.known(site)
        let directory = site.inputs.theme.directory
        for path in ContentLoader.listFiles(directory) where path.hasSuffix(".mustache") {
            let file = Paths.join(directory, path)
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            for tag in MustacheTags.scan(String(decoding: data, as: UTF8.self))
            where [.variable, .section, .invertedSection].contains(tag.kind) && tag.name != "." {
                let unknown = tag.name.split(separator: ".").map(String.init).filter { !known.contains($0) }
                if !unknown.isEmpty {
                    diagnostics.warning(file, SourceLocation(line: tag.line, column: tag.column),
                                        "'\(tag.name)' is not a value any page provides (see docs/theme.md); it renders as nothing")
                }
            }
        }
    }

    /// Every `href` and `src` that points into the site must name a file the build makes.
    static func checkLinks(_ site: Site, diagnostics: inout DiagnosticList) {
        let pages = SitePlan.plan(site)
        let paths = pages.map { SitePlan.outputPath($0, site: site) }
        let existing = Set(paths)
        let renderer = PageRenderer(site: site)
        let output = site.inputs.options.outputDirectory
        let found = LockedDiagnostics()
        DispatchQueue.concurrentPerform(iterations: pages.count) { index in
            guard paths[index].hasSuffix(".html"), let bytes = try? renderer.render(pages[index]) else { return }
            for link in LinkScanner.links(in: bytes) {
                guard let target = LinkScanner.resolve(link.url, from: paths[index], root: site.urls.root),
                      !existing.contains(target), !existing.contains(Paths.join(target, "index.html"))
                else { continue }
                found.append(.error(Paths.join(output, paths[index]), SourceLocation(line: link.line, column: link.column(in: bytes)),
                                    "broken internal link: \(link.url) (no page or asset at /\(target))"))
            }
        }
        diagnostics.append(contentsOf: found.values.sorted { ($0.file, $0.line, $0.column) < ($1.file, $1.line, $1.column) })
    }
}

private final class LockedDiagnostics: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Diagnostic] = []
    func append(_ diagnostic: Diagnostic) { lock.withLock { storage.append(diagnostic) } }
    var values: [Diagnostic] { lock.withLock { storage } }
}
