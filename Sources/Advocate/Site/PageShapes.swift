import Foundation

/// The files only a build puts in an output folder, found by their place: what a build without
/// a manifest may remove. A referrer's, a token's or a story's page lives in a folder of its own
/// that nobody adds to by hand, and the few pages a program may go without are named; assets
/// are left alone (a hand-placed file there is not the build's to remove).
enum PageShapes {
    /// Each folder of per-item pages, with the file names a build writes in its items' folders
    /// and the names such an item can have (a code, a token, a story's slug): a hand-made
    /// `stats/.git/` or `r/Notes/` is none of the build's.
    static let folders: [(folder: String, files: [String], isItemName: @Sendable (String) -> Bool)] = [
        ("r", ["index.html", "qr.svg"], StoreRules.isValidCode),
        ("stats", ["index.html"], StoreRules.isValidToken),
        ("stories", ["index.html"], { !$0.isEmpty && Slug.make($0, fallback: "") == $0 }),
    ]

    /// Pages a program may go without (no leaderboard, no join form, no stories left).
    static let optionalPages = ["leaderboard/index.html", "join/index.html", "join/sent/index.html", "stories/index.html"]

    /// Which of those folders are in `outputDirectory` now. Taken before a build writes, it
    /// spares ``existing(in:among:)`` the walk of a folder the build made itself: a first build's
    /// r/ of 100,000 pages took 1.7 s to walk for pages it could not have had.
    static func foldersPresent(in outputDirectory: String) -> Set<String> {
        Set(folders.map(\.folder).filter { fileType(Paths.join(outputDirectory, $0), followingLinks: false) == S_IFDIR })
    }

    /// The files of those shapes in `outputDirectory`, relative to it, looked for in the folders
    /// named in `among` only, and not in the folders `isKnown` names (`r/ada`, `leaderboard`: a
    /// manifest lists their files, and looking at each costs a `stat` at 100,000 referrers);
    /// none through a symbolic link.
    static func existing(in outputDirectory: String, among present: Set<String>, isKnown: (String) -> Bool = { _ in false }) -> [String] {
        var paths = optionalPages.filter { page in
            !isKnown((page as NSString).deletingLastPathComponent) && fileType(Paths.join(outputDirectory, page), followingLinks: false) == S_IFREG
        }
        for (folder, files, isItemName) in folders where present.contains(folder) {
            let parent = Paths.join(outputDirectory, folder)
            guard fileType(parent, followingLinks: false) == S_IFDIR, let items = try? FileManager.default.contentsOfDirectory(atPath: parent) else { continue }
            for item in items where isItemName(item) && !isKnown("\(folder)/\(item)") && fileType(Paths.join(parent, item), followingLinks: false) == S_IFDIR {
                for file in files where fileType(Paths.join(parent, item, file), followingLinks: false) == S_IFREG {
                    paths.append("\(folder)/\(item)/\(file)")
                }
            }
        }
        return paths
    }
}
