/// What a referrer typed into the referral form, and what was wrong with it: the server's
/// 422 page is the referrer page rendered with these.
public struct FormState: Sendable {
    public var name: String
    public var email: String
    public var consent: Bool
    /// The hidden `source` and `variant` as posted, kept on the 422 page so attribution survives.
    public var source: String?
    public var variant: String?
    /// Messages by field (`name`, `email`, `consent`, or `form` for the form as a whole).
    public var errors: [String: String]

    public init(name: String = "", email: String = "", consent: Bool = false, source: String? = nil, variant: String? = nil,
                errors: [String: String] = [:]) {
        self.name = name
        self.email = email
        self.consent = consent
        self.source = source
        self.variant = variant
        self.errors = errors
    }
}

/// Builds the Mustache context of each page (see docs/theme.md for every value).
struct PageContext {
    let site: Site

    var program: Program { site.program }

    /// A browser tab's title: the page's, then the site's, unless the page's already names the
    /// site (the home page is often titled with the program's name, a referrer's page "Ada invites
    /// you to Acme Rewards"). The page's directional controls are closed before the site's name,
    /// which they would otherwise turn around.
    static func documentTitle(_ title: String, siteName: String) -> String {
        if title.isEmpty { return siteName }
        return namesAsWords(title, siteName) ? BidiControl.confined(title) : BidiControl.confined(title) + " · " + siteName
    }

    /// Whether `name` stands in `text` as words of its own: "Refer" is in "Refer a friend", not
    /// in "Referral tips". In a script written without spaces (阿克米奖励) any place is a word's.
    static func namesAsWords(_ text: String, _ name: String) -> Bool {
        asciiNamesAsWords(text, name) ?? namesAsWordsByCharacter(text, name)
    }

    /// ``namesAsWords(_:_:)`` on the bytes of a text and a name of printable ASCII, where a
    /// byte is a character and a letter or digit one of `A-Z a-z 0-9`; nil for any other. Most
    /// titles are such, and Foundation's search through an NSString was 1.1 % of a build (perf).
    static func asciiNamesAsWords(_ text: String, _ name: String) -> Bool? {
        let text = Array(text.utf8), name = Array(name.utf8)
        guard !name.isEmpty, text.allSatisfy(\.isPrintableASCII), name.allSatisfy(\.isPrintableASCII) else { return nil }
        guard text.count >= name.count else { return false }
        for start in 0...(text.count - name.count) where text[start..<start + name.count].elementsEqual(name) {
            let before = start == 0 ? nil : text[start - 1]
            let after = start + name.count == text.count ? nil : text[start + name.count]
            if before?.isASCIILetterOrDigit != true && after?.isASCIILetterOrDigit != true { return true }
        }
        return false
    }

    /// ``namesAsWords(_:_:)`` for any text, by Character.
    static func namesAsWordsByCharacter(_ text: String, _ name: String) -> Bool {
        func joins(_ character: Character?, _ edge: Character?) -> Bool {
            guard let character, character.isLetter || character.isNumber else { return false }
            let unspaced = { (c: Character) in c.unicodeScalars.first.map(PersonName.isUnspacedScript) ?? false }
            return !unspaced(character) && !(edge.map(unspaced) ?? false)
        }
        var searched = text.startIndex..<text.endIndex
        while let found = text.range(of: name, range: searched) {
            let before = found.lowerBound == text.startIndex ? nil : text[text.index(before: found.lowerBound)]
            let after = found.upperBound == text.endIndex ? nil : text[found.upperBound]
            if !joins(before, name.first) && !joins(after, name.last) { return true }
            searched = text.index(after: found.lowerBound)..<text.endIndex
        }
        return false
    }

    /// The values every page has: `site` (the same on every page) and `page`. The 404 page has
    /// no `page.url`: it is served at every missing address, so none is its canonical one.
    func common(_ spec: PageSpec, title: String, description: String, path: String, noindex: Bool = false, isPrivate: Bool = false) -> TemplateObject {
        let url = site.urls.absolute(path)
        var page: TemplateObject = [
            "kind": .text(spec.kind), "title": .text(title), "documentTitle": .text(Self.documentTitle(title, siteName: program.name)),
            "description": .text(description), "path": .text(site.urls.path(path)),
            "url": .text(url), "noindex": .bool(noindex || isPrivate), "private": .bool(isPrivate),
            "is": .object([spec.kind: .bool(true)]),
        ]
        if case .notFound = spec { page["url"] = nil }
        if !(noindex || isPrivate) { page["structuredData"] = .text(structuredData(title: title, description: description, path: path, url: url)) }
        return ["site": site.siteValues, "page": .object(page)]
    }

