/// `/sitemap.xml`: the public pages' addresses. Past sitemaps.org's 50,000 addresses a file
/// (a program of about 50,000 referrers) it is an index of `sitemap-1.xml`, `sitemap-2.xml`…,
/// each of up to 50,000, as search engines read no more of one file.
enum Sitemap {
    static let urlsPerFile = 50_000

    /// The paths of every public page, in the sitemap's order: not an erased referrer's, whose
    /// page only says that the invitation has ended.
    static func paths(_ site: Site) -> [String] {
        pagePaths(site) + listedReferrers(site).map { SiteURLs.referrerPath($0.code) }
    }

    /// The referrers whose share pages are listed: not those erased.
    private static func listedReferrers(_ site: Site) -> [Referrer] {
        site.referrers.filter { !$0.isErased }
    }

    /// The paths of the public pages other than the referrers'.
    private static func pagePaths(_ site: Site) -> [String] {
        var paths = ["/"]
        if site.inputs.content.terms != nil { paths.append("/terms/") }
        if site.inputs.content.faq != nil { paths.append("/faq/") }
        if site.inputs.theme.hasJoinPages { paths.append("/join/") }
        if !site.inputs.content.stories.isEmpty {
            paths.append("/stories/")
            paths.append(contentsOf: site.inputs.content.stories.map { "/stories/\($0.slug)/" })
        }
        if site.hasLeaderboard { paths.append("/leaderboard/") }
        return paths
    }

    /// How many `sitemap-N.xml` files the index lists: none when one sitemap holds every address.
    static func partCount(_ site: Site) -> Int {
        let perFile = site.inputs.options.sitemapURLsPerFile
        let count = pagePaths(site).count + listedReferrers(site).count
        return count <= perFile ? 0 : (count + perFile - 1) / perFile
    }

    /// The output path of part `index` (from 0).
    static func partPath(_ index: Int) -> String {
        "sitemap-\(index + 1).xml"
    }

    /// `/sitemap.xml`: every address, or the index of the parts.
    static func document(_ site: Site) -> String {
        let parts = partCount(site)
        guard parts > 0 else { return urlset(paths(site)[...], site: site) }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for index in 0..<parts {
            xml += "  <sitemap><loc>\(XMLText.escape(site.urls.absolute("/" + partPath(index))))</loc></sitemap>\n"
        }
        return xml + "</sitemapindex>\n"
    }

    /// Part `index` of the addresses, made without the other parts' (100,000 strings each a build).
    static func part(_ index: Int, site: Site) -> String {
        let perFile = site.inputs.options.sitemapURLsPerFile
        let pages = pagePaths(site)
        let referrers = listedReferrers(site)
        let range = min(index * perFile, pages.count + referrers.count)..<min((index + 1) * perFile, pages.count + referrers.count)
        return urlset(range.map { $0 < pages.count ? pages[$0] : SiteURLs.referrerPath(referrers[$0 - pages.count].code) }[...], site: site)
    }

    private static func urlset(_ paths: ArraySlice<String>, site: Site) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for path in paths {
            xml += "  <url><loc>\(XMLText.escape(site.urls.absolute(path)))</loc></url>\n"
        }
        return xml + "</urlset>\n"
    }
}
