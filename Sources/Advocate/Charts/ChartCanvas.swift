/// The frame every chart shares: an inline `<svg>` that scales to its container's width, named
/// by its `<title>` and described by a `<desc>` that states the numbers in words. Colours come
/// from the theme's stylesheet through class names (`chart-bar`, `chart-line`, …), so the
/// charts follow the brand colour and the dark scheme; no meaning rests on colour alone: every
/// series differs in shape too and is named in a legend or beside its bar.
///
/// Elements are written straight into UTF-8 bytes: string interpolation per element and per
/// coordinate was a tenth of a 10,000-referrer build's CPU samples (perf), most of it the weekly
/// chart.
struct ChartCanvas {
    /// Unique within the page: it prefixes the ids the text alternative refers to.
    let id: String
    let width: Int
    let height: Int
    let title: String
    let summary: String
    private var body: [UInt8] = []

    init(id: String, width: Int, height: Int, title: String, summary: String) {
        self.id = id
        self.width = width
        self.height = height
        self.title = title
        self.summary = summary
        body.reserveCapacity(8 * 1024)
    }

    mutating func text(_ text: String, x: Double, y: Double, anchor: String = "start", className: String = "chart-text",
                       extra: String = "") {
        body.append(atMost: 256) { element in
            element.open("text", className: className)
            element.attribute("x", x)
            element.attribute("y", y)
            element.put(" text-anchor=\"")
            element.put(anchor)
            element.put(UInt8(ascii: "\""))
            element.put(extra)
            element.put(UInt8(ascii: ">"))
        }
        XMLText.append(text, to: &body)
        body.append("</text>")
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, className: String) {
        body.append(atMost: 192) { element in
            element.open("rect", className: className)
            element.attribute("x", x)
            element.attribute("y", y)
            element.attribute("width", max(0, width))
            element.attribute("height", max(0, height))
            element.put("/>")
        }
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, className: String) {
        body.append(atMost: 192) { element in
            element.open("line", className: className)
            element.attribute("x1", x1)
            element.attribute("y1", y1)
            element.attribute("x2", x2)
            element.attribute("y2", y2)
            element.put("/>")
        }
    }

    mutating func circle(cx: Double, cy: Double, r: Double, className: String) {
        body.append(atMost: 160) { element in
            element.open("circle", className: className)
            element.attribute("cx", cx)
            element.attribute("cy", cy)
            element.attribute("r", r)
            element.put("/>")
        }
    }

    /// A line through `points`, in order.
    mutating func polyline(_ points: [(x: Double, y: Double)], className: String) {
        body.append(atMost: 96) { element in
            element.open("polyline", className: className)
            element.put(" points=\"")
        }
        for (index, point) in points.enumerated() {
            body.append(atMost: 64) { pair in
                if index > 0 { pair.put(UInt8(ascii: " ")) }
                pair.put(number: point.x)
                pair.put(UInt8(ascii: ","))
                pair.put(number: point.y)
            }
        }
        body.append("\"/>")
    }

    /// The finished `<svg>` element.
    var svg: String {
        var svg: [UInt8] = []
        svg.reserveCapacity(body.count + 512)
        // Laid out left to right whatever the page's direction: on a right-to-left page (`dir="rtl"`)
        // `text-anchor` start and end swap, and the labels ran under the bars.
        svg.append("<svg class=\"chart\" id=\"\(id)\" viewBox=\"0 0 \(width) \(height)\" direction=\"ltr\" role=\"img\" aria-labelledby=\"\(id)-title\" aria-describedby=\"\(id)-desc\">")
        svg.append("<title id=\"\(id)-title\">")
        XMLText.append(title, to: &svg)
        svg.append("</title><desc id=\"\(id)-desc\">")
        XMLText.append(summary, to: &svg)
        svg.append("</desc>")
        svg.append(contentsOf: body)
        svg.append("</svg>")
        return String(decoding: svg, as: UTF8.self)
    }

    /// Coordinates with at most one decimal, so the output stays short and deterministic:
    /// `12`, `12.5`, `-0.5`.
    static func number(_ value: Double) -> String {
        var bytes: [UInt8] = []
        bytes.append(atMost: 32) { $0.put(number: value) }
        return String(decoding: bytes, as: UTF8.self)
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

/// The pieces of a chart's elements (element, class and attribute names, anchors and extra
/// attributes are the charts' own short constants; only numbers vary).
private extension FixedBufferWriter {
    mutating func open(_ element: String, className: String) {
        put(UInt8(ascii: "<"))
        put(element)
        put(" class=\"")
        put(className)
        put(UInt8(ascii: "\""))
    }

    mutating func attribute(_ name: String, _ value: Double) {
        put(UInt8(ascii: " "))
        put(name)
        put("=\"")
        put(number: value)
        put(UInt8(ascii: "\""))
    }

    /// ``ChartCanvas/number(_:)``'s text, written from whole tenths (formatting a Double was a
    /// tenth of a stats page's chart).
    mutating func put(number value: Double) {
        let tenths = Int((value * 10).rounded())
        if tenths < 0 { put(UInt8(ascii: "-")) }
        put(decimal: abs(tenths) / 10)
        if abs(tenths) % 10 != 0 {
            put(UInt8(ascii: "."))
            put(decimal: abs(tenths) % 10)
        }
    }
}
