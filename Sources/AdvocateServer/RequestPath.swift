import Foundation

/// The path a request names, as the file system will see it: percent-decoded, with repeated
/// slashes and `.` segments collapsed, so `/%73tats//x/` is classified (private page, cache
/// headers, log redaction) exactly like `/stats/x/`. `..` segments are kept for FileMiddleware
/// to refuse with 400.
enum RequestPath {
    static func normalized(_ path: String) -> String {
        let decoded = path.removingPercentEncoding ?? path
        let segments = decoded.split(separator: "/").filter { $0 != "." }
        guard !segments.isEmpty else { return "/" }
        let trailing = decoded.hasSuffix("/") || decoded.hasSuffix("/.")
        return "/" + segments.joined(separator: "/") + (trailing ? "/" : "")
    }
}
