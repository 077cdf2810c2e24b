import Foundation

/// What `advocate check` found.
public struct CheckReport: Sendable {
    public var diagnostics: [Diagnostic]
    /// Why the pages were not checked (links, template values, message lengths), when they were not.
    public var pagesNotChecked: String?
}

/// What `advocate check` adds to loading: it renders every page in memory (writing nothing) and
/// checks internal links and asset references, template variables, and messaging lengths.
public enum SiteChecker {
    /// Loads every input and checks the pages, going on past errors: when the store has errors
    /// the pages are checked with its program and roster (``StoreReading/standIn``), and the
    /// templates that parsed are checked when others did not. `progress` is called with pages
    /// checked and pages in all while they are rendered.
    public static func check(_ options: BuildOptions, progress: (@Sendable (Int, Int) -> Void)? = nil) -> CheckReport {
        let gathered: (inputs: SiteInputs?, diagnostics: DiagnosticList)
        do {
            gathered = try SiteInputs.gather(options) { StoreLoader.read(from: options.dataDirectory) }
        } catch {
            return CheckReport(diagnostics: error.diagnostics)
        }
        guard let inputs = gathered.inputs else {
            return CheckReport(diagnostics: gathered.diagnostics.all,
                               pagesNotChecked: "links, template values and message lengths were not checked: they need program.json to load and a templates/ folder")
        }
        let secrets = webhookSecretsNotSet(inputs.store.program, environment: ProcessInfo.processInfo.environment,
                                           file: Paths.join(options.dataDirectory, StoreFiles.program))
        return CheckReport(diagnostics: gathered.diagnostics.all + secrets + check(inputs, errors: gathered.diagnostics.all.filter { $0.severity == .error }, progress: progress))
    }

    /// A warning for each webhook whose signing secret's variable is not set here: `advocate
    /// serve` refuses to start without it (check may run where the server does not, so a warning).
    static func webhookSecretsNotSet(_ program: Program, environment: [String: String], file: String) -> [Diagnostic] {
        program.webhooks.enumerated().compactMap { index, hook in
            guard environment[hook.secretVariable]?.isEmpty ?? true else { return nil }
            return .warning(file, .start, "webhooks[\(index)] (\(hook.url)) signs with the environment variable \(hook.secretVariable), "
                            + "which is not set here; `advocate serve` will not start without it")
        }
    }

    /// The checks of the pages, given the `errors` already found in the inputs they were made of.
    static func check(_ inputs: SiteInputs, errors: [Diagnostic] = [], now: Instant = .now,
                      progress: (@Sendable (Int, Int) -> Void)? = nil) -> [Diagnostic] {
        let site = Site(inputs: inputs)
        var diagnostics = DiagnosticList()
        diagnostics.append(contentsOf: buildWarnings(site))
        checkStoryDates(inputs.content.stories, today: now.day, diagnostics: &diagnostics)
        checkStoreDates(inputs, now: now, diagnostics: &diagnostics)
        checkReferrersAddresses(inputs.store, diagnostics: &diagnostics)
        checkFriendRewardInMessages(site, diagnostics: &diagnostics)
        diagnostics.append(contentsOf: ThemeLint.filesNotRead(directory: inputs.theme.directory))
        checkMessageLengths(site, diagnostics: &diagnostics)
        checkEachReferrersMessages(site, diagnostics: &diagnostics)
        checkLinks(site, explained: explainedAbsences(inputs, errors: errors), progress: progress, diagnostics: &diagnostics)
        checkAssetNames(site, diagnostics: &diagnostics)
        return diagnostics.all
    }

    /// What `advocate build` says too, of `check`'s findings that change the pages it makes: a
    /// story or message file it does not read (`.markdown`), a template nothing uses (a misspelt
    /// page template), a block never shown, a value no page provides (`{{titel}}`, an empty
    /// heading). Tens of milliseconds, on one sample page of each kind.
    public static func buildWarnings(_ site: Site) -> [Diagnostic] {
        var diagnostics = DiagnosticList()
        diagnostics.append(contentsOf: ContentLoader.filesNotRead(in: site.inputs.options.contentDirectory))
        let templates = ThemeLint.sources(directory: site.inputs.theme.directory)
        diagnostics.append(contentsOf: ThemeLint.warnings(templates))
        checkTemplateVariables(site, templates: templates, diagnostics: &diagnostics)
        return diagnostics.all
    }

    /// Whether a link's `fragment` names one of a page's `ids`, as written or decoded: cmark
    /// writes a footnote's id as it encodes its link (`fn-%C3%A9`).
    static func names(_ fragment: String, among ids: Set<String>) -> Bool {
        ids.contains(fragment) || ids.contains(fragment.removingPercentEncoding ?? fragment)
    }

    /// An asset whose name holds `..` (`report..final.pdf`) is published, but `advocate serve`
    /// (Hummingbird's file server) and other servers wary of `..` answer 400 for its address.
    static func checkAssetNames(_ site: Site, diagnostics: inout DiagnosticList) {
        for case .asset(let source, let path) in SitePlan.assets(site.inputs) where path.contains("..") {
            diagnostics.warning(source, .start, "the name has '..' in it, for which advocate serve (and other servers wary of it) answers 400 "
                                + "instead of the file: rename it (\(path.replacingOccurrences(of: "..", with: ".")))")
        }
    }

