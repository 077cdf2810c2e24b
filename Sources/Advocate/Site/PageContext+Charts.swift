/// The pictures of the pages: QR codes, charts, A/B verdicts, goals and the leaderboard.
extension PageContext {
    /// The referrer's QR code (of their link with `src=qr`): its file, for `<img>` and download.
    func qrValues(_ referrer: Referrer) -> [String: Any] {
        let link = site.urls.referrerLink(referrer.code, source: .qr)
        return ["src": site.urls.path(SiteURLs.referrerPath(referrer.code) + "qr.svg"), "alt": "QR code of \(link)",
                "fileName": "\(referrer.code)-qr.svg", "link": link]
    }

    /// The standalone SVG file of a referrer's QR code.
    func qrDocument(_ index: Int) -> String {
        let link = site.urls.referrerLink(site.referrers[index].code, source: .qr)
        // Every link fits: baseURL is at most 2,000 characters and a code 40, and a QR code at
        // level M holds 2,331 bytes. The empty document is never expected.
        return QRCode(link)?.svgDocument(title: "QR code of \(link)") ?? ""
    }

    /// A referrer's accepted referrals and conversions per week, for their stats page.
    func referrerWeeks(_ code: String) -> [GroupFigures] {
        Array(site.figures.weeklySeries(ofReferrer: code).weeks().suffix(Self.weeksShown))
    }

    func tierChart(_ figures: ReferrerFigures) -> String? {
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
    func analyticsCharts() -> [String: Any] {
        let figures = site.figures.program
        var charts: [String: Any] = [:]
        charts["weeks"] = WeeklyChart.svg(id: "chart-weeks", title: "Referrals and conversions per week",
                                          weeks: Array(figures.perWeek.suffix(Self.weeksShown)))
        let funnel = figures.funnel
        let stages = [("Referred", funnel.referred), ("Contacted", funnel.contacted), ("Converted", funnel.converted), ("Rewarded", funnel.rewarded)]
        charts["funnel"] = BarChart.svg(
            id: "chart-funnel", title: "Funnel",
            summary: "Of \(funnel.referred) referrals, \(funnel.contacted) were contacted, \(funnel.converted) converted and \(funnel.rewarded) were rewarded.",
            axisTitle: "Referrals",
            rows: stages.map { BarChart.Row(label: $0.0, value: Double($0.1), valueText: String($0.1)) })
        charts["source"] = rateChart(id: "chart-source", title: "Conversion rate by source", figures.bySource)
        charts["segment"] = rateChart(id: "chart-segment", title: "Conversion rate by segment", figures.bySegment)
        return charts
    }

    private func rateChart(id: String, title: String, _ groups: [GroupFigures]) -> String? {
        let summary = groups.map { "\($0.name): \(Formatting.percent($0.conversionRate)) of \($0.referrals)" }.joined(separator: "; ")
        return BarChart.svg(id: id, title: title, summary: summary.isEmpty ? "No referrals yet." : summary + ".",
                            axisTitle: "Conversion rate",
                            rows: groups.map { BarChart.Row(label: $0.name, value: $0.conversionRate, valueText: Formatting.percent($0.conversionRate)) })
    }

    /// Each variant after the first against the first (by name).
    func variantComparisons() -> [[String: Any]] {
        let variants = site.figures.program.byVariant
        guard let baseline = variants.first else { return [] }
        return variants.dropFirst().map { challenger in
            let comparison = VariantComparison(baseline: baseline, challenger: challenger)
            var values: [String: Any] = [
                "baseline": baseline.name, "challenger": challenger.name,
                "difference": Self.points(comparison.difference),
                "verdict": comparison.verdict,
                "significant": comparison.isSignificant,
            ]
            if let interval = comparison.confidenceInterval {
                values["interval"] = "\(Self.points(interval.lowerBound)) to \(Self.points(interval.upperBound))"
            }
            if let p = comparison.pValue { values["pValue"] = p < 0.001 ? "< 0.001" : Self.decimal(p, places: 3) }
            return values
        }
    }

    /// The goals against the month of the as-of; nil when program.json sets none.
    func goalValues() -> [String: Any]? {
        guard let goals = program.goals, goals.referralsPerMonth != nil || goals.conversionRate != nil else { return nil }
        let progress = GoalProgress(goals: goals, cohorts: site.figures.program.cohorts, asOf: site.figures.asOf)
        let current = progress.current
        var values: [String: Any] = ["month": current.name, "referrals": current.referrals,
                                     "conversionRate": Formatting.percent(current.conversionRate),
                                     "elapsed": Formatting.percent(progress.monthElapsed)]
        if let target = goals.referralsPerMonth {
            values["referralGoal"] = [
                "target": target, "projected": progress.projectedReferrals,
                "percent": min(100, current.referrals * 100 / target),
                "onPace": progress.isOnPace ?? false,
            ] as [String: Any]
        }
        if let target = goals.conversionRate {
            values["rateGoal"] = ["target": Formatting.percent(target), "met": current.conversionRate >= target] as [String: Any]
        }
        values["months"] = progress.months.map { month -> [String: Any] in
            var row: [String: Any] = ["name": month.name, "referrals": month.referrals, "rate": Formatting.percent(month.conversionRate)]
            if let target = goals.referralsPerMonth { row["referralsMet"] = month.referrals >= target ? "yes" : "no" }
            if let target = goals.conversionRate { row["rateMet"] = month.conversionRate >= target ? "yes" : "no" }
            return row
        }
        return values
    }

    /// Top referrers by conversions with their tier; by name only for those who opted in.
    func leaderboard() -> [String: Any] {
        var context = common(.leaderboard, title: "Leaderboard", description: "The \(program.name) referrers with the most friends who joined.",
                             path: "/leaderboard/")
        asOfValues(&context)
        let rows: [[String: Any]] = site.figures.program.topReferrers.enumerated().compactMap { rank, code in
            guard let index = site.index(ofReferrer: code) else { return nil }
            let figures = site.figures.referrers[index]
            guard figures.converted > 0 else { return nil }
            var row: [String: Any] = ["rank": rank + 1, "converted": figures.converted,
                                      "name": site.referrers[index].leaderboard ? site.referrers[index].name : "A referrer"]
            if let tier = figures.tier { row["tier"] = tier.name }
            return row
        }
        context["rows"] = rows
        context["hasRows"] = !rows.isEmpty
        return context
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
