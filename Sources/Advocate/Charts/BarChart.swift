/// Horizontal bars, one a row, each named on its left and labelled with its value on its
/// right: the funnel, and conversion rates by source or segment.
public enum BarChart {
    public struct Row: Sendable {
        public var label: String
        public var value: Double
        /// The value as people read it (`12`, `40%`).
        public var valueText: String

        public init(label: String, value: Double, valueText: String) {
            self.label = label
            self.value = value
            self.valueText = valueText
        }
    }

    /// An SVG of `rows` scaled to `maximum` (the largest value when nil); nil when there are no rows.
    public static func svg(id: String, title: String, summary: String, axisTitle: String, rows: [Row], maximum: Double? = nil) -> String? {
        guard !rows.isEmpty else { return nil }
        let width = 360, rowHeight = 30.0, top = 8.0, bottom = 30.0
        let labelWidth = 96.0, valueWidth = 44.0
        let height = Int(top + rowHeight * Double(rows.count) + bottom)
        let scale = max(maximum ?? 0, rows.map(\.value).max() ?? 0)
        let barSpace = Double(width) - labelWidth - valueWidth
        var canvas = ChartCanvas(id: id, width: width, height: height, title: title, summary: summary)
        for (index, row) in rows.enumerated() {
            let y = top + rowHeight * Double(index)
            let length = scale > 0 ? barSpace * row.value / scale : 0
            canvas.text(Self.clipped(row.label), x: labelWidth - 8, y: y + 19, anchor: "end")
            canvas.rect(x: labelWidth, y: y + 6, width: length, height: 18, className: "chart-bar")
            canvas.text(row.valueText, x: labelWidth + length + 6, y: y + 19)
        }
        let axisY = top + rowHeight * Double(rows.count)
        canvas.line(x1: labelWidth, y1: top, x2: labelWidth, y2: axisY, className: "chart-axis")
        canvas.text(axisTitle, x: labelWidth + barSpace / 2, y: Double(height) - 8, anchor: "middle", className: "chart-text chart-axis-title")
        return canvas.svg
    }

    /// Labels longer than the label column are cut with an ellipsis (the table beside has them whole).
    static func clipped(_ label: String) -> String {
        label.count > 13 ? String(label.prefix(12)) + "…" : label
    }
}
