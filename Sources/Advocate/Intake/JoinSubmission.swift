/// What the join form or an API client sent to `POST /api/join`, before validation. Every value
/// is untrusted.
public struct JoinSubmission: Sendable, Equatable {
    public var name: String
    public var email: String
    public var consent: Bool
    /// The honeypot: people never see it, bots fill it.
    public var website: String

    public init(name: String = "", email: String = "", consent: Bool = false, website: String = "") {
        self.name = name
        self.email = email
        self.consent = consent
        self.website = website
    }

    public init(formFields fields: [String: String]) {
        self.init(name: fields["name"] ?? "", email: fields["email"] ?? "", consent: SubmittedFields.isChecked(fields["consent"]),
                  website: fields[SubmittedFields.honeypotField] ?? "")
    }

    /// From a JSON object (`{"name", "email", "consent"}`); consent must be JSON `true`.
    public init(json: JSONNode) throws(FieldErrors) {
        let fields = try SubmittedFields(json: json, strings: ["name", "email"])
        self.init(name: fields.strings["name"] ?? "", email: fields.strings["email"] ?? "", consent: fields.consent,
                  website: fields.honeypot)
    }

    public var isBot: Bool { !website.isBlank }
}

/// What a valid join comes to.
public enum JoinDecision: Sendable {
    /// A new referrer, to be recorded as a `referrer` event.
    case new(Referrer)
    /// The email already belongs to this referrer (by code): send the links again.
    case existing(code: String)
}

extension ReferralLedger {
    /// Checks a join and decides: a new referrer with a readable code and a fresh stats token,
    /// or the referrer who already has this email.
    public func decide(_ submission: JoinSubmission, at: Instant, file: String) throws(FieldErrors) -> JoinDecision {
        var errors: [FieldError] = []
        let name = submission.name.trimmingWhitespace()
        let email = submission.email.trimmingWhitespace()
        Self.checkPerson(name: name, email: email, into: &errors)
        checkConsent(submission.consent, message: "Please agree that we may email you your links and news about the program.", into: &errors)
        guard errors.isEmpty else { throw FieldErrors(errors) }
        if let code = codesByEmail[StoreRules.normalizedEmail(email)] { return .existing(code: code) }
        let code = Tokens.readableCode(for: name, taken: Set(referrerEmails.keys))
        return .new(Referrer(code: code, name: name, email: email, joined: at.day, segment: .customer, statsToken: Tokens.statsToken(),
                             leaderboard: false, origin: Origin(file: file, location: .start)))
    }

    /// Remembers a referrer who joined: referrals to the code are accepted from now on.
    public mutating func addReferrer(_ referrer: Referrer) {
        let email = StoreRules.normalizedEmail(referrer.email)
        referrerEmails[referrer.code] = email
        if codesByEmail[email] == nil { codesByEmail[email] = referrer.code }
    }

    /// Undoes ``addReferrer(_:)`` for a referrer whose event could not be written.
    public mutating func removeReferrer(_ referrer: Referrer) {
        referrerEmails[referrer.code] = nil
        let email = StoreRules.normalizedEmail(referrer.email)
        if codesByEmail[email] == referrer.code { codesByEmail[email] = nil }
    }
}

extension Referrer {
    /// The journal line of a referrer who joined at `at`, keys in DESIGN.md's order.
    public func joinLine(at: Instant) -> String {
        JSONOutput.object([
            ("type", .string("referrer")), ("at", .string(at.iso8601)), ("code", .string(code)), ("name", .string(name)),
            ("email", .string(email)), ("segment", .string(segment.rawValue)), ("statsToken", .string(statsToken)),
        ]).serialized()
    }
}

extension JournalEvent {
    /// The event as its journal line (what webhooks receive).
    public var journalLine: String {
        switch self {
        case .referral(let referral): referral.journalLine
        case .status(let change):
            StatusUpdate(id: change.id, status: change.status, value: change.value, reason: change.reason, at: change.at).journalLine
        case .referrer(let referrer, let at): referrer.joinLine(at: at)
        }
    }
}
