import Foundation

/// Readable, URL-safe identifiers made from text: `"Who can refer?"` becomes `who-can-refer`.
public enum Slug {
    /// ICU's transliteration of any script into Latin letters, then into ASCII (`日本語` ->
    /// `ri ben yu`, `Привет` -> `Privet`, `Grüße` -> `Grusse`).
    private static let toASCII = StringTransform("Any-Latin; Latin-ASCII")

    /// Lower-case ASCII letters and digits joined by single hyphens; other scripts are written
    /// in Latin letters and accents folded (`Zoë` -> `zoe`), other characters dropped.
    /// `fallback` when nothing is left (an emoji).
    public static func make(_ text: String, fallback: String, maxLength: Int = 60) -> String {
        var slug = ""
        var pendingHyphen = false
        // ASCII needs no transform, which loads ICU's transliterator (some milliseconds a process).
        let folded = text.utf8.allSatisfy { $0 < 0x80 } ? text : text.applyingTransform(toASCII, reverse: false) ?? text
        for scalar in folded.lowercased().unicodeScalars {
            let isAlphanumeric = (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9")
            if isAlphanumeric {
                if pendingHyphen && !slug.isEmpty { slug += "-" }
                pendingHyphen = false
                slug.unicodeScalars.append(scalar)
                if slug.count >= maxLength { break }
            } else if scalar.properties.isWhitespace || scalar == "-" || scalar == "_" || scalar == "." || scalar == "/" {
                pendingHyphen = true
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug.isEmpty ? fallback : slug
    }
}

/// Slugs made unique within one document: `base`, then `base-1`, `base-2`…, skipping any taken
/// (the numbering GitHub, Hugo and Zola give repeated headings, so links written for them hold).
struct UniqueSlugs {
    private var used: Set<String>
    /// The counter to try next for each base: probing from 1 each time took quadratic time
    /// (60,000 headings of one text, a 1.4 MB page, took four and a half minutes).
    private var next: [String: Int] = [:]

    init(reserved: Set<String> = []) {
        used = reserved
    }

    /// `base`, or the first `base-N` not taken; records the one returned.
    mutating func claim(_ base: String) -> String {
        var candidate = base
        var counter = next[base] ?? 1
        while used.contains(candidate) {
            candidate = "\(base)-\(counter)"
            counter += 1
        }
        next[base] = counter
        used.insert(candidate)
        return candidate
    }
}