    /// The files of the site whose absence an error already explains: the home page, terms or
    /// FAQ whose Markdown did not load, a logo missing from content/assets/. A link to one is not
    /// reported again on every page it is on.
    static func explainedAbsences(_ inputs: SiteInputs, errors: [Diagnostic]) -> Set<String> {
        let content = inputs.options.contentDirectory
        var paths: Set<String> = []
        for (file, page) in [("index.md", "index.html"), ("terms.md", "terms/index.html"), ("faq.md", "faq/index.html")]
        where errors.contains(where: { $0.file == Paths.join(content, file) }) {
            paths.insert(page)
        }
        if let logo = inputs.store.program.brand?.logo, !inputs.content.assets.contains(logo) { paths.insert("assets/" + logo) }
        // A program with no referrer yet previews its messages for a made-up one, whose links
        // (`[{{link}}]({{link}})` in an email) lead to a page no build makes.
        if !inputs.store.referrers.contains(where: { !$0.isErased }) {
            let sample = MessagingPreview.madeUpSample.code
            paths.formUnion(["r/\(sample)/index.html", "r/\(sample)/qr.svg"])
        }
        return paths
    }

    /// Share messages as each referrer sends them: a long name can take a message past its
    /// channel's limit (X's 280 characters) where the sample on /messaging/ fits, or make an SMS
    /// more messages than the sample's, each billed. One warning a template, with how many
    /// referrers and the longest message. An SMS that a name's letter outside GSM-7 (林, ë) makes
    /// UCS-2 is not warned of: no copy with a link fits one such message, and no rewording helps;
    /// /messaging/ names the character when the sample's is.
    static func checkEachReferrersMessages(_ site: Site, diagnostics: inout DiagnosticList) {
        let templates = site.inputs.content.messages.filter { $0.notification == nil }
        guard !templates.isEmpty, !site.referrers.isEmpty else { return }
        @Sendable func length(_ template: MessageTemplate, for referrer: Referrer) -> (variant: MessageVariant, length: MessageLength)? {
            guard let shown = template.shownVariantIndex(site.variant(for: referrer.code)) else { return nil }
            let variant = template.variants[shown]
            let text = variant.render(site.messageValues(for: referrer, source: template.linkSource, at: site.figures.asOf)).text
            return (variant, MessageLength.measure(text, channel: template.channel))
        }
        @Sendable func isLonger(_ length: MessageLength, than sample: MessageLength) -> Bool {
            if let segments = length.segments { return length.encoding == sample.encoding && segments > max(sample.segments ?? 0, 1) }
            return length.over && !sample.over
        }
        // What /messaging/ shows: each template's variants for the sample referrer (an SMS with the name in GSM-7 letters).
        let previews = samplePreviews(site, templates: templates)
        let sampleName = MessagingPreview.sampleReferrer(site).shownName
        let sampleIsGSM7 = GSM7.standIn(for: sampleName) == sampleName
        let samples = templates.map { template in
            Dictionary(previews.filter { $0.template.name == template.name }.map { ($0.variant ?? "", $0.length) }, uniquingKeysWith: { first, _ in first })
        }
        typealias Longer = (count: Int, variant: String?, code: String, length: MessageLength)
        let chunk = 1024
        let perChunk = parallelMap((site.referrers.count + chunk - 1) / chunk) { chunkIndex -> [Int: Longer] in
            var longer: [Int: Longer] = [:]
            for referrer in site.referrers[chunkIndex * chunk..<min(site.referrers.count, (chunkIndex + 1) * chunk)] {
                for (index, template) in templates.enumerated() {
                    guard let (variant, measured) = length(template, for: referrer),
                          let sample = samples[index][variant.name ?? ""], isLonger(measured, than: sample) else { continue }
                    var found = longer[index] ?? (0, variant.name, referrer.code, measured)
                    found.count += 1
                    if measured.count > found.length.count { (found.variant, found.code, found.length) = (variant.name, referrer.code, measured) }
                    longer[index] = found
                }
            }
            return longer
        }
        for (index, template) in templates.enumerated() {
            let found = perChunk.compactMap { $0[index] }
            guard let worst = found.max(by: { $0.length.count < $1.length.count }) else { continue }
            let count = found.reduce(0) { $0 + $1.count }
            let referrers = "with their names, \(count) referrer\(count == 1 ? "'s message" : "s' messages")"
            let what = template.channel == .sms ? "\(count == 1 ? "is" : "are") sent as more SMS than \(sampleIsGSM7 ? "the sample on /messaging/" : "the copy with a name in GSM-7 letters")"
                : "\(count == 1 ? "is" : "are") past its limit, where the sample on /messaging/ is not"
            let at = template.variant(named: worst.variant)?.bodyLocation ?? .start
            diagnostics.warning(template.file, at, "\(template.channel.label) message: \(referrers) \(what); the longest, \(worst.code)'s"
                                + "\(MessageVariant.label(worst.variant)), \(worst.length.pastTheLimit): \(worst.length.summary)")
        }
    }

