/// What the head of a private page (a stats or the analytics page) must hold, which only the
/// theme writes: `<meta name="referrer" content="no-referrer">` and a robots `noindex`
/// (DESIGN.md). A theme without them published a page's token in the Referer header of every
/// file the page loads, and let search engines list it, without a word from `check`.
enum PrivatePageHead {
    /// Whether `html` holds both.
    static func isGuarded(_ html: [UInt8]) -> Bool {
        let text = String(decoding: html, as: UTF8.self)
        return text.contains("no-referrer") && text.contains("noindex")
    }

    static let missing = "the private pages this template makes lack <meta name=\"referrer\" content=\"no-referrer\"> or a robots noindex: "
        + "their token would reach other sites in Referer headers and search engines could list them; write "
        + "{{#page.noindex}}<meta name=\"robots\" content=\"noindex\">{{/page.noindex}} and "
        + "{{#page.private}}<meta name=\"referrer\" content=\"no-referrer\">{{/page.private}} in the layout's <head> (docs/theme.md)"
}
