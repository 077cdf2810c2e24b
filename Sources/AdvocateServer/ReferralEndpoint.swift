import Advocate
import Foundation
import Hummingbird
import Logging

/// `POST <endpoint>`: the HTML form (303 to the thank-you page, or a 422 page in the theme)
/// and JSON clients (201 with the id; errors as application/problem+json).
struct ReferralEndpoint: Sendable {
    let desk: ReferralDesk
    let intake: FormIntake
    let codeLimiter: RateLimiter
    let thanksPath: String
    let logger: Logger

    func handle(_ request: Request, context: AdvocateRequestContext) async throws -> Response {
        let kind: FormIntake.Kind
        var submission: ReferralSubmission
        switch await intake.read(request, context: context) {
        case .refused(let response): return response
        case .formOverLimit(let form, let wait):
            let page = await formPage(ReferralSubmission(formFields: form.fields), errors: ["form": FormIntake.overLimitMessage], status: .tooManyRequests)
            return FormIntake.retry(page, after: wait)
        case .form(let form):
            kind = .form
            submission = ReferralSubmission(formFields: form.fields)
            // Without JavaScript the form keeps its default source; the page's own `?src=` says
            // where the visit came from (a QR code's, a share link's).
            if submission.source == nil || submission.source == ReferralSource.link.rawValue,
               let source = FormIntake.sourceOfReferringPage(request) {
                submission.source = source.rawValue
            }
            if !form.unreadable.isEmpty, !submission.isBot {
                return await formPage(submission, errors: FormIntake.unreadableErrors(form))
            }
        case .json(let text):
            kind = .json
            switch intake.decodeJSON(text, invalidTitle: "Invalid referral", ReferralSubmission.init(json:)) {
            case .success(let decoded): submission = decoded
            case .failure(let refusal): return refusal.response
            }
        }
        // The per-code budget counts what could be recorded: a refusal that records nothing
        // (a friend's typo, an unknown code, a full disk) gives its token back, while a friend
        // already referred (409) keeps it, so asking who was referred stays as slow as before.
        let isLimitable = StoreRules.isValidCode(submission.referrer)
        let isLimited = !submission.isBot && isLimitable
        if isLimitable, let wait = codeLimiter.take(submission.referrer, charging: isLimited) {
            let title = "Too many referrals; please try again later"
            guard kind == .form else { return intake.tooManyRequests(kind, retryAfter: wait, title: title) }
            return FormIntake.retry(await formPage(submission, errors: ["form": title + "."], status: .tooManyRequests), after: wait)
        }
        let outcome = await desk.submit(submission)
        if isLimited, outcome.recordedNothing { codeLimiter.giveBack(submission.referrer) }
        switch outcome {
        case .recorded(let id), .ignoredBot(let id):
            return kind == .form ? intake.seeOther(thanksPath) : intake.json(.created, [("id", .string(id))])
        case .invalid(let errors):
            return kind == .json
                ? intake.problem(.json, .unprocessableContent, title: "Invalid referral", errors: errors.errors)
                : await formPage(submission, errors: errors.byField)
        case .conflict(let conflict):
            return kind == .json
                ? intake.problem(.json, .conflict, title: "Referral not accepted", errors: [conflict.fieldError])
                : await formPage(submission, errors: [conflict.fieldError.field: conflict.fieldError.message])
        case .failed:
            let title = "The referral could not be saved; please try again"
            return kind == .json
                ? intake.problem(.json, .serviceUnavailable, title: title, errors: [])
                : await formPage(submission, errors: ["form": title + "."], status: .serviceUnavailable)
        }
    }

    /// The referrer page again, with each error beside its field and what was typed kept, so a
    /// friend refused for a moment (429, 503) can send it again as it is.
    func formPage(_ submission: ReferralSubmission, errors: [String: String], status: HTTPResponse.Status = .unprocessableContent) async -> Response {
        let form = FormState(name: submission.name, email: submission.email, consent: submission.consent,
                             source: submission.source, variant: submission.variant,
                             errors: FormIntake.shownErrors(errors, pageFields: ["name", "email", "consent"]))
        return intake.page(await desk.formRenderer().renderReferralForm(code: submission.referrer, form: form), status: status, messages: errors)
    }
}
