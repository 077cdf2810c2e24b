extension PageContext {
    /// How many of a referrer's referrals the stats page lists, newest first.
    static let recentReferralsShown = 20
    /// How many weeks the analytics page lists.
    static let weeksShown = 26

    func asOfValues(_ context: inout [String: Any]) {
        context["asOf"] = site.figures.asOf.readable
        context["asOfISO"] = site.figures.asOf.iso8601
    }

    func stats(_ index: Int) -> [String: Any] {
        let referrer = site.referrers[index]
        let figures = site.figures.referrers[index]
        var context = common(.stats(index), title: "Your referrals, \(PersonName.firstName(referrer.name))",
                             description: "Private referral statistics.", path: SiteURLs.statsPath(referrer.statsToken), isPrivate: true)
        asOfValues(&context)
        context["referrer"] = referrerValues(referrer)
        context["link"] = site.urls.referrerLink(referrer.code)
        let qr = qrValues(referrer)
        context["qr"] = qr
        context["qrLink"] = qr["link"]
        context["shares"] = shareList(referrer)
        var values: [String: Any] = [
            "referrals": figures.referrals,
            "converted": figures.converted,
            "conversionRate": Formatting.percent(figures.conversionRate),
            "earned": site.formatting.money(figures.earned),
            "pending": site.formatting.money(figures.pending),
        ]
        if let tier = figures.tier { values["tier"] = tier.name }
        if let next = figures.nextTier {
            let remaining = next.conversions - figures.converted
            values["nextTier"] = ["name": next.name, "conversions": next.conversions, "remaining": remaining] as [String: Any]
            values["progress"] = [
                "percent": min(100, figures.converted * 100 / max(1, next.conversions)),
                "label": "\(remaining) more conversion\(remaining == 1 ? "" : "s") to reach \(next.name)",
            ] as [String: Any]
        } else if let tier = figures.tier {
            values["progress"] = ["percent": 100, "label": "Top tier reached: \(tier.name)"] as [String: Any]
        }
        context["figures"] = values
        var charts: [String: Any] = [:]
        charts["tiers"] = tierChart(figures)
        charts["weeks"] = WeeklyChart.svg(id: "chart-weeks", title: "Your referrals and conversions per week", weeks: referrerWeeks(referrer.code))
        context["charts"] = charts
        let outcomes = site.figures.outcomes(ofReferrer: referrer.code).filter(\.isAccepted)
        let recent: [[String: Any]] = outcomes.suffix(Self.recentReferralsShown).reversed().map { outcome in
            [
                "date": outcome.referral.at.day.iso8601,
                "friend": PersonName.masked(outcome.referral.name),
                "status": outcome.latestStatus?.rawValue ?? "referred",
                "statusLabel": statusLabel(outcome),
            ]
        }
        context["recent"] = recent
        context["hasRecent"] = !recent.isEmpty
        return context
    }

    func statusLabel(_ outcome: ReferralOutcome) -> String {
        switch outcome.latestStatus {
        case nil: return "Referred"
        case .contacted: return "Contacted"
        case .rejected: return "Not eligible"
        case .converted, .rewarded:
            guard outcome.isConversion else { return "Converted after the \(program.attributionWindowDays)-day window" }
            if outcome.latestStatus == .rewarded { return "Rewarded" }
            return outcome.isMatured ? "Converted · reward earned" : "Converted · reward on hold"
        }
    }

    func analytics() -> [String: Any] {
        let figures = site.figures.program
        var context = common(.analytics, title: "\(program.name) analytics", description: "Program analytics.",
                             path: SiteURLs.statsPath(program.analyticsToken), isPrivate: true)
        asOfValues(&context)
        context["program"] = [
            "referrers": figures.referrers,
            "referrals": figures.referrals,
            "converted": figures.converted,
            "conversionRate": Formatting.percent(figures.conversionRate),
            "earned": site.formatting.money(figures.earned),
            "pending": site.formatting.money(figures.pending),
            "duplicates": figures.duplicates,
            "selfReferrals": figures.selfReferrals,
        ] as [String: Any]
        let funnel = figures.funnel
        let stages = [("Referred", funnel.referred), ("Contacted", funnel.contacted), ("Converted", funnel.converted), ("Rewarded", funnel.rewarded)]
        context["funnel"] = stages.map { stage, count in
            ["stage": stage, "count": count,
             "percent": Formatting.percent(funnel.referred == 0 ? 0 : Double(count) / Double(funnel.referred))] as [String: Any]
        }
        context["bySource"] = groups(figures.bySource)
        context["bySegment"] = groups(figures.bySegment)
        context["byVariant"] = groups(figures.byVariant)
        context["hasVariants"] = !figures.byVariant.isEmpty
        context["comparisons"] = variantComparisons()
        context["charts"] = analyticsCharts()
        if let goals = goalValues() { context["goals"] = goals }
        context["perWeek"] = figures.perWeek.suffix(Self.weeksShown).map { week in
            ["week": week.name, "referrals": week.referrals, "conversions": week.converted] as [String: Any]
        }
        context["top"] = figures.topReferrers.enumerated().compactMap { rank, code -> [String: Any]? in
            guard let index = site.index(ofReferrer: code) else { return nil }
            let referrerFigures = site.figures.referrers[index]
            return ["rank": rank + 1, "name": site.referrers[index].name, "code": code, "converted": referrerFigures.converted,
                    "referrals": referrerFigures.referrals, "tier": referrerFigures.tier?.name ?? "—"]
        }
        return context
    }

    func groups(_ groups: [GroupFigures]) -> [[String: Any]] {
        groups.map { group in
            ["name": group.name, "referrals": group.referrals, "converted": group.converted,
             "rate": Formatting.percent(group.conversionRate)]
        }
    }

    func messaging() -> [String: Any] {
        var context = common(.messaging, title: "Messaging preview", description: "Every message as it goes out.",
                             path: "/messaging/", noindex: true)
        let sample = MessagingPreview.sampleReferrer(site)
        context["sample"] = ["name": sample.name, "link": site.urls.referrerLink(sample.code)]
        context["messages"] = MessagingPreview.previews(site, referrer: sample).map { preview -> [String: Any] in
            var item: [String: Any] = [
                "name": preview.template.name, "title": preview.template.title, "channel": preview.template.channel.rawValue,
                "channelLabel": preview.template.channel.label, "text": preview.message.text,
                "length": ["count": preview.length.count, "limit": preview.length.limit ?? 0, "summary": preview.length.summary,
                           "over": preview.length.over] as [String: Any],
            ]
            if let variant = preview.variant { item["variant"] = variant }
            if let subject = preview.message.subject { item["subject"] = subject }
            if let html = preview.message.html { item["html"] = html }
            return item
        }
        return context
    }
}

