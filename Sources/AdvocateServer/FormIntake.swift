import Advocate
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

/// What the referral and the join endpoint share: the Origin check, the content type, the body
/// limit, the per-IP rate limit, and the shapes of their answers (303 for forms, JSON and
/// application/problem+json for API clients).
struct FormIntake: Sendable {
    let ipLimiter: RateLimiter
    /// Origins allowed to post besides the server's own: the program's baseURL's.
    let allowedOrigins: Set<String>

    enum Kind {
        case form, json
    }

    /// A form's fields, a JSON text to decode, or the answer when the request is refused first.
    enum Reading {
        case form(FormDecoding.Form)
        /// A form over the per-IP limit, read so that its page can come back with what was typed.
        case formOverLimit(FormDecoding.Form, retryAfter: Int)
        case json(String)
        case refused(Response)
    }

    /// The form page's message for ``Reading/formOverLimit(_:retryAfter:)``.
    static let overLimitMessage = "Too many requests from your network; please try again in a minute."

    /// Checks the Origin, the content type, the size and the per-IP limit, then reads the body.
    func read(_ request: Request, context: AdvocateRequestContext) async -> Reading {
        let contentType = request.headers[.contentType] ?? ""
        let kind: Kind? = switch Self.essence(contentType) {
        case "application/x-www-form-urlencoded": .form
        case "application/json": .json
        default: nil
        }
        // A body of another type is answered as its sender reads: plain text for a browser (an
        // HTML form with another enctype), problem details for an API client.
        let answerKind = kind ?? (Self.acceptsHTML(request) ? .form : .json)
        guard isSameSite(request) else {
            return .refused(problem(answerKind, .forbidden, title: "Cross-site posts are not accepted", errors: []))
        }
        guard let kind else {
            return .refused(problem(answerKind, .unsupportedMediaType, title: "Send application/x-www-form-urlencoded or application/json.", errors: []))
        }
        // A compressed body would be read as text and refused as "not UTF-8": say what it is.
        if let encoding = request.headers[.contentEncoding], encoding.lowercased().trimmingCharacters(in: .whitespaces) != "identity" {
            return .refused(problem(kind, .unsupportedMediaType, title: "Send the body uncompressed (Content-Encoding \(encoding) is not read).", errors: []))
        }
        let charset = FormDecoding.Charset(contentType: contentType)
        guard let charset, kind == .form || charset == .utf8 else {
            return .refused(problem(kind, .unsupportedMediaType, title: "Send the body as UTF-8 (a form may also be Latin-1).", errors: []))
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > ServerConfiguration.maximumBodySize {
            return .refused(problem(kind, .contentTooLarge, title: "Request body too large", errors: []))
        }
        let wait = ipLimiter.take(context.clientIP.map(IPAddress.rateLimitKey) ?? "unknown")
        if let wait, kind == .json {
            return .refused(tooManyRequests(kind, retryAfter: wait))
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: ServerConfiguration.maximumBodySize)
        } catch is NIOTooManyBytesError {
            return .refused(problem(kind, .contentTooLarge, title: "Request body too large", errors: []))
        } catch is HTTP1ConformingChannel.BodyDeadlinePassed {
            // ``HTTP1ConformingChannel`` has answered 408 and closed the connection: this answer is for the access log.
            return .refused(problem(kind, .requestTimeout, title: "The request body did not arrive whole", errors: []))
        } catch is HTTPParserError {
            // Malformed framing (a chunk size that is no number) or a body cut short: the
            // client's request is wrong, and a 408 would have it sent again as it was.
            return .refused(problem(kind, .badRequest, title: "The request body is malformed or cut short", errors: []))
        } catch {
            // The client went away mid-body: this answer is for the access log.
            return .refused(problem(kind, .requestTimeout, title: "The request body did not arrive whole", errors: []))
        }
        // JSON must be UTF-8 (RFC 8259): a name read with replacement characters would be kept
        // garbled in the journal. A form's bytes are percent-escapes, decoded field by field.
        guard kind == .json else {
            let form = FormDecoding.form(body.readableBytesView, charset: charset)
            return wait.map { .formOverLimit(form, retryAfter: $0) } ?? .form(form)
        }
        guard let text = String(validating: body.readableBytesView, as: UTF8.self) else {
            return .refused(problem(.json, .badRequest, title: "Malformed JSON", detail: "the body is not UTF-8 text", errors: []))
        }
        // A byte order mark, which RFC 8259 lets a parser ignore (Windows tools write one).
        return .json(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
    }

    /// The `src` of the page a form was posted from: its Referer, which browsers send whole for a
    /// site's own pages. Nil without one, or with a value that is not a source.
    static func sourceOfReferringPage(_ request: Request) -> ReferralSource? {
        guard let referer = request.headers[.referer], let page = URLComponents(string: referer),
              let value = page.queryItems?.first(where: { $0.name == "src" })?.value else { return nil }
        return ReferralSource(rawValue: value)
    }

    /// Whether the client takes HTML, as browsers say in every navigation's Accept.
    static func acceptsHTML(_ request: Request) -> Bool {
        request.headers[values: .accept].contains { $0.lowercased().contains("text/html") }
    }

    /// An error beside each field of `form` whose text could not be read, to be typed again.
    static func unreadableErrors(_ form: FormDecoding.Form) -> [String: String] {
        Dictionary(uniqueKeysWithValues: form.unreadable.map { ($0, "This was not sent as UTF-8 text; please type it again.") })
    }

    /// A Content-Type's type and subtype, lower-cased, without its parameters. Hummingbird's
    /// MediaType refuses whitespace before the `;`, which RFC 9110 allows
    /// (`application/json ; charset=utf-8`), and the parameters are not needed here.
    static func essence(_ contentType: String) -> String {
        let type = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return type.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// Parses a JSON body and decodes it; malformed JSON is 400, wrong field types 422.
    func decodeJSON<Value>(_ text: String, invalidTitle: String, _ decode: (JSONNode) throws(FieldErrors) -> Value) -> Result<Value, ResponseError> {
        do {
            return .success(try decode(try JSONParser.parse(Array(text.utf8))))
        } catch let error as JSONParser.SyntaxError {
            return .failure(ResponseError(problem(.json, .badRequest, title: "Malformed JSON",
                                                  detail: "\(error.message) at line \(error.location.line), column \(error.location.column)", errors: [])))
        } catch let error as FieldErrors {
            return .failure(ResponseError(problem(.json, .unprocessableContent, title: invalidTitle, errors: error.errors)))
        } catch {
            return .failure(ResponseError(problem(.json, .badRequest, title: "Malformed JSON", errors: [])))
        }
    }

    /// An answer carried as an error, so decoding can return either.
    struct ResponseError: Error {
        let response: Response
        init(_ response: Response) { self.response = response }
    }

    /// No Origin header (curl), an opaque one (`null`: browsers send it for a page's own form
    /// when the host sets `Referrer-Policy: no-referrer`, so it names no site) unless the browser
    /// says in `Sec-Fetch-Site` that the post comes from anywhere but this origin (a sandboxed
    /// frame, a `data:` page; `same-site`, a sibling port or subdomain, which may be anyone's
    /// page and sends `null` just by setting `no-referrer` itself), or one of the allowed origins
    /// or the server's own (its Host), compared as serialized origins.
    func isSameSite(_ request: Request) -> Bool {
        guard let header = request.headers[.origin], header != "null" else {
            return request.headers[Self.fetchSite].map { $0.lowercased() == "same-origin" } ?? true
        }
        guard let origin = Self.serializedOrigin(header) else { return false }
        if allowedOrigins.contains(origin) { return true }
        guard let host = request.head.authority else { return false }
        return ["http", "https"].contains { Self.serializedOrigin("\($0)://\(host)") == origin }
    }

    private static let fetchSite = HTTPField.Name("Sec-Fetch-Site")!

    /// An origin as RFC 6454 serializes it (`scheme://host[:port]`): scheme and host lower-cased,
    /// the scheme's default port left out, any path dropped; nil for text that names no http(s) host.
    static func serializedOrigin(_ text: String) -> String? {
        guard let parts = URLComponents(string: text), let scheme = parts.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = parts.host?.lowercased(), !host.isEmpty else { return nil }
        let defaultPort = scheme == "https" ? 443 : 80
        return scheme + "://" + (host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host)
            + (parts.port.map { $0 == defaultPort ? "" : ":\($0)" } ?? "")
    }

    func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    func json(_ status: HTTPResponse.Status, _ members: [(String, JSONOutput)]) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: JSONOutput.object(members).serialized())))
    }

    /// A form page rendered by the theme, answered with `status`; the messages in plain text
    /// when the theme rendered none (a code no referrer has, say).
    func page(_ html: String?, status: HTTPResponse.Status, messages: [String: String]) -> Response {
        guard let html else { return .plainText(status, messages.values.sorted().joined(separator: "\n")) }
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func tooManyRequests(_ kind: Kind, retryAfter: Int, title: String = "Too many requests; please try again later") -> Response {
        Self.retry(problem(kind, .tooManyRequests, title: title, errors: []), after: retryAfter)
    }

    /// `response` with `Retry-After: seconds`.
    static func retry(_ response: Response, after seconds: Int) -> Response {
        var response = response
        response.headers[.retryAfter] = String(seconds)
        return response
    }

    /// RFC 9457 problem details for JSON clients; plain text for forms.
    /// The answer to a refused request: for JSON clients RFC 9457 problem details, whose `title`
    /// is the status's own phrase (as RFC 9457 §4.2.1 asks of type `about:blank`) and whose
    /// `detail` says what was wrong (`title` here, then `detail` or each field's message).
    func problem(_ kind: Kind, _ status: HTTPResponse.Status, title: String, detail: String? = nil, errors: [FieldError]) -> Response {
        Self.problem(kind, status, title: title, detail: detail, errors: errors)
    }

    static func problem(_ kind: Kind, _ status: HTTPResponse.Status, title: String, detail: String? = nil, errors: [FieldError]) -> Response {
        guard kind == .json else { return .plainText(status, ([title] + errors.map(\.message)).joined(separator: "\n")) }
        var members: [(String, JSONOutput)] = [("type", .string("about:blank")), ("title", .string(status.reasonPhrase)), ("status", .number(Double(status.code)))]
        let specifics = detail ?? (errors.isEmpty ? nil : errors.map { "\($0.field): \($0.message)" }.joined(separator: " "))
        let said = title.hasSuffix(".") ? String(title.dropLast()) : title
        members.append(("detail", .string(specifics.map { "\(said): \($0)" } ?? title)))
        if !errors.isEmpty {
            members.append(("errors", .array(errors.map { .object([("field", .string($0.field)), ("message", .string($0.message))]) })))
        }
        return Response(status: status, headers: [.contentType: "application/problem+json"],
                        body: .init(byteBuffer: ByteBuffer(string: JSONOutput.object(members).serialized())))
    }

    /// Form field messages for a page: those of fields the page has no place for (the hidden
    /// referrer, source and variant) are all shown together under `form`.
    static func shownErrors(_ errors: [String: String], pageFields: Set<String>) -> [String: String] {
        var shown: [String: String] = [:]
        for (field, message) in errors.sorted(by: { $0.key < $1.key }) {
            let key = pageFields.contains(field) ? field : "form"
            shown[key] = shown[key].map { $0 + " " + message } ?? message
        }
        return shown
    }
}
