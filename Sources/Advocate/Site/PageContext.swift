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

    func common(_ spec: PageSpec, title: String, description: String, path: String, noindex: Bool = false, isPrivate: Bool = false) -> [String: Any] {
        var siteValues: [String: Any] = [
            "name": program.name,
            "root": site.urls.root,
            "baseURL": site.urls.baseURL,
            "currency": program.currency,
            "friendReward": program.friendReward.description,
            "referrerReward": program.referrerReward.description,
            "referrerAmount": site.formatting.money(program.referrerReward.amount),
            "endpoint": program.endpoint,
            "requireConsent": program.requireConsent,
            "hasStories": !site.inputs.content.stories.isEmpty,
            "hasLeaderboard": site.hasLeaderboard,
        ]
        if let offer = program.offer(at: site.figures.asOf) {
            siteValues["offer"] = [
                "name": offer.name, "until": offer.until.iso8601, "referrerAmount": site.formatting.money(offer.referrerAmount),
                "friendReward": offer.friend ?? program.friendReward.description,
            ]
        }
        if site.inputs.theme.hasJoinPages {
            siteValues["join"] = ["url": site.urls.path("/join/"), "action": site.joinEndpoint]
        }
        if let color = program.brand?.color { siteValues["accentColor"] = color }
        if let logo = program.brand?.logo { siteValues["logo"] = site.urls.path("/assets/" + logo) }
        return [
            "site": siteValues,
            "page": [
                "kind": spec.kind, "title": title, "description": description, "path": site.urls.path(path),
                "url": site.urls.absolute(path), "noindex": noindex || isPrivate, "private": isPrivate,
            ] as [String: Any],
        ]
    }

    var defaultDescription: String {
        "Refer a friend to \(program.name): they get \(program.friendReward.description), you get \(program.referrerReward.description)."
    }

    func home() -> [String: Any] {
        let page = site.inputs.content.home
        var context = common(.home, title: page?.title.nilIfEmpty ?? program.name,
                             description: page?.description ?? defaultDescription, path: "/")
        context["content"] = page?.rendered.html ?? ""
        let tiers: [[String: Any]] = program.tiers.map { tier in
            ["name": tier.name, "conversions": tier.conversions, "bonus": site.formatting.money(tier.bonus), "hasBonus": tier.bonus > 0]
        }
        context["tiers"] = tiers
        context["hasTiers"] = !tiers.isEmpty
        context["stories"] = Array(storyList().prefix(3))
        return context
    }

    func contentPage(_ spec: PageSpec, _ page: ContentPage, path: String) -> [String: Any] {
        var context = common(spec, title: page.title, description: page.description ?? defaultDescription, path: path)
        context["title"] = page.title
        context["content"] = page.rendered.html
        let toc: [[String: Any]] = page.rendered.headings.filter { $0.level == 2 || $0.level == 3 }.map { heading in
            ["id": heading.id, "text": heading.text, "level": heading.level, "isSub": heading.level == 3]
        }
        context["toc"] = toc
        context["hasToc"] = toc.count > 1
        if let version = page.field("version") { context["version"] = version }
        if let effective = page.field("effective") { context["effective"] = effective }
        return context
    }

    func storyList() -> [[String: Any]] {
        site.inputs.content.stories.map { story in
            var item: [String: Any] = ["title": story.page.title, "url": site.urls.path("/stories/\(story.slug)/")]
            if let summary = story.summary { item["summary"] = summary }
            if let date = story.date { item["date"] = date.iso8601 }
            if let author = story.author { item["author"] = author }
            return item
        }
    }

    func stories() -> [String: Any] {
        var context = common(.stories, title: "Success stories", description: "How people share \(program.name) with their friends.", path: "/stories/")
        context["stories"] = storyList()
        return context
    }

    func story(_ index: Int) -> [String: Any] {
        let story = site.inputs.content.stories[index]
        var context = common(.story(index), title: story.page.title, description: story.summary ?? defaultDescription,
                             path: "/stories/\(story.slug)/")
        var values: [String: Any] = ["title": story.page.title, "content": story.page.rendered.html]
        if let summary = story.summary { values["summary"] = summary }
        if let date = story.date { values["date"] = date.iso8601 }
        if let author = story.author { values["author"] = author }
        context["story"] = values
        return context
    }

    func thanks() -> [String: Any] {
        common(.thanks, title: "Thank you", description: "Your referral was received.", path: "/thanks/", noindex: true)
    }

    /// The join page; with `form`, the endpoint's 422 page keeping what was typed.
    func join(form: FormState? = nil) -> [String: Any] {
        var context = common(.join, title: "Join \(program.name)",
                             description: "Join \(program.name) and get your own link to share: your friends get \(program.friendReward.description).",
                             path: "/join/")
        var formValues: [String: Any] = ["action": site.joinEndpoint, "requireConsent": program.requireConsent]
        if let form { typed(form, into: &formValues) }
        context["form"] = formValues
        return context
    }

    /// What was typed and what was wrong, for a form shown again on the endpoint's 422 page.
    func typed(_ form: FormState, into formValues: inout [String: Any]) {
        formValues["values"] = ["name": form.name, "email": form.email, "consent": form.consent] as [String: Any]
        formValues["errors"] = form.errors
        formValues["hasErrors"] = !form.errors.isEmpty
    }

    func joined() -> [String: Any] {
        common(.joined, title: "Check your inbox", description: "Your links are on their way.", path: "/join/sent/", noindex: true)
    }

    func notFound() -> [String: Any] {
        common(.notFound, title: "Page not found", description: "This page does not exist.", path: "/404.html", noindex: true)
    }

    func referrerValues(_ referrer: Referrer) -> [String: Any] {
        ["code": referrer.code, "name": referrer.name, "firstName": PersonName.firstName(referrer.name)]
    }

    func shareList(_ referrer: Referrer) -> [[String: Any]] {
        site.shares(for: referrer).map { ["channel": $0.channel.rawValue, "label": $0.channel.label, "url": $0.url] }
    }

    func referrer(_ index: Int, form: FormState? = nil) -> [String: Any] {
        let referrer = site.referrers[index]
        let path = SiteURLs.referrerPath(referrer.code)
        var context = common(.referrer(index), title: "\(PersonName.firstName(referrer.name)) invites you to \(program.name)",
                             description: "Get \(program.friendReward.description) with \(PersonName.firstName(referrer.name))'s invitation.",
                             path: path)
        context["referrer"] = referrerValues(referrer)
        context["link"] = site.urls.referrerLink(referrer.code)
        let qr = qrValues(referrer)
        context["qr"] = qr
        context["qrLink"] = qr["link"]
        context["shares"] = shareList(referrer)
        var formValues: [String: Any] = [
            "action": program.endpoint, "referrer": referrer.code, "source": ReferralSource.link.rawValue,
            "requireConsent": program.requireConsent,
        ]
        if let variant = site.variant(for: referrer.code) { formValues["variant"] = variant }
        if let form {
            if let source = form.source.flatMap(ReferralSource.init(rawValue:)) { formValues["source"] = source.rawValue }
            if let variant = form.variant, StoreRules.isValidVariant(variant) { formValues["variant"] = variant }
            typed(form, into: &formValues)
        }
        context["form"] = formValues
        return context
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
