import Foundation

/// Decodes `application/x-www-form-urlencoded` bodies into fields (the first of a repeated name
/// wins). Hummingbird's URLEncodedFormDecoder decodes into Codable types; the endpoint wants the
/// raw fields so it can report each problem beside its field and keep what was typed.
enum FormDecoding {
    static func fields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            if fields[name] == nil { fields[name] = value }
        }
        return fields
    }

    /// `+` is a space; invalid percent escapes are kept as typed.
    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
