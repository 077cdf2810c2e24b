/// The frame every chart shares: an inline `<svg>` that scales to its container's width, named
/// by its `<title>` and described by a `<desc>` that states the numbers in words. Colours come
/// from the theme's stylesheet through class names (`chart-bar`, `chart-line`, …), so the
/// charts follow the brand colour and the dark scheme; no meaning rests on colour alone: every
/// series differs in shape too and is named in a legend or beside its bar.
struct ChartCanvas {
    /// Unique within the page: it prefixes the ids the text alternative refers to.
    let id: String
    let width: Int
    let height: Int
    let title: String
    let summary: String
    private(set) var body = ""

    init(id: String, width: Int, height: Int, title: String, summary: String) {
        self.id = id
        self.width = width
        self.height = height
        self.title = title
        self.summary = summary
    }

    mutating func add(_ element: String) {
        body += element
    }

    mutating func text(_ text: String, x: Double, y: Double, anchor: String = "start", className: String = "chart-text",
                       extra: String = "") {
        add("<text class=\"\(className)\" x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" text-anchor=\"\(anchor)\"\(extra)>\(XMLText.escape(text))</text>")
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, className: String) {
        add("<rect class=\"\(className)\" x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(max(0, width)))\" height=\"\(Self.number(max(0, height)))\"/>")
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, className: String) {
        add("<line class=\"\(className)\" x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" y2=\"\(Self.number(y2))\"/>")
    }

    /// The finished `<svg>` element.
    var svg: String {
        "<svg class=\"chart\" id=\"\(id)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-labelledby=\"\(id)-title\" aria-describedby=\"\(id)-desc\">"
            + "<title id=\"\(id)-title\">\(XMLText.escape(title))</title><desc id=\"\(id)-desc\">\(XMLText.escape(summary))</desc>"
            + body + "</svg>"
    }

    /// Coordinates with at most one decimal, so the output stays short and deterministic:
    /// `12`, `12.5`, `-0.5`. Written from whole tenths (formatting a Double was a tenth of a
    /// stats page's chart).
    static func number(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        let whole = String(abs(tenths) / 10), tenth = abs(tenths) % 10
        let sign = tenths < 0 ? "-" : ""
        return tenth == 0 ? sign + whole : sign + whole + "." + String(tenth)
    }

    /// A round upper bound for an axis, at least `value` and at least 1: 1, 2, 4, 6, 8, 10, 20,
    /// 40, …, so that half of it (the middle tick) is a whole number too.
    static func niceMaximum(_ value: Int) -> Int {
        if value <= 1 { return 1 }
        var step = 1
        while true {
            for factor in [2, 4, 6, 8, 10] where step * factor >= value { return step * factor }
            step *= 10
        }
    }
}

extension CalendarDay {
    private static let monthAbbreviations = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Mar 2`, for axis labels.
    var shortLabel: String {
        let (_, month, day) = components
        return "\(Self.monthAbbreviations[month - 1]) \(day)"
    }

    /// `2 Mar 2026`, for sentences.
    var longLabel: String {
        let (year, month, day) = components
        return "\(day) \(Self.monthAbbreviations[month - 1]) \(year)"
    }
}
