/// A channel a referrer shares through, with the limits its messages are measured against.
public enum MessageChannel: String, Sendable, CaseIterable {
    case email, sms, whatsapp, x, linkedin

    public var label: String {
        switch self {
        case .email: "Email"
        case .sms: "SMS"
        case .whatsapp: "WhatsApp"
        case .x: "X"
        case .linkedin: "LinkedIn"
        }
    }

    /// The referral source recorded for links shared on this channel.
    public var source: ReferralSource {
        switch self {
        case .email: .email
        case .sms: .sms
        case .whatsapp: .whatsapp
        case .x: .x
        case .linkedin: .linkedin
        }
    }
}

/// A messaging template from content/messaging/<name>.md: a channel, and one or more variants.
public struct MessageTemplate: Sendable {
    public var name: String
    public var file: String
    public var title: String
    public var channel: MessageChannel
    /// For an email the server sends itself, when it is sent; nil for share copy.
    public var notification: Notification?
    /// Where its `send:` is written (the file's start when it has none).
    public var notificationLocation = SourceLocation.start
    /// Sorted by name; a single unnamed variant when the file declares none.
    public var variants: [MessageVariant]

    public func variant(named name: String?) -> MessageVariant? {
        variants.first { $0.name == name }
    }

    /// Where in `variants` the variant shown to a referrer assigned `name` is: that one, else
    /// the first; nil when there is none. An index, so that a share link renders the variant in
    /// place: a copy of it (its compiled texts) was 0.4 % of a build's CPU in reference counting.
    func shownVariantIndex(_ name: String?) -> Int? {
        variants.firstIndex { $0.name == name } ?? variants.indices.first
    }

    /// The `?src=` of the `{{link}}` it carries: a share's names its channel; a notification's
    /// is the plain link its email carries.
    public var linkSource: ReferralSource? {
        notification == nil ? channel.source : nil
    }
}

/// When the server sends an email template, and to whom (front matter `send:`).
public enum Notification: String, Sendable, CaseIterable {
    /// To the friend, when their referral is recorded: a confirmation.
    case referralToFriend = "referral-to-friend"
    /// To the referrer, when a friend they referred is recorded: "your friend joined".
    case referralToReferrer = "referral-to-referrer"
    /// To the referrer, when a referral of theirs is contacted, converted or rewarded.
    case statusToReferrer = "status-to-referrer"
    /// To someone who joined through the join form (or joined again): their share and stats links.
    case joinToReferrer = "join-to-referrer"
}

/// One version of a message's copy, parsed once and rendered per referrer.
public struct MessageVariant: Sendable {
    /// `a`, `b`…; nil when the template has no variants.
    public var name: String?
    public var subject: MessageText?
    /// The text as it goes out: plain text (for email, the Markdown body rendered to plain text).
    public var text: MessageText
    /// Email only: the body as Markdown, with values escaped for Markdown.
    public var markdown: MessageText?
    /// Where its body starts in the file (a variant's `body:`, or the text below the front
    /// matter), for a warning about its length.
    public var bodyLocation = SourceLocation.start

    /// How a message names a variant: ` (variant b)`, nothing without one.
    static func label(_ name: String?) -> String {
        name.map { " (variant \($0))" } ?? ""
    }
}

/// The values a messaging template can use.
public struct MessageValues: Sendable {
    public var referrerName: String
    public var referrerCode: String
    public var link: String
    /// Nil for a program that gives friends nothing: `{{reward.friend}}` is then absent, so a
    /// message can guard it (`{{#reward.friend}}…{{/reward.friend}}`).
    public var friendReward: String?
    public var referrerReward: String
    public var programName: String
    /// The site's address (program.json's baseURL, without a trailing slash): `{{program.url}}`,
    /// and the start of every site link an email's plain text carries.
    public var programURL: String
    /// Notifications only: the friend, the referrer's private stats page and the new status.
    public var friendName: String = ""
    public var statsLink: String = ""
    public var statusLabel: String = ""
    /// Whether every name is isolated, a left-to-right one too: in a program written right to left
    /// a message that opens with "John" is otherwise laid out left to right whole by phones and
    /// mail apps, which take a line's direction from its first letter.
    public var isolatesEveryName = false

    public init(referrerName: String, referrerCode: String, link: String, friendReward: String?, referrerReward: String, programName: String,
                programURL: String) {
        self.referrerName = referrerName
        self.referrerCode = referrerCode
        self.link = link
        self.friendReward = friendReward
        self.referrerReward = referrerReward
        self.programName = programName
        self.programURL = programURL
    }

    /// The Mustache context: `referrer.name`, `referrer.firstName`, `referrer.code`, `link`,
    /// `reward.friend`, `reward.referrer`, `program.name`, `program.url`; in notifications also `friend.name`,
    /// `friend.firstName`, `statsLink` and `status`.
    /// Names are isolated (``NameIsolation``): a message is plain text, with no `<bdi>`.
    var context: TemplateValue {
        .object([
            "referrer": .object(["name": .text(isolated(referrerName)), "firstName": .text(isolated(PersonName.firstName(referrerName))),
                                 "code": .text(referrerCode)]),
            "link": .text(link),
            "reward": .object(TemplateObject([("referrer", .text(referrerReward))] + (friendReward.map { [("friend", .text($0))] } ?? []))),
            "program": .object(["name": .text(programName), "url": .text(programURL)]),
            "friend": .object(["name": .text(isolated(friendName)), "firstName": .text(isolated(PersonName.firstName(friendName)))]),
            "statsLink": .text(statsLink),
            "status": .text(statusLabel),
        ])
    }

    private func isolated(_ name: String) -> String {
        NameIsolation.isolated(name, always: isolatesEveryName)
    }

    /// The `{{names}}` a template can use: a share message (nil) knows only the referrer, their
    /// link, the rewards and the program; each email the server sends adds what it is about.
    public static func variableNames(for notification: Notification?) -> Set<String> {
        let shared: Set<String> = ["referrer", "referrer.name", "referrer.firstName", "referrer.code", "link", "reward",
                                   "reward.friend", "reward.referrer", "program", "program.name", "program.url"]
        let friend: Set<String> = ["friend", "friend.name", "friend.firstName"]
        return switch notification {
        case nil: shared
        case .referralToFriend: shared.union(friend)
        case .referralToReferrer: shared.union(friend).union(["statsLink"])
        case .statusToReferrer: shared.union(friend).union(["statsLink", "status"])
        case .joinToReferrer: shared.union(["statsLink"])
        }
    }

    /// Every `{{name}}` some kind of message provides.
    static let allVariableNames: Set<String> = Notification.allCases.reduce(variableNames(for: nil)) { $0.union(variableNames(for: $1)) }
}

/// A message rendered for one referrer.
public struct RenderedMessage: Sendable {
    public var subject: String?
    public var text: String
    /// Email only: the body as HTML.
    public var html: String?
}

extension MessageVariant {
    /// Fills the variant with a referrer's values. `includeHTML` renders the email's Markdown too
    /// (a cmark call: done for previews, not for every referrer page).
    public func render(_ values: MessageValues, includeHTML: Bool = false) -> RenderedMessage {
        render(context: values.context, includeHTML: includeHTML)
    }

    /// Fills the variant with a context made by ``MessageValues/context``.
    func render(context: TemplateValue, includeHTML: Bool = false) -> RenderedMessage {
        let html = includeHTML ? markdown.map { Markdown.render($0.render(context)).html } : nil
        return RenderedMessage(subject: subject?.render(context).trimmingWhitespace(),
                               text: text.render(context).trimmingWhitespace(), html: html)
    }
}
