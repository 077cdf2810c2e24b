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
    /// The bytes the request asks for, resolved against the file: whole without a Range, for a
    /// method other than GET (RFC 9110 §14.2: HEAD had a 200 with the range's length), or with
    /// an If-Range that is not this file's tag (a date never is: by the second, it cannot tell
    /// two builds apart).
    let range: ByteRange
    /// The file's size in bytes (0 when there is none).
    private let size: Int
    /// The file's modification time, in whole seconds since 1970.
    private let modified: Int
    /// What the client sent in If-None-Match and If-Match.
    private let ifNoneMatch: [String]
    private let ifMatch: [String]
    /// If-Unmodified-Since, in seconds since 1970; nil when absent or not an HTTP date.
    private let ifUnmodifiedSince: Int?

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
            let fileTag = "\"\(String(UInt64(info.st_ino), radix: 16))-\(String(info.st_size, radix: 16))-\(String(nanoseconds, radix: 16))\""
            tag = fileTag
            size = Int(info.st_size)
            modified = Int(info.st_mtim.tv_sec)
            let ranged = request.method == .get && (request.headers[.ifRange].map { $0 == fileTag } ?? true)
            range = ranged ? ByteRange(header: request.headers[.range], size: size) : .whole
        } else {
            tag = nil
            size = 0
            modified = 0
            range = .whole
        }
        ifNoneMatch = Self.tags(request.headers[values: .ifNoneMatch])
        ifMatch = Self.tags(request.headers[values: .ifMatch])
        ifUnmodifiedSince = request.headers[.ifUnmodifiedSince].flatMap(HTTPDate.seconds)
    }

    private static func tags(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Whether the client already has these bytes (If-None-Match names this file's tag, weakly).
    var isNotModified: Bool {
        guard let tag else { return false }
        return ifNoneMatch.contains { $0 == tag || $0 == "W/" + tag || $0 == "*" }
    }

    /// 412 when the request's precondition fails for this file, RFC 9110 §13.2.2: If-Match
    /// names no current tag (compared strongly), or without it, If-Unmodified-Since is before
    /// the file's time. Checked before If-None-Match and Range.
    func failedPrecondition() -> Response? {
        let fails = !ifMatch.isEmpty
            ? !ifMatch.contains { $0 == "*" ? tag != nil : $0 == tag }
            : ifUnmodifiedSince.map { tag != nil && modified > $0 } ?? false
        guard fails else { return nil }
        return .plainText(.preconditionFailed, "The file is not the one the request's If-Match or If-Unmodified-Since names.")
    }

    /// The request FileMiddleware is given: without its validators (it would judge them by its
    /// own tag), and with the range resolved here, if any, as plain first and last positions.
    func forwarded(_ request: Request) -> Request {
        var head = request.head
        head.headerFields[.ifNoneMatch] = nil
        head.headerFields[.ifModifiedSince] = nil
        head.headerFields[.ifMatch] = nil
        head.headerFields[.ifUnmodifiedSince] = nil
        head.headerFields[.ifRange] = nil
        if case .bytes(let bytes) = range {
            head.headerFields[.range] = ByteRange.header(bytes)
        } else {
            head.headerFields[.range] = nil
        }
        return head == request.head ? request : Request(head: head, body: request.body)
    }

    /// 416 for a range past the file's end, with the size the client can ask within.
    func unsatisfiableRange() -> Response {
        .plainText(.rangeNotSatisfiable, "The range asked for starts past the end of the file (\(size) bytes).",
                   headers: [.contentRange: "bytes */\(size)"])
    }

    /// `response` with this tag; 304 without a body when the client already has these bytes.
    /// If-Modified-Since alone is not honoured: whole seconds cannot tell two builds apart.
    func apply(to response: Response) -> Response {
        guard let tag, response.status == .ok || response.status == .partialContent else { return response }
        var response = response
        response.headers[.eTag] = tag
        if Double(modified) > Date().timeIntervalSince1970 - Self.dateHeaderLag {
            // RFC 9110 §8.8.2.1: never later than the Date header, which Hummingbird takes from
            // a clock it reads once a second: a page rebuilt a moment ago was dated after it.
            response.headers[.lastModified] = nil
        }
        guard isNotModified else { return response }
        var headers = response.headers
        headers[.contentLength] = nil
        headers[.contentRange] = nil
        return Response(status: .notModified, headers: headers)
    }

    /// How far, in seconds, the Date header may run behind the clock: the second it truncates,
    /// and the second between its readings.
    private static let dateHeaderLag = 2.0
}
