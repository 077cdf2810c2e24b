/// The warning for a key that nothing reads, usually a typo of one that is: it names the keys
/// that are read and, where the key is one of them but for its case or a letter or two
/// (`baseUrl`, `sumary`), the one meant.
enum UnknownKey {
    /// `unknown <kind> 'baseUrl' is ignored; did you mean 'baseURL'? (allowed: …)`.
    static func warning(_ key: String, kind: String = "field", allowed: some Sequence<String>) -> String {
        let names = allowed.sorted()
        let hint = closest(to: key, among: names).map { "; did you mean '\($0)'?" } ?? ""
        return "unknown \(kind) '\(key)' is ignored\(hint) (allowed: \(names.joined(separator: ", ")))"
    }

    /// The allowed name nearest to `key` ignoring case, if it is at most two edits away (one
    /// for names of four letters or fewer, where two would suggest almost anything).
    static func closest(to key: String, among names: [String]) -> String? {
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
