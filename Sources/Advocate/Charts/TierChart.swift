/// A referrer's progress through the program's tiers: one bar from zero to the top tier, filled
/// up to their conversions, with a marked and named notch at each tier.
public enum TierChart {
    /// nil when the program has no tiers.
    public static func svg(id: String, converted: Int, tiers: [Program.Tier], summary: String) -> String? {
        let tiers = tiers.sorted { $0.conversions < $1.conversions }
        guard let top = tiers.last else { return nil }
        let width = 360, height = 84
        let left = 16.0, right = 16.0, barY = 30.0, barHeight = 16.0
        let scale = Double(max(top.conversions, converted, 1))
        let span = Double(width) - left - right
        func x(_ value: Int) -> Double { left + span * Double(value) / scale }
        var canvas = ChartCanvas(id: id, width: width, height: height, title: "Tier progress", summary: summary)
        canvas.text("\(converted) conversion\(converted == 1 ? "" : "s")", x: left, y: 20, className: "chart-text chart-strong")
        canvas.rect(x: left, y: barY, width: span, height: barHeight, className: "chart-track")
        canvas.rect(x: left, y: barY, width: x(converted) - left, height: barHeight, className: "chart-bar")
        for (index, tier) in tiers.enumerated() {
            let notch = x(tier.conversions)
            canvas.line(x1: notch, y1: barY - 4, x2: notch, y2: barY + barHeight + 4, className: "chart-notch")
            // Alternate the names above and below when tiers sit close together.
            let crowded = index > 0 && notch - x(tiers[index - 1].conversions) < 80
            let anchor = index == tiers.count - 1 ? "end" : "middle"
            let labelY = crowded && index % 2 == 1 ? barY + barHeight + 34 : barY + barHeight + 18
            // Isolated: after a right-to-left name the count would be read into it, "(1) برونزي".
            canvas.text("\(NameIsolation.isolated(tier.name)) (\(tier.conversions))", x: index == tiers.count - 1 ? min(notch, Double(width) - 2) : notch,
                        y: labelY, anchor: anchor)
        }
        return canvas.svg
    }
}
