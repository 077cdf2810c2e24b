import Foundation

/// Turns program.json into a ``Program``, reporting every problem it finds.
enum ProgramDecoder {
    static let allowedKeys: [String] = [
        "name", "baseURL", "endpoint", "currency", "attributionWindowDays", "rewardHoldDays",
        "requireConsent", "analyticsToken", "rewards", "tiers", "brand", "goals", "offers", "webhooks", "language",
    ]

    static func decode(_ root: JSONNode, file: String, diagnostics: inout DiagnosticList) -> Program? {
        guard var reader = ObjectReader(root, file: file, context: "program", diagnostics: &diagnostics) else { return nil }
        reader.warnAboutUnknownKeys(allowed: allowedKeys)
        // The texts pages compose with other words ("Join {name}") have their directional
        // controls confined here, as values are where they land (BidiControl).
        let name = reader.displayText("name", required: true, maxLength: StoreRules.maximumNameLength).map(BidiControl.confined)
        let baseURL = reader.string("baseURL", required: true, maxLength: 2000, what: "the portal's address, e.g. https://refer.example.com")
        if let baseURL, let problem = httpURLProblem(baseURL) {
            reader.error("baseURL", "field 'baseURL' must be an absolute http(s) URL with no query or fragment (\(problem)), found \"\(baseURL)\"")
        }
        let endpoint = reader.string("endpoint", required: false, maxLength: 2000) ?? "/api/referrals"
        if !isEndpointPath(endpoint) && !isHTTPURL(endpoint) {
            // An address on another host says what is wrong with it (a query, say).
            let problem = endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://") ? httpURLProblem(endpoint).map { ": \($0)" } ?? "" : ""
            reader.error("endpoint", "field 'endpoint' must be a path such as /api/referrals (letters, digits and - . _ ~ /, no . or empty segment, not the server's own /api/join or /healthz, nor in the site's pages: /r/, /stats/, /assets/, /terms/…) or an absolute http(s) URL with no query or fragment\(problem), found \"\(endpoint)\"")
        }
        let currency = reader.string("currency", required: false, maxLength: 3) ?? "USD"
        if currency.utf8.count != 3 || !currency.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) {
            reader.error("currency", "field 'currency' must be an ISO 4217 code such as USD, found \"\(currency)\"")
        } else if !Self.isoCurrencies.contains(currency) {
            // Pages still show amounts with the code (no symbol): a warning, as a code newer
            // than this system's list would still do.
            reader.warning("currency", "field 'currency' is \"\(currency)\", which is no ISO 4217 currency this system knows (a typo of USD, EUR…?); pages show amounts with the code as it is")
        }
        let language = reader.string("language", required: false, maxLength: 35) ?? "en"
        if !isLanguageTag(language) {
            reader.error("language", "field 'language' must be a language tag such as en, fr, pt-BR or ar (BCP 47), found \"\(language)\"")
        }
        let window = reader.integer("attributionWindowDays", required: false) ?? 90
        let hold = reader.integer("rewardHoldDays", required: false) ?? 30
        let consent = reader.bool("requireConsent", required: false) ?? true
        let token = reader.string("analyticsToken", required: true, maxLength: StoreRules.maximumTokenLength,
                                  what: "a random token of 22 or more characters [A-Za-z0-9_-]")
        if let token, !StoreRules.isValidToken(token) {
            reader.error("analyticsToken", "field 'analyticsToken' must be at least \(StoreRules.minimumTokenLength) characters of [A-Za-z0-9_-] (128 bits or more); generate one with `openssl rand -base64 24 | tr '+/' '-_' | tr -d =`")
        }
        let rewards = decodeRewards(&reader, currency: currency)
        let tiers = decodeTiers(&reader, currency: currency)
        let brand = decodeBrand(&reader)
        let goals = decodeGoals(&reader)
        let offers = OfferDecoder.decodeOffers(&reader, currency: currency)
        let webhooks = OfferDecoder.decodeWebhooks(&reader)
        diagnostics.append(contentsOf: reader.diagnostics.all)
        guard let name, let baseURL, let token, let rewards else { return nil }
        var program = Program(
            name: name, baseURL: baseURL,
            endpoint: endpoint, currency: currency,
            attributionWindowDays: window, rewardHoldDays: hold, requireConsent: consent, analyticsToken: token,
            referrerReward: rewards.referrer, friendReward: rewards.friend, tiers: tiers, brand: brand, goals: goals)
        program.offers = offers
        program.webhooks = webhooks
        program.language = language
        return program
    }

    /// ISO 4217's currency codes, current and historic, as Foundation knows them.
    static let isoCurrencies = Set(Locale.Currency.isoCurrencies.map(\.identifier))

    /// A BCP 47 tag as pages carry it: a language of two or three letters, then subtags of
    /// letters and digits (`en`, `pt-BR`, `zh-Hant-TW`, `es-419`).
    static func isLanguageTag(_ tag: String) -> Bool {
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (2...3).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }) else { return false }
        return parts.dropFirst().allSatisfy { (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }

    static func isHTTPURL(_ text: String) -> Bool {
        httpURLProblem(text) == nil
    }

    /// What keeps `text` from being an absolute http(s) URL that every page, the sitemap and
    /// share links can carry as it is (RFC 3986, ASCII), with no query or fragment; nil when
    /// nothing does.
    static func httpURLProblem(_ text: String) -> String? {
        guard text.hasPrefix("https://") || text.hasPrefix("http://") else { return "it starts with https:// or http://, in lower case" }
        let afterScheme = text.drop(while: { $0 != "/" }).dropFirst(2)
        let authority = afterScheme.prefix(while: { $0 != "/" })
        let path = afterScheme.dropFirst(authority.count)
        if let other = text.unicodeScalars.first(where: { !$0.isASCII }) {
            return authority.unicodeScalars.contains(other)
                ? "write a host with letters outside ASCII in its xn-- form, as browsers do"
                : "percent-encode U+\(String(other.value, radix: 16, uppercase: true)) in the path"
        }
        if text.contains("?") || text.contains("#") { return "no ? or #" }
        if authority.contains("@") { return "no user name or password before the host" }
        var host = Substring(authority)
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            host = authority[..<colon]
            let port = authority[authority.index(after: colon)...]
            guard port.allSatisfy({ ("0"..."9").contains($0) }), let number = Int(port), (1...65535).contains(number) else { return "a port is a number from 1 to 65535" }
        }
        let hostCharacters = host.hasPrefix("[") && host.hasSuffix("]")
            ? host.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
            : host.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }
        guard !host.isEmpty, hostCharacters else { return "a host is letters, digits, - and ." }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        if segments.contains(where: { $0 == "." || $0 == ".." }) { return "no . or .. in the path" }
        // `//evil.example` as the path made every root link (`//evil.example/assets/site.js`) a
        // link to another host.
        if segments.dropFirst().dropLast().contains("") { return "no empty segment (//) in the path" }
        if !path.allSatisfy({ $0.isLetter || $0.isNumber || "-._~!$&'()*+,;=:@/%".contains($0) }) { return "percent-encode spaces, quotes and the like in the path" }
        return nil
    }

    /// `referrer` is required; `friend` may be left out, by a program that gives friends nothing.
    private static func decodeRewards(_ reader: inout ObjectReader, currency: String) -> (referrer: Program.Reward, friend: Program.Reward?)? {
        guard var rewards = reader.object("rewards", required: true) else { return nil }
        rewards.warnAboutUnknownKeys(allowed: ["referrer", "friend"])
        var referrer: Program.Reward?
        var friend: Program.Reward?
        // A `friend` given (not left out or null) whose fields are wrong stops the load; its
        // errors say why.
        var friendIsWrong = false
        if var object = rewards.object("referrer", required: true) {
            object.warnAboutUnknownKeys(allowed: ["description", "amount"])
            let description = object.displayText("description", required: true, maxLength: 500).map(BidiControl.confined)
            let amount = object.money("amount", required: true, currency: currency)
            if let description, let amount { referrer = .init(description: description, amount: amount) }
            rewards.diagnostics(append: object)
        }
        if var object = rewards.object("friend", required: false) {
            object.warnAboutUnknownKeys(allowed: ["description", "amount"])
            let description = object.displayText("description", required: true, maxLength: 500).map(BidiControl.confined)
            let amount = object.money("amount", required: false, currency: currency) ?? 0
            if let description { friend = .init(description: description, amount: amount) } else { friendIsWrong = true }
            rewards.diagnostics(append: object)
        } else if rewards.hasValue("friend") {
            // Not an object (a string, say): its error is recorded; the load stops on it.
            friendIsWrong = true
        }
        reader.diagnostics(append: rewards)
        guard let referrer, !friendIsWrong else { return nil }
        return (referrer, friend)
    }

    private static func decodeTiers(_ reader: inout ObjectReader, currency: String) -> [Program.Tier] {
        guard let elements = reader.array("tiers", required: false) else { return [] }
        var tiers: [Program.Tier] = []
        var diagnostics = DiagnosticList()
        for (index, element) in elements.enumerated() {
            guard var tier = ObjectReader(element, file: reader.file, context: "program.tiers[\(index)]", diagnostics: &diagnostics) else { continue }
            tier.warnAboutUnknownKeys(allowed: ["name", "conversions", "bonus"])
            let name = tier.displayText("name", required: true, maxLength: 100).map(BidiControl.confined)
            let conversions = tier.integer("conversions", required: true, minimum: 1)
            let bonus = tier.money("bonus", required: false, currency: currency) ?? 0
            if let name, let conversions {
                // Listed in any order (DESIGN.md's tier is the highest one reached), kept by conversions.
                if tiers.contains(where: { $0.name == name }) {
                    tier.error("name", "tier name '\(name)' is used twice")
                } else if let same = tiers.first(where: { $0.conversions == conversions }) {
                    tier.error("conversions", "tiers \(same.name) and \(name) are both reached at \(conversions) conversion\(conversions == 1 ? "" : "s"); give each tier its own number")
                } else {
                    tiers.append(Program.Tier(name: name, conversions: conversions, bonus: bonus))
                }
            }
            diagnostics.append(contentsOf: tier.diagnostics.all)
        }
        reader.append(diagnostics)
        return tiers.sorted { $0.conversions < $1.conversions }
    }

    /// The server's own addresses, which the endpoint cannot take (`serve` would not start).
    static let serverPaths = ["/api/join", "/healthz", "/api/openapi.json", "/_advocate/reload"]
    /// The folders and files of the built site, which the endpoint cannot be in.
    static let sitePrefixes = ["/r/", "/stats/", "/assets/", "/terms/", "/faq/", "/stories/", "/messaging/", "/thanks/",
                               "/join/", "/leaderboard/", "/404.html", "/sitemap.xml", "/robots.txt"]

    /// A path the form can post to on this host: plain URL characters (a quote or a space would
    /// be no path), with no `.` or empty segment (a browser posts `/api/./x` to `/api/x`, where
    /// the server listens at the path as written), not one of the server's own addresses, and
    /// not in the site's pages or assets.
    static func isEndpointPath(_ endpoint: String) -> Bool {
        let segments = endpoint.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard !segments.dropLast().contains(where: { $0.isEmpty || $0 == "." }), segments.last != "." else { return false }
        let plain = endpoint.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || "-._~/".utf8.contains(byte)
        }
        let bare = endpoint.hasSuffix("/") && endpoint.count > 1 ? String(endpoint.dropLast()) : endpoint
        return plain && endpoint.hasPrefix("/") && !endpoint.hasPrefix("//") && !endpoint.contains("..") && endpoint != "/"
            && !serverPaths.contains(bare) && !sitePrefixes.contains { (bare + "/").hasPrefix($0) || bare == $0 }
    }

    private static func decodeBrand(_ reader: inout ObjectReader) -> Program.Brand? {
        guard var brand = reader.object("brand", required: false) else { return nil }
        brand.warnAboutUnknownKeys(allowed: ["color", "logo", "image"])
        var color = brand.string("color", required: false, maxLength: 200)
        if let value = color, !isHexColor(value) {
            brand.error("color", "field 'color' must be a hex colour such as #0b6e4f, found \"\(value)\"")
            color = nil
        }
        let logo = assetFileName("logo", example: "logo.svg", in: &brand)
        var image = assetFileName("image", example: "share.png", in: &brand)
        if let value = image, !previewImageExtensions.contains(value.split(separator: ".").last.map { $0.lowercased() } ?? "") {
            brand.error("image", "field 'image' must be a PNG, JPEG, GIF or WebP picture (link previews on social networks show no SVG), found \"\(value)\"; 1200×630 pixels suits every network")
            image = nil
        }
        reader.diagnostics(append: brand)
        return Program.Brand(color: color, colorLocation: brand.location(of: "color"), logo: logo, logoLocation: brand.location(of: "logo"), image: image, imageLocation: brand.location(of: "image"))
    }

    /// The file in content/assets/ that `key` names; nil, with an error, for a name that could
    /// reach outside that folder.
    private static func assetFileName(_ key: String, example: String, in brand: inout ObjectReader) -> String? {
        guard let value = brand.string(key, required: false, maxLength: 200) else { return nil }
        guard isSafeRelativePath(value) else {
            brand.error(key, "field '\(key)' must be a file name in content/assets/ such as \(example), found \"\(value)\": "
                        + "a name without spaces or control characters, none of its parts starting with a dot (so no ..); rename the file if needed")
            return nil
        }
        return value
    }

    /// The pictures social networks show in a link preview.
    private static let previewImageExtensions: Set<String> = ["png", "jpg", "jpeg", "gif", "webp"]

    private static func decodeGoals(_ reader: inout ObjectReader) -> Program.Goals? {
        guard var goals = reader.object("goals", required: false) else { return nil }
        goals.warnAboutUnknownKeys(allowed: ["referralsPerMonth", "conversionRate"])
        let referrals = goals.integer("referralsPerMonth", required: false, minimum: 1)
        var rate = goals.number("conversionRate", required: false)
        if let value = rate, value > 1 {
            goals.error("conversionRate", "field 'conversionRate' is a fraction between 0 and 1 (0.25 for 25%), found \(value)")
            rate = nil
        }
        reader.diagnostics(append: goals)
        return Program.Goals(referralsPerMonth: referrals, conversionRate: rate)
    }

    static func isHexColor(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        guard (utf8.count == 7 || utf8.count == 4), utf8[0] == UInt8(ascii: "#") else { return false }
        return utf8.dropFirst().allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || ($0 >= 0x41 && $0 <= 0x46) }
    }

    /// A relative path of plain segments: no `..`, no leading `/`, no backslashes or control characters.
    static func isSafeRelativePath(_ text: String) -> Bool {
        guard !text.isEmpty, !text.hasPrefix("/") else { return false }
        let segments = text.split(separator: "/", omittingEmptySubsequences: false)
        return segments.allSatisfy { segment in
            !segment.isEmpty && segment != "." && segment != ".." && !segment.hasPrefix(".")
                && segment.unicodeScalars.allSatisfy { $0.value > 0x20 && $0 != "\\" && $0.value != 0x7F }
        }
    }
}

extension ObjectReader {
    mutating func diagnostics(append other: ObjectReader) {
        append(other.diagnostics)
    }
}
