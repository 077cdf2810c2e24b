import Advocate
import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle

/// `serve --watch`: open pages reload themselves after a rebuild. Pages listen on a
/// Server-Sent Events stream; the script that listens is added to HTML as it is served, only in
/// watch mode, and never written into the output folder.
actor LiveReload {
    static let eventsPath = "/_advocate/reload"
    static let script = "<script>new EventSource(\"\(eventsPath)\").onmessage = function () { location.reload(); };</script>"

    /// What a page's stream carries: a reload, or a comment that only checks the page is there.
    enum Event: Sendable { case reload, ping }

    private var listeners: [UUID: AsyncStream<Event>.Continuation] = [:]

    /// A stream that yields a reload after each rebuild, and the pings sent to `id`. A few
    /// events are kept for a page that is slow to read, so that a ping cannot push out a reload.
    func listen() -> (id: UUID, events: AsyncStream<Event>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(8))
        listeners[id] = continuation
        continuation.onTermination = { _ in Task { await self.remove(id) } }
        return (id, stream)
    }

    private func remove(_ id: UUID) {
        listeners[id] = nil
    }

    /// How many pages listen (for tests).
    var listenerCount: Int { listeners.count }

    /// Ends a page's stream and forgets it.
    private func end(_ id: UUID) {
        listeners.removeValue(forKey: id)?.finish()
    }

    private func ping(_ id: UUID) {
        listeners[id]?.yield(.ping)
    }

    /// Tells every open page to reload.
    func broadcast() {
        for listener in listeners.values { listener.yield(.reload) }
    }

    /// The `text/event-stream` response of the events path. It ends when the server shuts
    /// down (an open page kept SIGTERM and Ctrl-C from stopping it), and a comment every
    /// `keepAlive` finds a page that has gone, whose write then fails and ends it too.
    func response(keepAlive: Duration = .seconds(15)) -> Response {
        let (id, events) = listen()
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                        body: ResponseBody { writer in
                            try await writer.write(ByteBuffer(string: ": watching\n\n"))
                            let pings = Task {
                                while (try? await Task.sleep(for: keepAlive)) != nil {
                                    await self.ping(id)
                                }
                            }
                            defer { pings.cancel() }
                            do {
                                try await withGracefulShutdownHandler {
                                    for await event in events {
                                        try await writer.write(ByteBuffer(string: event == .reload ? "data: reload\n\n" : ": ping\n\n"))
                                    }
                                } onGracefulShutdown: {
                                    Task { await self.end(id) }
                                }
                            } catch {
                                await self.end(id)
                                throw error
                            }
                            try await writer.finish(nil)
                        })
    }
}

/// In watch mode, serves the site's HTML pages with the live-reload script added before `</body>`
/// (and answers HEAD with that page's length: the file's would describe another page).
struct LiveReloadMiddleware: RouterMiddleware {
    typealias Context = AdvocateRequestContext

    let outputDirectory: String
    let root: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = RequestPath.normalized(request.uri.path)
        guard request.method == .get || request.method == .head, !path.contains(".."), path.hasPrefix(root) else {
            return try await next(request, context)
        }
        let relative = String(path.dropFirst(root.count))
        let file = relative.isEmpty || relative.hasSuffix("/") ? relative + "index.html" : relative
        guard file.hasSuffix(".html"), let data = FileManager.default.contents(atPath: Paths.join(outputDirectory, file)) else {
            return try await next(request, context)
        }
        var html = String(decoding: data, as: UTF8.self)
        // `</BODY>` too; a page without one (HTML lets a theme leave it out) gets it at its end.
        let end = html.range(of: "</body>", options: [.backwards, .caseInsensitive])?.lowerBound ?? html.endIndex
        html.insert(contentsOf: LiveReload.script, at: end)
        let page = ByteBuffer(string: html)
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .contentLength: String(page.readableBytes)],
                        body: request.method == .head ? ResponseBody() : ResponseBody(byteBuffer: page))
    }
}
