/// Referrals (bars) and conversions (a line with dots) per week, as inline SVG.
public enum WeeklyChart {
    /// An SVG of `weeks` (from `WeeklySeries`/`Figures.perWeek`); nil when there are none.
    public static func svg(id: String, title: String, weeks: [GroupFigures]) -> String? {
        guard !weeks.isEmpty, let firstDay = CalendarDay(weeks[0].name), let lastDay = CalendarDay(weeks[weeks.count - 1].name) else { return nil }
        let width = 360, height = 240
        let left = 38.0, right = 8.0, top = 40.0, bottom = 46.0
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        let peak = weeks.map { max($0.referrals, $0.converted) }.max() ?? 0
        let maximum = ChartCanvas.niceMaximum(peak)
        let totalReferrals = weeks.reduce(0) { $0 + $1.referrals }
        let totalConversions = weeks.reduce(0) { $0 + $1.converted }
        let busiest = weeks.max { $0.referrals < $1.referrals }!
        var summary = "\(weeks.count) week\(weeks.count == 1 ? "" : "s") from \(firstDay.longLabel) to \(lastDay.longLabel): "
            + "\(totalReferrals) referral\(totalReferrals == 1 ? "" : "s") and \(totalConversions) conversion\(totalConversions == 1 ? "" : "s")."
        if busiest.referrals > 0, let day = CalendarDay(busiest.name) {
            summary += " The busiest week, starting \(day.longLabel), had \(busiest.referrals) referral\(busiest.referrals == 1 ? "" : "s")."
        }
        var canvas = ChartCanvas(id: id, width: width, height: height, title: title, summary: summary)
        func y(_ value: Int) -> Double { top + plotHeight - plotHeight * Double(value) / Double(maximum) }

        // Legend: the bar and the dotted line, each named.
        canvas.rect(x: left, y: 10, width: 14, height: 14, className: "chart-bar")
        canvas.text("Referrals", x: left + 20, y: 22)
        canvas.line(x1: left + 96, y1: 17, x2: left + 120, y2: 17, className: "chart-line")
        canvas.circle(cx: left + 108, cy: 17, r: 3.5, className: "chart-dot")
        canvas.text("Conversions", x: left + 126, y: 22)

        // The value axis: 0, half and the maximum, with grid lines.
        for value in (maximum > 1 ? [0, maximum / 2, maximum] : [0, 1]) {
            canvas.line(x1: left, y1: y(value), x2: Double(width) - right, y2: y(value), className: "chart-grid")
            canvas.text(String(value), x: left - 6, y: y(value) + 4, anchor: "end")
        }

        let slot = plotWidth / Double(weeks.count)
        let labelEvery = max(1, Int((Double(weeks.count) / 6).rounded(.up)))
        var points: [(x: Double, y: Double)] = []
        for (index, week) in weeks.enumerated() {
            let center = left + slot * (Double(index) + 0.5)
            // A week without referrals has no bar (a zero-height one draws nothing): most of a
            // referrer's weeks are such, and their empty elements were a tenth of a stats page.
            if week.referrals > 0 {
                canvas.rect(x: center - slot * 0.35, y: y(week.referrals), width: slot * 0.7, height: y(0) - y(week.referrals), className: "chart-bar")
            }
            points.append((center, y(week.converted)))
            if index % labelEvery == 0, let day = CalendarDay(week.name) {
                canvas.text(day.shortLabel, x: center, y: top + plotHeight + 16, anchor: "middle")
            }
        }
        canvas.polyline(points, className: "chart-line")
        for point in points {
            canvas.circle(cx: point.x, cy: point.y, r: 3, className: "chart-dot")
        }
        canvas.line(x1: left, y1: y(0), x2: Double(width) - right, y2: y(0), className: "chart-axis")
        canvas.text("Number", x: 12, y: top + plotHeight / 2, anchor: "middle", className: "chart-text chart-axis-title",
                    extra: " transform=\"rotate(-90 12 \(ChartCanvas.number(top + plotHeight / 2)))\"")
        canvas.text("Week starting", x: left + plotWidth / 2, y: Double(height) - 6, anchor: "middle", className: "chart-text chart-axis-title")
        return canvas.svg
    }
}
