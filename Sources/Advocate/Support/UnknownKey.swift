import Foundation

/// The warning for a key that nothing reads, usually a typo of one that is: it names the keys
/// that are read and, where the key is one of them but for its case or a letter or two
/// (`baseUrl`, `sumary`), the one meant.
enum UnknownKey {
    /// `unknown <kind> 'baseUrl' is ignored; did you mean 'baseURL'? (allowed: …)`.
    static func warning(_ key: String, kind: String = "field", allowed: some Sequence<String>) -> String {
        let names = allowed.sorted()
        let hint = closest(to: key, among: names).map { "; did you mean '\($0)'?" } ?? ""
        return "unknown \(kind) '\(key)'\(unseenCharacters(in: key)) is ignored\(hint) (allowed: \(names.joined(separator: ", ")))"
    }

    /// The allowed name nearest to `key` ignoring case, if it is at most two edits away (one
    /// for names of four letters or fewer, where two would suggest almost anything); else the
    /// one name that begins with a `key` of five letters or more (`attributionWindow`).
    static func closest(to key: String, among names: [String]) -> String? {
        nearest(to: key, among: names) ?? completion(of: key, among: names)
    }

    private static func completion(of key: String, among names: [String]) -> String? {
        guard key.count >= 5 else { return nil }
        let completions = names.filter { $0.lowercased().hasPrefix(key.lowercased()) }
        return completions.count == 1 ? completions[0] : nil
    }

    /// Where a key holds characters a reader cannot see or tell apart from a space (a no-break
    /// space pasted from a web page), which: ` (it holds U+00A0)`; empty otherwise.
    private static func unseenCharacters(in key: String) -> String {
        let unseen = key.unicodeScalars.filter { !$0.isASCII && ($0.properties.isWhitespace || $0.properties.isDefaultIgnorableCodePoint
                                                                  || $0.properties.generalCategory == .format) }
        guard !unseen.isEmpty else { return "" }
        let names = Array(Set(unseen.map { String(format: "U+%04X", $0.value) })).sorted()
        return " (it holds \(names.joined(separator: ", ")), which looks like a space or nothing)"
    }

    private static func nearest(to key: String, among names: [String]) -> String? {
        let typed = Array(key.lowercased())
        var best: (name: String, distance: Int)?
        for name in names {
            let distance = editDistance(typed, Array(name.lowercased()))
            if distance <= (name.count <= 4 ? 1 : 2), distance < best?.distance ?? .max { best = (name, distance) }
        }
        return best?.name
    }

    /// Levenshtein distance: insertions, deletions and substitutions.
    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