    /// The templates' variants for the sample referrer of /messaging/, as `check` measures them:
    /// an SMS with the sample's name in GSM-7 letters. A letter of a name outside GSM-7 (ë, 林)
    /// makes any message UCS-2, which no rewording of the copy helps; each referrer's own name is
    /// weighed apart (``checkEachReferrersMessages(_:diagnostics:)``), against this sample.
    static func samplePreviews(_ site: Site, templates: [MessageTemplate]? = nil) -> [MessagingPreview] {
        let sample = MessagingPreview.sampleReferrer(site)
        var inGSM7 = sample
        inGSM7.name = GSM7.standIn(for: sample.name)
        return MessagingPreview.previews(site, referrer: sample, templates: templates).filter { $0.template.channel != .sms }
            + MessagingPreview.previews(site, referrer: inGSM7, templates: templates).filter { $0.template.channel == .sms }
    }

    /// Each template's copy against its channel's limit, for the sample referrer.
    static func checkMessageLengths(_ site: Site, diagnostics: inout DiagnosticList) {
        for preview in samplePreviews(site) where preview.length.over {
            let variant = MessageVariant.label(preview.variant)
            diagnostics.warning(preview.template.file, preview.template.variant(named: preview.variant)?.bodyLocation ?? .start,
                                "\(preview.template.channel.label) message\(variant) \(preview.length.pastTheLimit): \(preview.length.summary)")
        }
    }

    /// A message that names the friend's reward, in a program that gives friends none (no
    /// `rewards.friend`), says nothing there ("Here's  at Acme"), or only while an offer with
    /// `friend` wording runs; unless it is inside `{{#reward.friend}}…{{/reward.friend}}`.
    static func checkFriendRewardInMessages(_ site: Site, diagnostics: inout DiagnosticList) {
        let program = site.program
        guard program.friendReward == nil else { return }
        let when = program.offers.contains(where: { $0.friend != nil }) ? " outside the offers that give friends their own reward" : ""
        for message in site.inputs.content.messages {
            guard let data = FileManager.default.contents(atPath: message.file) else { continue }
            var guards = 0
            var sections: [Bool] = []
            for tag in MustacheTags.scan(String(decoding: data, as: UTF8.self)) {
                switch tag.kind {
                case .section, .invertedSection, .block, .parent:
                    let isGuard = tag.kind == .section && tag.name == "reward.friend"
                    sections.append(isGuard)
                    if isGuard { guards += 1 }
                case .closing:
                    if sections.popLast() == true { guards -= 1 }
                case .variable where tag.name == "reward.friend" && guards == 0:
                    diagnostics.warning(message.file, tag.location, "'{{reward.friend}}' writes nothing\(when): program.json gives no rewards.friend; "
                                        + "reword the message without it, put it inside {{#reward.friend}}…{{/reward.friend}}, or add one")
                default:
                    break
                }
            }
        }
    }

    /// A story dated after today is published by the next build all the same: a build reads no
    /// clock (its output is the same whenever it runs), so `check`, which may, says so.
    static func checkStoryDates(_ stories: [Story], today: CalendarDay, diagnostics: inout DiagnosticList) {
        for story in stories {
            guard let date = story.date, today < date else { continue }
            diagnostics.warning(story.page.source.file, story.page.source.location(of: "date"),
                                "the story is dated \(date.iso8601), after today (\(today.iso8601)), but a build publishes it now (it reads no clock); "
                                + "mark it 'draft: true' until then if it must wait")
        }
    }

    /// A journal event dated ahead of the clock (a year typed wrong, an import dated ahead) is, as
    /// the newest event, the as-of of every page a build makes without --as-of: its figures are a
    /// forecast, with rewards still on hold counted as earned; with no event, so is a referrer's
    /// `joined` day after today. Named at its line; builds, `stats` and `serve` warn too, without one.
    /// A referrer whose email no mail command takes (`ada@example`, no dot in its domain) gets no
    /// email at all: `check` says so, rather than each status change's email being dropped later.
    static func checkReferrersAddresses(_ store: Store, diagnostics: inout DiagnosticList) {
        for referrer in store.referrers where EmailMessage.deliverable(referrer.email) == nil {
            diagnostics.warning(referrer.origin.file, referrer.origin.location,
                                "referrer \"\(referrer.code)\": email \"\(referrer.email)\" is not an address a mail command can send to (\(EmailMessage.deliverableRule)); they get no email until it is corrected")
        }
    }

    static func checkStoreDates(_ inputs: SiteInputs, now: Instant, diagnostics: inout DiagnosticList) {
        let journal = inputs.store.journal, offsets = inputs.loaded.journalRead.offsets
        guard let newest = journal.indices.max(by: { journal[$0].at < journal[$1].at }) else {
            let joinedAhead = inputs.store.referrers.compactMap { referrer in referrer.joined.flatMap { now.day < $0 ? (referrer, day: $0) : nil } }
            if let (referrer, joined) = joinedAhead.max(by: { $0.day < $1.day }) {
                diagnostics.warning(referrer.origin.file, referrer.origin.location,
                                    "referrer \"\(referrer.code)\": field 'joined' is \(joined.iso8601), after today (\(now.day.iso8601)): with no journal event yet, "
                                    + "the figures are as of that day's end, a forecast; correct the date")
            }
            return
        }
        guard offsets.count == journal.count, AsOf.isAhead(journal[newest].at, of: now) else { return }
        let file = Paths.join(inputs.options.dataDirectory, StoreFiles.journal)
        guard let bytes = FileManager.default.contents(atPath: file), offsets[newest] <= bytes.count else { return }
        let line = 1 + bytes.prefix(offsets[newest]).reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        let ahead = journal.lazy.filter { AsOf.isAhead($0.at, of: now) }.count
        let others = ahead > 1 ? " (\(ahead) events are dated after now)" : ""
        diagnostics.warning(file, SourceLocation(line: line, column: 1),
                            "line \(line): field 'at': the newest event is dated \(journal[newest].at.iso8601), after now (\(now.iso8601))\(others): "
                            + "with no --as-of the figures are as of it, a forecast that counts as earned each reward whose hold ends by then; correct the date")
    }