    /// A public page's schema.org description for search engines (JSON-LD, `page.structuredData`),
    /// escaped for the `<script>` element it goes in: the site on the home page, the page as
    /// part of the site elsewhere. A front matter's directional controls are closed in it, as the
    /// page's HTML closes them.
    func structuredData(title: String, description: String, path: String, url: String) -> String {
        let title = BidiControl.confined(title), description = BidiControl.confined(description)
        let website: [(String, JSONOutput)] = [("@type", .string("WebSite")), ("name", .string(program.name)), ("url", .string(site.urls.absolute("/")))]
        let members: [(String, JSONOutput)] = path == "/"
            ? website + [("description", .string(description))]
            : [("@type", .string("WebPage")), ("name", .string(title)), ("description", .string(description)), ("url", .string(url)),
               ("isPartOf", .object(website))]
        return JSONOutput.object([("@context", .string("https://schema.org"))] + members).serializedForScript()
    }

    /// The `site` values of every page, made once per site.
    static func siteValues(_ site: Site) -> TemplateValue {
        let program = site.program
        // The offer running at the as-of, and the rewards' wording while it runs, are the only
        // values of every page that depend on the as-of (the page record counts on it).
        var values: TemplateObject = [
            "name": .text(program.name),
            "root": .text(site.urls.root),
            "baseURL": .text(site.urls.baseURL),
            "currency": .text(program.currency),
            "referrerReward": .text(site.referrerRewardNow),
            "referrerAmount": .text(site.formatting.money(program.referrerAmount(at: site.figures.asOf))),
            "endpoint": .text(program.endpoint),
            "requireConsent": .bool(program.requireConsent),
            "hasStories": .bool(!site.inputs.content.stories.isEmpty),
            "hasTerms": .bool(site.inputs.content.terms != nil),
            "hasFAQ": .bool(site.inputs.content.faq != nil),
            "hasLeaderboard": .bool(site.hasLeaderboard),
            "hasTiers": .bool(!program.tiers.isEmpty),
            "language": .text(program.language),
            "direction": .text(site.direction),
        ]
        // Absent for a program that gives friends nothing: the theme words its pages without it.
        if let friendReward = site.friendRewardNow { values["friendReward"] = .text(friendReward) }
        if let offer = site.runningOffer {
            var offerValues: TemplateObject = [
                "name": .text(offer.name), "until": .text(offer.until.iso8601), "referrerAmount": .text(site.formatting.money(offer.referrerAmount)),
            ]
            if let friendReward = site.friendRewardNow { offerValues["friendReward"] = .text(friendReward) }
            // The offer's own wording for friends, absent when friends get the base reward during it.
            if let friend = offer.friend { offerValues["friend"] = .text(friend) }
            values["offer"] = .object(offerValues)
        }
        if site.inputs.theme.hasJoinPages {
            values["join"] = ["url": .text(site.urls.path("/join/")), "action": .text(site.joinEndpoint)]
        }
        if let color = program.brand?.color { values["accentColor"] = .text(color) }
        if let logo = program.brand?.logo {
            values["logo"] = .text(site.urls.path(SiteURLs.assetPath(logo)))
            // An Open Graph image needs an absolute address; `site.baseURL` + `site.logo` would repeat a base path.
            values["logoURL"] = .text(site.urls.absolute(SiteURLs.assetPath(logo)))
        }
        if let image = program.brand?.image { values["imageURL"] = .text(site.urls.absolute(SiteURLs.assetPath(image))) }
        return .object(values)
    }

    var defaultDescription: String {
        site.friendRewardNow.map { "Refer a friend to \(program.name): they get \($0), you get \(site.referrerRewardNow)." }
            ?? "Refer a friend to \(program.name) and get \(site.referrerRewardNow)."
    }

    func home() -> TemplateObject {
        let page = site.inputs.content.home
        var context = common(.home, title: page?.title.nilIfEmpty ?? program.name,
                             description: page?.description ?? defaultDescription, path: "/")
        context["content"] = .text(site.urls.rootingLinks(inHTML: page?.rendered.html ?? ""))
        let tiers: [TemplateValue] = program.tiers.map { tier in
            ["name": .text(tier.name), "conversions": .number(tier.conversions), "bonus": .text(site.formatting.money(tier.bonus)),
             "hasBonus": .bool(tier.bonus > 0)]
        }
        context["tiers"] = .list(tiers)
        context["hasTiers"] = .bool(!tiers.isEmpty)
        context["stories"] = .list(Array(storyList().prefix(3)))
        return context
    }

    func contentPage(_ spec: PageSpec, _ page: ContentPage, path: String) -> TemplateObject {
        var context = common(spec, title: page.title, description: page.description ?? defaultDescription, path: path)
        context["title"] = .text(page.title)
        context["content"] = .text(site.urls.rootingLinks(inHTML: page.rendered.html))
        let toc: [TemplateValue] = page.rendered.headings.filter { $0.level == 2 || $0.level == 3 }.map { heading in
            ["id": .text(heading.id), "text": .text(heading.text), "level": .number(heading.level), "isSub": .bool(heading.level == 3)]
        }
        context["toc"] = .list(toc)
        context["hasToc"] = .bool(toc.count > 1)
        if let version = page.field("version") { context["version"] = .text(version) }
        if let effective = page.field("effective") { context["effective"] = .text(effective) }
        return context
    }

    func storyList() -> [TemplateValue] {
        site.inputs.content.stories.map { story in
            var item = storyFields(story)
            item["url"] = .text(site.urls.path("/stories/\(story.slug)/"))
            return .object(item)
        }
    }

