extension PageContext {
    /// How many of a referrer's referrals the stats page lists, newest first.
    static let recentReferralsShown = 20
    /// How many weeks the analytics page lists.
    static let weeksShown = 26

    /// A row of a table of weeks: the week's first day, its referrals and its conversions.
    static func weekRow(_ week: GroupFigures) -> TemplateValue {
        ["week": .text(week.name), "referrals": .number(week.referrals), "conversions": .number(week.converted)]
    }

    /// `asOf` and `asOfISO`, and `hasActivity`: false for a program with nothing to date yet (no
    /// journal event, no referrer's `joined` day), whose as-of would read 1970-01-01.
    func asOfValues(_ context: inout TemplateObject) {
        context["asOf"] = .text(site.figures.asOf.readable)
        context["asOfISO"] = .text(site.figures.asOf.iso8601)
        context["hasActivity"] = .bool(site.figures.asOf != AsOf.nothingYet)
    }

    func stats(_ index: Int) -> TemplateObject {
        let referrer = site.referrers[index]
        let figures = site.figures.referrers[index]
        let title = referrer.isErased ? "Your referrals" : "Your referrals, \(NameIsolation.isolated(PersonName.firstName(referrer.shownName)))"
        var context = common(.stats(index), title: title,
                             description: "Private referral statistics.", path: SiteURLs.statsPath(referrer.statsToken), isPrivate: true)
        asOfValues(&context)
        context["referrer"] = referrerValues(referrer)
        context["link"] = .text(site.urls.referrerLink(referrer.code))
        let qr = qrValues(referrer)
        context["qr"] = .object(qr)
        context["qrLink"] = qr["link"]
        context["shares"] = shareList(referrer)
        var values: TemplateObject = [
            "referrals": .number(figures.referrals),
            "converted": .number(figures.converted),
            "conversionRate": .text(Formatting.percent(figures.conversionRate)),
            "earned": .text(site.formatting.money(figures.earned)),
            "pending": .text(site.formatting.money(figures.pending)),
        ]
        if let tier = figures.tier { values["tier"] = .text(tier.name) }
        if let next = figures.nextTier {
            let remaining = next.conversions - figures.converted
            values["nextTier"] = ["name": .text(next.name), "conversions": .number(next.conversions), "remaining": .number(remaining),
                                  "conversionsText": .text("\(next.conversions) conversion\(next.conversions == 1 ? "" : "s")")]
            values["progress"] = [
                "percent": .number(min(100, figures.converted * 100 / max(1, next.conversions))),
                "label": .text("\(remaining) more conversion\(remaining == 1 ? "" : "s") to reach \(next.name)"),
            ]
        } else if let tier = figures.tier {
            values["progress"] = ["percent": 100, "label": .text("Top tier reached: \(tier.name)")]
        }
        context["figures"] = .object(values)
        var charts: TemplateObject = [:]
        charts["tiers"] = tierChart(figures).map(TemplateValue.text)
        let weeks = referrerWeeks(referrer.code)
        charts["weeks"] = WeeklyChart.svg(id: "chart-weeks", title: "Your referrals and conversions per week", weeks: weeks).map(TemplateValue.text)
        context["charts"] = .object(charts)
        // The chart's numbers as text, for the weeks it shows a bar in.
        context["weekRows"] = .list(weeks.filter { $0.referrals > 0 || $0.converted > 0 }.map(Self.weekRow))
        let newest = site.figures.newestAcceptedOutcomes(ofReferrer: referrer.code, limit: Self.recentReferralsShown)
        let recent: [TemplateValue] = newest.map { outcome in
            [
                "date": .text(outcome.referral.at.day.iso8601),
                "friend": .text(PersonName.masked(outcome.referral.name)),
                "status": .text(outcome.latestStatus?.rawValue ?? "referred"),
                "statusLabel": .text(statusLabel(outcome)),
            ]
        }
        context["recent"] = .list(recent)
        context["hasRecent"] = .bool(!recent.isEmpty)
        return context
    }

