/// The pictures of the pages: QR codes, charts, A/B verdicts, goals and the leaderboard.
extension PageContext {
    /// The referrer's QR code (of their link with `src=qr`): its file, for `<img>` and download.
    func qrValues(_ referrer: Referrer) -> TemplateObject {
        let link = site.urls.referrerLink(referrer.code, source: .qr)
        return ["src": .text(site.urls.path(SiteURLs.referrerPath(referrer.code) + "qr.svg")), "alt": .text("QR code of \(link)"),
                "fileName": .text("\(referrer.code)-qr.svg"), "link": .text(link)]
    }

    /// The standalone SVG file of a referrer's QR code.
    func qrDocument(_ index: Int) -> [UInt8] {
        let link = site.urls.referrerLink(site.referrers[index].code, source: .qr)
        // Every link fits: baseURL is at most 2,000 characters and a code 40, and a QR code at
        // level M holds 2,331 bytes. The empty document is never expected.
        return QRCode(link)?.svgDocument(title: "QR code of \(link)") ?? []
    }

    /// A referrer's accepted referrals and conversions per week, for their stats page: the
    /// weeks up to the as-of's; none when they had no activity in them (a chart of zeros under
    /// figures that are not zero read as a fault).
    func referrerWeeks(_ code: String) -> [GroupFigures] {
        let weeks = site.figures.recentWeeks(ofReferrer: code, last: Self.weeksShown, through: site.figures.asOf)
        return weeks.contains { $0.referrals > 0 || $0.converted > 0 } ? weeks : []
    }

    /// The program's referrals and conversions per week, for the analytics page: the weeks up to
    /// the as-of's.
    func programWeeks() -> [GroupFigures] {
        site.figures.program.weekly.weeks(last: Self.weeksShown, through: site.figures.asOf)
    }

    /// A referrer's tier progress: the same chart for every referrer with as many conversions,
    /// made once per count (made per page it was 1.4 % of a build).
    func tierChart(_ figures: ReferrerFigures) -> String? {
        site.tierCharts.value(for: figures.converted) { makeTierChart(figures) }
    }

    private func makeTierChart(_ figures: ReferrerFigures) -> String? {
        var summary = "\(figures.converted) conversion\(figures.converted == 1 ? "" : "s")."
        if let tier = figures.tier { summary += " \(tier.name) reached." }
        if let next = figures.nextTier, let remaining = figures.remainingToNextTier {
            summary += " \(remaining) more to reach \(next.name) at \(next.conversions)."
        } else if figures.tier != nil {
            summary += " The top tier."
        }
        return TierChart.svg(id: "chart-tiers", converted: figures.converted, tiers: program.tiers, summary: summary)
    }

    /// The analytics page's charts, each beside the table with its numbers.
    func analyticsCharts() -> TemplateObject {
        let figures = site.figures.program
        var charts: TemplateObject = [:]
        charts["weeks"] = WeeklyChart.svg(id: "chart-weeks", title: "Referrals and conversions per week",
                                          weeks: programWeeks()).map(TemplateValue.text)
        let funnel = figures.funnel
        let stages = [("Referred", funnel.referred), ("Contacted", funnel.contacted), ("Converted", funnel.converted), ("Rewarded", funnel.rewarded)]
        charts["funnel"] = BarChart.svg(
            id: "chart-funnel", title: "Funnel",
            summary: "Of \(funnel.referred) referrals, \(funnel.contacted) were contacted, \(funnel.converted) converted and \(funnel.rewarded) were rewarded.",
            axisTitle: "Referrals",
            rows: stages.map { BarChart.Row(label: $0.0, value: Double($0.1), valueText: String($0.1)) }).map(TemplateValue.text)
        charts["source"] = rateChart(id: "chart-source", title: "Conversion rate by source", figures.bySource).map(TemplateValue.text)
        charts["segment"] = rateChart(id: "chart-segment", title: "Conversion rate by segment", figures.bySegment).map(TemplateValue.text)
        return charts
    }

    private func rateChart(id: String, title: String, _ groups: [GroupFigures]) -> String? {
        let summary = groups.map { "\($0.name): \(Formatting.percent($0.conversionRate)) of \($0.referrals)" }.joined(separator: "; ")
        return BarChart.svg(id: id, title: title, summary: summary.isEmpty ? "No referrals yet." : summary + ".",
                            axisTitle: "Conversion rate",
                            rows: groups.map { BarChart.Row(label: $0.name, value: $0.conversionRate, valueText: Formatting.percent($0.conversionRate)) })
    }

