import Hummingbird

/// 405 with an Allow header for any method a path of the server's API does not take (TRACE,
/// QUERY or one no one has named yet), so clients generated from the OpenAPI document learn what
/// went wrong instead of getting the static site's 404.
struct MethodGuardMiddleware: RouterMiddleware {
    typealias Context = AdvocateRequestContext

    /// Path -> the methods it takes.
    let allowed: [String: Set<HTTPRequest.Method>]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The path as the router matches it, which takes `/api/referrals/` for the endpoint too.
        let raw = request.uri.path
        let path = raw.count > 1 && raw.hasSuffix("/") ? String(raw.dropLast()) : raw
        guard let methods = allowed[path], !methods.contains(request.method) else {
            return try await next(request, context)
        }
        let allow = methods.map(\.rawValue).sorted().joined(separator: ", ")
        // A JSON client gets problem details, as for the API's other errors.
        var response = FormIntake.problem(request.isJSONClient ? .json : .form, .methodNotAllowed, title: "Use \(allow).", errors: [])
        response.headers[.allow] = allow
        // Its kind depends on those headers: no shared cache hands one client's answer to another.
        response.headers[.vary] = "Accept, Content-Type"
        return response
    }
}