    /// Warns about `{{names}}` in the theme that no page's context provides, and about a value
    /// a page template writes outside its sections that its page lacks (`referrer.earned` on
    /// the referrer page, which has no figures): they render as nothing. A section over a value
    /// the page lacks is left alone: showing only where there is one may be its purpose.
    static func checkTemplateVariables(_ site: Site, templates: [ThemeLint.Source], diagnostics: inout DiagnosticList) {
        let samples = ThemeVariables.samples(site)
        let known = ThemeVariables.known(samples)
        let layouts = LayoutBlocks(templates)
        for template in templates {
            // This page's blocks that its layouts hold inside a section over an object or a list.
            let blocksInSections = samples[template.name].map { contexts in layouts.readInSections(by: template.name) { ThemeVariables.changesContext($0, in: contexts) } } ?? []
            let file = template.file
            // The sections open at each tag, by name (`{{{.}}}` is the innermost one's value), and
            // whether each may change what a name resolves against (a section over an object or a
            // list, or over a value the sample lacks).
            var sections: [(name: String, changesContext: Bool)] = []
            // An unfinished tag (`{{page.title}</h1>`) is the template's syntax error, reported once.
            for tag in template.tags where !tag.isUnfinished {
                if tag.kind == .closing { _ = sections.popLast() }
                // A block or a parent is no value for `{{.}}`; a block keeps the context unless a
                // parent holds it inside a section.
                if tag.kind == .block || tag.kind == .parent { sections.append(("", tag.kind == .block && blocksInSections.contains(tag.name))) }
                guard [.variable, .section, .invertedSection].contains(tag.kind) else { continue }
                let path = valueName(of: tag.name).split(separator: ".").map(String.init)
                let isPlainName = !tag.name.contains("(") && sections.allSatisfy { !$0.changesContext }
                defer {
                    if tag.kind == .section {
                        sections.append((tag.name, !isPlainName || samples[template.name].map { ThemeVariables.changesContext(path, in: $0) } ?? true))
                    } else if tag.kind == .invertedSection {
                        sections.append((tag.name, false))
                    }
                }
                guard !tag.name.isEmpty else {
                    diagnostics.warning(file, tag.location, "this tag names no value, so it writes nothing (and its section never shows); name one, or remove it")
                    continue
                }
                let value = tag.name == "." ? sections.last(where: { $0.name != "" })?.name ?? "." : tag.name
                // Where in the HTML a value lands, read once for both rules below.
                let context = tag.kind == .variable ? TemplateHTMLContext.at(tag.offset, in: template.text, tags: template.tags) : .text
                if valueName(of: value).hasSuffix("structuredData"), tag.kind == .variable, !tag.isUnescaped || !opensAScriptOfJSON(context) {
                    // JSON escaped for a script element, and for nowhere else: quotes end an attribute.
                    diagnostics.warning(file, tag.location, "write '\(tag.name)' as {{{\(tag.name)}}} right inside <script type=\"application/ld+json\">: "
                                        + "its JSON is escaped for a script element only (escaped it no longer reads as JSON; elsewhere its quotes end an attribute)")
                } else if tag.isUnescaped && !isHTMLTheBuildMakes(value) && !isAChart(value, inside: sections.map(\.name), of: samples[template.name]) {
                    diagnostics.warning(file, tag.location, "'\(tag.name)'\(tag.name == "." ? " (here \(value))" : "") is written without escaping: a name or text from the store or a form "
                                        + "could put HTML and scripts on the page; write {{\(tag.name)}} (only content, html, charts and page.structuredData are HTML the build makes)")
                }
                if tag.kind == .variable, let problem = unsafePlacement(of: value, in: context) {
                    diagnostics.warning(file, tag.location, "'\(tag.name)'\(tag.name == "." ? " (here \(value))" : "") \(problem)")
                }
                guard tag.name != "." else { continue }
                if path.contains(where: { !known.contains($0) }) {
                    diagnostics.warning(file, tag.location,
                                        "'\(tag.name)' is not a value any page provides (see docs/theme.md); it renders as nothing")
                } else if tag.kind == .variable, isPlainName, let contexts = samples[template.name], let missing = ThemeVariables.missing(path, in: contexts) {
                    let guess = UnknownKey.closest(to: missing.part, among: missing.names).map { "did you mean \(missing.owner.map { $0 + "." } ?? "")\($0)? " } ?? ""
                    diagnostics.warning(file, tag.location, "'\(tag.name)' is not a value of the \(template.name) page (\(missing.owner.map { "its \($0) has" } ?? "it has") \(missing.names.joined(separator: ", "))), "
                                        + "so it renders as nothing there; \(guess)see docs/theme.md for each page's values")
                }
            }
        }
    }

