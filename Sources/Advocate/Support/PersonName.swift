/// How people's names are shortened on pages.
public enum PersonName {
    /// The first word: "Ada" for "Ada Lovelace".
    public static func firstName(_ name: String) -> String {
        let words = name.split(whereSeparator: \.isWhitespace)
        return words.first.map(String.init) ?? name
    }

    /// A friend's name as a referrer's stats page shows it: "Grace H." for "Grace Hopper".
    public static func masked(_ name: String) -> String {
        let words = name.split(whereSeparator: \.isWhitespace)
        guard let first = words.first else { return "A friend" }
        guard words.count > 1, let initial = words.last?.first else { return String(first) }
        return "\(first) \(initial)."
    }
}
