import Foundation

/// The path a request names, as the file system will see it: percent-decoded, with repeated
/// slashes and `.` segments collapsed, so `/%73tats//x/` is classified (private page, cache
/// headers, log redaction) exactly like `/stats/x/`. `..` segments are kept for FileMiddleware
/// to refuse with 400.
enum RequestPath {
    static func normalized(_ path: String) -> String {
        if isNormal(path) { return path }
        let decoded = path.removingPercentEncoding ?? path
        let segments = decoded.split(separator: "/").filter { $0 != "." }
        guard !segments.isEmpty else { return "/" }
        let trailing = decoded.hasSuffix("/") || decoded.hasSuffix("/.")
        return "/" + segments.joined(separator: "/") + (trailing ? "/" : "")
    }

    /// `path` (normalized) percent-encoded for a `Location` header: a backslash, which a
    /// browser reads as a slash, and anything outside a URL path's characters are encoded.
    static func encoded(_ path: String) -> String {
        path.addingPercentEncoding(withAllowedCharacters: pathCharacters) ?? "/"
    }

    private static let pathCharacters = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "%;?#"))

    /// True when `normalized` would return the path unchanged (nearly every request's): it
    /// starts with a slash and has no percent sign, no empty segment but a trailing one, and
    /// no `.` segment. One pass over the bytes, where decoding and splitting cost a busy
    /// server's requests 3 % of its time.
    private static func isNormal(_ path: String) -> Bool {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var beforePrevious: UInt8 = 0, previous: UInt8 = 0
        for (offset, byte) in path.utf8.enumerated() {
            if offset == 0, byte != slash { return false }
            if byte == UInt8(ascii: "%") || (byte == slash && (previous == slash || (previous == dot && beforePrevious == slash))) {
                return false
            }
            beforePrevious = previous
            previous = byte
        }
        return previous != 0 && !(previous == dot && beforePrevious == slash)
    }
}
