import Testing
@testable import Advocate

/// The form's consent checkbox: present means ticked (DESIGN.md: "present or true").
@Suite struct ConsentCheckboxTests {
    @Test(arguments: ["on", "true", "1", "yes", "", "TRUE"])
    func aPresentCheckboxIsConsent(value: String) {
        #expect(ReferralSubmission(formFields: ["referrer": "ada", "consent": value]).consent)
    }

    @Test(arguments: ["false", "0", "off", "no", "Off"])
    func aScriptSayingNoIsNotConsent(value: String) {
        #expect(!ReferralSubmission(formFields: ["referrer": "ada", "consent": value]).consent)
    }

    @Test func anAbsentCheckboxIsNotConsent() {
        #expect(!ReferralSubmission(formFields: ["referrer": "ada"]).consent)
    }
}
