import Foundation

/// RFC 9110 §5.6.7's IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), for the answers the server
/// makes itself and the dates clients send in conditional requests.
enum HTTPDate {
    private static func formatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter
    }

    static func string(_ date: Date) -> String {
        formatter().string(from: date)
    }

    /// Seconds since 1970, or nil for text that is no IMF-fixdate.
    static func seconds(_ text: String) -> Int? {
        formatter().date(from: text).map { Int($0.timeIntervalSince1970) }
    }
}
