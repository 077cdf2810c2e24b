import Advocate
import Foundation
import Hummingbird
import NIOCore

/// `serve --watch`: open pages reload themselves after a rebuild. Pages listen on a
/// Server-Sent Events stream; the script that listens is added to HTML as it is served, only in
/// watch mode, and never written into the output folder.
actor LiveReload {
    static let eventsPath = "/_advocate/reload"
    static let script = "<script>new EventSource(\"\(eventsPath)\").onmessage = function () { location.reload(); };</script>"

    private var listeners: [UUID: AsyncStream<Void>.Continuation] = [:]

    /// A stream that yields once after each rebuild.
    func listen() -> AsyncStream<Void> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        listeners[id] = continuation
        continuation.onTermination = { _ in Task { await self.remove(id) } }
        return stream
    }

    private func remove(_ id: UUID) {
        listeners[id] = nil
    }

    /// Tells every open page to reload.
    func broadcast() {
        for listener in listeners.values { listener.yield() }
    }

    /// The `text/event-stream` response of the events path.
    func response() -> Response {
        let stream = listen()
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                        body: ResponseBody { writer in
                            try await writer.write(ByteBuffer(string: ": watching\n\n"))
                            for await _ in stream {
                                try await writer.write(ByteBuffer(string: "data: reload\n\n"))
                            }
                            try await writer.finish(nil)
                        })
    }
}

/// In watch mode, serves the site's HTML pages with the live-reload script added before `</body>`.
struct LiveReloadMiddleware: RouterMiddleware {
    typealias Context = AdvocateRequestContext

    let outputDirectory: String
    let root: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = RequestPath.normalized(request.uri.path)
        guard request.method == .get, !path.contains(".."), path.hasPrefix(root) else { return try await next(request, context) }
        let relative = String(path.dropFirst(root.count))
        let file = relative.isEmpty || relative.hasSuffix("/") ? relative + "index.html" : relative
        guard file.hasSuffix(".html"), let data = FileManager.default.contents(atPath: Paths.join(outputDirectory, file)) else {
            return try await next(request, context)
        }
        var html = String(decoding: data, as: UTF8.self)
        if let end = html.range(of: "</body>", options: .backwards) {
            html.insert(contentsOf: LiveReload.script, at: end.lowerBound)
        }
        var response = Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
