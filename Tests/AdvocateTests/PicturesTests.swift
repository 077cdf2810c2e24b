import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Advocate

/// Charts, QR codes, goals and the leaderboard, on the bundled example built into a temporary folder.
@Suite struct PicturesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let analyticsPath = "stats/2le4CsTGpzbNpCHN5ifc5s2vef/index.html"
    static let adaStatsPath = "stats/ld5aLxQ5CMam_gODJffn4BTXIj/index.html"

    /// Builds a copy of the example in a temporary folder; returns its output folder and the site as built.
    func buildExample() throws -> (TemporaryDirectory, Site) {
        let source = try TemporaryDirectory()
        for name in ["content", "templates"] {
            try FileManager.default.copyItem(atPath: Self.root.appendingPathComponent(name).path, toPath: source.file(name))
        }
        let output = try TemporaryDirectory()
        let options = BuildOptions(source: source.path, output: output.path)
        _ = try SiteBuilder.build(options)
        let inputs = try SiteInputs.load(options)
        return (output, Site(inputs: inputs, asOf: AsOf.resolve(nil, store: inputs.store)))
    }

    /// Every `<svg class="chart" …>…</svg>` of a page.
    func charts(_ html: String) -> [String] {
        var found: [String] = []
        var rest = html[...]
        while let start = rest.range(of: "<svg class=\"chart\""), let end = rest[start.lowerBound...].range(of: "</svg>") {
            found.append(String(rest[start.lowerBound..<end.upperBound]))
            rest = rest[end.upperBound...]
        }
        return found
    }

    @Test func everyChartIsWellFormedAndHasItsTextAlternative() throws {
        let (output, _) = try buildExample()
        for (path, expected) in [(Self.analyticsPath, 4), (Self.adaStatsPath, 2)] {
            let svgs = charts(try output.read(path))
            #expect(svgs.count == expected, "\(path)")
            for svg in svgs {
                let parser = XMLParser(data: Data(svg.utf8))
                #expect(parser.parse(), "not well-formed: \(svg.prefix(120))")
                #expect(svg.contains("role=\"img\""))
                let id = try #require(svg.firstMatch(of: /id="(chart-[a-z]+)"/)?.1)
                #expect(svg.contains("aria-labelledby=\"\(id)-title\"") && svg.contains("<title id=\"\(id)-title\">"))
                #expect(svg.contains("aria-describedby=\"\(id)-desc\"") && svg.contains("<desc id=\"\(id)-desc\">"))
            }
        }
    }

    @Test func chartValuesMatchTheFigures() throws {
        let (output, site) = try buildExample()
        let analytics = charts(try output.read(Self.analyticsPath))
        let funnel = try #require(analytics.first { $0.contains("id=\"chart-funnel\"") })
        let counts = funnel.matches(of: /<text class="chart-text" x="[0-9.]+" y="[0-9.]+" text-anchor="start">([0-9]+)<\/text>/).map { Int($0.1)! }
        let expected = site.figures.program.funnel
        #expect(counts == [expected.referred, expected.contacted, expected.converted, expected.rewarded])
        #expect(funnel.contains("Of \(expected.referred) referrals, \(expected.contacted) were contacted"))

        let weeks = try #require(analytics.first { $0.contains("id=\"chart-weeks\"") })
        let shown = site.figures.program.weekly.weeks(last: PageContext.weeksShown, through: site.figures.asOf)
        // One bar a week with referrals (none for an empty week), plus the legend's swatch; one dot a
        // week on the conversions line, plus the legend's.
        #expect(shown.contains { $0.referrals == 0 } && shown.contains { $0.referrals > 0 })
        #expect(weeks.matches(of: /<rect class="chart-bar"/).count == shown.filter { $0.referrals > 0 }.count + 1)
        #expect(weeks.matches(of: /<circle class="chart-dot"/).count == shown.count + 1)
        let referrals = shown.reduce(0) { $0 + $1.referrals }, conversions = shown.reduce(0) { $0 + $1.converted }
        #expect(weeks.contains("\(referrals) referrals and \(conversions) conversions"))

        let source = try #require(analytics.first { $0.contains("id=\"chart-source\"") })
        for group in site.figures.program.bySource {
            #expect(source.contains(">\(Formatting.percent(group.conversionRate))</text>"), "\(group.name)")
        }
    }

    @Test func weeklyBarsAreProportionalToTheirValues() throws {
        let weeks = [GroupFigures(name: "2026-03-02", referrals: 2, converted: 1), GroupFigures(name: "2026-03-09", referrals: 0, converted: 0),
                     GroupFigures(name: "2026-03-16", referrals: 8, converted: 4)]
        let svg = try #require(WeeklyChart.svg(id: "chart-test", title: "Test", weeks: weeks))
        let heights = svg.matches(of: /<rect class="chart-bar" x="[0-9.]+" y="[0-9.]+" width="[0-9.]+" height="([0-9.]+)"\/>/).map { Double($0.1)! }
        #expect(heights.count == 3)
        #expect(abs(heights[2] / heights[1] - 4) < 0.05)
        #expect(WeeklyChart.svg(id: "chart-none", title: "None", weeks: []) == nil)
    }

    /// A right-to-left tier name is isolated in its label: its count had been read into it,
    /// drawn as "(1) برونزي".
    @Test func aRightToLeftTierNameKeepsItsCountAfterIt() throws {
        let tiers = [Program.Tier(name: "برونزي", conversions: 1, bonus: 0), Program.Tier(name: "Gold", conversions: 5, bonus: 0)]
        let svg = try #require(TierChart.svg(id: "chart-tiers", converted: 2, tiers: tiers, summary: "2 of 5"))
        #expect(svg.contains(">\u{2068}برونزي\u{2069} (1)</text>"), "\(svg)")
        #expect(svg.contains(">Gold (5)</text>"), "\(svg)")
        // Laid out left to right on a right-to-left page too, where text-anchor's start and end swap.
        #expect(svg.hasPrefix("<svg class=\"chart\" id=\"chart-tiers\" viewBox=\"0 0 360 84\" direction=\"ltr\""), "\(svg.prefix(120))")
    }

    /// Tier charts are made once per number of conversions and shared: each stats page still
    /// shows its own referrer's count and tier.
    @Test func eachStatsPageHasItsOwnReferrersTierChart() throws {
        let (output, site) = try buildExample()
        let counts = Set(site.figures.referrers.map(\.converted))
        #expect(counts.count > 1, "the example should have referrers with different counts")
        for (referrer, figures) in zip(site.referrers, site.figures.referrers) {
            let html = try String(contentsOfFile: output.file("stats/\(referrer.statsToken)/index.html"), encoding: .utf8)
            let chart = try #require(charts(html).first { $0.contains("id=\"chart-tiers\"") }, "\(referrer.code)")
            let count = "\(figures.converted) conversion\(figures.converted == 1 ? "" : "s")"
            #expect(chart.contains("chart-tiers-desc\">\(count)."), "\(referrer.code): \(chart.prefix(300))")
        }
    }

    @Test func qrCodeDecodesBackToTheExactLink() throws {
        let (output, site) = try buildExample()
        let ada = try #require(site.referrers.first { $0.code == "ada" })
        let link = site.urls.referrerLink(ada.code, source: .qr)
        #expect(link == "https://refer.acme.example/r/ada/?src=qr")
        let svg = output.file("r/ada/qr.svg")
        #expect(XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: svg))).parse())
        let png = output.file("ada-qr.png")
        let rasterised = try run("rsvg-convert", ["-w", "370", "-o", png, svg])
        try #require(rasterised.status == 0, "rsvg-convert (Debian: librsvg2-bin; scripts/test installs it): \(rasterised.output)")
        let decoded = try run("zbarimg", ["--raw", "-q", png])
        try #require(decoded.status == 0, "zbarimg (Debian: zbar-tools; scripts/test installs it): \(decoded.output)")
        #expect(decoded.output.trimmingCharacters(in: .whitespacesAndNewlines) == link)
        for path in ["r/ada/index.html", Self.adaStatsPath] {
            #expect(try output.read(path).contains("<img src=\"/r/ada/qr.svg\" alt=\"QR code of \(link)\""), "\(path)")
        }
    }

    @Test func qrCodeUsesLevelMWithAQuietZone() throws {
        let code = try #require(QRCode("https://refer.acme.example/r/ada/?src=qr"))
        // 41 characters in byte mode at level M need version 3: 29 modules a side.
        #expect(code.size == 29)
        let svg = code.svg(title: "t")
        #expect(svg.contains("viewBox=\"0 0 37 37\""))
        #expect(svg.contains("d=\"M4 4.5h7m"), "the finder pattern starts after a 4-module quiet zone")
    }

    /// A link, and a text long enough for a symbol wider than 64 modules (rows of two words).
    @Test(arguments: ["https://refer.acme.example/r/grace-hopper/?src=qr", String(repeating: "https://example.com/a-b/", count: 12)])
    func qrPathDrawsExactlyTheDarkModules(text: String) throws {
        let code = try #require(QRCode(text))
        let svg = code.svg(title: "t")
        let data = try #require(svg.firstMatch(of: /<path stroke="#000000" d="([^"]*)"\/>/)).1
        // Replays the path: M moves to a row's middle, m moves along it, h draws one module-high run.
        var drawn = [Bool](repeating: false, count: code.size * code.size)
        var x = 0.0, y = 0.0
        for command in data.matches(of: /([Mmh])(-?[0-9.]+)(?: (-?[0-9.]+))?/) {
            let first = Double(command.2)!, second = command.3.map { Double($0)! } ?? 0
            switch command.1 {
            case "M": (x, y) = (first, second)
            case "m": (x, y) = (x + first, y + second)
            default:
                let row = Int(y - 0.5) - QRCode.quietZone
                for column in Int(x)..<Int(x + first) { drawn[row * code.size + column - QRCode.quietZone] = true }
                x += first
            }
        }
        // Row by row as text, so that a failure shows where the two differ.
        func rows(_ modules: [Bool]) -> [String] {
            (0..<code.size).map { row in String(modules[row * code.size..<(row + 1) * code.size].map { $0 ? "#" : "." }) }
        }
        #expect(rows(drawn) == rows(code.modules))
        #expect((code.size > 64) == (text.count > 200), "both kinds of row")
    }

    @Test func leaderboardNamesOnlyThoseWhoOptedIn() throws {
        let (output, site) = try buildExample()
        let html = try output.read("leaderboard/index.html")
        for code in site.figures.program.topReferrers {
            let index = try #require(site.index(ofReferrer: code))
            let referrer = site.referrers[index]
            guard site.figures.referrers[index].converted > 0 else { continue }
            #expect(html.contains(referrer.name) == referrer.leaderboard, "\(code)")
        }
        #expect(html.contains("A referrer"))
        #expect(try output.read("sitemap.xml").contains("/leaderboard/"))
    }

    /// Referrers with as many friends who joined share a rank on the leaderboard (which shows
    /// no other figure), and on the analytics page where their referrals are equal too.
    @Test func tiedReferrersShareARank() throws {
        var site = SiteFixture()
        site.store.referrers.append(("cy", "Cy Young", "cy@example.com"))
        for (code, friends) in [("ada", 2), ("bob", 1), ("cy", 1)] {
            for friend in 0..<friends {
                let id = site.store.refer(code, friend: "Friend \(code)\(friend)", at: "2026-03-02T09:00:00Z")
                site.store.status(id, "converted", at: "2026-03-03T09:00:00Z")
            }
        }
        site.store.refer("cy", friend: "Unconverted Friend", at: "2026-03-02T10:00:00Z")
        site.pageTemplates["leaderboard"] = "{{<layout}}{{$main}}{{#rows}}[{{rank}} {{converted}}]{{/rows}}({{tiedNote}}){{/main}}{{/layout}}"
        site.pageTemplates["analytics"] = "{{<layout}}{{$main}}{{#top}}[{{rank}} {{code}}]{{/top}}({{tiedNote}}){{/main}}{{/layout}}"
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(try directory.read("public/leaderboard/index.html").contains("[1 2][2 1][2 1]()"))
        #expect(try directory.read("public/stats/p7m2c9x4k1v8q3w6r0t5y2u8i4/index.html").contains("[1 ada][2 cy][3 bob]"))
        #expect(PageContext.sharedRanks([3, 3, 3, 1, 1, 0]) == [1, 1, 1, 4, 4, 6])

        // Those past the top ten who share the last rank are told of, not dropped unsaid.
        for number in 0..<10 {
            let code = "extra-\(number)"
            site.store.referrers.append((code, "Extra \(number)", "\(code)@example.com"))
            let id = site.store.refer(code, friend: "Friend \(code)", at: "2026-03-02T09:00:00Z")
            site.store.status(id, "converted", at: "2026-03-03T09:00:00Z")
        }
        try site.write(to: directory)
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let leaderboard = try directory.read("public/leaderboard/index.html")
        #expect(leaderboard.contains("[1 2][2 1][2 1][2 1][2 1][2 1][2 1][2 1][2 1][2 1](3 more referrers share rank 2.)"), "\(leaderboard)")
        let analytics = try directory.read("public/stats/p7m2c9x4k1v8q3w6r0t5y2u8i4/index.html")
        #expect(analytics.contains("[2 cy][3 bob][3 extra-0]") && analytics.contains("(3 more referrers share rank 3.)"), "\(analytics)")
    }

    @Test func goalsShowTheMonthOfTheAsOfAndItsPace() throws {
        var store = StoreFixture()
        store.refer("ada", friend: "Grace Hopper", email: "grace@example.org", at: "2026-05-20T09:00:00Z")
        let june = store.refer("ada", friend: "Alan Turing", email: "alan@example.org", at: "2026-06-02T09:00:00Z")
        store.status(june, "converted", at: "2026-06-05T09:00:00Z")
        store.refer("bob", friend: "Edsger Dijkstra", email: "edsger@example.org", at: "2026-06-10T09:00:00Z")
        let figures = try store.figures(asOf: "2026-06-15")
        let progress = GoalProgress(goals: Program.Goals(referralsPerMonth: 4, conversionRate: 0.25),
                                    cohorts: figures.program.cohorts, asOf: figures.asOf)
        #expect(progress.months.map(\.name) == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"])
        #expect(progress.current == GroupFigures(name: "2026-06", referrals: 2, converted: 1))
        #expect(progress.months[4].referrals == 1)
        // 15 of 30 days: 2 referrals so far is a pace of 4.
        #expect(progress.projectedReferrals == 4)
        #expect(progress.isOnPace == true)
    }

    /// The pages' weeks are the 26 up to the as-of's, empty ones included: a program (or a
    /// referrer) that went quiet months ago had its weeks end at its last referral, which read
    /// as current.
    @Test func weeklyFiguresOnPagesRunToTheWeekOfTheAsOf() throws {
        var site = SiteFixture()
        site.store.refer("ada", friend: "Grace Hopper", at: "2026-01-05T09:00:00Z")
        site.store.refer("ada", friend: "Alan Turing", at: "2026-03-11T09:00:00Z")
        site.pageTemplates["analytics"] = "{{<layout}}{{$main}}{{#perWeek}}[{{week}} {{referrals}}]{{/perWeek}}{{{charts.weeks}}}{{/main}}{{/layout}}"
        site.pageTemplates["stats"] = "{{<layout}}{{$main}}{{{charts.weeks}}}{{/main}}{{/layout}}"
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory, asOf: "2026-09-02"))
        let analytics = try directory.read("public/stats/p7m2c9x4k1v8q3w6r0t5y2u8i4/index.html")
        let rows = analytics.matches(of: /\[([0-9-]+) ([0-9]+)\]/).map { "\($0.1) \($0.2)" }
        #expect(rows.count == PageContext.weeksShown)
        #expect(rows.first == "2026-03-09 1", "\(rows)")
        #expect(rows.last == "2026-08-31 0", "\(rows)")
        #expect(analytics.contains("26 weeks from 9 Mar 2026 to 31 Aug 2026"), "\(analytics)")
        let stats = try directory.read("public/stats/tok0xxxxxxxxxxxxxxxxxxxxxxxxx/index.html")
        #expect(stats.contains("26 weeks from 9 Mar 2026 to 31 Aug 2026"), "\(stats)")
        // A referrer with no activity in those weeks gets no chart of zeros.
        let quiet = try directory.read("public/stats/tok0xxxxxxxxxxxxxxxxxxxxxxxxx/index.html")
        _ = try SiteBuilder.build(SiteFixture.options(directory, asOf: "2026-12-31"))
        #expect(quiet.contains("chart-weeks"))
        #expect(!(try directory.read("public/stats/tok0xxxxxxxxxxxxxxxxxxxxxxxxx/index.html")).contains("chart-weeks"))
        // The JSON has every week from the first with activity to the as-of's, quiet ones as zeros.
        let figures = try site.store.figures(asOf: "2026-09-02")
        #expect(figures.perWeek.first?.name == "2026-01-05" && figures.perWeek.last?.name == "2026-08-31")
        #expect(figures.perWeek.count == 35 && figures.perWeek.drop { $0.name <= "2026-03-09" }.allSatisfy { $0.referrals == 0 && $0.converted == 0 })
    }

    func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
