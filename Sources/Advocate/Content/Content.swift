/// A Markdown page such as content/terms.md, rendered once per build.
public struct ContentPage: Sendable {
    public var source: MarkdownSource
    public var title: String
    public var description: String?
    public var rendered: Markdown.Rendered

    /// A front matter field as text, when present and not blank.
    public func field(_ name: String) -> String? {
        Self.text(of: source.fields[name])
    }

    /// A field's text without the spaces around it; nil when blank (`title: "  "` is no title).
    static func text(of value: FrontMatterValue?) -> String? {
        value?.text?.trimmingWhitespace().nilIfEmpty
    }
}

/// A success story from content/stories/<slug>.md.
public struct Story: Sendable {
    public var slug: String
    public var page: ContentPage
    public var date: CalendarDay?
    public var summary: String?
    public var author: String?
}

/// Everything in content/ except the data store.
public struct SiteContent: Sendable {
    public var home: ContentPage?
    public var terms: ContentPage?
    public var faq: ContentPage?
    /// Newest first.
    public var stories: [Story]
    /// By file name.
    public var messages: [MessageTemplate]
    /// Files in content/assets/, as paths relative to it, sorted.
    public var assets: [String]
}
