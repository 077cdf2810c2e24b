import Foundation

/// Loads content/: the home page, terms, FAQ, stories, messaging templates and assets.
///
/// It goes on past a file it cannot read or parse, so that one run reports every problem.
public enum ContentLoader {
    static let homeFile = "index.md"
    static let termsFile = "terms.md"
    static let faqFile = "faq.md"
    static let storiesFolder = "stories"
    static let messagingFolder = "messaging"
    static let assetsFolder = "assets"

    /// Whether the file at `path` (relative to content/) is shown only on its own pages: the home
    /// page, the terms, the FAQ and the stories. A referrer's pages show none of them (only
    /// whether there are stories, which ``Site/inputDigest(of:shared:)`` counts itself).
    static func isShownOnlyOnItsOwnPages(_ path: String) -> Bool {
        [homeFile, termsFile, faqFile].contains(path) || path.hasPrefix(storiesFolder + "/")
    }

    /// The content below `contentDirectory`; `siteRoot` is the site's path below its host
    /// (``SiteURLs/root``), for the site links of emails.
    public static func load(from contentDirectory: String, siteRoot: String = "/") -> (SiteContent, [Diagnostic]) {
        var diagnostics = DiagnosticList()
        // Not a site without pages: the build would take them all down.
        if let problem = brokenLinkProblem(contentDirectory, kind: "folder") {
            diagnostics.error(contentDirectory, .start, problem)
            return (SiteContent(home: nil, terms: nil, faq: nil, stories: [], messages: [], assets: []), diagnostics.all)
        }
        let home = loadPage(Paths.join(contentDirectory, homeFile), defaultTitle: nil, diagnostics: &diagnostics)
        let terms = loadPage(Paths.join(contentDirectory, termsFile), defaultTitle: "Program terms", diagnostics: &diagnostics)
        let faq = loadPage(Paths.join(contentDirectory, faqFile), defaultTitle: "Frequently asked questions", diagnostics: &diagnostics)
        for page in [home, terms, faq].compactMap({ $0 }) {
            checkFrontMatter(of: page, allowed: pageKeys, diagnostics: &diagnostics)
        }
        // The terms and the FAQ are pages every program has (DESIGN.md), which themes link to.
        for (file, page, path) in [(termsFile, terms, "/terms/"), (faqFile, faq, "/faq/")] {
            let full = Paths.join(contentDirectory, file)
            if page == nil, isMissing(full) {
                diagnostics.warning(full, .start,
                                    "\(file) is missing, so \(path) is not built (the starter theme leaves out its links; a theme of your own tests site.hasTerms and site.hasFAQ); write it (`advocate init` makes one to start from)")
            } else if let page, page.rendered.html.replacingOccurrences(of: "<!-- raw HTML omitted -->", with: "").allSatisfy(\.isWhitespace) {
                // Its heading became the title, or it holds only comments: the page shows nothing below the title.
                diagnostics.warning(full, .start, "\(file) has no text below its front matter and title, so \(path) is an empty page; write it")
            }
        }
        // Each page's `effective` becomes a <time datetime>: a day of the calendar, in every page that has one.
        for page in [home, terms, faq].compactMap({ $0 }) {
            if let effective = page.field("effective"), CalendarDay(effective) == nil {
                diagnostics.error(page.source.file, page.source.location(of: "effective"), "'effective' must be a date YYYY-MM-DD, found \(CalendarDay.quoted(effective))")
            }
        }
        // The assets folders are checked with the theme's (``SiteInputs``).
        for folder in [storiesFolder, messagingFolder] {
            let path = Paths.join(contentDirectory, folder)
            if let problem = folderProblem(path) { diagnostics.error(path, .start, problem) }
        }
        let stories = loadStories(Paths.join(contentDirectory, storiesFolder), diagnostics: &diagnostics)
        let messages = loadMessages(Paths.join(contentDirectory, messagingFolder), siteRoot: siteRoot, diagnostics: &diagnostics)
        let assets = listFiles(Paths.join(contentDirectory, assetsFolder))
        return (SiteContent(home: home, terms: terms, faq: faq, stories: stories, messages: messages, assets: assets), diagnostics.all)
    }

    /// The largest Markdown file read: a page's text is rendered and held whole, at some forty
    /// times its size (a 22 MB story took 800 MB to build).
    static let maximumMarkdownBytes = 2 << 20

