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

    /// A key typed short of its end names the one key it begins; a pasted no-break space is named.
    @Test func aKeyCutShortAndAnUnseenSpaceAreNamed() {
        let allowed = ["attributionWindowDays", "rewardHoldDays", "requireConsent", "tiers"]
        #expect(UnknownKey.closest(to: "attributionWindow", among: allowed) == "attributionWindowDays")
        #expect(UnknownKey.closest(to: "rewardHold", among: allowed) == "rewardHoldDays")
        #expect(UnknownKey.closest(to: "re", among: allowed) == nil)
        #expect(UnknownKey.closest(to: "requi", among: allowed + ["requirePhone"]) == nil, "two keys begin so")
        #expect(UnknownKey.warning("tiers\u{00A0}", allowed: allowed)
            == "unknown field 'tiers\u{00A0}' (it holds U+00A0, which looks like a space or nothing) is ignored; did you mean 'tiers'? (allowed: attributionWindowDays, requireConsent, rewardHoldDays, tiers)")
    }

    @Test(arguments: ["colour2x", "note", "x", "webhook_url"])
    func otherKeysOnlyListTheAllowedOnes(typed: String) {
        #expect(UnknownKey.closest(to: typed, among: ["body", "color", "logo", "subject"]) == nil)
        #expect(UnknownKey.warning(typed, allowed: ["subject", "body"]) == "unknown field '\(typed)' is ignored (allowed: body, subject)")
    }
}