    func statusLabel(_ outcome: ReferralOutcome) -> String {
        switch outcome.latestStatus {
        case nil: return "Referred"
        case .contacted: return "Contacted"
        case .rejected: return "Not eligible"
        case .converted, .rewarded:
            guard outcome.firstConvertedAt != nil else { return "Not counted: no conversion recorded" }
            guard outcome.isConversion else { return "Converted after the \(program.attributionWindowDays)-day window" }
            let rewarded = outcome.latestStatus == .rewarded
            // Paid early or not, a reward counts as pending until the hold has passed.
            guard outcome.isMatured else { return rewarded ? "Rewarded · reward on hold" : "Converted · reward on hold" }
            return rewarded ? "Rewarded" : "Converted · reward earned"
        }
    }

    func analytics() -> TemplateObject {
        let figures = site.figures.program
        var context = common(.analytics, title: "\(program.name) analytics", description: "Program analytics.",
                             path: SiteURLs.statsPath(program.analyticsToken), isPrivate: true)
        asOfValues(&context)
        context["program"] = [
            "referrers": .number(figures.referrers),
            "referrals": .number(figures.referrals),
            "converted": .number(figures.converted),
            "conversionRate": .text(Formatting.percent(figures.conversionRate)),
            "earned": .text(site.formatting.money(figures.earned)),
            "pending": .text(site.formatting.money(figures.pending)),
            "duplicates": .number(figures.duplicates),
            "selfReferrals": .number(figures.selfReferrals),
        ]
        let funnel = figures.funnel
        let stages = [("Referred", funnel.referred), ("Contacted", funnel.contacted), ("Converted", funnel.converted), ("Rewarded", funnel.rewarded)]
        context["funnel"] = .list(stages.map { stage, count in
            ["stage": .text(stage), "count": .number(count),
             "percent": .text(Formatting.percent(funnel.referred == 0 ? 0 : Double(count) / Double(funnel.referred)))]
        })
        context["bySource"] = groups(figures.bySource)
        context["bySegment"] = groups(figures.bySegment)
        context["byVariant"] = groups(figures.byVariant)
        context["hasVariants"] = .bool(!figures.byVariant.isEmpty)
        context["comparisons"] = .list(variantComparisons())
        context["charts"] = .object(analyticsCharts())
        if let goals = goalValues() { context["goals"] = .object(goals) }
        context["perWeek"] = .list(programWeeks().map(Self.weekRow))
        let top = figures.topReferrers.compactMap { code in site.index(ofReferrer: code) }
        let ranks = Self.sharedRanks(top.map { [site.figures.referrers[$0].converted, site.figures.referrers[$0].referrals] })
        context["top"] = .list(zip(top, ranks).map { index, rank -> TemplateValue in
            let referrerFigures = site.figures.referrers[index]
            return ["rank": .number(rank), "name": .text(site.referrers[index].shownName), "code": .text(site.referrers[index].code),
                    "converted": .number(referrerFigures.converted), "referrals": .number(referrerFigures.referrals),
                    "tier": .text(referrerFigures.tier?.name ?? "—")]
        })
        if let note = Self.tiedNote(figures.tiedPastTheTop, rank: ranks.last) { context["tiedNote"] = .text(note) }
        return context
    }

    /// A sentence for the `tied` referrers past the top ten who share the last one's `rank`, so
    /// that the cut does not set apart people the page ranks equal: "2 more referrers share
    /// rank 4." Nil when there are none.
    static func tiedNote(_ tied: Int, rank: Int?) -> String? {
        guard tied > 0, let rank else { return nil }
        return "\(Formatting.grouped(Int64(tied))) more referrer\(tied == 1 ? " shares" : "s share") rank \(rank)."
    }

