import Advocate
import Foundation
import HTTPTypes
import Hummingbird

/// Conditional GETs for the site's files, answered from a strong entity tag made of the file's
/// inode, size and modification time in nanoseconds.
///
/// Hummingbird's FileMiddleware makes its ETag from the modification time in whole seconds and
/// the size, and answers If-Modified-Since by the second: a page the server rebuilt within the
/// second it was fetched (a stats page after a referral, the analytics page) kept its tag, and a
/// browser revalidating got 304 and the old figures. Every build writes a new file (a new inode)
/// with a new nanosecond time, so this tag changes whenever the bytes may have.
struct FileValidator {
    /// The tag of the file the request will be served, or nil when there is none.
    let tag: String?
    /// What the client sent in If-None-Match.
    private let ifNoneMatch: [String]

    /// Looks up the file FileMiddleware will serve from `file` (a folder's index.html).
    /// Read before the file is, so the tag is never newer than the bytes sent with it.
    init(request: Request, file: String) {
        var info = stat()
        var path = file
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            path = Paths.join(path, "index.html")
            if stat(path, &info) != 0 { info = stat() }
        }
        if (info.st_mode & S_IFMT) == S_IFREG {
            let nanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
            tag = "\"\(String(UInt64(info.st_ino), radix: 16))-\(String(info.st_size, radix: 16))-\(String(nanoseconds, radix: 16))\""
        } else {
            tag = nil
        }
        ifNoneMatch = request.headers[values: .ifNoneMatch].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The request without its validators (FileMiddleware would judge them by its own tag), and
    /// without a range that depends on one (If-Range): such a client gets the whole file.
    static func unconditional(_ request: Request) -> Request {
        var fields = request.head.headerFields
        guard fields[.ifNoneMatch] != nil || fields[.ifModifiedSince] != nil || fields[.ifRange] != nil else { return request }
        if fields[.ifRange] != nil {
            fields[.range] = nil
            fields[.ifRange] = nil
        }
        fields[.ifNoneMatch] = nil
        fields[.ifModifiedSince] = nil
        var head = request.head
        head.headerFields = fields
        return Request(head: head, body: request.body)
    }

    /// `response` with this tag; 304 without a body when the client already has these bytes.
    /// If-Modified-Since alone is not honoured: whole seconds cannot tell two builds apart.
    func apply(to response: Response) -> Response {
        guard let tag, response.status == .ok || response.status == .partialContent else { return response }
        var response = response
        response.headers[.eTag] = tag
        guard ifNoneMatch.contains(where: { $0 == tag || $0 == "W/" + tag || $0 == "*" }) else { return response }
        var headers = response.headers
        headers[.contentLength] = nil
        return Response(status: .notModified, headers: headers)
    }
}
