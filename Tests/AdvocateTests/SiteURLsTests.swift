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
}
