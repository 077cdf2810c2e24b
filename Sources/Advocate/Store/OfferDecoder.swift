/// Decodes program.json's optional `offers` and `webhooks` arrays.
enum OfferDecoder {
    static func decodeOffers(_ reader: inout ObjectReader, currency: String) -> [Program.Offer] {
        guard let elements = reader.array("offers", required: false) else { return [] }
        var offers: [Program.Offer] = []
        var diagnostics = DiagnosticList()
        for (index, element) in elements.enumerated() {
            guard var offer = ObjectReader(element, file: reader.file, context: "program.offers[\(index)]", diagnostics: &diagnostics) else { continue }
            offer.warnAboutUnknownKeys(allowed: ["name", "from", "until", "referrerAmount", "friend"])
            // Composed into sentences on pages and in messages, so confined as the program's texts are.
            let name = offer.displayText("name", required: true, maxLength: 100).map(BidiControl.confined)
            let from = offer.day("from", required: true)
            let until = offer.day("until", required: true)
            let amount = offer.money("referrerAmount", required: true, currency: currency)
            let friend = offer.displayText("friend", required: false, maxLength: 500).map(BidiControl.confined)
            if let name, let from, let until, let amount {
                if until < from {
                    offer.error("until", "offer '\(name)' ends (\(until.iso8601)) before it starts (\(from.iso8601)); 'until' is the offer's last day")
                } else {
                    offers.append(Program.Offer(name: name, from: from, until: until, referrerAmount: amount, friend: friend))
                }
            }
            diagnostics.append(contentsOf: offer.diagnostics.all)
        }
        reader.append(diagnostics)
        return offers
    }

    static func decodeWebhooks(_ reader: inout ObjectReader) -> [Program.Webhook] {
        guard let elements = reader.array("webhooks", required: false) else { return [] }
        var hooks: [Program.Webhook] = []
        var diagnostics = DiagnosticList()
        for (index, element) in elements.enumerated() {
            guard var hook = ObjectReader(element, file: reader.file, context: "program.webhooks[\(index)]", diagnostics: &diagnostics) else { continue }
            hook.warnAboutUnknownKeys(allowed: ["url", "events", "secret"])
            var url = hook.string("url", required: true, maxLength: 2000, what: "the receiver's address, e.g. https://hooks.example.com/advocate")
            if let value = url, !isReceiverURL(value) {
                hook.error("url", "field 'url' must be an absolute http(s) URL, found \"\(value)\"")
                url = nil
            } else if let value = url, hooks.contains(where: { $0.url == value }) {
                hook.error("url", "the webhook \(value) is listed twice; list it once with every event it wants")
                url = nil
            }
            var events: Set<WebhookEventType> = []
            if let names = hook.array("events", required: true) {
                for name in names {
                    if let text = name.stringValue, let type = WebhookEventType(rawValue: text) {
                        events.insert(type)
                    } else {
                        hook.error("events", "field 'events' may hold \"referral\", \"status\" and \"referrer\", found \(name.stringValue.map { "\"\($0)\"" } ?? name.kindName)")
                    }
                }
            }
            var variable: String?
            if let secret = hook.string("secret", required: true, maxLength: 200, what: "\"env:NAME\", the environment variable holding the signing secret") {
                variable = secretVariable(secret)
                if variable == nil {
                    hook.error("secret", "field 'secret' must be \"env:NAME\", naming the environment variable that holds the signing secret (keep secrets out of program.json), found a value of \(secret.count) characters")
                }
            }
            if let url, let variable, !events.isEmpty {
                hooks.append(Program.Webhook(url: url, events: events, secretVariable: variable))
            }
            diagnostics.append(contentsOf: hook.diagnostics.all)
        }
        reader.append(diagnostics)
        return hooks
    }

    /// `env:NAME` -> `NAME` when NAME is an environment variable name ([A-Za-z_][A-Za-z0-9_]*).
    static func secretVariable(_ text: String) -> String? {
        guard text.hasPrefix("env:") else { return nil }
        let name = text.dropFirst(4)
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return nil }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
            ? String(name) : nil
    }

    /// An absolute http(s) URL with a host and no spaces or control characters (a query is fine).
    static func isReceiverURL(_ text: String) -> Bool {
        guard text.hasPrefix("https://") || text.hasPrefix("http://") else { return false }
        let host = text.drop(while: { $0 != "/" }).dropFirst(2).prefix(while: { $0 != "/" && $0 != "?" })
        return !host.isEmpty && !text.contains("#") && !text.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F || $0 == "\"" || $0 == "<" || $0 == ">" || $0 == "\\" }
    }
}
