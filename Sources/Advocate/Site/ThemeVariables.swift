/// The names the theme's templates may use: every key of every page's context, and each page
/// template's own context to resolve a dotted name against.
enum ThemeVariables {
    /// Names present only on some sites or for some referrers: a page's sample may lack them.
    static let optionalKeys: Set<String> = [
        "accentColor", "logo", "logoURL", "imageURL", "offer", "until", "referrerAmount", "friendReward", "join", "action", "version", "effective", "summary", "date", "author", "hasByline", "variant", "subject", "html",
        "tier", "nextTier", "remaining", "conversionsText", "progress", "percent", "label", "errors", "values", "hasErrors",
        "story", "content", "charts", "weeks", "weekRows", "funnel", "source", "segment", "tiers", "toc", "hasToc",
        // Goals and A/B verdicts, on programs that set goals or run variants.
        "goals", "month", "elapsed", "referralGoal", "target", "projected", "onPace", "rateGoal", "met", "months",
        "referralsMet", "rateMet", "conversionRate", "comparisons", "baseline", "challenger", "difference", "interval",
        "pValue", "verdict", "significant",
        // An offer's wording for friends, on offers that have one.
        "friend",
        // Referrers past the top ten who share the last one's rank, when there are any.
        "tiedNote",
    ]

    /// Keys of list items, for lists that may be empty on this site: names inside a section over
    /// a list, never of an object a page always has (`site.title` is no name, though a story's
    /// `title` is).
    static let listItemKeys: Set<String> = [
        "id", "text", "level", "isSub", "title", "url", "name", "conversions", "bonus", "hasBonus", "friend", "status",
        "statusLabel", "stage", "count", "referrals", "converted", "rate", "week", "rank", "code", "channel",
        "channelLabel", "length", "limit", "over",
    ]

    /// One or more contexts of each page template the site renders, by the template's name: the
    /// referrer page and the not-found page with a filled-in form too (the endpoint's 422 pages).
    static func samples(_ site: Site) -> [String: [TemplateObject]] {
        let context = PageContext(site: site)
        let errors = ["name": "", "email": "", "consent": "", "form": ""]
        var formValues = TemplateObject()
        context.typed(FormState(name: "n", email: "e", consent: true, errors: errors), into: &formValues)
        var notFoundWithForm = context.notFound()
        notFoundWithForm["form"] = .object(formValues)
        var samples: [String: [TemplateObject]] = [
            "home": [context.home()], "stories": [context.stories()], "messaging": [context.messaging()],
            "analytics": [context.analytics()], "thanks": [context.thanks()], "404": [context.notFound(), notFoundWithForm],
            "joined": [context.joined()], "join": [context.join(form: FormState(errors: errors))],
        ]
        let content = site.inputs.content
        if let terms = content.terms { samples["page"] = [context.contentPage(.terms, terms, path: "/terms/")] }
        if let faq = content.faq { samples["page", default: []].append(context.contentPage(.faq, faq, path: "/faq/")) }
        if !content.stories.isEmpty { samples["story"] = [context.story(0)] }
        if site.hasLeaderboard { samples["leaderboard"] = [context.leaderboard()] }
        // A referrer's pages, of the site's first referrer or, before there is one, of a sample.
        let referrerContext = site.referrers.isEmpty ? PageContext(site: withSampleReferrer(site)) : context
        let form = FormState(name: "n", email: "e", consent: true, errors: errors)
        samples["referrer"] = [referrerContext.referrer(0, form: form)]
        samples["stats"] = [referrerContext.stats(0)]
        return samples
    }

    /// Every page kind, as `page.is` names them: a layout tests for a page the site may not
    /// build (`page.is.leaderboard` on a theme without leaderboard.mustache).
    static let pageKinds: Set<String> = ["home", "terms", "faq", "stories", "story", "messaging", "referrer", "stats", "analytics",
                                         "thanks", "join", "joined", "404", "leaderboard"]

    /// Every key of the `samples`' contexts, the optional ones and the page kinds.
    static func known(_ samples: [String: [TemplateObject]]) -> Set<String> {
        var keys = optionalKeys.union(listItemKeys).union(pageKinds)
        for sample in samples.values.joined() { collect(.object(sample), into: &keys) }
        return keys
    }

    /// Why `path` (`referrer.earned`), written outside any section of a page template, names
    /// nothing in any of that page's `contexts`, or nil when it may name something: the part
    /// that is missing, with the names the page has there.
    static func missing(_ path: [String], in contexts: [TemplateObject]) -> (part: String, owner: String?, names: [String])? {
        var found: (part: String, owner: String?, names: [String])?
        for context in contexts {
            var object = context
            var resolved = true
            for (index, part) in path.enumerated() {
                guard let value = object[part] else {
                    // A name some sites or referrers have: this sample proves nothing.
                    if optionalKeys.contains(part) { return nil }
                    found = (part, index == 0 ? nil : path[..<index].joined(separator: "."), object.entries.map(\.name))
                    resolved = false
                    break
                }
                guard index < path.count - 1 else { break }
                guard case .object(let child) = value else { return nil }
                object = child
            }
            if resolved { return nil }
        }
        return found
    }

    /// Whether a section over `path` may change what the names inside it resolve against: it
    /// does over an object or a list, and may over a value the page's `contexts` lack.
    static func changesContext(_ path: [String], in contexts: [TemplateObject]) -> Bool {
        contexts.contains { context in
            var value: TemplateValue? = .object(context)
            for part in path {
                guard case .object(let object) = value else { return true }
                value = object[part]
            }
            switch value {
            case .text, .bool: return false
            case .object, .list, nil: return true
            }
        }
    }

    /// `site` with a sample referrer and no referrals, its figures as of the site's.
    private static func withSampleReferrer(_ site: Site) -> Site {
        var inputs = site.inputs
        inputs.store.referrers = [MessagingPreview.sampleReferrer(site)]
        inputs.loaded.ledger = nil
        return Site(inputs: inputs, asOf: site.figures.asOf)
    }

    private static func collect(_ value: TemplateValue, into keys: inout Set<String>) {
        switch value {
        case .object(let object):
            for (key, child) in object.entries {
                keys.insert(key)
                collect(child, into: &keys)
            }
        case .list(let list):
            for element in list { collect(element, into: &keys) }
        case .text, .bool:
            break
        }
    }
}
