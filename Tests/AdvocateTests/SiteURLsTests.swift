import Foundation
import Testing
@testable import Advocate

@Suite struct SiteURLsTests {
    /// Everything but RFC 3986's unreserved characters is encoded, byte by byte of UTF-8, as Foundation does.
    @Test(arguments: ["", "plain-text_1.2~", "Ada invites you: 20% off!", "naïve café 日本 👋🏽", "a+b=c&d/e?f#g\n\"<>"])
    func percentEncodingMatchesFoundation(text: String) {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        #expect(SiteURLs.percentEncode(text) == text.addingPercentEncoding(withAllowedCharacters: unreserved))
    }

    /// A baseURL with a path puts the site below it: links and absolute URLs carry the path once.
    @Test(arguments: ["https://example.com/refer", "https://example.com/refer/"])
    func aBaseURLWithAPathPrefixesEveryAddressOnce(baseURL: String) {
        let urls = SiteURLs(baseURL: baseURL)
        #expect(urls.root == "/refer/")
        #expect(urls.path("/terms/") == "/refer/terms/")
        #expect(urls.absolute("/terms/") == "https://example.com/refer/terms/")
        #expect(urls.referrerLink("ada", source: .qr) == "https://example.com/refer/r/ada/?src=qr")
    }

    @Test func aBaseURLWithoutAPathIsTheSiteRoot() {
        let urls = SiteURLs(baseURL: "https://refer.acme.example")
        #expect(urls.root == "/")
        #expect(urls.path("/terms/") == "/terms/")
        #expect(urls.absolute("/sitemap.xml") == "https://refer.acme.example/sitemap.xml")
    }

    /// A mailto body's line breaks are CRLF (RFC 6068 §5), whichever a message was written with;
    /// other channels keep the message's own.
    @Test func anEmailShareBreaksLinesWithCRLF() {
        let link = "https://refer.acme.example/r/ada/?src=email"
        let email = SiteURLs.shareURL(channel: .email, text: "Hello,\n\nClaim it:\r\n\(link)", subject: "Hi", link: link)
        #expect(email.hasPrefix("mailto:?subject=Hi&body=Hello%2C%0D%0A%0D%0AClaim%20it%3A%0D%0Ahttps%3A"), "\(email)")
        let whatsapp = SiteURLs.shareURL(channel: .whatsapp, text: "Hello,\nClaim it", subject: nil, link: link)
        #expect(whatsapp == "https://wa.me/?text=Hello%2C%0AClaim%20it")
    }
}
