/// What a referral form or API client sent, before validation. Every value is untrusted.
public struct ReferralSubmission: Sendable, Equatable {
    /// The referrer's code, trimmed and in lower case (``normalizedCode(_:)``).
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
        self.referrer = Self.normalizedCode(referrer)
        self.name = name
        self.email = email
        // A blank optional choice is no choice, from the form and JSON alike: `source` then
        // defaults to `link`, and the variant is none.
        self.source = source.flatMap { $0.isBlank ? nil : $0 }
        self.variant = variant.flatMap { $0.isBlank ? nil : $0 }
        self.consent = consent
        self.website = website
    }

    /// From an HTML form's fields: the consent checkbox counts when present (`on`, `true`, `1`…).
    public init(formFields fields: [String: String]) {
        self.init(referrer: fields["referrer"] ?? "", name: fields["name"] ?? "", email: fields["email"] ?? "",
                  source: fields["source"], variant: fields["variant"],
                  consent: SubmittedFields.isChecked(fields["consent"]), website: fields[SubmittedFields.honeypotField] ?? "")
    }

    /// From a JSON object; wrong types are field errors. Consent must be JSON `true`.
    public init(json: JSONNode) throws(FieldErrors) {
        let fields = try SubmittedFields(json: json, strings: ["referrer", "name", "email", "source", "variant"])
        self.init(referrer: fields.strings["referrer"] ?? "", name: fields.strings["name"] ?? "", email: fields.strings["email"] ?? "",
                  source: fields.strings["source"], variant: fields.strings["variant"], consent: fields.consent,
                  website: fields.honeypot)
    }

    /// True when the honeypot was filled: answer like a success, record nothing.
    public var isBot: Bool { !website.isBlank }

    /// A code as a person may type it into a form of the program's own (`" ADA"`): trimmed, and
    /// ASCII letters in lower case, the only case codes have. Made once, before the per-code rate
    /// limit and the validation both key on it.
    static func normalizedCode(_ text: String) -> String {
        var code = String.UnicodeScalarView()
        for scalar in text.trimmingWhitespace().unicodeScalars {
            code.append(("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar)
        }
        return String(code)
    }
}

/// The fields of a JSON submission: the named strings and the `consent` flag, wrong types as
/// field errors. Shared by the referral and the join endpoint.
public struct SubmittedFields: Sendable {
    public var strings: [String: String] = [:]
    public var consent = false
    /// The honeypot's value: empty when it was left out, empty or null.
    public var honeypot = ""

    public init(json: JSONNode, strings names: Set<String>) throws(FieldErrors) {
        guard let members = json.members else {
            throw FieldErrors([FieldError(field: "body", message: "the body must be a JSON object")])
        }
        var errors: [FieldError] = []
        var seen: Set<String> = []
        for member in members {
            // A key given twice is refused, not settled by order: a proxy or filter that reads the
            // first and a server that reads the last would disagree on which referrer it names.
            if member.key != Self.honeypotField, names.contains(member.key) || member.key == "consent", !seen.insert(member.key).inserted {
                errors.append(FieldError(field: member.key, message: "is given more than once; send each field once"))
                continue
            }
            if member.key == Self.honeypotField {
                // A bot's honeypot of another type is still filled: refusing its type would tell it.
                honeypot = member.value.stringValue ?? (member.value.isNull ? "" : "filled")
            } else if names.contains(member.key) {
                if let text = member.value.stringValue {
                    strings[member.key] = text
                } else if !member.value.isNull {
                    errors.append(FieldError(field: member.key, message: "must be a string"))
                }
            } else if member.key == "consent" {
                if let flag = member.value.boolValue {
                    consent = flag
                } else if !member.value.isNull {
                    errors.append(FieldError(field: "consent", message: "must be true or false"))
                }
            }
        }
        guard errors.isEmpty || !honeypot.isBlank else { throw FieldErrors(errors) }
    }

    /// The field people never see and bots fill.
    public static let honeypotField = "website"

    /// An HTML checkbox counts when present, as a browser sends only a ticked one: with its
    /// value (`on`, `true`, `1`…, or nothing for `value=""`), but not with `false`, `0`, `off` or
    /// `no`, which only a script would send, meaning no.
    public static func isChecked(_ value: String?) -> Bool {
        value.map { !["false", "0", "off", "no"].contains($0.lowercased()) } ?? false
    }
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