    /// The values that are links the build made (marked **URL** in docs/theme.md), safe to start an `href`.
    static let linkValues: Set<String> = ["url", "logo", "logoURL", "imageURL", "endpoint", "action", "link", "qrLink", "src", "root", "baseURL", "path"]

    /// The values safe in CSS: validated colours and numbers.
    static let styleValues: Set<String> = ["accentColor", "percent"]

    /// Attributes whose value the browser follows as a link.
    static let linkAttributes: Set<String> = ["href", "src", "action", "formaction", "poster", "cite", "data", "srcset", "xlink:href", "background", "ping", "manifest"]

    /// Why a value is unsafe where it lands (`context`), escaped or not, or nil: HTML escaping
    /// keeps a value inside text and a quoted attribute, and no further.
    static func unsafePlacement(of value: String, in context: TemplateHTMLContext) -> String? {
        let last = valueName(of: value).split(separator: ".").last.map(String.init) ?? value
        switch context {
        case .attribute(let name, _, _) where (name.hasPrefix("on") || name == "style") && !(name == "style" && styleValues.contains(last)):
            return "is written into the \(name) attribute, where HTML escaping does not make a value safe (the browser unescapes it before running "
                + "or applying it): keep values out of event handlers and styles (a data- attribute that a script reads is safe)"
        case .attribute("srcdoc", _, _):
            return "is written into the srcdoc attribute, whose value the browser reads as a page of HTML: keep values out of it"
        case .attribute(let name, true, _) where linkAttributes.contains(name) && !linkValues.contains(last):
            return "starts the \(name) attribute's link: a name or text from the store or a form could make it a javascript: link; "
                + "start the link with a fixed path (/r/{{referrer.code}}/) or use a value marked URL in docs/theme.md"
        case .attribute(let name, _, false):
            return "is written into the \(name) attribute's value without quotes, where a space in it starts another attribute "
                + "(onmouseover=…): put the value in quotes, \(name)=\"…\""
        case .tagBody:
            return "is written inside a tag where its attributes go, where it could add one (onmouseover=…): write it inside a quoted attribute value"
        case .rawText(let element, _, _) where !(element == "style" && styleValues.contains(last)) && last != "structuredData":
            return "is written inside a <\(element)> element, where HTML escaping does not make a value safe; "
                + "put it in a data- attribute that a script reads (for JSON-LD, page.structuredData)"
        default:
            return nil
        }
    }

    /// The value a tag names: `site.name` in `uppercased(site.name)` (a transform swift-mustache
    /// applies), the tag's own name otherwise.
    static func valueName(of name: String) -> String {
        guard let open = name.firstIndex(of: "("), let close = name.lastIndex(of: ")"), open < close else { return name }
        return valueName(of: String(name[name.index(after: open)..<close]).trimmingWhitespace())
    }

    /// Whether a tag is right inside a script element of JSON (`<script type="application/ld+json">`):
    /// only spaces and the tags that write nothing (`{{#page.structuredData}}`, a comment) before it.
    static func opensAScriptOfJSON(_ context: TemplateHTMLContext) -> Bool {
        guard case .rawText("script", let type, true) = context else { return false }
        return type.trimmingWhitespace().lowercased().hasSuffix("json")
    }

    /// The values that hold HTML the build made itself (rendered Markdown, SVG charts, JSON
    /// escaped for a script), the only ones a template may write unescaped (`{{{content}}}`).
    /// Whether `name`, written inside `{{#charts}}`, is one of its charts (`{{{weeks}}}`), the
    /// SVG the build makes: it had been warned of, with advice that wrote the SVG as text.
    static func isAChart(_ name: String, inside sections: [String], of contexts: [TemplateObject]?) -> Bool {
        guard !name.contains("."), sections.contains(where: { valueName(of: $0) == "charts" }), let contexts else { return false }
        return ThemeVariables.missing(["charts", name], in: contexts) == nil
    }

    static func isHTMLTheBuildMakes(_ name: String) -> Bool {
        let parts = name.split(separator: ".")
        return parts.first == "charts" || ["content", "html", "structuredData"].contains(parts.last ?? "")
    }

