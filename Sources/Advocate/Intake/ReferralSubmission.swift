/// What a referral form or API client sent, before validation. Every value is untrusted.
public struct ReferralSubmission: Sendable, Equatable {
    public var referrer: String
    public var name: String
    public var email: String
    public var source: String?
    public var variant: String?
    public var consent: Bool
    /// The honeypot: people never see it, bots fill it.
    public var website: String

    public init(referrer: String = "", name: String = "", email: String = "", source: String? = nil, variant: String? = nil,
                consent: Bool = false, website: String = "") {
        self.referrer = referrer
        self.name = name
        self.email = email
        self.source = source
        self.variant = variant
        self.consent = consent
        self.website = website
    }

    /// From an HTML form's fields: the consent checkbox counts when present (`on`, `true`, `1`…).
    public init(formFields fields: [String: String]) {
        self.init(referrer: fields["referrer"] ?? "", name: fields["name"] ?? "", email: fields["email"] ?? "",
                  source: fields["source"].flatMap { $0.isEmpty ? nil : $0 },
                  variant: fields["variant"].flatMap { $0.isEmpty ? nil : $0 },
                  consent: fields["consent"].map { !["", "false", "0", "off", "no"].contains($0.lowercased()) } ?? false,
                  website: fields["website"] ?? "")
    }

    /// From a JSON object; wrong types are field errors. Consent must be JSON `true`.
    public init(json: JSONNode) throws(FieldErrors) {
        guard let members = json.members else {
            throw FieldErrors([FieldError(field: "body", message: "the body must be a JSON object")])
        }
        var errors: [FieldError] = []
        var strings: [String: String] = [:]
        var consent = false
        for member in members {
            switch member.key {
            case "referrer", "name", "email", "source", "variant", "website":
                if let text = member.value.stringValue {
                    strings[member.key] = text
                } else if !member.value.isNull {
                    errors.append(FieldError(field: member.key, message: "must be a string"))
                }
            case "consent":
                if let flag = member.value.boolValue {
                    consent = flag
                } else if !member.value.isNull {
                    errors.append(FieldError(field: "consent", message: "must be true or false"))
                }
            default:
                break
            }
        }
        guard errors.isEmpty else { throw FieldErrors(errors) }
        self.init(referrer: strings["referrer"] ?? "", name: strings["name"] ?? "", email: strings["email"] ?? "",
                  source: strings["source"], variant: strings["variant"], consent: consent, website: strings["website"] ?? "")
    }

    /// True when the honeypot was filled: answer like a success, record nothing.
    public var isBot: Bool { !website.isBlank }
}

/// A problem with one field of a submission.
public struct FieldError: Sendable, Equatable {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// Every problem with a submission.
public struct FieldErrors: Error, Sendable, Equatable {
    public var errors: [FieldError]

    public init(_ errors: [FieldError]) {
        self.errors = errors
    }

    /// Messages by field, as the form page shows them.
    public var byField: [String: String] {
        var messages: [String: String] = [:]
        for error in errors where messages[error.field] == nil { messages[error.field] = error.message }
        return messages
    }
}
