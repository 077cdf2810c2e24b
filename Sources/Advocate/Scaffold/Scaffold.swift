import Foundation

/// `advocate init`: a new program that builds at once, with the bundled theme, starter copy and
/// a small store with fresh codes and tokens.
public enum Scaffold {
    /// Why a folder could not be scaffolded.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Writes a new site into `directory`; refuses a non-empty folder unless `force`, and never
    /// overwrites an existing file even then. The sample referrers joined `today`, so that a new
    /// program's pages state figures as of that day (with an empty journal the as-of is the
    /// newest joined day) rather than as of 1970-01-01.
    public static func create(in directory: String, name: String, baseURL: String, force: Bool,
                              today: CalendarDay = Instant.now.day) throws -> [String] {
        let manager = FileManager.default
        // Absolute: a relative "." has no parent folder to create beside a top-level file.
        let directory = URL(fileURLWithPath: directory).standardizedFileURL.path
        if let link = brokenLink(directory) {
            throw Refusal(description: "\(directory) is a symbolic link to \(link.target), which does not exist; create that folder, or choose another")
        }
        if let type = fileType(directory), type != S_IFDIR {
            throw Refusal(description: "\(directory) is a file, not a folder; choose a new or empty folder")
        }
        if let existing = try? manager.contentsOfDirectory(atPath: directory), !existing.filter({ !$0.hasPrefix(".") }).isEmpty, !force {
            throw Refusal(description: "\(directory) is not empty; choose an empty folder or pass --force (existing files are kept)")
        }
        if let problem = ProgramDecoder.httpURLProblem(baseURL) {
            throw Refusal(description: "--base-url must be an absolute http(s) URL such as https://refer.example.com (\(problem))")
        }
        guard StoreRules.isAcceptableNewName(name) else {
            throw Refusal(description: "--name must be " + StoreRules.newNameRequirement)
        }
        let files = files(name: name, baseURL: baseURL, today: today)
        // All or nothing: a file where a folder goes (content/data), or a link to nowhere where a
        // file or folder goes, is named before anything is written (one would be written through).
        let filePaths = Set(files.map(\.0))
        for path in filePaths.union(files.flatMap { folders(above: $0.0) }).sorted() {
            let full = Paths.join(directory, path)
            if let link = brokenLink(full) {
                throw Refusal(description: "\(full) is a symbolic link to \(link.target), which cannot be followed (\(link.reason)); point it at what belongs there or remove it, then run init again (nothing was written)")
            }
            if !filePaths.contains(path), let type = fileType(full), type != S_IFDIR {
                throw Refusal(description: "\(full) is a file where a new site has a folder; move it aside, then run init again (nothing was written)")
            }
        }
        var written: [String] = []
        for (path, text) in files {
            let full = Paths.join(directory, path)
            if manager.fileExists(atPath: full) {
                // A repository's own .gitignore gets the lines that keep the outbox (people's
                // emails) and the build's state out of git, and keeps its own.
                if path == gitignore, try addMissingLines(of: text, to: full) { written.append(path) }
                continue
            }
            do {
                try manager.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try AtomicFile.write(Array(text.utf8), to: full)
            } catch {
                throw Refusal(description: "cannot write \(full): \(fileSystemReason(error)); choose a folder you can write to")
            }
            written.append(path)
        }
        return written
    }

    static let gitignore = ".gitignore"

    /// The folders a relative path lies in: `content/data` and `content` for `content/data/program.json`.
    private static func folders(above path: String) -> [String] {
        var folders: [String] = []
        var folder = (path as NSString).deletingLastPathComponent
        while !folder.isEmpty {
            folders.append(folder)
            folder = (folder as NSString).deletingLastPathComponent
        }
        return folders
    }

    /// Appends to the file at `path` each line of `text` it does not have; whether it did.
    private static func addMissingLines(of text: String, to path: String) throws -> Bool {
        do {
            let existing = try String(contentsOfFile: path, encoding: .utf8)
            let present = Set(existing.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace() })
            let missing = text.split(separator: "\n").map(String.init).filter { !present.contains($0) }
            guard !missing.isEmpty else { return false }
            let separator = existing.isEmpty || existing.hasSuffix("\n") ? "" : "\n"
            try AtomicFile.write(Array((existing + separator + missing.joined(separator: "\n") + "\n").utf8), to: path)
            return true
        } catch {
            throw Refusal(description: "cannot add to \(path): \(fileSystemReason(error)); add these lines yourself: \(text.split(separator: "\n").joined(separator: ", "))")
        }
    }

    /// Every file of a new site, by path.
    static func files(name: String, baseURL: String, today: CalendarDay) -> [(String, String)] {
        StarterTheme.files.map { ("templates/" + $0.path, $0.text) } + StarterContent.files
            + store(name: name, baseURL: baseURL, today: today)
            + [(gitignore, ".advocate/\n*.jsonl.lock\n")]
    }

    static func store(name: String, baseURL: String, today: CalendarDay) -> [(String, String)] {
        let program = JSONOutput.object([
            ("name", .string(name)),
            ("baseURL", .string(baseURL)),
            ("endpoint", .string("/api/referrals")),
            ("currency", .string("USD")),
            ("language", .string("en")),
            ("attributionWindowDays", .number(90)),
            ("rewardHoldDays", .number(30)),
            ("requireConsent", .bool(true)),
            ("analyticsToken", .string(Tokens.statsToken())),
            ("rewards", .object([
                ("referrer", .object([("description", .string("$25 account credit")), ("amount", .number(25))])),
                ("friend", .object([("description", .string("20% off the first order"))])),
            ])),
            ("tiers", .array([
                .object([("name", .string("Bronze")), ("conversions", .number(1)), ("bonus", .number(0))]),
                .object([("name", .string("Silver")), ("conversions", .number(5)), ("bonus", .number(50))]),
                .object([("name", .string("Gold")), ("conversions", .number(10)), ("bonus", .number(150))]),
            ])),
        ])
        let referrers = [("sam", "Sam Sample", "sam@example.com"), ("alex", "Alex Example", "alex@example.com")].map { code, name, email in
            let referrer = Referrer(code: code, name: name, email: email, joined: today, segment: .customer,
                                    statsToken: Tokens.statsToken(), leaderboard: false, origin: Origin(file: "", location: .start))
            return "  " + RosterEditor.json(referrer)
        }
        return [
            ("content/data/program.json", program.serialized(pretty: true) + "\n"),
            ("content/data/referrers.json", "[\n" + referrers.joined(separator: ",\n") + "\n]\n"),
            ("content/data/referrals.jsonl", ""),
        ]
    }
}