    /// Every `href` and `src` that points into the site must name a file the build makes, or
    /// one whose absence an error `explained`. Each broken link is reported once where it was
    /// written (``LinkOrigins``), with the number of pages it is on; one written nowhere as it
    /// appears, at its page.
    static func checkLinks(_ site: Site, explained: Set<String>, progress: (@Sendable (Int, Int) -> Void)?,
                           diagnostics: inout DiagnosticList) {
        let pages = SitePlan.plan(site)
        let paths = pages.map { SitePlan.outputPath($0, site: site) }
        let existing = Set(paths).union(explained)
        /// Whether the site has a file at `path`, byte for byte: Swift's `==` takes "é" and "e" with
        /// a combining accent for one text, where file systems and web servers tell them apart.
        @Sendable func has(_ path: String) -> Bool {
            existing.firstIndex(of: path).map { existing[$0].utf8.elementsEqual(path.utf8) } ?? false
        }
        /// The file a link's resolved target names, itself or its folder's index.html; nil when the site has neither.
        @Sendable func file(at target: String) -> String? {
            has(target) ? target : has(Paths.join(target, "index.html")) ? Paths.join(target, "index.html") : nil
        }
        let renderer = PageRenderer(site: site)
        let found = LockedList<BrokenLink>()
        let outside = LockedList<BrokenLink>()
        let toPrivate = LockedList<BrokenLink>()
        let ownHost = URLComponents(string: site.urls.baseURL)?.host?.lowercased()
        /// The parts of a link to this site's host written in full (`https://…/faq/`, `//…`; any
        /// scheme, any case of the host, with or without the default port), else nil.
        @Sendable func ownParts(_ url: String) -> URLComponents? {
            guard url.hasPrefix("https://") || url.hasPrefix("http://") || url.hasPrefix("//"),
                  let parts = URLComponents(string: url), parts.host?.lowercased() == ownHost, [nil, 80, 443].contains(parts.port) else { return nil }
            return parts
        }
        /// The path of a link to this site's host written in full (`https://…/stats/…`), else nil.
        @Sendable func ownPath(_ url: String) -> String? {
            // Cheap test first: every share link of every referrer page comes through here.
            guard url.contains("/stats/") else { return nil }
            return ownParts(url)?.path
        }
        /// A link to this site written in full (`https://refer.acme.example/faq/#fees`), as copy
        /// pasted from a browser has it, as the site path it names; nil for any other link.
        @Sendable func sitePath(ofFullLink url: String) -> String? {
            guard let parts = ownParts(url) else { return nil }
            let path = parts.percentEncodedPath.isEmpty ? "/" : parts.percentEncodedPath
            guard path.hasPrefix(site.urls.root) || path + "/" == site.urls.root else { return nil }
            return path + (parts.percentEncodedQuery.map { "?" + $0 } ?? "") + (parts.percentEncodedFragment.map { "#" + $0 } ?? "")
        }
        let anchored = LockedList<BrokenLink>()
        let seenAnchors = LockedSet<String>()
        let root = site.urls.root
        // A referrer's pages are made of the theme alone: their own anchors are looked up on the
        // first of each kind (a lookup on each of them cost check at 100,000 referrers about 1.5 s of CPU).
        let firstOfKind = Dictionary(pages.enumerated().map { ($1.kind, $0) }, uniquingKeysWith: min)
        let unguarded = LockedList<Int>()
        let checked = LockedCounter()
        DispatchQueue.concurrentPerform(iterations: pages.count) { index in
            if let progress { progress(checked.add(1), pages.count) }
            guard paths[index].hasSuffix(".html"), let bytes = try? renderer.render(pages[index]) else { return }
            let checksOwnAnchors: Bool = switch pages[index] {
            case .referrer, .stats: firstOfKind[pages[index].kind] == index
            default: true
            }
            if pages[index].isPrivate, firstOfKind[pages[index].kind] == index, !PrivatePageHead.isGuarded(bytes) { unguarded.append(index) }
            var pageIDs: Set<String>?
            for link in LinkScanner.links(in: bytes) {
                let location = SourceLocation(line: link.line, column: link.column(in: bytes))
                if link.url.hasPrefix("#") {
                    // A page's own anchor, looked up here, once a page.
                    let fragment = String(link.url.dropFirst())
                    guard checksOwnAnchors, !fragment.isEmpty, seenAnchors.insertIfNew(paths[index] + "\u{0}" + link.url) else { continue }
                    if pageIDs == nil { pageIDs = LinkScanner.ids(in: bytes) }
                    if !Self.names(fragment, among: pageIDs!) {
                        anchored.append(BrokenLink(page: index, url: link.url, target: paths[index], location: location))
                    }
                    continue
                }
                // The site's own absolute address, as `referrers list` and emails give a stats link
                // (any scheme, any case of the host, with or without the default port).
                if !paths[index].hasPrefix("stats/"), let path = ownPath(link.url), path.hasPrefix(root + "stats/"), pages[index].kind != "messaging" {
                    toPrivate.append(BrokenLink(page: index, url: link.url, target: String(path.dropFirst(root.count)), location: location))
                }
                // Full links to the site are followed on the pages content writes links in; a
                // referrer's pages hold only the theme's own (a parse each cost check at 100,000).
                let followed = pages[index].kind == "referrer" || pages[index].kind == "stats" ? nil : sitePath(ofFullLink: link.url)
                guard let target = LinkScanner.resolve(followed ?? link.url, from: paths[index], root: root) else {
                    // Below a base path, `/assets/site.css` is the host's file, not the site's.
                    if root != "/", link.url != "/", let target = LinkScanner.resolve(link.url, from: paths[index], root: "/"),
                       file(at: target) != nil {
                        outside.append(BrokenLink(page: index, url: link.url, target: target, location: location))
                    }
                    continue
                }
                if let linked = file(at: target) {
                    // A public page that links to a stats page publishes its token to anyone.
                    if linked.hasPrefix("stats/"), !paths[index].hasPrefix("stats/"), pages[index].kind != "messaging" {
                        toPrivate.append(BrokenLink(page: index, url: link.url, target: linked, location: location))
                    }
                    // Another page's anchor (`/faq/#rewards`), checked below once for each.
                    if let hash = link.url.firstIndex(of: "#"), link.url.index(after: hash) < link.url.endIndex,
                       seenAnchors.insertIfNew(target + "\u{0}" + link.url[hash...]) {
                        anchored.append(BrokenLink(page: index, url: link.url, target: linked, location: location))
                    }
                    continue
                }
                found.append(BrokenLink(page: index, url: link.url, target: target, location: location,
                                        isSpelledOtherwise: existing.contains(target) || existing.contains(Paths.join(target, "index.html")),
                                        meant: pageMadeFrom(markdownFile: target, existing: existing).map { root + $0 }))
            }
        }
        let byPage = found.values.sorted { (paths[$0.page], $0.location.line, $0.location.column) < (paths[$1.page], $1.location.line, $1.location.column) }
        diagnostics.append(contentsOf: report(byPage, pages: pages, paths: paths, site: site))
        diagnostics.append(contentsOf: reportOutsideRoot(outside.values, pages: pages, paths: paths, site: site))
        diagnostics.append(contentsOf: reportLinksToPrivatePages(toPrivate.values, pages: pages, paths: paths, site: site))
        diagnostics.append(contentsOf: reportMissingAnchors(anchored.values, pages: pages, paths: paths, site: site, renderer: renderer))
        for index in unguarded.values.sorted() {
            diagnostics.warning(Paths.join(site.inputs.options.templatesDirectory, pages[index].kind + ".mustache"), .start, PrivatePageHead.missing)
        }
    }

