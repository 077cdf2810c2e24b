/// Where things live on the published site, and how links to them are written.
public struct SiteURLs: Sendable {
    /// The program's baseURL without a trailing slash, e.g. `https://refer.acme.example`.
    public let baseURL: String
    /// The path of the site root, ending in `/`: `/` unless baseURL has a path.
    public let root: String

    public init(baseURL: String) {
        var baseURL = Substring(baseURL)
        while baseURL.hasSuffix("/") { baseURL = baseURL.dropLast() }
        self.baseURL = String(baseURL)
        let afterScheme = baseURL.range(of: "://").map { baseURL[$0.upperBound...] } ?? baseURL[...]
        let path = afterScheme.drop { $0 != "/" }
        self.root = path.isEmpty ? "/" : (path.hasSuffix("/") ? String(path) : path + "/")
    }

    /// The absolute URL of a site path such as `/terms/`: baseURL already ends in the root's path
    /// (`https://example.com/refer` + `/terms/`).
    public func absolute(_ path: String) -> String {
        baseURL + path
    }

    /// A path on the site, with the root prefix: `/terms/` or `/refer/terms/`.
    public func path(_ path: String) -> String {
        root == "/" ? path : String(root.dropLast()) + path
    }

    /// Content's HTML with its root links (`href="/faq/"`, `src="/assets/…"`) below the site's
    /// root, as the theme's are; a link that already starts with the root is left as it is.
    /// cmark's safe mode writes every attribute itself (raw HTML is dropped and text's quotes are
    /// escaped), so `href="/` in its output is always a link's.
    public func rootingLinks(inHTML html: String) -> String {
        guard root != "/" else { return html }
        var output = ""
        var rest = html[...]
        let prefix = root.dropLast()
        while let attribute = rest.firstRange(of: "=\"/") {
            output += rest[..<attribute.upperBound]
            rest = rest[attribute.upperBound...]
            let before = output.utf8.dropLast(3).suffix(4)
            let isLink = before.elementsEqual("href".utf8) || before.suffix(3).elementsEqual("src".utf8)
            // `//host/…` is another host's; `/refer/faq/` already has the root.
            if isLink && !rest.hasPrefix("/") && !("/" + rest).hasPrefix(root) {
                output.removeLast()
                output += prefix + "/"
            }
        }
        output += rest
        return output
    }

    /// An email's Markdown as HTML (the /messaging/ preview) with each site link as the email
    /// gives it: from the site's root, below its path (`faq/` and `/faq/` as `/refer/faq/`).
    /// cmark's safe mode writes every attribute itself, so ` href="` in its output is a link's.
    public func rootingEmailLinks(inHTML html: String) -> String {
        var output = ""
        var rest = html[...]
        while let attribute = rest.firstRange(of: #/ (href|src)="/#) {
            output += rest[..<attribute.upperBound]
            rest = rest[attribute.upperBound...]
            let value = rest.prefix { $0 != "\"" }
            if let sitePath = Markdown.sitePath(ofEmailLink: String(value), siteRoot: root) {
                output += path(sitePath)
                rest = rest[value.endIndex...]
            }
        }
        return output + rest
    }

    /// A referrer's shareable page, `/r/<code>/`.
    public static func referrerPath(_ code: String) -> String { "/r/\(code)/" }
    /// A private stats page, `/stats/<token>/`.
    public static func statsPath(_ token: String) -> String { "/stats/\(token)/" }

    /// The absolute address of a private stats page (a referrer's, or the analytics page).
    public func statsURL(_ token: String) -> String {
        absolute(Self.statsPath(token))
    }

    /// The absolute address of `program`'s analytics page.
    public static func analyticsURL(of program: Program) -> String {
        SiteURLs(baseURL: program.baseURL).statsURL(program.analyticsToken)
    }

    /// The referrer's link, as shared: absolute, with `?src=` naming the channel when given.
    public func referrerLink(_ code: String, source: ReferralSource? = nil) -> String {
        let link = absolute(Self.referrerPath(code))
        return source.map { link + "?src=" + $0.rawValue } ?? link
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Percent-encodes everything but RFC 3986's unreserved characters, for query values.
    public static func percentEncode(_ text: String) -> String {
        var output: [UInt8] = []
        append(percentEncoding: text, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// The address of a file in content/assets/ (a brand's logo or picture), each part of its
    /// name percent-encoded: `a#b.svg` is `/assets/a%23b.svg`, where `#` would end the path.
    public static func assetPath(_ name: String) -> String {
        "/assets/" + name.split(separator: "/").map { percentEncode(String($0)) }.joined(separator: "/")
    }

    /// With `lineBreaksAsCRLF`, each line break (LF or CRLF) is written `%0D%0A`, as a mailto
    /// body's are (RFC 6068 §5); in this loop, since Foundation's replacing of the breaks first
    /// was 3 % of a build.
    private static func append(percentEncoding text: String, to output: inout [UInt8], lineBreaksAsCRLF: Bool = false) {
        // Written into a buffer of the longest it can be (a lone LF is six bytes), appended at
        // once: an array's append checked its capacity per byte, most of this loop's time.
        output.append(atMost: text.utf8.count * (lineBreaksAsCRLF ? 6 : 3)) { encoded in
            var previous: UInt8 = 0
            for byte in text.utf8 {
                defer { previous = byte }
                if lineBreaksAsCRLF, byte == 0x0A {
                    if previous != 0x0D { encoded.put("%0D") }
                    encoded.put("%0A")
                } else if isUnreserved(byte) {
                    encoded.put(byte)
                } else {
                    encoded.put(0x25)
                    encoded.put(hexDigits[Int(byte >> 4)])
                    encoded.put(hexDigits[Int(byte & 0x0F)])
                }
            }
        }
    }

    /// RFC 3986's unreserved characters, `A-Z a-z 0-9 - . _ ~`, in one test (eight comparisons a
    /// byte were 1.5 % of a build): bit n of the first mask for byte n, of the second for 64 + n.
    static func isUnreserved(_ byte: UInt8) -> Bool {
        if byte < 64 { return 0x3ff600000000000 as UInt64 >> byte & 1 == 1 }
        return byte < 128 && 0x47fffffe87fffffe as UInt64 >> (byte - 64) & 1 == 1
    }

    /// The share link for a channel, carrying the message text (and subject, for email). Made
    /// in one byte buffer: an encoded string per part, then an interpolation, was 1.9 % of a build.
    public static func shareURL(channel: MessageChannel, text: String, subject: String?, link: String) -> String {
        // Each part: the URL's literal text, then a value percent-encoded.
        let parts: [(literal: String, value: String)] = switch channel {
        case .email: [("mailto:?subject=", subject ?? ""), ("&body=", text)]
        case .sms: [("sms:?&body=", text)]
        case .whatsapp: [("https://wa.me/?text=", text)]
        case .x: [("https://x.com/intent/tweet?text=", text)]
        case .linkedin: [("https://www.linkedin.com/sharing/share-offsite/?url=", link)]
        }
        var url: [UInt8] = []
        for (literal, value) in parts {
            url.append(literal)
            append(percentEncoding: value, to: &url, lineBreaksAsCRLF: channel == .email)
        }
        return String(decoding: url, as: UTF8.self)
    }
}
