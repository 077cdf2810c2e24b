import Foundation

/// A site ready to render: its inputs plus what is derived from them once per build
/// (figures, URLs, the share copy per channel and the variant names).
public struct Site: Sendable {
    public let inputs: SiteInputs
    public let figures: Figures
    public let urls: SiteURLs
    public let formatting: Formatting
    /// Every messaging variant name, sorted; referrers are spread evenly across them.
    public let variantNames: [String]
    /// The template that provides each channel's share text (the first by file name that is not
    /// a notification).
    let shareTemplates: [MessageChannel: MessageTemplate]
    /// The direction of the program's language, `ltr` or `rtl` (``Program/direction(ofLanguage:)``),
    /// worked out once: every page and every referrer's share messages use it.
    public let direction: String
    private let recentShares = RecentShares()
    /// The tier chart of each number of conversions (``PageContext/tierChart(_:)``): it shows
    /// nothing else of the referrer.
    let tierCharts = LockedMemo<Int, String?>()
    /// The `site` values of every page's context, made once.
    private(set) var siteValues: TemplateValue = [:]

    /// The site as of its options' `--as-of` (``AsOf/resolve(_:store:)``): what a build shows.
    public init(inputs: SiteInputs) {
        self.init(inputs: inputs, asOf: AsOf.resolve(inputs.options.asOf, store: inputs.store))
    }

    /// The site with its figures computed from the store as of `asOf`.
    public init(inputs: SiteInputs, asOf: Instant) {
        self.init(inputs: inputs, figures: inputs.loaded.figures(asOf: asOf))
    }

    /// The site with figures already computed for its store's roster (the server keeps an
    /// ``OutcomeLedger`` up to date and passes its figures).
    public init(inputs: SiteInputs, figures: Figures) {
        self.inputs = inputs
        self.figures = figures
        self.urls = SiteURLs(baseURL: inputs.store.program.baseURL)
        self.formatting = Formatting(program: inputs.store.program)
        self.variantNames = Set(inputs.content.messages.flatMap { $0.variants.compactMap(\.name) }).sorted()
        var shares: [MessageChannel: MessageTemplate] = [:]
        for message in inputs.content.messages where shares[message.channel] == nil && message.notification == nil {
            shares[message.channel] = message
        }
        self.shareTemplates = shares
        self.direction = Program.direction(ofLanguage: inputs.store.program.language)
        self.siteValues = PageContext.siteValues(self)
    }

    public var program: Program { inputs.store.program }
    public var referrers: [Referrer] { inputs.store.referrers }

    public func index(ofReferrer code: String) -> Int? { figures.index(ofReferrer: code) }

    /// The offer running at the as-of, which every page's `site.offer` shows.
    var runningOffer: Program.Offer? { program.offer(at: figures.asOf) }
    /// The friend's reward as pages word it: the running offer's `friend` wording, else the
    /// base; nil for a program that gives friends nothing.
    var friendRewardNow: String? { friendReward(at: figures.asOf) }

    /// The referrer's reward as worded at the as-of (``referrerReward(at:)``).
    var referrerRewardNow: String { referrerReward(at: figures.asOf) }

    /// The referrer's reward as worded at `instant`: the amount of the offer running then
    /// (`$50`), which is what a referral made then earns, else the base reward's description.
    public func referrerReward(at instant: Instant) -> String {
        program.offer(at: instant).map { formatting.money($0.referrerAmount) } ?? program.referrerReward.description
    }

    /// The friend's reward as worded at `instant`: the `friend` wording of the offer running
    /// then, else the base reward's description, else nil.
    public func friendReward(at instant: Instant) -> String? {
        program.offer(at: instant)?.friend ?? program.friendReward?.description
    }

    /// True when the theme has a leaderboard template (themes made before it may not).
    public var hasLeaderboard: Bool { inputs.theme.templateNames.contains("leaderboard") }

    /// Where the join form posts: `/api/join` on the endpoint's host (the program's `endpoint`
    /// may be an absolute URL on another host).
    public var joinEndpoint: String {
        guard let schemeEnd = program.endpoint.range(of: "://") else { return Self.joinPath }
        let host = program.endpoint[schemeEnd.upperBound...].prefix { $0 != "/" }
        return String(program.endpoint[..<schemeEnd.upperBound]) + host + Self.joinPath
    }

    /// The join endpoint's path on the server.
    public static let joinPath = "/api/join"

    /// The messaging variant a referrer is shown.
    public func variant(for code: String) -> String? {
        VariantAssignment.variant(for: code, among: variantNames)
    }

    /// The values messaging templates are filled with for a referrer, with `{{reward.friend}}`
    /// and `{{reward.referrer}}` worded as at `instant` (an offer's while it runs, so a message
    /// says what the page beside it and the friend's email say).
    public func messageValues(for referrer: Referrer, source: ReferralSource?, at instant: Instant) -> MessageValues {
        var values = MessageValues(referrerName: referrer.shownName, referrerCode: referrer.code,
                                   link: urls.referrerLink(referrer.code, source: source),
                                   friendReward: friendReward(at: instant), referrerReward: referrerReward(at: instant),
                                   programName: program.name, programURL: urls.baseURL)
        values.isolatesEveryName = direction == "rtl"
        return values
    }

    /// The share links of a referrer, one per channel, with the channel's copy in the referrer's variant.
    public func shares(for referrer: Referrer) -> [Share] {
        if let shares = recentShares.shares(of: referrer.code) { return shares }
        let shares = makeShares(for: referrer)
        recentShares.keep(shares, of: referrer.code)
        return shares
    }

    private func makeShares(for referrer: Referrer) -> [Share] {
        let variant = variant(for: referrer.code)
        // The channels differ only in the link's source: the context is made once and its link
        // set per channel (making it per channel was 1.6 % of a build).
        var context = messageValues(for: referrer, source: nil, at: figures.asOf).context
        return MessageChannel.allCases.map { channel in
            let link = urls.referrerLink(referrer.code, source: channel.source)
            let message: RenderedMessage
            if let template = shareTemplates[channel], let shown = template.shownVariantIndex(variant) {
                context.set("link", to: .text(link))
                message = template.variants[shown].render(context: context)
            } else {
                let offer = friendRewardNow.map { "\($0) at \(program.name)" } ?? "An invitation to \(program.name)"
                message = RenderedMessage(subject: offer, text: "\(offer): \(link)", html: nil)
            }
            return (channel, SiteURLs.shareURL(channel: channel, text: message.text, subject: message.subject, link: link))
        }
    }
}

/// One share link: a channel and its URL with the copy filled in.
public typealias Share = (channel: MessageChannel, url: String)

/// The share links of the last few referrers, so a build makes them once for both of a
/// referrer's pages (rendered one after the other on the same core) instead of twice: they were
/// a seventh of a build (perf). Bounded, so the server's long-lived site does not grow.
private final class RecentShares: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(code: String, shares: [Share])] = []
    private static let capacity = 16

    func shares(of code: String) -> [Share]? {
        lock.withLock { entries.first { $0.code == code }?.shares }
    }

    func keep(_ shares: [Share], of code: String) {
        lock.withLock {
            if entries.count == Self.capacity { entries.removeFirst() }
            entries.append((code, shares))
        }
    }
}
