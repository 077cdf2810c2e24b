import Advocate
import Foundation
import Logging

/// `serve --watch`: polls content/, templates/ and the store's hand-edited files and has the
/// reloader rebuild the whole site when one changes. The journal is left out: the server writes
/// it itself and refreshes what a referral touches.
struct SiteWatcher: Sendable {
    let reloader: SiteReloader
    var interval: Duration = .milliseconds(400)

    /// Runs until the task is cancelled.
    func run() async {
        var last = snapshot()
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let current = snapshot()
            guard current != last else { continue }
            last = current
            await reloader.rebuild("after a change")
        }
    }

    /// Every watched file with its modification time and size.
    func snapshot() -> [String: [Int]] {
        var files: [String: [Int]] = [:]
        let ignored: Set<String> = [StoreFiles.journal, StoreFiles.journal + ".lock", Erasure.logFile]
        let options = reloader.options
        for directory in [options.contentDirectory, options.templatesDirectory, options.dataDirectory] {
            for path in ContentLoader.listFilesAndLinks(directory) + ContentLoader.filesInLinkedFolders(of: directory) {
                let name = (path as NSString).lastPathComponent
                if ignored.contains(name) || name.hasPrefix(StoreFiles.journal + ".") { continue }
                let full = Paths.join(directory, path)
                var info = stat()
                guard stat(full, &info) == 0 else { continue }
                files[full] = [Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec), Int(info.st_size)]
            }
        }
        return files
    }
}
