import Foundation

/// The list of files the last build wrote into an output folder, kept outside it in
/// `<source>/.advocate/`, so a build removes exactly the files the site no longer has and never
/// anything it did not make.
struct BuildManifest {
    static let header = "advocate-manifest 1"

    /// How many manifests of output folders other than `<source>/public` are kept (a preview
    /// or CI build elsewhere), the least recently written going first.
    static let otherOutputsKept = 4

    let file: String
    let outputDirectory: String

    /// The manifest of `outputDirectory`: `manifest.txt` for `<source>/public`, one named by a
    /// digest of the folder for any other, so that a build elsewhere does not make the next build
    /// into public/ forget what it wrote there (a deleted FAQ had stayed online for good).
    init(stateDirectory: String, outputDirectory: String) {
        // Links resolved: a site reached through a link is the same site.
        let output = BuildOptions.resolved(outputDirectory)
        self.outputDirectory = output
        let isDefault = output == BuildOptions.resolved(Paths.join((stateDirectory as NSString).deletingLastPathComponent, "public"))
        var digest = StableDigest()
        digest.add(output)
        self.file = Paths.join(stateDirectory, isDefault ? "manifest.txt" : "manifest-\(String(digest.value, radix: 16)).txt")
    }

    /// The paths of the previous build into the same output folder; nil when no manifest
    /// describes this folder (a fresh clone of a repository that commits public/, or a site
    /// folder moved elsewhere).
    func previousPaths() -> [String]? {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n").map(String.init)
        guard lines.count >= 2, lines[0] == Self.header, lines[1] == "output \(outputDirectory)" else { return nil }
        // Only paths inside the output: a line `../content/data/referrals.jsonl` (a manifest
        // edited or damaged) had the build delete the journal.
        return lines.dropFirst(2).filter(Self.isInsideTheOutput)
    }

    /// Whether `path` is relative and stays below the folder it is relative to.
    static func isInsideTheOutput(_ path: String) -> Bool {
        !path.hasPrefix("/") && path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    /// The paths an earlier build may have made: the manifest's, and the files in the output
    /// that have the shape of the pages kept per referrer, per token and per story
    /// (``PageShapes``) in folders the manifest does not name (all of them without one: a fresh
    /// clone of a repository that commits public/; a `.advocate/` restored from an older backup),
    /// so that a stats page whose token was changed is not left online. `shapeFolders` names the
    /// folders of such pages that were there before this build wrote (``PageShapes/foldersPresent(in:)``);
    /// `previous` is what ``previousPaths()`` read.
    func earlierPaths(previous: [String]?, shapeFolders: Set<String>) -> [String] {
        let listed = previous ?? []
        var listedItems: Set<Substring> = []
        for path in listed {
            // `r/ada/index.html` -> `r/ada`
            if let slash = path.lastIndex(of: "/") { listedItems.insert(path[..<slash]) }
        }
        return listed + PageShapes.existing(in: outputDirectory, among: shapeFolders) { listedItems.contains(Substring($0)) }
    }

    /// Records this build's paths (atomically, like every output file).
    func save(_ paths: [String]) throws {
        let directory = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let text = ([Self.header, "output \(outputDirectory)"] + paths.sorted()).joined(separator: "\n") + "\n"
        try AtomicFile.write(Array(text.utf8), to: file)
        removeOldManifestsOfOtherOutputs(in: directory)
    }

    /// Builds into a new temporary folder each time (CI) would otherwise leave a manifest each.
    private func removeOldManifestsOfOtherOutputs(in directory: String) {
        // By the nanosecond, and never the one just written: several builds within a second had
        // evicted their own.
        let others = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("manifest-") && $0.hasSuffix(".txt") }
            .map { Paths.join(directory, $0) }
            .filter { $0 != file }
            .map { path -> (path: String, modified: Int64) in
                var status = stat()
                return (path, stat(path, &status) == 0 ? Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec) : 0)
            }
            .sorted { $0.modified > $1.modified }
        for old in others.dropFirst(Self.otherOutputsKept - 1) { unlink(old.path) }
    }
}