    /// A story's title, summary, date and author, and `hasByline` when it has an author or a
    /// date (a theme's byline line is then not left empty).
    private func storyFields(_ story: Story) -> TemplateObject {
        var fields: TemplateObject = ["title": .text(story.page.title), "hasByline": .bool(story.author != nil || story.date != nil)]
        if let summary = story.summary { fields["summary"] = .text(summary) }
        if let date = story.date { fields["date"] = .text(date.iso8601) }
        if let author = story.author { fields["author"] = .text(author) }
        return fields
    }

    func stories() -> TemplateObject {
        var context = common(.stories, title: "Success stories", description: "How people share \(program.name) with their friends.", path: "/stories/")
        context["stories"] = .list(storyList())
        return context
    }

    func story(_ index: Int) -> TemplateObject {
        let story = site.inputs.content.stories[index]
        var context = common(.story(index), title: story.page.title, description: story.summary ?? defaultDescription,
                             path: "/stories/\(story.slug)/")
        var values = storyFields(story)
        values["content"] = .text(site.urls.rootingLinks(inHTML: story.page.rendered.html))
        context["story"] = .object(values)
        return context
    }

    func thanks() -> TemplateObject {
        common(.thanks, title: "Thank you", description: "Your referral was received.", path: "/thanks/", noindex: true)
    }

    /// The join page; with `form`, the endpoint's 422 page keeping what was typed.
    func join(form: FormState? = nil) -> TemplateObject {
        var context = common(.join, title: "Join \(program.name)",
                             description: "Join \(program.name) and get your own link to share" + (site.friendRewardNow.map { ": your friends get \($0)." } ?? "."),
                             path: "/join/")
        var formValues: TemplateObject = ["action": .text(site.joinEndpoint), "requireConsent": .bool(program.requireConsent)]
        if let form { typed(form, into: &formValues) }
        context["form"] = .object(formValues)
        return context
    }

    /// What was typed and what was wrong, for a form shown again on the endpoint's 422 page.
    func typed(_ form: FormState, into formValues: inout TemplateObject) {
        formValues["values"] = ["name": .text(form.name), "email": .text(form.email), "consent": .bool(form.consent)]
        formValues["errors"] = .object(TemplateObject(form.errors.map { ($0.key, .text($0.value)) }))
        formValues["hasErrors"] = .bool(!form.errors.isEmpty)
    }

    func joined() -> TemplateObject {
        common(.joined, title: "Check your inbox", description: "Your links are on their way.", path: "/join/sent/", noindex: true)
    }

    func notFound() -> TemplateObject {
        common(.notFound, title: "Page not found", description: "This page does not exist.", path: "/404.html", noindex: true)
    }

    func referrerValues(_ referrer: Referrer) -> TemplateValue {
        let name = referrer.shownName
        return ["code": .text(referrer.code), "name": .text(name), "firstName": .text(PersonName.firstName(name)),
                "hasLeft": .bool(referrer.isErased)]
    }

    func shareList(_ referrer: Referrer) -> TemplateValue {
        .list(site.shares(for: referrer).map { ["channel": .text($0.channel.rawValue), "label": .text($0.channel.label), "url": .text($0.url)] })
    }

    func referrer(_ index: Int, form: FormState? = nil) -> TemplateObject {
        let referrer = site.referrers[index]
        let path = SiteURLs.referrerPath(referrer.code)
        // Isolated in the title and description, plain text where no <bdi> can.
        let firstName = NameIsolation.isolated(PersonName.firstName(referrer.shownName))
        // An erased referrer's page stays at its address, shared already, and says the
        // invitation has ended rather than "Erased invites you"; search engines are told to
        // drop it (noindex, and the sitemap leaves it out).
        let hasLeft = referrer.isErased
        var context = common(.referrer(index), title: hasLeft ? "This invitation has ended" : "\(firstName) invites you to \(program.name)",
                             description: hasLeft ? "This invitation has ended."
                                : site.friendRewardNow.map { "Get \($0) with \(firstName)'s invitation." } ?? "\(firstName) invites you to \(program.name).", path: path,
                             noindex: hasLeft)
        context["referrer"] = referrerValues(referrer)
        context["link"] = .text(site.urls.referrerLink(referrer.code))
        let qr = qrValues(referrer)
        context["qr"] = .object(qr)
        context["qrLink"] = qr["link"]
        context["shares"] = shareList(referrer)
        var formValues: TemplateObject = [
            "action": .text(program.endpoint), "referrer": .text(referrer.code), "source": .text(ReferralSource.link.rawValue),
            "requireConsent": .bool(program.requireConsent),
        ]
        if let variant = site.variant(for: referrer.code) { formValues["variant"] = .text(variant) }
        if let form {
            if let source = form.source.flatMap(ReferralSource.init(rawValue:)) { formValues["source"] = .text(source.rawValue) }
            if let variant = form.variant, StoreRules.isValidVariant(variant) { formValues["variant"] = .text(variant) }
            typed(form, into: &formValues)
        }
        context["form"] = .object(formValues)
        return context
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
