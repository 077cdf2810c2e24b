/// The names the theme's templates may use: every key of every page's context.
enum ThemeVariables {
    /// Collects the keys of one context of each page kind (with a filled-in form, so the 422
    /// page's keys count too), plus keys only some sites have.
    static func known(_ site: Site) -> Set<String> {
        let context = PageContext(site: site)
        var samples: [TemplateObject] = [context.home(), context.stories(), context.messaging(), context.analytics(),
                                                  context.thanks(), context.notFound(), context.joined(),
                                                  context.join(form: FormState(errors: ["name": "", "email": "", "consent": "", "form": ""]))]
        if let terms = site.inputs.content.terms { samples.append(context.contentPage(.terms, terms, path: "/terms/")) }
        if !site.inputs.content.stories.isEmpty { samples.append(context.story(0)) }
        if site.hasLeaderboard { samples.append(context.leaderboard()) }
        // A referrer's pages, of the site's first referrer or, before there is one, of a sample.
        let referrerContext = site.referrers.isEmpty ? PageContext(site: withSampleReferrer(site)) : context
        let form = FormState(name: "n", email: "e", consent: true, errors: ["name": "", "email": "", "consent": "", "form": ""])
        samples.append(referrerContext.referrer(0, form: form))
        samples.append(referrerContext.stats(0))
        var keys: Set<String> = [
            // Present only on some sites or for some referrers.
            "accentColor", "logo", "imageURL", "offer", "until", "referrerAmount", "friendReward", "join", "action", "version", "effective", "summary", "date", "author", "hasByline", "variant", "subject", "html",
            "tier", "nextTier", "remaining", "conversionsText", "progress", "percent", "label", "errors", "values", "hasErrors",
            "story", "content", "charts", "weeks", "weekRows", "funnel", "source", "segment", "tiers", "toc", "hasToc",
            // Goals and A/B verdicts, on programs that set goals or run variants.
            "goals", "month", "elapsed", "referralGoal", "target", "projected", "onPace", "rateGoal", "met", "months",
            "referralsMet", "rateMet", "conversionRate", "comparisons", "baseline", "challenger", "difference", "interval",
            "pValue", "verdict", "significant",
            // Keys of list items, for lists that may be empty on this site.
            "id", "text", "level", "isSub", "title", "url", "name", "conversions", "bonus", "hasBonus", "friend", "status",
            "statusLabel", "stage", "count", "referrals", "converted", "rate", "week", "rank", "code", "channel",
            "channelLabel", "length", "limit", "over",
        ]
        for sample in samples { collect(.object(sample), into: &keys) }
        return keys
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