    /// A warning for each link, once, whose `#fragment` names no `id` on the page it leads to
    /// (same-page links were looked up already; `links` holds those that failed, and the other
    /// pages' anchors to look up).
    private static func reportMissingAnchors(_ links: [BrokenLink], pages: [PageSpec], paths: [String], site: Site,
                                             renderer: PageRenderer) -> [Diagnostic] {
        let origins = LinkOrigins(site: site)
        let pageIndex = Dictionary(paths.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var idsByTarget: [String: Set<String>] = [:]
        /// The ids of the page at `path`, rendered once.
        func ids(of path: String) -> Set<String> {
            if let known = idsByTarget[path] { return known }
            let found = pageIndex[path].flatMap { try? renderer.render(pages[$0]) }.map { LinkScanner.ids(in: $0) } ?? []
            idsByTarget[path] = found
            return found
        }
        return links.sorted { (paths[$0.page], $0.location.line) < (paths[$1.page], $1.location.line) }.compactMap { link in
            let fragment = String(link.url[link.url.index(after: link.url.firstIndex(of: "#")!)...])
            let decoded = fragment.removingPercentEncoding ?? fragment
            if !link.url.hasPrefix("#") {
                guard link.target.hasSuffix(".html"), pageIndex[link.target] != nil else { return nil }
                if Self.names(fragment, among: ids(of: link.target)) { return nil }
            }
            // `#Fees` or `#Fees and costs` for a heading's `fees-and-costs`: the id it meant.
            let meant = [decoded.lowercased(), Slug.make(decoded, fallback: "")].first { !$0.isEmpty && ids(of: link.target).contains($0) }
            // As the author wrote it: cmark percent-encodes a link's non-ASCII (`#שאלה`).
            let written = link.url.removingPercentEncoding ?? link.url
            let message = "\(written) names no part of \(site.urls.root)\(link.target.hasSuffix("index.html") ? String(link.target.dropLast(10)) : link.target): "
                + "it has no id=\"\(decoded)\"; " + (meant.map { "did you mean #\($0)?" } ?? "link to one of its headings' ids (in the page's source)")
            if let origin = origins.origin(of: link.url, on: pages[link.page]) { return .warning(origin.file, origin.location, message) }
            return .warning(Paths.join(site.inputs.options.outputDirectory, paths[link.page]), link.location, message)
        }
    }

    /// A warning for each link, once, that leaves the site's base path for a host path the site
    /// itself has below it (`/assets/site.css` for a site at `/refer/`): a theme written for the
    /// host's root, which loses its styles, pages and pictures once hosted below a path.
    private static func reportOutsideRoot(_ links: [BrokenLink], pages: [PageSpec], paths: [String], site: Site) -> [Diagnostic] {
        let origins = LinkOrigins(site: site)
        var seen = Set<String>()
        let root = site.urls.root
        return links.sorted { (paths[$0.page], $0.location.line) < (paths[$1.page], $1.location.line) }.compactMap { link in
            guard seen.insert(link.url).inserted else { return nil }
            let inSite = link.url.dropFirst()
            let message = "\(link.url) is outside the site's path \(root), on the host, not the site's \(root)\(inSite); "
                + "write it from the site's root: {{site.root}}\(inSite)"
            if let origin = origins.origin(of: link.url, on: pages[link.page]) { return .warning(origin.file, origin.location, message) }
            return .warning(Paths.join(site.inputs.options.outputDirectory, paths[link.page]), link.location, message)
        }
    }

    /// A warning, once a link, where a public page links to a stats page: the page publishes
    /// the private address (a referrer's, or the program's analytics) to anyone who reads it.
    private static func reportLinksToPrivatePages(_ links: [BrokenLink], pages: [PageSpec], paths: [String], site: Site) -> [Diagnostic] {
        let origins = LinkOrigins(site: site)
        var seen = Set<String>()
        return links.sorted { (paths[$0.page], $0.location.line) < (paths[$1.page], $1.location.line) }.compactMap { link in
            guard seen.insert(link.url).inserted else { return nil }
            let message = "\(link.url) is a private stats page, linked from the public page /\(paths[link.page]): anyone reading it can open "
                + "the figures; remove the link (send a stats link only to its referrer, and the analytics link only to the team)"
            if let origin = origins.origin(of: link.url, on: pages[link.page]) { return .warning(origin.file, origin.location, message) }
            return .warning(Paths.join(site.inputs.options.outputDirectory, paths[link.page]), link.location, message)
        }
    }

    /// The most links made of values reported one by one for a kind of page (a theme's slip on
    /// the referrer page breaks a link on each of 100,000 of them); the rest are counted.
    static let unwrittenLinksShownPerKind = 20

    /// One error for each place a broken link was written, with the number of pages it is on.
    /// A link written nowhere as it appears (made of values) is one error at the first page it
    /// is on, with the number of pages; up to ``unwrittenLinksShownPerKind`` such links of a
    /// kind of page, then one error counting the rest.
    private static func report(_ links: [BrokenLink], pages: [PageSpec], paths: [String], site: Site) -> [Diagnostic] {
        let origins = LinkOrigins(site: site)
        var lookedUp: [String: LinkOrigins.Origin?] = [:]
        // Pages as sets: a page with a link twice (a layout's header and footer) is one page.
        var written: [LinkOrigins.Origin: (link: BrokenLink, pages: Set<Int>)] = [:]
        var unwritten: [String: (first: BrokenLink, pages: Set<Int>)] = [:]
        var unwrittenInOrder: [String] = []
        var unwrittenPerKind: [String: Int] = [:]
        for link in links {
            let kind = pages[link.page].kind
            let key = kind + "\u{0}" + link.url
            let origin: LinkOrigins.Origin?
            if let known = lookedUp[key] {
                origin = known
            } else if unwrittenPerKind[kind, default: 0] > unwrittenLinksShownPerKind {
                origin = nil  // past the limit, where every lookup so far failed: not searched again
            } else {
                origin = origins.origin(of: link.url, on: pages[link.page])
                lookedUp[key] = origin
            }
            if let origin {
                written[origin, default: (link, [])].pages.insert(link.page)
            } else if unwritten[link.url] != nil {
                unwritten[link.url]!.pages.insert(link.page)
            } else {
                unwritten[link.url] = (link, [link.page])
                unwrittenInOrder.append(link.url)
                unwrittenPerKind[kind, default: 0] += 1
            }
        }
        var diagnostics: [Diagnostic] = []
        func atPage(_ link: BrokenLink, _ message: String) -> Diagnostic {
            .error(Paths.join(site.inputs.options.outputDirectory, paths[link.page]), link.location, message)
        }
        func onPages(_ count: Int) -> String { count > 1 ? " (on \(count) pages)" : "" }
        for (origin, entry) in written {
            diagnostics.append(.error(origin.file, origin.location, entry.link.message + onPages(entry.pages.count)))
        }
        var shown: [String: Int] = [:]
        var notShown: [String: (first: BrokenLink, count: Int)] = [:]
        for url in unwrittenInOrder {
            let entry = unwritten[url]!
            let kind = pages[entry.first.page].kind
            if shown[kind, default: 0] < unwrittenLinksShownPerKind {
                shown[kind, default: 0] += 1
                diagnostics.append(atPage(entry.first, entry.first.message + onPages(entry.pages.count)))
            } else {
                notShown[kind, default: (entry.first, 0)].count += entry.pages.count
            }
        }
        for (kind, rest) in notShown {
            diagnostics.append(atPage(rest.first, "\(rest.count) more broken internal links on \(kind) pages, made of template values like the \(unwrittenLinksShownPerKind) above; this one: \(rest.first.url)"))
        }
        return diagnostics.sorted { ($0.file, $0.line, $0.column) < ($1.file, $1.line, $1.column) }
    }

    /// A link in a built page that names no file of the site.
    private struct BrokenLink: Sendable {
        var page: Int
        var url: String
        var target: String
        var location: SourceLocation
        /// Whether a file has the target's name written with other code points (`é` as `e` and
        /// a combining accent, as a Mac names files).
        var isSpelledOtherwise = false
        /// The page a link to a Markdown file (`terms.md`) meant: the one made from it (`/terms/`).
        var meant: String?

        var message: String {
            "broken internal link: \(url) (no page or asset at /\(target)"
                + (isSpelledOtherwise ? "; a file there has this name with its accents written in other Unicode code points, as a Mac may save them: "
                    + "rename the file or type the link again)" : ")")
                + (meant.map { "; link to the page made from that file, \($0)" } ?? "")
        }
    }

    /// The page made from the Markdown file a link names (`../terms.md`, `stories/first.md`),
    /// as a site path below the root (`terms/`, `stories/first/`, `` for index.md), when the
    /// site has it.
    private static func pageMadeFrom(markdownFile target: String, existing: Set<String>) -> String? {
        guard target.hasSuffix(".md") else { return nil }
        let stem = String(target.split(separator: "/").last?.dropLast(3) ?? "")
        if stem == "index" { return "" }
        return ["\(stem)/", "stories/\(stem)/"].first { existing.contains($0 + "index.html") }
    }
}
