/// The program's settings, from program.json.
public struct Program: Sendable {
    public var name: String
    public var baseURL: String
    public var endpoint: String
    public var currency: String
    public var attributionWindowDays: Int
    public var rewardHoldDays: Int
    public var requireConsent: Bool
    public var analyticsToken: String
    public var referrerReward: Reward
    /// What a friend gets; nil for a program that gives friends nothing (an employee program's
    /// candidates, say).
    public var friendReward: Reward?
    public var tiers: [Tier]
    public var brand: Brand?
    public var goals: Goals?
    /// Limited-time offers, in program.json's order.
    public var offers: [Offer] = []
    /// Receivers of new journal events.
    public var webhooks: [Webhook] = []
    /// The language of the program's pages (a BCP 47 tag such as `en`, `pt-BR` or `ar`), for
    /// `<html lang>` and, with it, the direction text runs in.
    public var language = "en"

    /// `rtl` for a language written right to left (Arabic, Hebrew, Persian, Urdu…, or a tag whose
    /// script is: `ku-Arab`), else `ltr`.
    public static func direction(ofLanguage tag: String) -> String {
        // The subtags before an extension (`-u-nu-latn`, `-x-…`), whose own four letters are no script.
        let parts: [Substring] = Array(tag.lowercased().split(separator: "-").prefix { $0.count != 1 })
        if let script = parts.dropFirst().first(where: { $0.count == 4 }) {
            return ["arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg"].contains(script) ? "rtl" : "ltr"
        }
        // Written here: Foundation's `Locale.Language.characterDirection` on Linux reads prs, pnb,
        // azb, ji and ku-Arab as left to right.
        return ["ar", "arc", "azb", "bal", "bqi", "ckb", "dv", "fa", "glk", "he", "iw", "ji", "ks", "lrc", "mzn", "nqo", "pnb", "prs", "ps", "sd", "sdh",
                "syr", "ug", "ur", "yi"].contains(parts.first ?? "") ? "rtl" : "ltr"
    }

    /// A reward's wording, and for the referrer's reward its amount in currency units.
    public struct Reward: Sendable {
        public var description: String
        public var amount: Double
    }

    /// A level referrers reach by their number of conversions, with a one-off bonus.
    public struct Tier: Sendable, Equatable {
        public var name: String
        public var conversions: Int
        public var bonus: Double
    }

    /// What the team aims for, shown on the analytics page against the current month.
    public struct Goals: Sendable {
        public var referralsPerMonth: Int?
        /// A fraction between 0 and 1.
        public var conversionRate: Double?
    }

    /// A limited-time offer: referrals made from the start of `from` to the end of `until` (UTC
    /// days) earn `referrerAmount` instead of the base reward when they convert.
    public struct Offer: Sendable, Equatable {
        public var name: String
        public var from: CalendarDay
        public var until: CalendarDay
        public var referrerAmount: Double
        /// The friend's reward during the offer (the base friend reward when nil).
        public var friend: String?

        public func contains(_ instant: Instant) -> Bool {
            from.start <= instant && instant <= until.end
        }
    }

    /// Where new journal events are POSTed, which of them, and the name of the environment
    /// variable that holds the signing secret (`"secret": "env:NAME"`).
    public struct Webhook: Sendable, Equatable {
        public var url: String
        public var events: Set<WebhookEventType>
        public var secretVariable: String
    }

    /// The offer a referral made at `instant` earns: of the offers whose dates contain it, the
    /// one with the highest `referrerAmount`, the first listed on a tie. Nil when none does.
    public func offer(at instant: Instant) -> Offer? {
        var best: Offer?
        for offer in offers where offer.contains(instant) {
            if best == nil || offer.referrerAmount > best!.referrerAmount { best = offer }
        }
        return best
    }

    /// What a referral made at `instant` earns its referrer once it converts and matures.
    public func referrerAmount(at instant: Instant) -> Double {
        offer(at: instant)?.referrerAmount ?? referrerReward.amount
    }

