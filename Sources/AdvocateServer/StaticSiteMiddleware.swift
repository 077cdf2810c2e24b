import Advocate
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Wraps the static files: the site's own 404 page for misses, 404 for the `/stats/` folder
/// itself, `Cache-Control: no-store` (and no Referer) for private pages, and cache headers by kind.
struct StaticSiteMiddleware: RouterMiddleware {
    typealias Context = AdvocateRequestContext

    let outputDirectory: String
    let root: String

    /// Every answer below the private folder, a 404 or a 405 as much as a page, is kept out of
    /// caches, Referer headers and search engines.
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = RequestPath.normalized(request.uri.path), isPrivate = Self.isPrivate(path, root: root)
        var response = try await answer(request, path: path, isPrivate: isPrivate, context: context, next: next)
        if isPrivate {
            response.headers[.cacheControl] = "no-store"
            response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
            response.headers[HTTPField.Name("X-Robots-Tag")!] = "noindex"
        }
        return response
    }

    /// The answer to `request`, whose normalized path is `path`.
    private func answer(_ request: Request, path: String, isPrivate: Bool, context: Context,
                        next: (Request, Context) async throws -> Response) async throws -> Response {
        if path.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            // A NUL would cut the path short at the file system (`/stats%00/` named the folder).
            return Self.badRequest("A page address cannot hold control characters.")
        }
        if root != "/" && path == "/" {
            // The site lives below the baseURL's path: the host's root leads there, with the
            // query (`/?src=email` keeps its source).
            let query = Self.query(of: request)
            return Response(status: .found, headers: [.location: root + query, .cacheControl: "no-cache"])
        }
        if root != "/" && path == String(root.dropLast()) {
            // The base path without its slash (`/refer`) is the site's root folder: sent to it
            // with the slash, as any folder is, so relative addresses resolve below it.
            let query = Self.query(of: request)
            return Response(status: .movedPermanently, headers: [.location: root + query])
        }
        if root != "/" && path == "/robots.txt" {
            // The server holds the host's root too (`/` leads below it), and crawlers read
            // robots.txt only there: the site's own, whose lines name the pages below the path.
            var head = request.head
            let robots = root + "robots.txt"
            head.path = robots
            return try await answer(Request(head: head, body: request.body), path: robots, isPrivate: false, context: context, next: next)
        }
        if Self.isHidden(path) {
            // The build writes no such file: a public/ kept as a git worktree (gh-pages) has a
            // .git/ there, and a host's .env may sit beside the pages.
            return notFound(request, isPrivate: false)
        }
        let privatePrefix = root + "stats/"
        // Compared without case: on a case-insensitive disk (macOS's default) /STATS/<token>/
        // serves the same page, and must be as private.
        let folded = path.lowercased()
        if folded == privatePrefix.lowercased() || folded == String(privatePrefix.dropLast()).lowercased() {
            // Nothing lists the private folder.
            return notFound(request, isPrivate: true)
        }
        let isRead = request.method == .get || request.method == .head
        let validator = isRead && path.hasPrefix(root) && !path.split(separator: "/").contains("..")
            ? FileValidator(request: request, file: Paths.join(outputDirectory, String(path.dropFirst(root.count)))) : nil
        var response: Response
        if let validator, let refusal = validator.failedPrecondition() {
            response = refusal
        } else if let validator, validator.range == .unsatisfiable, !validator.isNotModified {
            // If-None-Match comes before Range (RFC 9110 §13.2.2): a client holding the file gets 304.
            response = validator.unsatisfiableRange()
        } else {
            do {
                response = try await next(validator?.forwarded(request) ?? request, context)
            } catch let error as HTTPError where error.status == .notFound {
                return miss(request, path: path, isPrivate: isPrivate)
            } catch let error as HTTPError where error.status == .badRequest {
                // FileMiddleware's own answer for a path it cannot decode (`/%zz`) or that climbs
                // out of the folder (`/../`) is JSON.
                return Self.badRequest(path.split(separator: "/").contains("..")
                    ? "A page address cannot climb out of the site with \"..\"."
                    : "A page address must be valid percent-encoding (%zz is not).")
            }
        }
        if response.status == .notFound && request.method != .head {
            return miss(request, path: path, isPrivate: isPrivate)
        }
        if response.status == .movedPermanently, response.headers[.location] != nil {
            // FileMiddleware's redirect to a folder's slash is the decoded request path plus a
            // slash, without the base path it removed: `//stats/<token>` would send the browser,
            // and the token, to a host named "stats". The normalized path, encoded, stays here,
            // with the query (`/r/ada?src=email` keeps its source).
            let query = Self.query(of: request)
            // A path that already ends in one (`/terms/.`, its dot collapsed) is not given two.
            response.headers[.location] = RequestPath.encoded(path) + (path.hasSuffix("/") ? "" : "/") + query
        }
        // A response that sets its own caching is not the file as it is on disk (the page with
        // the live-reload script): the file's tag would describe other bytes. Nor is an error
        // (416 for a range past the end), which a shared cache must not keep for the file's hour.
        let isTheFile = response.headers[.cacheControl] == nil && response.status.code < 400
        if isTheFile {
            response.headers[.cacheControl] = Self.cacheControl(for: path, root: root)
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        if response.headers[.contentType] == nil, isTheFile || response.status == .notModified {
            response.headers[.contentType] = Self.typeHummingbirdDoesNotKnow(path)
        }
        if let type = response.headers[.contentType] {
            response.headers[.contentType] = Self.withCharset(type)
            // An SVG opened by its own address is a document of this site, where the private
            // stats pages are: nothing in it may run (a logo's script that `check` missed).
            if type.hasPrefix("image/svg+xml") { response.headers[.contentSecurityPolicy] = Self.svgPolicy }
        }
        guard isTheFile, let validator else { return response }
        return validator.apply(to: response)
    }

    /// What an SVG served by its address may do: show itself and its own styles, nothing else.
    static let svgPolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

    /// The request's query with its `?`, for a redirect that keeps it; empty when it has none.
    static func query(of request: Request) -> String {
        request.uri.query.map { $0.isEmpty ? "" : "?" + $0 } ?? ""
    }

    /// The type of a file whose extension FileMiddleware's table lacks (an AVIF picture, a
    /// "save contact" card, a feed), which went out with `nosniff` and no type at all, so that
    /// browsers would not show it; bytes of no known kind otherwise (RFC 9110 §8.3).
    static func typeHummingbirdDoesNotKnow(_ path: String) -> String {
        let types = ["avif": "image/avif", "apng": "image/apng", "heic": "image/heic", "rss": "application/rss+xml",
                     "atom": "application/atom+xml", "vcf": "text/vcard", "map": "application/json",
                     "md": "text/markdown", "geojson": "application/geo+json"]
        let name = path.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: ".") else { return "application/octet-stream" }
        return types[name[name.index(after: dot)...].lowercased()] ?? "application/octet-stream"
    }

    /// A text type with `charset=utf-8` (every file the build writes is UTF-8), so that nothing
    /// is left to guess from the bytes: FileMiddleware names the type alone.
    static func withCharset(_ type: String) -> String {
        let isText = type.hasPrefix("text/") || type == "application/xml" || type == "image/svg+xml"
        return isText && !type.lowercased().contains("charset=") ? type + "; charset=utf-8" : type
    }

    static func badRequest(_ message: String) -> Response {
        .plainText(.badRequest, message, headers: [.cacheControl: "no-store", .xContentTypeOptions: "nosniff"])
    }

    /// What a path below the site's root names: a file of the site, or a page (a folder with an index).
    private enum Published { case file, page }

    private func published(_ path: String) -> Published? {
        guard path.hasPrefix(root), !path.split(separator: "/").contains("..") else { return nil }
        let file = Paths.join(outputDirectory, String(path.dropFirst(root.count)))
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isFolder) else { return nil }
        guard isFolder.boolValue else { return .file }
        return FileManager.default.fileExists(atPath: Paths.join(file, "index.html")) ? .page : nil
    }

    /// Whether `path` (below the site's root) names a file of the site, or a folder with an index.
    private func isPublished(_ path: String) -> Bool {
        published(path) != nil
    }

    /// Whether `path` names a dotfile or goes through a dot-folder, `.well-known/` (ACME,
    /// security.txt) aside; `..` is FileMiddleware's to refuse.
    static func isHidden(_ path: String) -> Bool {
        path.contains("/.") && path.split(separator: "/").contains { $0.hasPrefix(".") && $0 != ".." && $0 != ".well-known" }
    }

    /// Whether `path` is the private folder or below it, in any case.
    static func isPrivate(_ path: String, root: String) -> Bool {
        let folded = path.lowercased(), folder = (root + "stats").lowercased()
        return folded == folder || folded.hasPrefix(folder + "/")
    }

    static func cacheControl(for path: String, root: String) -> String {
        if isPrivate(path, root: root) { return "no-store" }
        if path.hasPrefix(root + "assets/") { return "public, max-age=3600" }
        return "no-cache"
    }

    /// Nothing answered: 405 for a method other than GET and HEAD on a page that exists (a POST
    /// from a theme's form without its action, say), rather than claiming the page does not exist;
    /// else the site's 404.
    func miss(_ request: Request, path: String, isPrivate: Bool) -> Response {
        if let share = shareLinkInLowerCase(path), request.method == .get || request.method == .head {
            let query = Self.query(of: request)
            return Response(status: .movedPermanently, headers: [.location: RequestPath.encoded(share) + query, .cacheControl: "no-cache"])
        }
        guard request.method != .get, request.method != .head, isPublished(path) else { return notFound(request, isPrivate: isPrivate) }
        var response = FormIntake.problem(request.isJSONClient ? .json : .form, .methodNotAllowed,
                                          title: "This page takes GET and HEAD; the referral form posts to the endpoint.", errors: [])
        response.headers[.allow] = "GET, HEAD"
        response.headers[.vary] = "Accept, Content-Type"
        return response
    }

    /// A share link typed or auto-capitalised in capitals (`/r/ADA/`, `/R/Ada`) as the referrer's
    /// page it means, `/r/ada/`, when there is one: codes are lower case, and a friend's phone
    /// that capitalised the link got "not found".
    private func shareLinkInLowerCase(_ path: String) -> String? {
        // Below the base path as it is written (`/Refer/`), which may have capitals of its own.
        guard path.lowercased().hasPrefix(root.lowercased()) else { return nil }
        let lower = root + path.dropFirst(root.count).lowercased()
        guard lower != path, lower.hasPrefix(root + "r/") else { return nil }
        // The page, or a file of it (`/r/ADA/qr.svg`).
        switch published(lower) {
        case .file: return lower.hasSuffix("/") ? nil : lower
        case .page: return lower.hasSuffix("/") ? lower : lower + "/"
        case nil: return nil
        }
    }

    /// The site's 404.html with status 404 (plain text when the site has none; problem details
    /// for a JSON client, whose mistyped API path is not a page it can show); HEAD gets the same
    /// headers, its Content-Length included, without the body.
    func notFound(_ request: Request, isPrivate: Bool) -> Response {
        var headers: HTTPFields = [.cacheControl: isPrivate ? "no-store" : "no-cache", .vary: "Accept, Content-Type", .xContentTypeOptions: "nosniff"]
        var response: Response
        if request.isJSONClient {
            response = FormIntake.problem(.json, .notFound, title: "Nothing is at this address",
                                          detail: "the API's paths are described at \(OpenAPIDocument.path)", errors: [])
            response.headers.append(contentsOf: headers)
        } else if let data = FileManager.default.contents(atPath: Paths.join(outputDirectory, "404.html")) {
            headers[.contentType] = "text/html; charset=utf-8"
            response = Response(status: .notFound, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        } else {
            headers[.contentType] = "text/plain; charset=utf-8"
            response = Response(status: .notFound, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "Not found\n")))
        }
        return request.method == .head ? response.createHeadResponse() : response
    }
}

