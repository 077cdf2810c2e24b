import Foundation

/// The digests of a build's inputs, taken before they are loaded (a file changed while loading
/// then makes the next build run, never skip).
public struct InputDigests: Sendable {
    /// Every input (``BuildStamp``).
    public var all: UInt64
    /// Every input but the journal (``BuildSnapshot``: what an appended referral cannot change).
    public var shared: UInt64
    /// Every input a referrer's pages can show but the journal: ``shared`` without the home page,
    /// terms, FAQ and stories (``PageRecord``), so that a fix in the FAQ renders no referrer page.
    public var referrerPages: UInt64
    /// The advocate executable alone (``PageRecord``: a QR code shows nothing else but its link).
    public var executable: UInt64
}

extension InputDigests {
    /// Takes the digests from one look at each input file.
    public init(_ options: BuildOptions) {
        self = BuildStamp.inputDigests(options)
    }
}

/// A make-style record of the last build, kept in `<source>/.advocate/stamp.txt`: the size and
/// modification time of every input file (data, content, templates, the advocate executable)
/// and of every output file. When neither side changed since, a build has nothing to do and
/// skips loading, rendering and comparing: at 100,000 referrers that is seconds saved.
///
/// The stamp keeps the build's warnings too, so a build that skips the work still repeats them:
/// a store with one unknown field must not make every build a full one.
///
/// Any doubt (no stamp, a file touched, added or removed on either side) means a full build,
/// which compares bytes and so still rewrites only what changed.
struct BuildStamp {
    static let header = "advocate-stamp 2"
    /// The line before the warnings, which take one line of JSON.
    private static let warningsHeader = "warnings"

    var inputs: UInt64
    var outputs: UInt64
    var asOf: Instant
    var filesByKind: [(kind: String, count: Int)]
    /// What the build warned of (never errors: a build with errors keeps no stamp).
    var warnings: [Diagnostic]

    /// The digest of every input the build reads, with the options that shape its output; the
    /// same without the journal; without the journal and the content only its own pages show;
    /// and of the executable alone (``InputDigests``), from one look at each file.
    static func inputDigests(_ options: BuildOptions) -> InputDigests {
        var executable = StableDigest()
        if let path = Bundle.main.executablePath { executable.addFile(path, name: "executable") }
        var all = StableDigest()
        // Absolute, links resolved: `--output public` from two working folders is two outputs, and
        // the state of one had been taken for the other's; a site reached through a link is itself.
        let absolute = BuildOptions.resolved
        all.add("\(options.asOf.map { "\($0)" } ?? "newest") \(absolute(options.outputDirectory)) \(absolute(options.dataDirectory))")
        all.addNumber(Int64(bitPattern: executable.value))
        var shared = all
        var referrerPages = all
        for directory in [options.dataDirectory, options.contentDirectory, options.templatesDirectory] {
            // Named absolute too: `--source ./site` and `cd site` had missed the last build's stamp.
            let name = absolute(directory)
            all.add(name)
            shared.add(name)
            referrerPages.add(name)
            // The journal's lock (rewritten by every `advocate serve`) and torn tails are not read by a build.
            for path in ContentLoader.listFilesAndLinks(directory) + ContentLoader.filesInLinkedFolders(of: directory) {
                let name = path.split(separator: "/").last ?? ""
                if name.hasPrefix(StoreFiles.journal + ".") { continue }
                let state = StableDigest.FileState(Paths.join(directory, path))
                all.add(state, name: path)
                guard name != StoreFiles.journal else { continue }
                shared.add(state, name: path)
                if directory != options.contentDirectory || !ContentLoader.isShownOnlyOnItsOwnPages(path) {
                    referrerPages.add(state, name: path)
                }
            }
        }
        return InputDigests(all: all.value, shared: shared.value, referrerPages: referrerPages.value, executable: executable.value)
    }

    /// The digest of the files a build wrote: the sum of each file's (``fileDigest(outputDirectory:path:)``),
    /// so it does not depend on their order and a build that rewrites a few files can update it
    /// from theirs alone (``AppendedReferrals``); nil when one of them is missing.
    static func outputDigest(outputDirectory: String, paths: [String]) -> UInt64? {
        outputDigest(paths: paths, states: StableDigest.FileState.read(paths, in: outputDirectory))
    }

    /// ``outputDigest(outputDirectory:paths:)`` from the files' states, already read.
    static func outputDigest(paths: [String], states: [StableDigest.FileState?]) -> UInt64? {
        var sum: UInt64 = 0
        for (path, state) in zip(paths, states) {
            guard let digest = fileDigest(path: path, state: state) else { return nil }
            sum &+= digest
        }
        return sum
    }

    /// The digest of one output file's name, size, modification time and inode; nil when it is missing.
    static func fileDigest(outputDirectory: String, path: String) -> UInt64? {
        fileDigest(path: path, state: StableDigest.FileState(Paths.join(outputDirectory, path)))
    }

    private static func fileDigest(path: String, state: StableDigest.FileState?) -> UInt64? {
        guard let state else { return nil }
        var digest = StableDigest()
        digest.add(state, name: path)
        return digest.value
    }

    static func file(_ options: BuildOptions) -> String { Paths.join(options.stateDirectory, "stamp.txt") }

    static func read(_ options: BuildOptions) -> BuildStamp? {
        guard let data = FileManager.default.contents(atPath: file(options)),
              let text = String(data: data, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 7, lines[0] == header, let inputs = UInt64(lines[1]), let outputs = UInt64(lines[2]),
              let asOf = Int64(lines[3]), lines[lines.count - 3] == warningsHeader, lines[lines.count - 1].isEmpty,
              let warnings = try? JSONDecoder().decode([Diagnostic].self, from: Data(lines[lines.count - 2].utf8))
        else { return nil }
        var kinds: [(kind: String, count: Int)] = []
        for line in lines[4..<(lines.count - 3)] {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let count = Int(parts[1]) else { return nil }
            kinds.append((String(parts[0]), count))
        }
        return BuildStamp(inputs: inputs, outputs: outputs, asOf: Instant(milliseconds: asOf), filesByKind: kinds, warnings: warnings)
    }

    func save(_ options: BuildOptions) throws {
        let encoded = try JSONEncoder().encode(warnings)
        let text = ([Self.header, String(inputs), String(outputs), String(asOf.milliseconds)]
            + filesByKind.map { "\($0.kind) \($0.count)" } + [Self.warningsHeader]).joined(separator: "\n") + "\n"
        try AtomicFile.write(Array(text.utf8) + encoded + [0x0A], to: Self.file(options))
    }

    static func remove(_ options: BuildOptions) {
        unlink(file(options))
    }
}
