import Advocate
import Hummingbird

/// `POST /api/join`: the join form (303 to the "check your inbox" page, or the join page again
/// with each error beside its field) and JSON clients (202; errors as application/problem+json).
/// A new member and a member joining again get the same answer.
struct JoinEndpoint: Sendable {
    let desk: ReferralDesk
    let intake: FormIntake
    /// Joins per email an hour (the same budget as referrals per code): each join sends an email.
    let emailLimiter: RateLimiter
    let sentPath: String

    func handle(_ request: Request, context: AdvocateRequestContext) async throws -> Response {
        let kind: FormIntake.Kind
        let submission: JoinSubmission
        switch await intake.read(request, context: context) {
        case .refused(let response): return response
        case .formOverLimit(let form, let wait):
            let page = await formPage(JoinSubmission(formFields: form.fields), errors: ["form": FormIntake.overLimitMessage], status: .tooManyRequests)
            return FormIntake.retry(page, after: wait)
        case .form(let form):
            kind = .form
            submission = JoinSubmission(formFields: form.fields)
            if !form.unreadable.isEmpty, !submission.isBot {
                return await formPage(submission, errors: FormIntake.unreadableErrors(form))
            }
        case .json(let text):
            kind = .json
            switch intake.decodeJSON(text, invalidTitle: "Invalid details", JoinSubmission.init(json:)) {
            case .success(let decoded): submission = decoded
            case .failure(let refusal): return refusal.response
            }
        }
        let email = StoreRules.normalizedEmail(submission.email)
        let isLimitable = StoreRules.isPlausibleEmail(email)
        let isLimited = !submission.isBot && isLimitable
        if isLimitable, let wait = emailLimiter.take("join:" + email, charging: isLimited) {
            guard kind == .form else { return intake.tooManyRequests(kind, retryAfter: wait) }
            return FormIntake.retry(await formPage(submission, errors: ["form": "Too many requests; please try again later."], status: .tooManyRequests), after: wait)
        }
        let outcome = await desk.join(submission)
        if isLimited, outcome.recordedNothing { emailLimiter.giveBack("join:" + email) }
        switch outcome {
        case .sent, .ignoredBot:
            return kind == .form
                ? intake.seeOther(sentPath)
                : intake.json(.accepted, [("status", .string("sent")), ("message", .string("Check your inbox: your links are on their way."))])
        case .invalid(let errors):
            return kind == .json
                ? intake.problem(.json, .unprocessableContent, title: "Invalid details", errors: errors.errors)
                : await formPage(submission, errors: errors.byField)
        case .failed:
            let title = "Your details could not be saved; please try again"
            return kind == .json
                ? intake.problem(.json, .serviceUnavailable, title: title, errors: [])
                : await formPage(submission, errors: ["form": title + "."], status: .serviceUnavailable)
        }
    }

    /// The join page again, with each error beside its field and what was typed kept.
    func formPage(_ submission: JoinSubmission, errors: [String: String], status: HTTPResponse.Status = .unprocessableContent) async -> Response {
        let form = FormState(name: submission.name, email: submission.email, consent: submission.consent,
                             errors: FormIntake.shownErrors(errors, pageFields: ["name", "email", "consent"]))
        return intake.page(await desk.formRenderer().renderJoinForm(form), status: status, messages: errors)
    }
}