    /// The accent colour (`#rrggbb`), a logo file and a link-preview picture in content/assets/.
    public struct Brand: Sendable {
        public var color: String?
        /// Where program.json gives `color`, for a message about it.
        public var colorLocation: SourceLocation = .start
        public var logo: String?
        /// Where program.json gives `logo`, for a message about its file.
        public var logoLocation: SourceLocation = .start
        /// The picture link previews show (`og:image`): a PNG, JPEG, GIF or WebP, since social
        /// networks show no SVG.
        public var image: String?
        /// Where program.json gives `image`, for a message about its file.
        public var imageLocation: SourceLocation = .start
    }
}

/// The four kinds of referrer a program may have.
public enum Segment: String, Sendable, CaseIterable, Comparable {
    case customer, partner, employee, affiliate

    public static func < (lhs: Segment, rhs: Segment) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Where a referral came from: the share channel, a plain link, a QR code or the form.
public enum ReferralSource: String, Sendable, CaseIterable, Comparable {
    case email, sms, whatsapp, x, linkedin, link, qr, form

    public static func < (lhs: ReferralSource, rhs: ReferralSource) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The journal event types a webhook can ask for.
public enum WebhookEventType: String, Sendable, CaseIterable {
    case referral, status, referrer
}

/// The statuses the team records as a referral moves through its CRM.
public enum ReferralStatus: String, Sendable, CaseIterable {
    case contacted, converted, rejected, rewarded
}

/// Where a record was read from, for messages that point back at it.
public struct Origin: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var location: SourceLocation

    public init(file: String, location: SourceLocation) {
        self.file = file
        self.location = location
    }

    public var description: String { "\(file):\(location.line):\(location.column)" }
}

/// A person who refers friends: from referrers.json or from a `referrer` journal event.
public struct Referrer: Sendable {
    public var code: String
    public var name: String
    public var email: String
    public var joined: CalendarDay?
    public var segment: Segment
    public var statsToken: String
    /// Whether the referrer agreed to appear by name on leaderboards.
    public var leaderboard: Bool
    public var origin: Origin
}

extension Program {
    /// Whether a conversion at `instant` came within the attribution window of `referral`.
    public func isWithinWindow(_ instant: Instant, of referral: Referral) -> Bool {
        instant.milliseconds - referral.at.milliseconds <= Int64(attributionWindowDays) * Instant.millisecondsPerDay
    }
}

extension Referrer {
    /// The name pages, share messages and emails show: the store's, less any email address
    /// in it (``PersonName/withoutAddresses(_:)``).
    public var shownName: String { PersonName.withoutAddresses(name) }
}

/// A friend referred by a referrer, as recorded in the journal.
public struct Referral: Sendable {
    public var id: String
    public var at: Instant
    public var referrer: String
    public var name: String
    public var email: String
    public var source: ReferralSource
    public var variant: String?
    public var consent: Bool?
}

/// A change of a referral's status.
public struct StatusChange: Sendable {
    public var id: String
    public var at: Instant
    public var status: ReferralStatus
    public var value: Double?
    public var reason: String?
}

/// One line of the journal.
public enum JournalEvent: Sendable {
    case referral(Referral)
    case status(StatusChange)
    case referrer(Referrer, at: Instant)

    public var at: Instant {
        switch self {
        case .referral(let referral): referral.at
        case .status(let change): change.at
        case .referrer(_, let at): at
        }
    }

    public var type: WebhookEventType {
        switch self {
        case .referral: .referral
        case .status: .status
        case .referrer: .referrer
        }
    }
}

/// Everything in the data folder, loaded and validated.
public struct Store: Sendable {
    public var program: Program
    /// referrers.json followed by the referrers who joined through the journal, in that order.
    public var referrers: [Referrer]
    /// The journal, oldest first.
    public var journal: [JournalEvent]

    public init(program: Program, referrers: [Referrer], journal: [JournalEvent]) {
        self.program = program
        self.referrers = referrers
        self.journal = journal
    }

    /// The `at` of the newest event, the default as-of instant.
    public var newestEventInstant: Instant? {
        journal.lazy.map(\.at).max()
    }
}