    /// A Markdown file's front matter and body; nil, with an error, when it cannot be read or is
    /// too large, for a message too when it has more Mustache tags than ``MustacheTags/maximumCount``.
    static func readSource(_ path: String, isMessage: Bool = false, diagnostics: inout DiagnosticList) -> MarkdownSource? {
        guard let data = FileManager.default.contents(atPath: path) else {
            diagnostics.error(path, .start, unreadable(path, "file"))
            return nil
        }
        guard data.count <= maximumMarkdownBytes else {
            diagnostics.error(path, .start, "the file is \(Formatting.grouped(Int64(data.count))) bytes; a page's Markdown may be at most "
                              + "\(Formatting.grouped(Int64(maximumMarkdownBytes))) (pictures and downloads go in content/assets/)")
            return nil
        }
        var text: String
        do {
            text = try UTF8Text.decode([UInt8](data))
        } catch {
            diagnostics.error(path, error.location, error.message("file"))
            return nil
        }
        // Old Mac line ends (a CR alone), which Markdown's parser reads as line ends and front
        // matter did not: a file of them published its front matter as a heading, without a word.
        text = UTF8Text.withLoneCarriageReturnsAsLineFeeds(text)
        if let problem = MarkdownBounds.problem(in: text) {
            diagnostics.error(path, problem.location, problem.message)
            return nil
        }
        if isMessage, let problem = MustacheTags.tooMany(in: text) {
            diagnostics.error(path, .start, "the message has \(problem)")
            return nil
        }
        let cleaned = UTF8Text.removingControls(text, isMessage: isMessage)
        if let first = cleaned.first {
            text = cleaned.text
            let code = String(format: "U+%04X", first.scalar.value)
            let kind = first.scalar.properties.generalCategory == .control ? "control characters such as \(code) (pasted from a word processor?)"
                                                                          : "noncharacters such as \(code)"
            diagnostics.warning(path, first.location, "\(kind) are left out: pages cannot show them; remove them from the file")
        }
        do {
            let source = try FrontMatter.parse(text, file: path)
            diagnostics.append(contentsOf: source.warnings)
            return source
        } catch {
            diagnostics.append(error)
            return nil
        }
    }

    static func loadPage(_ path: String, defaultTitle: String?, diagnostics: inout DiagnosticList) -> ContentPage? {
        // Not `fileExists`, which says no to a link that loops or a file it may not look at:
        // those are errors, not a page the site quietly goes without.
        guard !isMissing(path) else { return nil }
        guard let source = readSource(path, diagnostics: &diagnostics) else { return nil }
        var rendered = Markdown.render(source.body)
        warnAboutOmittedHTML(rendered.omittedHTML, file: path, bodyLine: source.bodyLine, diagnostics: &diagnostics)
        warnAboutDroppedLinks(rendered.droppedLinks, file: path, bodyLine: source.bodyLine, diagnostics: &diagnostics)
        warnAboutFirst(rendered.undescribedPictures, file: path, bodyLine: source.bodyLine, diagnostics: &diagnostics) { first, more in
            "the picture \(first.text) has no description\(more), so screen readers pass over it; describe what it shows: ![A bouquet of tulips](\(first.text)) (a picture that is only decoration belongs in the theme)"
        }
        let field = { (name: String) in ContentPage.text(of: source.fields[name]) }
        // A `# Heading` opening the page (comments before it aside: they show nothing) is its title
        // when front matter gives none; a `##` one names a section (terms.md's first rule), and
        // one after text a part, not the page.
        let opening = Self.afterComments(rendered.html)
        let heading = rendered.headings.first.flatMap { $0.level == 1 && rendered.html[opening...].hasPrefix("<h1 id=\"\($0.id)\">") ? $0 : nil }
        let title = field("title") ?? heading?.text ?? defaultTitle ?? ""
        // The theme shows the title in its own <h1>: the heading it came from is not repeated below it.
        if field("title") == nil, heading != nil, let end = rendered.html.range(of: "</h1>\n", range: opening..<rendered.html.endIndex) {
            rendered.html.removeSubrange(opening..<end.upperBound)
            rendered.headings.removeFirst()
        }
        // The theme's <h1> is the title: another one is a second top heading, which screen
        // readers and search engines take for the start of another page.
        if !title.isEmpty, let second = rendered.headings.first(where: { $0.level == 1 }) {
            diagnostics.warning(path, SourceLocation(line: source.bodyLine + second.line - 1, column: 1),
                                "'\(second.text)' is a top heading (#), a second one below the page's title \"\(title)\"; make it '## \(second.text)'"
                                + (field("title") != nil && heading == second ? ", or drop the title field to make it the title" : ""))
        }
        return ContentPage(source: source, title: title, description: field("description"), rendered: rendered)
    }

