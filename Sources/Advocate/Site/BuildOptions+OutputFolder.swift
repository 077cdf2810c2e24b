import Foundation

extension BuildOptions {
    /// Throws one diagnostic when the output folder would mix the build's files with its inputs:
    /// the site folder itself or a folder above it (`--output .`, `--output /`), the build's
    /// state folder, or a folder inside content/, templates/ or the store. A build creates and removes
    /// files in its output, so such a folder would take the site's own files with it.
    public func checkOutputFolder() throws(DiagnosticsError) {
        let output = Self.resolved(outputDirectory), source = Self.resolved(sourceDirectory)
        let inside = [("content/, which the build reads", contentDirectory), ("templates/, which the build reads", templatesDirectory),
                      ("the store, which the build reads", dataDirectory)]
        var problem: String?
        let data = Self.resolved(dataDirectory)
        if Self.isSameOrInside(source, data), Self.isSameOrInside(output, data) {
            // Any output folder in the site would be inside the store: no --output there to suggest.
            throw DiagnosticsError([.error(dataDirectory, .start, "the store (--data) holds the site folder \(source), so the output folder \(output) is inside the store, "
                + "where a build writes and removes files; keep the store in a folder of its own, such as \(Self.resolved(Paths.join(contentDirectory, "data"))) (the default), "
                + "or pass --output a folder outside \(data)")])
        } else if output == source {
            problem = "is the site folder itself, beside content/ and templates/"
        } else if output == Self.resolved(stateDirectory) {
            // A folder below it is fine (scripts/quickstart serves from .advocate/quickstart/public).
            problem = "is .advocate/, where the build keeps its state"
        } else if Self.isSameOrInside(source, output) {
            problem = "holds the site folder \(source)"
        } else if let (name, _) = inside.first(where: { Self.isSameOrInside(output, Self.resolved($0.1)) }) {
            problem = "is inside \(name)"
        } else if Self.isSameOrInside(data, output) || Self.linkToTheStore(in: output, data: data) {
            // Published, it would serve every email and token of the roster (also through a
            // link someone made in it, `public/data -> ../content/data`).
            throw DiagnosticsError([.error(output, .start, "the output folder holds the store (\(data)), whose emails and private "
                + "tokens it would publish; keep the store outside it (--data defaults to <source>/content/data)")])
        } else if let assets = [Paths.join(contentDirectory, "assets"), Paths.join(templatesDirectory, "assets")].map(Self.resolved)
                    .first(where: { Self.isSameOrInside(data, $0) }) {
            // Copied into the site with the pictures: every email and token published.
            throw DiagnosticsError([.error(dataDirectory, .start, "the store is inside \(assets), whose files the build publishes with the site's "
                + "pictures, every email and private token with them; keep the store outside it (--data defaults to <source>/content/data)")])
        } else if output == Self.resolved(NSHomeDirectory()) {
            problem = "is your home folder"
        } else if let link = brokenLink(outputDirectory), link.targetIsMissing {
            // A link to a web server's folder is fine (README), once that folder is there.
            throw DiagnosticsError([.error(outputDirectory, .start,
                "the output folder is a symbolic link to \(link.target), which does not exist; create that folder, or point the link at one that does")])
        } else if let file = Self.existingFile(atOrAbove: output) {
            // Found before the build: its first write named a staging file below it.
            problem = file == output ? "is a file, not a folder" : "is below \(file), which is a file"
        }
        guard let problem else { return }
        let suggestion = Self.resolved(Paths.join(sourceDirectory, "public"))
        throw DiagnosticsError([.error(output, .start,
            "the output folder \(problem); a build writes and removes files there. Pass --output a folder of its own, such as \(suggestion)")])
    }

    /// Whether a symbolic link at the top of `output` leads to the store, into it (`roster.json`)
    /// or to a folder holding it. Deeper ones `advocate serve` withholds as it serves.
    private static func linkToTheStore(in output: String, data: String) -> Bool {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: output)) ?? []
        return entries.contains { name in
            let path = Paths.join(output, name)
            guard fileType(path, followingLinks: false) == S_IFLNK else { return false }
            let target = resolved(path)
            return isSameOrInside(data, target) || isSameOrInside(target, data)
        }
    }

    /// The nearest of `path` and its parents that exists, when it is not a folder.
    private static func existingFile(atOrAbove path: String) -> String? {
        var url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        while url.path != "/", !FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            url.deleteLastPathComponent()
        }
        return url.path == "/" || isDirectory.boolValue ? nil : url.path
    }

    /// The absolute path, without `.` or `..`, and with symbolic links resolved as far as the
    /// path exists (an output folder often does not yet).
    public static func resolved(_ path: String) -> String {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        var missing: [String] = []
        while url.path != "/", !FileManager.default.fileExists(atPath: url.path) {
            missing.insert(url.lastPathComponent, at: 0)
            url.deleteLastPathComponent()
        }
        let existing = url.resolvingSymlinksInPath().path
        return missing.reduce(existing) { Paths.join($0, $1) }
    }

    /// Whether `path` is `folder` or lies below it.
    private static func isSameOrInside(_ path: String, _ folder: String) -> Bool {
        path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }
}