/// Every messaging template and variant rendered for one referrer, with its length: what
/// /messaging/ shows and `advocate preview` prints.
public struct MessagingPreview: Sendable {
    public var template: MessageTemplate
    public var variant: String?
    public var message: RenderedMessage
    public var length: MessageLength

    /// The referrer previews use: the first of the roster, or a made-up one when there is none.
    public static func sampleReferrer(_ site: Site) -> Referrer {
        site.referrers.first ?? Referrer(
            code: "sample", name: "Alex Sample", email: "alex@example.com", joined: nil, segment: .customer,
            statsToken: "sample-token-not-published", leaderboard: false, origin: Origin(file: "", location: .start))
    }

    public static func previews(_ site: Site, referrer: Referrer, templates: [MessageTemplate]? = nil) -> [MessagingPreview] {
        (templates ?? site.inputs.content.messages).flatMap { template in
            template.variants.map { variant in
                var values = site.messageValues(for: referrer, source: template.channel.source)
                if template.notification != nil {
                    // Sample values: a preview must not publish a real referrer's private link.
                    values.friendName = template.notification == .statusToReferrer ? "Grace H." : "Grace Hopper"
                    values.statsLink = site.urls.absolute("/stats/private-link/")
                    values.statusLabel = ReferralStatus.converted.rawValue
                }
                let message = variant.render(values, includeHTML: true)
                return MessagingPreview(template: template, variant: variant.name, message: message,
                                        length: MessageLength.measure(message.text, channel: template.channel))
            }
        }
    }
}