    /// Ranks of a list already in order, as in a sports table ("1, 1, 3"): an entry whose shown
    /// figures (`keys`) equal the one's before it shares its rank, so a page never ranks two
    /// people apart by a figure it does not show.
    static func sharedRanks<Key: Equatable>(_ keys: [Key]) -> [Int] {
        var ranks: [Int] = []
        ranks.reserveCapacity(keys.count)
        for position in keys.indices {
            ranks.append(position > 0 && keys[position] == keys[position - 1] ? ranks[position - 1] : position + 1)
        }
        return ranks
    }

    func groups(_ groups: [GroupFigures]) -> TemplateValue {
        .list(groups.map { group in
            ["name": .text(group.name), "referrals": .number(group.referrals), "converted": .number(group.converted),
             "rate": .text(Formatting.percent(group.conversionRate))]
        })
    }

    func messaging() -> TemplateObject {
        var context = common(.messaging, title: "Messaging preview", description: "Every message as it goes out.",
                             path: "/messaging/", noindex: true)
        let sample = MessagingPreview.sampleReferrer(site)
        // A program with no referrer yet is previewed for a made-up one, who has no page to link to.
        context["sample"] = ["name": .text(sample.shownName), "link": .text(site.urls.referrerLink(sample.code)),
                             "hasPage": .bool(site.index(ofReferrer: sample.code) != nil)]
        context["messages"] = .list(MessagingPreview.previews(site, referrer: sample).enumerated().map { index, preview -> TemplateValue in
            var item: TemplateObject = [
                "name": .text(preview.template.name), "title": .text(preview.template.title), "channel": .text(preview.template.channel.rawValue),
                "channelLabel": .text(preview.template.channel.label), "text": .text(preview.message.text),
                "length": ["count": .number(preview.length.count), "limit": .number(preview.length.limit ?? 0),
                           "summary": .text(preview.length.summary), "over": .bool(preview.length.over)],
            ]
            if let variant = preview.variant { item["variant"] = .text(variant) }
            if let subject = preview.message.subject { item["subject"] = .text(subject) }
            if let html = preview.message.html {
                // Each email's ids apart from the others' on this one page (two `## Hi` headings, two `[^1]` notes).
                item["html"] = .text(site.urls.rootingEmailLinks(inHTML: Markdown.prefixingIDs(in: html, with: "m\(index + 1)-")))
            }
            return .object(item)
        })
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

    /// The referrer previews use: the first of the roster not erased, or a made-up one when
    /// there is none ("Erased" read as the sample's name).
    public static func sampleReferrer(_ site: Site) -> Referrer {
        site.referrers.first { !$0.isErased } ?? madeUpSample
    }

    /// The sample of a program with no referrer yet, who has no page.
    static let madeUpSample = Referrer(code: "sample", name: "Alex Sample", email: "alex@example.com", joined: nil, segment: .customer,
                                       statsToken: "sample-token-not-published", leaderboard: false, origin: Origin(file: "", location: .start))

    public static func previews(_ site: Site, referrer: Referrer, templates: [MessageTemplate]? = nil) -> [MessagingPreview] {
        (templates ?? site.inputs.content.messages).flatMap { template in
            template.variants.map { variant in
                var values = site.messageValues(for: referrer, source: template.linkSource, at: site.figures.asOf)
                if let notification = template.notification {
                    // Sample values, only those this email has (as it goes out, the others are
                    // blank): a preview must not publish a real referrer's private link.
                    let provided = MessageValues.variableNames(for: notification)
                    if provided.contains("friend") { values.friendName = notification == .statusToReferrer ? "Grace H." : "Grace Hopper" }
                    if provided.contains("statsLink") { values.statsLink = site.urls.statsURL("private-link") }
                    if provided.contains("status") { values.statusLabel = ReferralStatus.converted.rawValue }
                }
                let message = variant.render(values, includeHTML: true)
                return MessagingPreview(template: template, variant: variant.name, message: message,
                                        length: MessageLength.measure(message.text, channel: template.channel))
            }
        }
    }
}
