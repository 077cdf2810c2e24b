/// One file of the output, as planned: what it is, and where it goes.
///
/// The plan is a list of these small values; the context of each page is made only when it is
/// rendered, so a site of 100,000 referrers never holds 200,000 contexts at once.
public enum PageSpec: Sendable, Hashable {
    case home, terms, faq, stories, messaging, analytics, thanks, notFound, sitemap, robots, leaderboard
    /// One file of a sitemap split in several (``Sitemap``), from 0.
    case sitemapPart(Int)
    /// The join form and the "check your inbox" page after it (when the theme has join.mustache).
    case join, joined
    case story(Int)
    case referrer(Int)
    case stats(Int)
    /// A referrer's QR code as an SVG file, for download and print.
    case qrCode(Int)
    /// A file copied as it is: the absolute source path and its path below /assets/.
    case asset(source: String, path: String)

    /// The kind, as the build summary counts it and templates see it in `page.kind`.
    public var kind: String {
        switch self {
        case .home: "home"
        case .terms: "terms"
        case .faq: "faq"
        case .stories: "stories"
        case .story: "story"
        case .messaging: "messaging"
        case .referrer: "referrer"
        case .stats: "stats"
        case .analytics: "analytics"
        case .thanks: "thanks"
        case .join: "join"
        case .joined: "joined"
        case .notFound: "404"
        case .sitemap, .sitemapPart: "sitemap"
        case .robots: "robots"
        case .leaderboard: "leaderboard"
        case .qrCode: "qr-code"
        case .asset: "asset"
        }
    }
}

extension PageSpec {
    /// A page only its referrer or the team may see: a stats page, the analytics page.
    var isPrivate: Bool {
        switch self {
        case .stats, .analytics: true
        default: false
        }
    }
}

/// The list of files a site produces.
public enum SitePlan {
    public static func plan(_ site: Site) -> [PageSpec] {
        var pages: [PageSpec] = [.home]
        if site.inputs.content.terms != nil { pages.append(.terms) }
        if site.inputs.content.faq != nil { pages.append(.faq) }
        if !site.inputs.content.stories.isEmpty {
            pages.append(.stories)
            pages.append(contentsOf: site.inputs.content.stories.indices.map(PageSpec.story))
        }
        pages.append(contentsOf: [.messaging, .analytics, .thanks, .notFound, .sitemap, .robots])
        pages.append(contentsOf: (0..<Sitemap.partCount(site)).map(PageSpec.sitemapPart))
        if site.hasLeaderboard { pages.append(.leaderboard) }
        if site.inputs.theme.hasJoinPages { pages.append(contentsOf: [.join, .joined]) }
        for index in site.referrers.indices {
            pages.append(.referrer(index))
            pages.append(.stats(index))
            pages.append(.qrCode(index))
        }
        pages.append(contentsOf: assets(site.inputs))
        return pages
    }

    /// The theme's assets, then content/assets/ (a file there wins over the theme's of the same name).
    static func assets(_ inputs: SiteInputs) -> [PageSpec] {
        var byPath: [String: String] = [:]
        for path in inputs.theme.assets {
            byPath[path] = Paths.join(inputs.options.templatesDirectory, "assets", path)
        }
        for path in inputs.content.assets {
            byPath[path] = Paths.join(inputs.options.contentDirectory, "assets", path)
        }
        return byPath.keys.sorted().map { PageSpec.asset(source: byPath[$0]!, path: $0) }
    }

    /// The output path of a page, relative to the output folder.
    public static func outputPath(_ spec: PageSpec, site: Site) -> String {
        switch spec {
        case .home: "index.html"
        case .terms: "terms/index.html"
        case .faq: "faq/index.html"
        case .stories: "stories/index.html"
        case .story(let index): "stories/\(site.inputs.content.stories[index].slug)/index.html"
        case .messaging: "messaging/index.html"
        case .referrer(let index): "r/\(site.referrers[index].code)/index.html"
        case .stats(let index): "stats/\(site.referrers[index].statsToken)/index.html"
        case .analytics: "stats/\(site.program.analyticsToken)/index.html"
        case .thanks: "thanks/index.html"
        case .join: "join/index.html"
        case .joined: "join/sent/index.html"
        case .notFound: "404.html"
        case .sitemap: "sitemap.xml"
        case .sitemapPart(let index): Sitemap.partPath(index)
        case .robots: "robots.txt"
        case .leaderboard: "leaderboard/index.html"
        case .qrCode(let index): "r/\(site.referrers[index].code)/qr.svg"
        case .asset(_, let path): "assets/\(path)"
        }
    }
}
