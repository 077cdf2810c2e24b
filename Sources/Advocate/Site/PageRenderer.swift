import Foundation

/// A page's template failed to render.
public struct RenderError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String

    public var description: String { "\(path): \(message)" }
}

/// Turns one planned page into the bytes of its file.
public struct PageRenderer: Sendable {
    public let site: Site
    /// Made once: a context per page copied the site, which retained each of its shared values
    /// from every core at once (perf: 2 % of a build).
    private let pages: PageContext

    public init(site: Site) {
        self.site = site
        pages = PageContext(site: site)
    }

    public func render(_ spec: PageSpec) throws(RenderError) -> [UInt8] {
        if let (name, context) = templateAndContext(spec) {
            guard let html = site.inputs.theme.renderUTF8(name, context) else {
                throw RenderError(path: SitePlan.outputPath(spec, site: site), message: "template '\(name)' is missing")
            }
            return html
        }
        switch spec {
        case .sitemap: return Array(Sitemap.document(site).utf8)
        case .sitemapPart(let index): return Array(Sitemap.part(index, site: site).utf8)
        case .robots: return Array(robots().utf8)
        case .qrCode(let index): return pages.qrDocument(index)
        case .asset(let source, _):
            guard let data = FileManager.default.contents(atPath: source) else {
                throw RenderError(path: source, message: "cannot read the asset")
            }
            return [UInt8](data)
        default: preconditionFailure("\(spec) is rendered from a template")
        }
    }

    /// The template and Mustache context of a page rendered from the theme; nil for the others.
    func templateAndContext(_ spec: PageSpec) -> (name: String, context: TemplateObject)? {
        switch spec {
        case .home: ("home", pages.home())
        case .terms: ("page", pages.contentPage(.terms, site.inputs.content.terms!, path: "/terms/"))
        case .faq: ("page", pages.contentPage(.faq, site.inputs.content.faq!, path: "/faq/"))
        case .stories: ("stories", pages.stories())
        case .story(let index): ("story", pages.story(index))
        case .messaging: ("messaging", pages.messaging())
        case .referrer(let index): ("referrer", pages.referrer(index))
        case .stats(let index): ("stats", pages.stats(index))
        case .analytics: ("analytics", pages.analytics())
        case .thanks: ("thanks", pages.thanks())
        case .join: ("join", pages.join())
        case .joined: ("joined", pages.joined())
        case .notFound: ("404", pages.notFound())
        case .leaderboard: ("leaderboard", pages.leaderboard())
        case .sitemap, .sitemapPart, .robots, .qrCode, .asset: nil
        }
    }

    /// The referrer page with what was typed and what was wrong: the endpoint's 422 page. For a
    /// code no referrer has, the site's not-found page, which asks to check the link, with the
    /// form's errors (`form.errors.form`: why) for the theme to show.
    public func renderReferralForm(code: String, form: FormState) -> String? {
        guard let index = site.index(ofReferrer: code) else {
            var context = pages.notFound()
            var formValues = TemplateObject()
            pages.typed(form, into: &formValues)
            context["form"] = .object(formValues)
            return site.inputs.theme.render("404", context)
        }
        return site.inputs.theme.render("referrer", pages.referrer(index, form: form))
    }

    /// The join page with what was typed and what was wrong: the join endpoint's 422 page.
    public func renderJoinForm(_ form: FormState) -> String? {
        site.inputs.theme.render("join", pages.join(form: form))
    }

    /// Public pages only: no stats, analytics, messaging, thank-you or 404 page.
    /// Every page open to crawlers: the private ones say `noindex`, which a crawler kept out by a
    /// `Disallow` never reads, and a stats link posted somewhere could then be listed, its token
    /// in plain sight, as an address without a page (Google's documentation of robots.txt).
    func robots() -> String {
        "# Private pages carry noindex, which crawlers must be let in to read.\nUser-agent: *\nDisallow:\n\nSitemap: \(site.urls.absolute("/sitemap.xml"))\n"
    }
}
