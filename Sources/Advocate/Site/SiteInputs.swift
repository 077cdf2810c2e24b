import Foundation

/// Where a build reads from and writes to.
public struct BuildOptions: Sendable {
    public var sourceDirectory: String
    public var dataDirectory: String
    public var outputDirectory: String
    /// Figures as of the end of this UTC day; nil for the newest journal event.
    public var asOf: CalendarDay?
    /// The most addresses one sitemap file lists (sitemaps.org's limit; tests set fewer).
    var sitemapURLsPerFile = Sitemap.urlsPerFile

    /// `data` defaults to `<source>/content/data`, `output` to `<source>/public`.
    public init(source: String = ".", data: String? = nil, output: String? = nil, asOf: CalendarDay? = nil) {
        self.sourceDirectory = source
        self.dataDirectory = data ?? Paths.join(source, "content", "data")
        self.outputDirectory = output ?? Paths.join(source, "public")
        self.asOf = asOf
    }

    /// Throws one diagnostic when the site folder does not exist, or has neither program.json
    /// nor templates/ (a command run in the wrong folder): its cause, instead of a missing
    /// program.json, templates/ or lock file beneath it.
    public func checkSourceFolder() throws(DiagnosticsError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: sourceDirectory, isDirectory: &isFolder), isFolder.boolValue else {
            var diagnostics = DiagnosticList()
            diagnostics.error(sourceDirectory, .start,
                              "site folder not found (--source names the folder holding content/ and templates/; `advocate init` makes one)")
            throw DiagnosticsError(diagnostics.all)
        }
        let manager = FileManager.default
        if !manager.fileExists(atPath: Paths.join(dataDirectory, StoreFiles.program)) && !manager.fileExists(atPath: templatesDirectory) {
            var diagnostics = DiagnosticList()
            diagnostics.error(URL(fileURLWithPath: sourceDirectory).standardizedFileURL.path, .start,
                              "not an advocate site: there is no content/data/program.json and no templates/ here (run the command in a site folder or pass --source DIR; `advocate init` makes one)")
            throw DiagnosticsError(diagnostics.all)
        }
    }

    public var contentDirectory: String { Paths.join(sourceDirectory, "content") }
    public var templatesDirectory: String { Paths.join(sourceDirectory, "templates") }
    /// The store's journal.
    var journalFile: String { Paths.join(dataDirectory, StoreFiles.journal) }
    /// Where the build keeps what it needs between runs (outside the output).
    public var stateDirectory: String { Paths.join(sourceDirectory, ".advocate") }
}

/// Everything a build reads, loaded and validated: the store, content/ and templates/.
public struct SiteInputs: Sendable {
    public var options: BuildOptions
    public var loaded: LoadedStore
    public var content: SiteContent
    public var theme: Theme
    /// Warnings from every input.
    public var warnings: [Diagnostic]

    /// The store. Mutations happen in place (`inputs.store.journal.append(…)` does not copy the
    /// journal), which the endpoint relies on for every referral it records.
    public var store: Store {
        get { loaded.store }
        _modify { yield &loaded.store }
    }

    /// Loads every input and reports every problem found in any of them.
    ///
    /// - Throws: ``DiagnosticsError`` when any input has an error.
    public static func load(_ options: BuildOptions) throws(DiagnosticsError) -> SiteInputs {
        try load(options) { StoreLoader.read(from: options.dataDirectory, makingLedger: true) }
    }

    /// Loads content/ and templates/ and checks them against the store `readStore` gives.
    static func load(_ options: BuildOptions, store readStore: () -> StoreReading) throws(DiagnosticsError) -> SiteInputs {
        let gathered = try gather(options, store: readStore)
        guard let inputs = gathered.inputs, !gathered.diagnostics.hasErrors else {
            throw DiagnosticsError(gathered.diagnostics.all)
        }
        return inputs
    }

    /// Every input that could be read and every problem found, for a command that needs only
    /// some of them: a preview of one message while another messaging file is broken.
    ///
    /// - Throws: ``DiagnosticsError`` when the store or the theme could not be read.
    public static func loadDespiteProblems(_ options: BuildOptions) throws(DiagnosticsError) -> (inputs: SiteInputs, diagnostics: [Diagnostic]) {
        var storeLoaded = false
        let gathered = try gather(options) {
            let reading = StoreLoader.read(from: options.dataDirectory, makingLedger: true)
            storeLoaded = reading.loaded != nil
            return reading
        }
        guard storeLoaded, let inputs = gathered.inputs else { throw DiagnosticsError(gathered.diagnostics.all) }
        return (inputs, gathered.diagnostics.all)
    }

