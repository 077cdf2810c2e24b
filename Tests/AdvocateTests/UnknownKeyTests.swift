@testable import Advocate
import Testing

/// A key nothing reads names the one meant when it is a near miss, and only then.
struct UnknownKeyTests {
    @Test(arguments: [
        ("baseUrl", "baseURL"), ("BASEURL", "baseURL"), ("requireConsnet", "requireConsent"), ("tier", "tiers"),
        ("curency", "currency"),
    ])
    func nearMissesNameTheKeyMeant(typed: String, meant: String) {
        let allowed = ["analyticsToken", "baseURL", "currency", "name", "requireConsent", "tiers"]
        #expect(UnknownKey.closest(to: typed, among: allowed) == meant)
        #expect(UnknownKey.warning(typed, allowed: allowed).contains("; did you mean '\(meant)'? (allowed: analyticsToken, baseURL,"))
    }

    @Test(arguments: ["colour2x", "note", "x", "webhook_url"])
    func otherKeysOnlyListTheAllowedOnes(typed: String) {
        #expect(UnknownKey.closest(to: typed, among: ["body", "color", "logo", "subject"]) == nil)
        #expect(UnknownKey.warning(typed, allowed: ["subject", "body"]) == "unknown field '\(typed)' is ignored (allowed: body, subject)")
    }
}
