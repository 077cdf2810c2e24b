import Foundation
import Mustache

/// The site's templates/ folder: every Mustache template parsed once, and the theme's assets.
public struct Theme: Sendable {
    /// The page templates a build renders; any other template is a partial or a parent.
    public static let pageTemplates = ["home", "page", "stories", "story", "messaging", "referrer", "stats", "analytics", "thanks", "404"]
    /// Page templates a theme may leave out: their pages are then not built.
    public static let optionalPageTemplates = ["leaderboard"] + joinPageTemplates
    /// The join page and its "check your inbox" page: both or neither.
    public static let joinPageTemplates = ["join", "joined"]

    public let library: MustacheLibrary
    /// The same templates compiled for fast rendering; nil when the theme uses what only
    /// swift-mustache renders (transforms, another content type).
    let compiled: CompiledTemplates?
    /// Files in templates/assets/, as paths relative to it.
    public let assets: [String]
    public let directory: String
    /// The names of every template, partials included.
    public let templateNames: Set<String>
    /// True when the theme has join.mustache and joined.mustache: the site gets /join/.
    public var hasJoinPages: Bool { Self.joinPageTemplates.allSatisfy(templateNames.contains) }

    /// Parses every `*.mustache` file below `directory`, reporting every problem: syntax errors,
    /// missing page templates and references to partials or parents that do not exist. The
    /// theme holds the templates that parsed, errors or not; it is nil only without the folder.
    public static func load(from directory: String) -> (Theme?, [Diagnostic]) {
        var diagnostics = DiagnosticList()
        if let problem = brokenLinkProblem(directory, kind: "folder") {
            diagnostics.error(directory, .start, problem)
            return (nil, diagnostics.all)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            diagnostics.error(directory, .start, "templates folder not found (a site needs templates/; `advocate init` makes one)")
            return (nil, diagnostics.all)
        }
        var templates: [String: MustacheTemplate] = [:]
        var compiled: [String: [TemplateNode]]? = [:]
        var sources: [String: String] = [:]
        var blank: Set<String> = [], parents: Set<String> = []
        var references: [String: [TemplateCycles.Reference]] = [:]
        for path in ContentLoader.listFilesAndLinks(directory) where path.hasSuffix(".mustache") {
            let file = Paths.join(directory, path)
            let name = String(path.dropLast(".mustache".count))
            // Known as a template even when unreadable, so that it is not also called missing.
            sources[name] = file
            guard let data = FileManager.default.contents(atPath: file) else {
                diagnostics.error(file, .start, brokenLinkProblem(file, kind: "template") ?? "cannot read the template (check its permissions)")
                continue
            }
            var text: String
            do {
                text = try UTF8Text.decode([UInt8](data))
            } catch {
                diagnostics.error(file, error.location, error.message("template"))
                continue
            }
            // A byte order mark (some Windows editors write one) is not the template's text.
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            if text.allSatisfy(\.isWhitespace) { blank.insert(name) }
            if let problem = MustacheTags.tooMany(in: text) {
                diagnostics.error(file, .start, "the template has \(problem)")
                continue
            }
            do {
                // The pragma's line is dropped from the output; the lines of errors are counted back by one.
                let source = HTMLEscaping.themeSource(text)
                templates[name] = try MustacheTemplate(string: source)
                if let nodes = try? TemplateCompiler.compile(source, contentType: HTMLEscaping.name) {
                    compiled?[name] = nodes
                } else {
                    compiled = nil
                }
            } catch let error as MustacheTemplate.ParserError {
                // The pragma's line is one more before the text swift-mustache parsed.
                let (location, message) = MustacheSyntaxError.diagnose(error, in: text, linesBefore: 1)
                diagnostics.error(file, location, "template syntax error: \(message)")
                continue
            } catch {
                diagnostics.error(file, .start, "template syntax error: \(error)")
                continue
            }
            for tag in MustacheTags.scan(text) where tag.kind == .partial || tag.kind == .parent {
                if tag.name.hasPrefix("*") {
                    // swift-mustache follows a dynamic name without a limit: one that names its
                    // own template (`{{>*page.kind}}` in thanks.mustache) ran until the stack
                    // overflowed. Left out, as a cycle is, so that check goes on without it.
                    diagnostics.error(file, tag.location, "dynamic \(tag.kind == .partial ? "partials ({{>*name}})" : "parents ({{<*name}})") are not supported: "
                                      + "a template named by a value could be this one, without end; choose with sections instead, "
                                      + "{{#page.is.stats}}{{> stats-part}}{{/page.is.stats}}")
                    templates[name] = nil
                    compiled?[name] = nil
                    continue
                }
                if tag.kind == .parent { parents.insert(tag.name) }
                references[name, default: []].append(TemplateCycles.Reference(target: tag.name, isParent: tag.kind == .parent, location: tag.location))
                if !FileManager.default.fileExists(atPath: Paths.join(directory, tag.name + ".mustache")) {
                    let what = tag.kind == .partial ? "partial" : "parent template"
                    diagnostics.error(file, tag.location,
                                      "\(what) '\(tag.name)' not found (expected \(Paths.join(directory, tag.name + ".mustache")))")
                }
            }
        }
        // Left out, so that `advocate check` can go on to render the pages that do not use them.
        for cycle in TemplateCycles.find(references) {
            let what = cycle.reference.isParent ? "parent template" : "partial"
            diagnostics.error(sources[cycle.template]!, cycle.reference.location,
                              "\(what) '\(cycle.reference.target)' leads back to this template (\(cycle.path.joined(separator: " → "))); a template cannot include itself, directly or through others")
            for name in cycle.path {
                templates[name] = nil
                compiled?[name] = nil
            }
        }
        // An empty partial can be a theme's hook; an empty page or layout blanks whole pages.
        for name in blank.sorted() where pageTemplates.contains(name) || optionalPageTemplates.contains(name) || parents.contains(name) {
            diagnostics.warning(sources[name]!, .start, "the template is empty, so every page \(parents.contains(name) ? "built on it" : "it renders") will be blank")
        }
        for name in pageTemplates where sources[name] == nil {
            let path = Paths.join(directory, name + ".mustache")
            diagnostics.error(path, .start, fileType(path) == S_IFDIR
                ? "the template '\(name)' is a folder, not a file: every theme needs it as a file"
                : "missing template '\(name)': every theme needs it")
        }
        let assets = ContentLoader.listFiles(Paths.join(directory, "assets"))
        let joinPages = joinPageTemplates.filter { sources[$0] != nil }
        if joinPages.count == 1 {
            let missing = joinPageTemplates.first { sources[$0] == nil }!
            diagnostics.error(Paths.join(directory, missing + ".mustache"), .start,
                              "missing template '\(missing)': the join page needs both join.mustache and joined.mustache")
        }
        let theme = Theme(library: MustacheLibrary(templates: templates), compiled: compiled.map { CompiledTemplates(templates: $0, escaping: .html) },
                          assets: assets, directory: directory, templateNames: Set(templates.keys))
        return (theme, diagnostics.all)
    }

    /// Renders a page template; nil when it does not exist.
    func render(_ name: String, _ context: TemplateObject) -> String? {
        renderUTF8(name, context).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Renders a page template into UTF-8 bytes; nil when it does not exist. The compiled theme
    /// renders it; swift-mustache when the theme uses what only swift-mustache renders.
    func renderUTF8(_ name: String, _ context: TemplateObject) -> [UInt8]? {
        if let compiled { return compiled.render(name, .object(context)) }
        return library.render(TemplateValue.object(context).any, withTemplate: name).map { Array($0.utf8) }
    }
}