    /// Each variant after the first against the first (by name).
    func variantComparisons() -> [TemplateValue] {
        let variants = site.figures.program.byVariant
        guard let baseline = variants.first else { return [] }
        return variants.dropFirst().map { challenger in
            let comparison = VariantComparison(baseline: baseline, challenger: challenger)
            var values: TemplateObject = [
                "baseline": .text(baseline.name), "challenger": .text(challenger.name),
                "difference": .text(Self.points(comparison.difference)),
                "verdict": .text(comparison.verdict),
                "significant": .bool(comparison.isSignificant),
            ]
            if let interval = comparison.confidenceInterval {
                values["interval"] = .text("\(Self.points(interval.lowerBound)) to \(Self.points(interval.upperBound))")
            }
            if let p = comparison.pValue { values["pValue"] = .text(p < 0.001 ? "< 0.001" : Self.decimal(p, places: 3)) }
            return .object(values)
        }
    }

    /// The goals against the month of the as-of; nil when program.json sets none.
    func goalValues() -> TemplateObject? {
        guard let goals = program.goals, goals.referralsPerMonth != nil || goals.conversionRate != nil else { return nil }
        let progress = GoalProgress(goals: goals, cohorts: site.figures.program.cohorts, asOf: site.figures.asOf)
        let current = progress.current
        var values: TemplateObject = ["month": .text(current.name), "referrals": .number(current.referrals),
                                               "conversionRate": .text(Formatting.percent(current.conversionRate)),
                                               "elapsed": .text(Formatting.percent(progress.monthElapsed))]
        if let target = goals.referralsPerMonth {
            values["referralGoal"] = [
                "target": .number(target), "projected": .number(progress.projectedReferrals),
                "percent": .number(min(100, current.referrals * 100 / target)),
                "onPace": .bool(progress.isOnPace ?? false),
            ]
        }
        if let target = goals.conversionRate {
            values["rateGoal"] = ["target": .text(Formatting.percent(target)), "met": .bool(current.conversionRate >= target)]
        }
        values["months"] = .list(progress.months.map { month -> TemplateValue in
            var row: TemplateObject = ["name": .text(month.name), "referrals": .number(month.referrals),
                                                "rate": .text(Formatting.percent(month.conversionRate))]
            if let target = goals.referralsPerMonth { row["referralsMet"] = month.referrals >= target ? "yes" : "no" }
            if let target = goals.conversionRate { row["rateMet"] = month.conversionRate >= target ? "yes" : "no" }
            return .object(row)
        })
        return values
    }

    /// Top referrers by conversions with their tier; by name only for those who opted in.
    func leaderboard() -> TemplateObject {
        var context = common(.leaderboard, title: "Leaderboard", description: "The \(program.name) referrers with the most friends who joined.",
                             path: "/leaderboard/")
        asOfValues(&context)
        let leaders = site.figures.program.topReferrers.compactMap { code in site.index(ofReferrer: code) }
            .filter { site.figures.referrers[$0].converted > 0 }
        let ranks = Self.sharedRanks(leaders.map { site.figures.referrers[$0].converted })
        let rows: [TemplateValue] = zip(leaders, ranks).map { index, rank in
            let figures = site.figures.referrers[index]
            var row: TemplateObject = ["rank": .number(rank), "converted": .number(figures.converted),
                                                "name": .text(showsName(site.referrers[index]) ? site.referrers[index].shownName : "A referrer")]
            if let tier = figures.tier { row["tier"] = .text(tier.name) }
            return .object(row)
        }
        context["rows"] = .list(rows)
        context["hasRows"] = .bool(!rows.isEmpty)
        if let note = Self.tiedNote(site.figures.program.tiedPastTheTopByConversions, rank: ranks.last) { context["tiedNote"] = .text(note) }
        return context
    }

    /// Whether the leaderboard names the referrer: they chose to, and were not erased since.
    private func showsName(_ referrer: Referrer) -> Bool {
        referrer.leaderboard && !referrer.isErased
    }

    /// `+4.2 points`: a difference of rates in percentage points.
    static func points(_ difference: Double) -> String {
        let value = difference * 100
        return (value >= 0 ? "+" : "−") + decimal(abs(value), places: 1) + " points"
    }

    static func decimal(_ value: Double, places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = scaled / Int(scale), fraction = String(scaled % Int(scale))
        return "\(whole)." + String(repeating: "0", count: places - fraction.count) + fraction
    }
}
