import Advocate
import Foundation
import Hummingbird
import Logging
import NIOCore

/// `POST <endpoint>`: the HTML form (303 to the thank-you page, or a 422 page in the theme)
/// and JSON clients (201 with the id; errors as application/problem+json).
struct ReferralEndpoint: Sendable {
    let desk: ReferralDesk
    let ipLimiter: RateLimiter
    let codeLimiter: RateLimiter
    /// Origins allowed to post besides the server's own: the program's baseURL's.
    let allowedOrigins: Set<String>
    let thanksPath: String
    let logger: Logger

    enum Kind {
        case form, json
    }

    func handle(_ request: Request, context: AdvocateRequestContext) async throws -> Response {
        guard isSameSite(request) else {
            return plain(.forbidden, "Cross-site form posts are not accepted.")
        }
        let mediaType = request.headers[.contentType].flatMap(MediaType.init(from:))
        let kind: Kind
        switch (mediaType?.type, mediaType?.subType) {
        case (.application, "x-www-form-urlencoded"): kind = .form
        case (.application, "json"): kind = .json
        default:
            return plain(.unsupportedMediaType, "Send application/x-www-form-urlencoded or application/json.")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > ServerConfiguration.maximumBodySize {
            return problem(kind, .contentTooLarge, title: "Request body too large", errors: [])
        }
        if let wait = ipLimiter.take(context.clientIP ?? "unknown") {
            return tooManyRequests(kind, retryAfter: wait)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: ServerConfiguration.maximumBodySize)
        } catch {
            return problem(kind, .contentTooLarge, title: "Request body too large", errors: [])
        }
        let text = String(buffer: body)
        let submission: ReferralSubmission
        switch kind {
        case .form:
            submission = ReferralSubmission(formFields: FormDecoding.fields(text))
        case .json:
            do {
                submission = try ReferralSubmission(json: try JSONParser.parse(Array(text.utf8)))
            } catch let error as JSONParser.SyntaxError {
                return problem(.json, .badRequest, title: "Malformed JSON", detail: "\(error.message) at line \(error.location.line), column \(error.location.column)", errors: [])
            } catch let error as FieldErrors {
                return problem(.json, .unprocessableContent, title: "Invalid referral", errors: error.errors)
            }
        }
        if !submission.isBot, StoreRules.isValidCode(submission.referrer), let wait = codeLimiter.take(submission.referrer) {
            return tooManyRequests(kind, retryAfter: wait)
        }
        switch await desk.submit(submission) {
        case .recorded(let id), .ignoredBot(let id):
            return success(kind, id: id)
        case .invalid(let errors):
            return kind == .json
                ? problem(.json, .unprocessableContent, title: "Invalid referral", errors: errors.errors)
                : await formPage(submission, errors: errors.byField)
        case .conflict(let conflict):
            return kind == .json
                ? problem(.json, .conflict, title: "Referral not accepted", errors: [conflict.fieldError])
                : await formPage(submission, errors: [conflict.fieldError.field: conflict.fieldError.message])
        case .failed:
            return problem(kind, .serviceUnavailable, title: "The referral could not be saved; please try again", errors: [])
        }
    }

    /// No Origin header (same-origin navigation, curl) or one of the allowed origins.
    func isSameSite(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin] else { return true }
        if allowedOrigins.contains(origin) { return true }
        guard let host = request.head.authority else { return false }
        return origin == "http://\(host)" || origin == "https://\(host)"
    }

    func success(_ kind: Kind, id: String) -> Response {
        switch kind {
        case .form:
            return Response(status: .seeOther, headers: [.location: thanksPath, .cacheControl: "no-store"])
        case .json:
            let body = JSONOutput.object([("id", .string(id))]).serialized()
            return Response(status: .created, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
    }

    /// The referrer page again, with each error beside its field and what was typed kept.
    func formPage(_ submission: ReferralSubmission, errors: [String: String]) async -> Response {
        var shown = errors
        for field in ["referrer", "source", "variant", "body"] {
            if let message = shown.removeValue(forKey: field) { shown["form"] = message }
        }
        let form = FormState(name: submission.name, email: submission.email, consent: submission.consent,
                             source: submission.source, variant: submission.variant, errors: shown)
        guard let html = await desk.formRenderer.renderReferralForm(code: submission.referrer, form: form) else {
            return plain(.unprocessableContent, errors.values.sorted().joined(separator: "\n"))
        }
        return Response(status: .unprocessableContent, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func tooManyRequests(_ kind: Kind, retryAfter: Int) -> Response {
        var response = problem(kind, .tooManyRequests, title: "Too many referrals; please try again later", errors: [])
        response.headers[.retryAfter] = String(retryAfter)
        return response
    }

    /// RFC 9457 problem details for JSON clients; plain text for forms.
    func problem(_ kind: Kind, _ status: HTTPResponse.Status, title: String, detail: String? = nil, errors: [FieldError]) -> Response {
        guard kind == .json else { return plain(status, ([title] + errors.map(\.message)).joined(separator: "\n")) }
        var members: [(String, JSONOutput)] = [("type", .string("about:blank")), ("title", .string(title)), ("status", .number(Double(status.code)))]
        if let detail = detail ?? (errors.isEmpty ? nil : errors.map { "\($0.field): \($0.message)" }.joined(separator: " ")) {
            members.append(("detail", .string(detail)))
        }
        if !errors.isEmpty {
            members.append(("errors", .array(errors.map { .object([("field", .string($0.field)), ("message", .string($0.message))]) })))
        }
        return Response(status: status, headers: [.contentType: "application/problem+json"],
                        body: .init(byteBuffer: ByteBuffer(string: JSONOutput.object(members).serialized())))
    }

    func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
    }
}