    /// Where rendered HTML starts past the comments (which safe mode writes as `<!-- raw HTML
    /// omitted -->`) and blank lines that open it.
    static func afterComments(_ html: String) -> String.Index {
        var rest = html[...]
        while true {
            let trimmed = rest.drop { $0.isWhitespace }
            guard trimmed.hasPrefix("<!--"), let end = trimmed.range(of: "-->") else { return trimmed.startIndex }
            rest = trimmed[end.upperBound...]
        }
    }

    /// Names the first raw HTML of a Markdown body (whose first line is the file's `bodyLine`)
    /// and how much more there is: safe mode leaves it out, and copy vanished without a word.
    static func warnAboutOmittedHTML(_ omitted: [Markdown.OmittedHTML], file: String, bodyLine: Int, diagnostics: inout DiagnosticList) {
        warnAboutFirst(omitted, file: file, bodyLine: bodyLine, diagnostics: &diagnostics) { first, more in
            "raw HTML is left out (Markdown is rendered in safe mode): \(first.text.prefix(60))\(more); write it in Markdown, or put it in the theme"
        }
    }

    /// Names the first unsafe link address of a Markdown body that the page goes without, and
    /// how many more there are.
    static func warnAboutDroppedLinks(_ dropped: [Markdown.OmittedHTML], file: String, bodyLine: Int, diagnostics: inout DiagnosticList) {
        warnAboutFirst(dropped, file: file, bodyLine: bodyLine, diagnostics: &diagnostics) { first, more in
            "the address \(first.text) is left out of the page\(more) (javascript:, vbscript:, file: and data: addresses are unsafe); link to a web address instead"
        }
    }

    /// One warning at the first of `items` (placed in the file from the body's first line), its
    /// message given " (and N more)" for the rest.
    private static func warnAboutFirst(_ items: [Markdown.OmittedHTML], file: String, bodyLine: Int, diagnostics: inout DiagnosticList,
                                       message: (Markdown.OmittedHTML, String) -> String) {
        guard let first = items.first else { return }
        let more = items.count > 1 ? " (and \(items.count - 1) more)" : ""
        diagnostics.warning(file, SourceLocation(line: bodyLine + first.line - 1, column: max(first.column, 1)), message(first, more))
    }

    /// The front matter index.md, terms.md and faq.md can have.
    static let pageKeys = ["description", "effective", "title", "version"]
    /// The front matter a story can have.
    static let storyKeys = ["author", "date", "description", "draft", "summary", "title"]

    /// Warns about each front matter field nothing reads (a typo, usually) and each one that is
    /// read as text but holds a list or a map, which the page would otherwise quietly go without.
    static func checkFrontMatter(of page: ContentPage, allowed: [String], diagnostics: inout DiagnosticList) {
        let file = page.source.file
        for (key, value) in page.source.fields.sorted(by: { $0.key < $1.key }) {
            if !allowed.contains(key) {
                diagnostics.warning(file, page.source.location(of: key), UnknownKey.warning(key, kind: "front matter field", allowed: allowed))
            } else if value.text == nil, value != .null {
                diagnostics.warning(file, page.source.location(of: key), "'\(key)' must be text, such as \(key): Some words; it is ignored")
            }
        }
    }

    static func loadStories(_ directory: String, diagnostics: inout DiagnosticList) -> [Story] {
        var stories: [Story] = []
        var slugs: [String: String] = [:]
        for name in listFiles(directory) where name.hasSuffix(".md") && !name.contains("/") {
            let path = Paths.join(directory, name)
            let slug = Slug.make(String(name.dropLast(3)), fallback: "story")
            if let other = slugs[slug] {
                diagnostics.error(path, .start, "story address /stories/\(slug)/ is already taken by \(other); rename one of the files")
                continue
            }
            slugs[slug] = path
            guard let page = loadPage(path, defaultTitle: nil, diagnostics: &diagnostics) else { continue }
            checkFrontMatter(of: page, allowed: storyKeys, diagnostics: &diagnostics)
            if page.title.isEmpty {
                diagnostics.error(path, .start, "a story needs a 'title' in its front matter, or a '# Heading' as its first line")
                continue
            }
            var date: CalendarDay?
            if let text = page.field("date") {
                date = storyDay(text)
                if date == nil {
                    diagnostics.error(path, page.source.location(of: "date"), "'date' must be a date YYYY-MM-DD (or a date and time, 2026-04-18T10:00:00Z), found \(CalendarDay.quoted(text))")
                }
            }
            // As in Hugo and Zola: a story being written or awaiting approval is checked, not
            // published.
            if let draft = page.field("draft"), draft.lowercased() != "false" {
                if draft.lowercased() != "true" {
                    diagnostics.error(path, page.source.location(of: "draft"), "'draft' must be true or false, found \"\(draft)\"")
                }
                continue
            }
            stories.append(Story(slug: slug, page: page, date: date, summary: page.field("summary") ?? page.description,
                                 author: page.field("author")))
        }
        return stories.sorted { lhs, rhs in
            if lhs.date != rhs.date { return (lhs.date ?? CalendarDay(daysSinceEpoch: .min)) > (rhs.date ?? CalendarDay(daysSinceEpoch: .min)) }
            return lhs.slug < rhs.slug
        }
    }

