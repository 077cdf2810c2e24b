/// A path as a POSIX shell reads it back as one word, for a command printed to be pasted:
/// unchanged when it has only characters no shell treats specially, else in single quotes
/// (`'new prog'`, `'it'\''s'`), and after `./` when it starts with a dash.
enum ShellWord {
    static func quoted(_ text: String) -> String {
        // A folder named like an option (`-dash`) is read as one: `./-dash` is read as a path.
        if text.hasPrefix("-") { return quoted("./" + text) }
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "/._-+,:=@%".unicodeScalars.contains(scalar))
        }
        return plain ? text : "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