/// One log line a request: method, path (private tokens redacted), status and time. Bodies,
/// and so friends' emails, are never logged.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = AdvocateRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let path = Self.logged(RequestPath.normalized(request.uri.path))
        do {
            let response = try await next(request, context)
            log(context, request, path, response.status.code, start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            log(context, request, path, status, start)
            throw error
        }
    }

    private func log(_ context: Context, _ request: Request, _ path: String, _ status: Int, _ start: ContinuousClock.Instant) {
        let elapsed = start.duration(to: .now)
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        context.logger.info("\(context.clientIP ?? "-") \(request.method) \(path) \(status) \(String(format: "%.1f", milliseconds)) ms")
    }

    /// The path as a log line shows it: redacted, and its control characters percent-encoded
    /// (``LogText/escapingControls(_:)``).
    static func logged(_ path: String) -> String {
        LogText.escapingControls(redacted(path))
    }

    /// `/stats/<token>/` becomes `/stats/…/`: logs are not a place for secrets. A path that
    /// goes on from `/stats` other than with a slash (`/stats;x/<token>/`, `/stats\<token>/`,
    /// 404s that may still hold a token) is cut there: `/stats…`.
    static func redacted(_ path: String) -> String {
        guard let stats = path.range(of: "/stats", options: .caseInsensitive) else { return path }
        guard stats.upperBound < path.endIndex else { return path }
        guard path[stats.upperBound] == "/" else { return String(path[..<stats.upperBound]) + "…" }
        let range = stats.lowerBound..<path.index(after: stats.upperBound)
        let rest = path[range.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return rest.isEmpty ? path : String(path[..<range.upperBound]) + "…" }
        return String(path[..<range.upperBound]) + "…" + rest[slash...]
    }
}