    /// Every input as far as it could be read, and every problem found in any of them: what
    /// `advocate check` goes on from past an error. `inputs` uses the store's stand-in when the
    /// store has errors, and the templates that parsed when some did not; it is nil when
    /// program.json did not load or there is no templates/ folder.
    static func gather(_ options: BuildOptions,
                       store readStore: () -> StoreReading) throws(DiagnosticsError) -> (inputs: SiteInputs?, diagnostics: DiagnosticList) {
        try options.checkSourceFolder()
        try options.checkOutputFolder()
        var diagnostics = DiagnosticList()
        let reading = readStore()
        diagnostics.append(contentsOf: reading.diagnostics)
        let siteRoot = reading.standIn.map { SiteURLs(baseURL: $0.program.baseURL).root } ?? "/"
        let (content, contentDiagnostics) = ContentLoader.load(from: options.contentDirectory, siteRoot: siteRoot)
        diagnostics.append(contentsOf: contentDiagnostics)
        let (theme, themeDiagnostics) = Theme.load(from: options.templatesDirectory)
        diagnostics.append(contentsOf: themeDiagnostics)
        let unreadable = checkAssets([(Paths.join(options.contentDirectory, ContentLoader.assetsFolder), content.assets),
                                      (Paths.join(options.templatesDirectory, "assets"), theme?.assets ?? [])], diagnostics: &diagnostics)
        guard let store = reading.standIn else { return (nil, diagnostics) }
        if !unreadable { checkBrand(store.program, content: content, options: options, diagnostics: &diagnostics) }
        checkBrandContrast(store.program, file: Paths.join(options.dataDirectory, StoreFiles.program), diagnostics: &diagnostics)
        checkMessaging(content, diagnostics: &diagnostics)
        guard let theme else { return (nil, diagnostics) }
        let loaded = reading.loaded ?? LoadedStore(store: store, warnings: [])
        return (SiteInputs(options: options, loaded: loaded, content: content, theme: theme, warnings: diagnostics.all), diagnostics)
    }

    /// An error for each assets folder (given with its files) that cannot be read and each asset
    /// the build could not copy, found here so that `check` names it and a build stops before
    /// writing anything, and a warning for each symbolic link the build leaves out; whether
    /// there was any error.
    private static func checkAssets(_ folders: [(folder: String, files: [String])], diagnostics: inout DiagnosticList) -> Bool {
        var unreadable = false
        for (folder, files) in folders {
            for link in ContentLoader.listLinks(folder) {
                diagnostics.warning(Paths.join(folder, link), .start, "is a symbolic link, which a build does not copy (it could lead outside the site): "
                                    + "the site goes without \(link); put the file or folder itself there")
            }
            // A subfolder it cannot look into is skipped by the listing, as if empty.
            for path in [folder] + ContentLoader.subfolders(of: folder).map({ Paths.join(folder, $0) }) {
                if let problem = ContentLoader.folderProblem(path) {
                    diagnostics.error(path, .start, problem)
                    unreadable = true
                }
            }
            for file in files {
                let path = Paths.join(folder, file)
                let descriptor = open(path, O_RDONLY)
                if descriptor >= 0 {
                    close(descriptor)
                } else {
                    diagnostics.error(path, .start, "cannot read the asset: \(systemMessage()); a build copies every file of the folder into the site")
                    unreadable = true
                }
            }
        }
        return unreadable
    }

    private static func checkBrand(_ program: Program, content: SiteContent, options: BuildOptions, diagnostics: inout DiagnosticList) {
        guard let brand = program.brand else { return }
        let programFile = Paths.join(options.dataDirectory, StoreFiles.program)
        func asset(_ file: String) -> String { Paths.join(options.contentDirectory, "assets", file) }
        for (key, file, location) in [("logo", brand.logo, brand.logoLocation), ("image", brand.image, brand.imageLocation)] {
            guard let file, !content.assets.contains(file) else { continue }
            let isLink = fileType(asset(file), followingLinks: false) == S_IFLNK
            let otherCase = content.assets.first { $0.lowercased() == file.lowercased() }
            diagnostics.error(programFile, location, "brand.\(key) names \"\(file)\" but \(asset(file)) "
                              + (isLink ? "is a symbolic link, which a build does not follow (it could lead outside the site): put the file itself there"
                                 : "does not exist" + (otherCase.map { " (names are case-sensitive: did you mean \"\($0)\"?)" } ?? "")))
        }
        if let image = brand.image, content.assets.contains(image), !isPreviewPicture(asset(image)) {
            diagnostics.error(programFile, brand.imageLocation,
                              "brand.image names \"\(image)\" but its content is no PNG, JPEG, GIF or WebP picture (an SVG or another file renamed?): link previews would show nothing")
        }
        if let logo = brand.logo, content.assets.contains(logo), logo.lowercased().hasSuffix(".svg"), svgHasScript(asset(logo)) {
            diagnostics.warning(programFile, brand.logoLocation,
                                "brand.logo \"\(logo)\" holds a script (<script>, an on… attribute, a javascript: link, embedded HTML or an XSLT stylesheet): it runs for anyone who opens the logo's address, "
                                + "on the portal's own site, where the private stats pages are; export the SVG again without scripts")
        }
    }

