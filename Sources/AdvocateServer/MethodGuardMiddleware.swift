import Hummingbird

/// 405 with an Allow header for any method a path of the server's API does not take (TRACE,
/// QUERY or one no one has named yet), so clients generated from the OpenAPI document learn what
/// went wrong instead of getting the static site's 404.
struct MethodGuardMiddleware: RouterMiddleware {
    typealias Context = AdvocateRequestContext

    /// Path -> the methods it takes.
    let allowed: [String: Set<HTTPRequest.Method>]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let methods = allowed[request.uri.path], !methods.contains(request.method) else {
            return try await next(request, context)
        }
        let allow = methods.map(\.rawValue).sorted().joined(separator: ", ")
        // A JSON client (what it sends or accepts) gets problem details, as for the API's other errors.
        let isJSON = [request.headers[.contentType], request.headers[.accept]].contains { $0?.lowercased().contains("json") == true }
        var response = FormIntake.problem(isJSON ? .json : .form, .methodNotAllowed, title: "Use \(allow).", errors: [])
        response.headers[.allow] = allow
        return response
    }
}
