import ArgumentParser

/// "Did you mean": swift-argument-parser suggests a mistyped option (`--outptu`) but not a
/// mistyped command, which read "Unexpected argument 'biuld'" (or, one level down,
/// `advocate referrers ad --name X`, "Unknown option '--name'", hiding the real mistake).
enum CommandSuggestion {
    /// The usage error for the first word that names no command where `root` or one of its
    /// groups expects one, with the closest command's name when one is close; nil when every
    /// command word is known (the parser then reports anything else).
    static func message(for arguments: [String], root: ParsableCommand.Type) -> String? {
        var command = root
        var path = [root._commandName]
        // `advocate help biuld` names its commands as `advocate biuld` does (it printed the main help).
        let words = arguments.first == "help" && arguments.count > 1 ? Array(arguments.dropFirst()) : arguments
        for word in words {
            let subcommands = command.configuration.subcommands
            guard !word.hasPrefix("-"), !subcommands.isEmpty, word != "help" else { return nil }
            guard let next = subcommands.first(where: { $0._commandName == word }) else {
                let names = subcommands.map { $0._commandName }
                let hint = closest(to: word, among: names).map { " Did you mean '\(($0))'?" } ?? ""
                return "Error: '\(word)' is not a command of '\(path.joined(separator: " "))'.\(hint)\n"
                    + "Its commands: \(names.joined(separator: ", ")). See '\(path.joined(separator: " ")) --help'."
            }
            command = next
            path.append(word)
        }
        return nil
    }

    /// The one name that starts with `word`, else the name within two edits of it (one for a
    /// short word).
    static func closest(to word: String, among names: [String]) -> String? {
        let starting = names.filter { word.count >= 2 && $0.hasPrefix(word) }
        if starting.count == 1 { return starting[0] }
        let allowed = word.count >= 4 ? 2 : 1
        return names.map { ($0, editDistance($0, word)) }.filter { $0.1 <= allowed }.min { $0.1 < $1.1 }?.0
    }

    /// Levenshtein's distance with a swap of two neighbours counted as one edit ("biuld").
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var rows = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { rows[i][0] = i }
        for j in 0...b.count { rows[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1) }
            }
        }
        return rows[a.count][b.count]
    }
}
