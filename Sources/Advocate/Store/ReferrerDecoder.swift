/// Decodes referrers, from referrers.json or from `referrer` journal events.
enum ReferrerDecoder {
    static let fileKeys: [String] = ["code", "name", "email", "joined", "segment", "statsToken", "leaderboard"]
    static let eventKeys: [String] = ["type", "at", "code", "name", "email", "segment", "statsToken", "leaderboard"]

    /// Reads the fields common to both places; `joined` comes from the file or the event's `at`.
    static func decode(_ reader: inout ObjectReader, joined: CalendarDay?) -> Referrer? {
        let code = reader.string("code", required: true, maxLength: 200, what: "the share code, [a-z0-9-]{2,40}")
        if let code, !StoreRules.isValidCode(code) {
            reader.error("code", "code \"\(code)\" must be 2 to 40 characters of a-z, 0-9 and '-' (it becomes the page address /r/<code>/)")
        }
        let name = reader.string("name", required: true, maxLength: StoreRules.maximumStoredTextLength)
        // `string` has checked that it is there and not too long.
        let nameHasControls = name.map(StoreRules.hasControlCharacters) ?? false
        if nameHasControls {
            reader.error("name", "field 'name' must not contain control characters")
        }
        if let name, !nameHasControls, case let shown = PersonName.withoutAddresses(name), shown != name {
            reader.warning("name", "name holds an email address, which no public page may show: pages and share messages show \"\(shown)\" instead; "
                           + "keep the address in 'email' and only the person's name in 'name'")
        }
        let email = reader.string("email", required: true, maxLength: StoreRules.maximumStoredTextLength)
        let segment = reader.choice("segment", required: false, of: Segment.self) ?? .customer
        let token = reader.string("statsToken", required: true, maxLength: StoreRules.maximumTokenLength,
                                  what: "a random token of 22 or more characters [A-Za-z0-9_-]; "
                                      + "generate one with `openssl rand -base64 24 | tr '+/' '-_' | tr -d =`, or add referrers with `advocate referrers add`")
        if let token, !StoreRules.isValidToken(token) {
            reader.error("statsToken", "statsToken must be at least \(StoreRules.minimumTokenLength) characters of [A-Za-z0-9_-] (128 bits or more); `advocate referrers add` makes one")
        } else if let token, let code, code.utf8.count >= 4, token.contains(code) {
            reader.warning("statsToken", "statsToken contains the code \"\(code)\": a token guessable from the public page is no secret; `advocate referrers add` makes random ones")
        }
        let leaderboard = reader.bool("leaderboard", required: false) ?? false
        guard let code, StoreRules.isValidCode(code), let name, !nameHasControls, let email,
              let token, StoreRules.isValidToken(token)
        else { return nil }
        return Referrer(code: code, name: name, email: email, joined: joined, segment: segment, statsToken: token,
                        leaderboard: leaderboard, origin: Origin(file: reader.file, location: reader.node.location))
    }

    /// The valid referrers of referrers.json, and the codes of the invalid ones (so that their
    /// referrals are not reported again as referrals for an unknown referrer).
    static func decodeFile(_ root: JSONNode, file: String, diagnostics: inout DiagnosticList) -> (referrers: [Referrer], invalidCodes: Set<String>) {
        guard let elements = root.elements else {
            diagnostics.error(file, root.location, "referrers.json must be an array of referrers, found \(root.kindName)")
            return ([], [])
        }
        var invalidCodes: Set<String> = []
        var referrers: [Referrer] = []
        referrers.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            guard var reader = ObjectReader(element, file: file, context: "referrer #\(index + 1)", diagnostics: &diagnostics) else { continue }
            reader.warnAboutUnknownKeys(allowed: fileKeys)
            var joined = reader.day("joined", required: false)
            // With no journal yet the as-of is the newest joined day: a year typed 9999 moved it there.
            if let day = joined, !StoreRules.journalTimes.contains(day.start) {
                reader.error("joined", "field 'joined' is \(day.iso8601), \(StoreRules.outsideJournalYears); check the year")
                joined = nil
            }
            let referrer = decode(&reader, joined: joined)
            diagnostics.append(contentsOf: reader.diagnostics.all)
            if let referrer {
                referrers.append(referrer)
            } else if let code = reader.rawString("code") {
                // Lower-cased: a code written "Alan" is refused for its capitals, and the
                // journal's referrals name it "alan".
                invalidCodes.insert(code.lowercased())
            }
        }
        return (referrers, invalidCodes)
    }
}
