/// What the endpoint knows of the store to accept or refuse a new referral: the roster, the
/// referrers' emails and every friend email already accepted.
///
/// Acceptance follows the figures' rules exactly: a friend's email (trimmed, lower-cased) that
/// an accepted referral already has is a duplicate; the referrer's own email is a self-referral.
public struct ReferralLedger: Sendable {
    /// Why a valid referral was refused (409 for API clients).
    public enum Conflict: Error, Sendable, Equatable {
        case duplicate
        case selfReferral

        public var fieldError: FieldError {
            switch self {
            case .duplicate: FieldError(field: "email", message: "This friend has already been referred.")
            case .selfReferral: FieldError(field: "email", message: "You can't refer your own email address.")
            }
        }
    }

    var referrerEmails: [String: String] = [:]
    /// Referrer codes by normalized email, for the join form.
    var codesByEmail: [String: String] = [:]
    private var acceptedEmails: Set<String> = []
    public let requireConsent: Bool

    /// The ledger of a store whose referrals' outcomes are already known. Its set of accepted
    /// emails is its own (not shared with `outcomes`), so that the first referral it records
    /// does not copy hundreds of thousands of them.
    public init(store: Store, outcomes: OutcomeLedger) {
        requireConsent = store.program.requireConsent
        for referrer in store.referrers { addReferrer(referrer) }
        acceptedEmails = outcomes.acceptedEmails
        acceptedEmails.reserveCapacity(acceptedEmails.count + 1024)
    }

    public init(store: Store) {
        self.init(store: store, outcomes: OutcomeLedger(store: store))
    }

    public func isKnownReferrer(_ code: String) -> Bool { referrerEmails[code] != nil }

    /// Checks every field; returns the referral to record (with the given id and time).
    public func validate(_ submission: ReferralSubmission, id: String, at: Instant) throws(FieldErrors) -> Referral {
        var errors: [FieldError] = []
        let code = submission.referrer
        if code.isEmpty {
            errors.append(FieldError(field: "referrer", message: "The referrer code is missing."))
        } else if !StoreRules.isValidCode(code) || !isKnownReferrer(code) {
            errors.append(FieldError(field: "referrer", message: "This referral link is not valid."))
        } else if referrerEmails[code].map(Erasure.isPlaceholder) == true {
            // `advocate forget` keeps the code (the address of pages already shared), not the
            // person: a friend's referral would go to no one, emailed as from "Erased".
            errors.append(FieldError(field: "referrer", message: "This referral link is no longer valid: its referrer has left the program."))
        }
        let name = submission.name.trimmingWhitespace()
        let email = submission.email.trimmingWhitespace()
        Self.checkPerson(name: name, email: email, into: &errors)
        var source = ReferralSource.link
        if let text = submission.source {
            if let parsed = ReferralSource(rawValue: text) {
                source = parsed
            } else {
                errors.append(FieldError(field: "source", message: "source must be one of \(ReferralSource.allCases.map(\.rawValue).joined(separator: ", "))."))
            }
        }
        if let variant = submission.variant, !StoreRules.isValidVariant(variant) {
            errors.append(FieldError(field: "variant", message: "variant must be 1 to \(StoreRules.maximumVariantLength) characters of a-z, 0-9 and '-'."))
        }
        checkConsent(submission.consent, into: &errors)
        guard errors.isEmpty else { throw FieldErrors(errors) }
        return Referral(id: id, at: at, referrer: code, name: name, email: email, source: source, variant: submission.variant,
                        consent: submission.consent)
    }