    /// A story's `date`: a day, `2026-04-18`, or a date and time as Hugo, Zola and Jekyll take
    /// one (`2026-04-18T10:00:00Z`, `2026-04-18T10:00:00+02:00`, `2026-04-18 10:00`,
    /// `2026-04-18 10:00:00 +0200`, YAML's `2026-04-18 10:00:00.5 -5`), whose day is the one written.
    static func storyDay(_ text: String) -> CalendarDay? {
        if let day = CalendarDay(text) { return day }
        guard text.utf8.count > 10, let day = CalendarDay(String(text.prefix(10))),
              let match = text.dropFirst(10).wholeMatch(of: storyTime) else { return nil }
        let (hour, minute, second) = (Int(match.1)!, Int(match.2)!, match.3.flatMap { Int($0) } ?? 0)
        let offsetHours = (match.4 ?? match.6).flatMap { Int($0) } ?? 0
        let offsetMinutes = (match.5 ?? match.7).flatMap { Int($0) } ?? 0
        return hour < 24 && minute < 60 && second < 61 && offsetMinutes < 60 && offsetHours * 60 + offsetMinutes <= 14 * 60 ? day : nil
    }

    /// After the day: `T` or spaces, `H:MM` or `HH:MM`, its seconds and their fraction, then a zone
    /// (`Z`, `+02:00`, `+2:00`, `+0200`, `-5`, as YAML and ISO 8601 write it), after spaces or not.
    private nonisolated(unsafe) static let storyTime = /(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?[ \t]*(?:[Zz]|[+-](?:([0-9]{1,2})(?::([0-9]{2}))?|([0-9]{2})([0-9]{2})))?/

    static func loadMessages(_ directory: String, siteRoot: String, diagnostics: inout DiagnosticList) -> [MessageTemplate] {
        listFiles(directory).filter { $0.hasSuffix(".md") && !$0.contains("/") }.compactMap { name in
            let path = Paths.join(directory, name)
            guard let source = readSource(path, isMessage: true, diagnostics: &diagnostics) else { return nil }
            return MessageTemplateLoader.load(source, name: String(name.dropLast(3)), siteRoot: siteRoot, diagnostics: &diagnostics)
        }
    }

    /// What `advocate check` says of content/stories/ and content/messaging/: the files there
    /// that are not read (not build warnings, which would make every build a full one).
    static func filesNotRead(in contentDirectory: String) -> [Diagnostic] {
        var diagnostics = DiagnosticList()
        for folder in [storiesFolder, messagingFolder] {
            warnAboutFilesNotRead(in: Paths.join(contentDirectory, folder), diagnostics: &diagnostics)
        }
        return diagnostics.all
    }

    /// Names what is in a folder of `*.md` files but not read: another extension (`.markdown`,
    /// `.MD`), a subfolder's file, or a symbolic link (never followed there, so that a link cannot
    /// publish a file from outside the site). Hidden files are a theme's or an editor's own.
    private static func warnAboutFilesNotRead(in directory: String, diagnostics: inout DiagnosticList) {
        guard let enumerator = FileManager.default.enumerator(atPath: followed(directory)) else { return }
        let folder = "content/" + (directory as NSString).lastPathComponent + "/"
        var notRead: [(path: String, why: String)] = []
        while let path = enumerator.nextObject() as? String {
            let type = enumerator.fileAttributes?[.type] as? FileAttributeType
            if (path as NSString).lastPathComponent.hasPrefix(".") {
                if type == .typeDirectory { enumerator.skipDescendants() }
            } else if type == .typeSymbolicLink {
                notRead.append((path, "it is a symbolic link, which is not followed in \(folder); copy the file in"))
            } else if type == .typeRegular && (path.contains("/") || !path.hasSuffix(".md")) {
                notRead.append((path, "only the *.md files directly in \(folder) are read"))
            }
        }
        for file in notRead.sorted(by: { $0.path < $1.path }) {
            diagnostics.warning(Paths.join(directory, file.path), .start, "not read: \(file.why)")
        }
    }

    /// Why the optional folder at `path` cannot be read, nil when it can or is absent: a folder
    /// the build cannot see into must not read as one with nothing in it, which would take its
    /// pages off the site.
    static func folderProblem(_ path: String) -> String? {
        if let problem = brokenLinkProblem(path, kind: "folder") { return problem }
        if isMissing(path) { return nil }
        guard fileType(path) == S_IFDIR else { return unreadable(path, "folder") }
        guard let folder = opendir(path) else { return "cannot read the folder: \(systemMessage())" }
        closedir(folder)
        return nil
    }

    /// Why the file or folder at `path`, which exists, cannot be read as one.
    static func unreadable(_ path: String, _ kind: String) -> String {
        if let problem = brokenLinkProblem(path, kind: kind) { return problem }
        let type = fileType(path)
        let code = errno
        switch type {
        case nil: return "cannot read the \(kind): \(systemMessage(code))"
        case S_IFDIR? where kind == "file": return "is a folder, not a file"
        case let type? where type != S_IFDIR && kind == "folder": return "is a file, not a folder"
        default:
            let descriptor = open(path, O_RDONLY)
            guard descriptor >= 0 else { return "cannot read the \(kind): \(systemMessage())" }
            close(descriptor)
            return "cannot read the \(kind)"
        }
    }

    /// The folder a path names, a symbolic link resolved: content/stories may be one (stories
    /// shared between sites); links inside it are not followed.
    private static func followed(_ directory: String) -> String {
        fileType(directory, followingLinks: false) == S_IFLNK ? URL(fileURLWithPath: directory).resolvingSymlinksInPath().path : directory
    }

    /// The folders the build reads through a symbolic link (``followed(_:)``), by name below
    /// content/ or templates/.
    static let linkableFolders = [storiesFolder, messagingFolder, assetsFolder]

    /// The files of those of `directory`'s folders that are symbolic links, as paths relative to
    /// `directory`: ``listFiles(_:)`` of `directory` does not go through a link, and an edit
    /// there must still count as a change of the inputs.
    public static func filesInLinkedFolders(of directory: String) -> [String] {
        linkableFolders.flatMap { folder -> [String] in
            let path = Paths.join(directory, folder)
            guard fileType(path, followingLinks: false) == S_IFLNK else { return [] }
            return listFiles(path).map { folder + "/" + $0 }
        }
    }

    /// The folders below a folder (which may be a symbolic link), as relative paths; hidden ones
    /// are skipped, as ``listFiles(_:)`` skips them.
    static func subfolders(of directory: String) -> [String] {
        entries(of: directory, types: [.typeDirectory])
    }

    /// Regular files below a folder (which may be a symbolic link), as sorted relative paths;
    /// hidden files are skipped.
    public static func listFiles(_ directory: String) -> [String] {
        entries(of: directory, types: [.typeRegular]).sorted()
    }

    /// ``listFiles(_:)`` with the symbolic links among them, wherever they lead: the theme reads
    /// a template through a link (a link that leads nowhere is then an error, not a template the
    /// site goes without), and an edit through one is a change of the inputs.
    public static func listFilesAndLinks(_ directory: String) -> [String] {
        entries(of: directory, types: [.typeRegular, .typeSymbolicLink]).sorted()
    }

    /// The symbolic links below a folder, as sorted relative paths: in an assets folder they are
    /// not copied (one could lead outside the site), and a warning says so.
    static func listLinks(_ directory: String) -> [String] {
        entries(of: directory, types: [.typeSymbolicLink]).sorted()
    }

    /// The entries of `types` below a folder, in the order found; hidden ones, and what is in
    /// hidden folders, skipped.
    private static func entries(of directory: String, types: Set<FileAttributeType>) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: followed(directory)) else { return [] }
        var found: [String] = []
        while let path = enumerator.nextObject() as? String {
            let entryType = enumerator.fileAttributes?[.type] as? FileAttributeType
            if (path as NSString).lastPathComponent.hasPrefix(".") {
                if entryType == .typeDirectory { enumerator.skipDescendants() }
            } else if let entryType, types.contains(entryType) {
                found.append(path)
            }
        }
        return found
    }
}