    /// A brand colour too light for white text on it, or for links in it on white and on the
    /// light grey of panels (the bundled theme's buttons, share links and cards), is unreadable
    /// there: a warning below WCAG's 4.5:1 against that grey, the lighter text's background.
    private static func checkBrandContrast(_ program: Program, file: String, diagnostics: inout DiagnosticList) {
        guard let brand = program.brand, let color = brand.color,
              let ratio = ColorContrast.ratio(color, ColorContrast.themePanel), ratio < 4.5 else { return }
        let shown = (ratio * 10).rounded(.down) / 10
        diagnostics.warning(file, brand.colorLocation,
                            "brand colour \(color) has a contrast of \(shown):1 with the theme's light grey panels (\(ColorContrast.themePanel)), where text needs 4.5:1: "
                            + "the bundled theme writes white text on it (buttons) and links in it on white and on those panels, which would be hard to read; pick a darker shade")
    }

    /// Whether an SVG file holds what a browser runs when the file is opened by its address: a
    /// `<script>` element or an event attribute (`onload=`). Pages show the logo in an `<img>`,
    /// which runs neither; its own address does.
    static func svgHasScript(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let text = decodingCharacterReferences(String(decoding: (try? handle.read(upToCount: 2 << 20)) ?? Data(), as: UTF8.self)).lowercased()
        // A script under any namespace prefix (`<svg:script>`, `<x:script>`), HTML that can run
        // one (`<foreignObject>`, frames), an event attribute, a javascript: address (written
        // with character references, or tabs, which a browser drops from it), entities declared
        // in the file (which can hide any of these), or an XSLT stylesheet.
        let address = text.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" }
        return text.range(of: #"<([a-z0-9_.-]+:)?(script|foreignobject|iframe|embed|object|handler)\b"#, options: .regularExpression) != nil
            || text.range(of: #"\son[a-z]+\s*="#, options: .regularExpression) != nil
            || address.range(of: #"(javascript|vbscript)\s*:"#, options: .regularExpression) != nil
            || text.contains("<!entity") || text.contains("<?xml-stylesheet")
    }

    /// `text` with its numeric character references (`&#115;`, `&#x3A;`) as the characters they
    /// name, as an XML parser reads them.
    static func decodingCharacterReferences(_ text: String) -> String {
        guard text.contains("&#") else { return text }
        return text.replacing(#/&#([xX][0-9a-fA-F]{1,6}|[0-9]{1,7});/#) { match in
            let digits = match.output.1
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            return value.flatMap(Unicode.Scalar.init).map { String(Character($0)) } ?? String(match.output.0)
        }
    }

    /// Whether the file starts as a PNG, JPEG, GIF or WebP does: what its name says is not enough
    /// for social networks, which show no picture for anything else.
    static func isPreviewPicture(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 12)) ?? Data())
        let signatures: [[UInt8]] = [[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], [0xFF, 0xD8, 0xFF], Array("GIF87a".utf8), Array("GIF89a".utf8)]
        return signatures.contains { head.starts(with: $0) }
            || (head.count == 12 && head.starts(with: Array("RIFF".utf8)) && head[8..<12].elementsEqual("WEBP".utf8))
    }

    /// One share text a channel (others appear on /messaging/ only) and one template an email
    /// the server sends: a second `send:` of the same email had silently replaced the first.
    private static func checkMessaging(_ content: SiteContent, diagnostics: inout DiagnosticList) {
        var senders: [Notification: MessageTemplate] = [:]
        for message in content.messages {
            guard let notification = message.notification else { continue }
            if let first = senders[notification] {
                diagnostics.error(message.file, message.notificationLocation, "send: \(notification.rawValue) is also \(first.file)'s; the server sends one email of each kind: "
                                  + "remove the send: line from one of them (or the file)")
            } else {
                senders[notification] = message
            }
        }
        var seen: [MessageChannel: String] = [:]
        for message in content.messages where message.notification == nil {
            if let first = seen[message.channel] {
                diagnostics.warning(message.file, .start,
                                    "\(first) already provides the \(message.channel.label) share text; this template appears on /messaging/ only")
            } else {
                seen[message.channel] = message.name
            }
        }
    }
}