    /// A name and a plausible email, both trimmed, as both forms ask for them.
    static func checkPerson(name: String, email: String, into errors: inout [FieldError]) {
        if !StoreRules.hasVisibleText(name) {
            errors.append(FieldError(field: "name", message: "Please enter your name."))
        } else if name.count > StoreRules.maximumNameLength {
            errors.append(FieldError(field: "name", message: "Please enter a name of at most \(StoreRules.maximumNameLength) characters."))
        } else if !StoreRules.isWithinNameLength(name) {
            let isStacked = name.contains { $0.unicodeScalars.count > StoreRules.maximumScalarsPerCharacter }
            errors.append(FieldError(field: "name", message: isStacked ? "Please enter your name without so many marks stacked on its letters." : "Please enter a shorter name."))
        } else if !StoreRules.isOneLineWithoutControls(name) {
            errors.append(FieldError(field: "name", message: "Please enter your name on one line, without tabs or other control characters."))
        } else if WebAddressInName.isFound(in: name) {
            errors.append(FieldError(field: "name", message: "Please enter your name, not a web or email address."))
        }
        if email.isEmpty {
            errors.append(FieldError(field: "email", message: "Please enter your email address."))
        } else if !StoreRules.isPlausibleEmail(email) {
            errors.append(FieldError(field: "email", message: "Please enter a valid email address, like name@example.com."))
        } else if !StoreRules.hasDeliverableLocalPart(email) {
            errors.append(FieldError(field: "email", message: "Please enter the address with plain letters (a-z) before the @: we cannot send email to this one."))
        }
    }

    /// Consent where the program asks for it, in the words of the form's checkbox: a friend
    /// agrees to hear about the offer, a joining referrer to get their links and the program's news.
    func checkConsent(_ consent: Bool, message: String = "Please agree to be contacted about this offer.", into errors: inout [FieldError]) {
        if requireConsent && !consent {
            errors.append(FieldError(field: "consent", message: message))
        }
    }

    /// Refuses a friend already referred and a referrer's own email.
    public func conflict(for referral: Referral) -> Conflict? {
        let email = StoreRules.normalizedEmail(referral.email)
        if referrerEmails[referral.referrer] == email { return .selfReferral }
        if acceptedEmails.contains(email) { return .duplicate }
        return nil
    }

    /// Undoes ``record(_:)`` for a referral that could not be written.
    public mutating func forget(_ referral: Referral) {
        acceptedEmails.remove(StoreRules.normalizedEmail(referral.email))
    }

    /// Remembers a recorded referral.
    public mutating func record(_ referral: Referral) {
        acceptedEmails.insert(StoreRules.normalizedEmail(referral.email))
    }

    /// Takes in an event appended to the journal after those the ledger was made from, by the
    /// figures' rules: a referral to a known referrer is accepted unless it conflicts, a join
    /// adds its referrer.
    public mutating func apply(_ event: JournalEvent) {
        switch event {
        case .referral(let referral):
            if isKnownReferrer(referral.referrer), conflict(for: referral) == nil { record(referral) }
        case .referrer(let referrer, _):
            addReferrer(referrer)
        case .status:
            break
        }
    }
}

extension Referral {
    /// The journal line for this referral, keys in DESIGN.md's order.
    public var journalLine: String {
        var members: [(String, JSONOutput)] = [
            ("type", .string("referral")), ("id", .string(id)), ("at", .string(at.iso8601)), ("referrer", .string(referrer)),
            ("name", .string(name)), ("email", .string(email)), ("source", .string(source.rawValue)),
        ]
        if let variant { members.append(("variant", .string(variant))) }
        if let consent { members.append(("consent", .bool(consent))) }
        return JSONOutput.object(members).serialized()
    }
}

/// Referral ids: `rf_` and a ULID (48-bit millisecond time, 80 random bits, Crockford base32),
/// so ids sort by time and never collide in practice.
public enum ReferralID {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    public static func make(at instant: Instant) -> String {
        var bytes = Array("rf_".utf8)
        bytes.reserveCapacity(29)
        appendDigits(of: UInt64(max(0, instant.milliseconds)), count: 10, to: &bytes)
        // Two draws of 64 bits, 40 of each used: one getrandom call each, not one a digit.
        var generator = SystemRandomNumberGenerator()
        appendDigits(of: generator.next(), count: 8, to: &bytes)
        appendDigits(of: generator.next(), count: 8, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the low `count` base-32 digits of `value`, most significant first.
    private static func appendDigits(of value: UInt64, count: Int, to bytes: inout [UInt8]) {
        for digit in (0..<count).reversed() {
            bytes.append(alphabet[Int((value >> UInt64(5 * digit)) & 31)])
        }
    }
}
