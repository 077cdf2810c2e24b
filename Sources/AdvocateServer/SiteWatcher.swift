import Advocate
import Foundation
import Logging

/// `serve --watch`: polls content/, templates/ and the store's hand-edited files, rebuilds the
/// whole site when one changes, hands the new inputs to the desk and reloads open pages. The
/// journal is left out: the server writes it itself and refreshes what a referral touches.
struct SiteWatcher: Sendable {
    let options: BuildOptions
    let desk: ReferralDesk
    let liveReload: LiveReload
    let logger: Logger
    var interval: Duration = .milliseconds(400)

    /// Runs until the task is cancelled.
    func run() async {
        var last = snapshot()
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let current = snapshot()
            guard current != last else { continue }
            last = current
            await rebuild()
        }
    }

    /// Rebuilds the site from disk while no refresh writes pages, with the desk holding new
    /// referrals while the store is read, so the reloaded roster and figures miss none.
    func rebuild() async {
        await desk.refresher.exclusively { await rebuildExclusively() }
    }

    private func rebuildExclusively() async {
        let options = options
        await desk.hold()
        let loaded = await runBlocking { () -> Result<SiteInputs, BuildError> in
            do throws(DiagnosticsError) {
                return .success(try SiteInputs.load(options))
            } catch {
                return .failure(.invalidInput(error))
            }
        }
        let inputs: SiteInputs
        switch loaded {
        case .success(let fresh):
            inputs = fresh
            await desk.reload(fresh)
        case .failure(let error):
            await desk.release()
            return logger.error("not rebuilt, the site keeps its last good build:\n\(error)")
        }
        do {
            let report = try await runBlocking { () throws(BuildError) in try SiteBuilder.build(inputs) }
            await liveReload.broadcast()
            logger.info("rebuilt after a change: \(report.written) written, \(report.unchanged) unchanged, \(report.removed) removed")
        } catch {
            logger.error("not rebuilt, the site keeps its last good build:\n\(error)")
        }
    }

    /// Every watched file with its modification time and size.
    func snapshot() -> [String: [Int]] {
        var files: [String: [Int]] = [:]
        let ignored: Set<String> = [StoreFiles.journal, StoreFiles.journal + ".lock", Erasure.logFile]
        for directory in [options.contentDirectory, options.templatesDirectory, options.dataDirectory] {
            for path in ContentLoader.listFiles(directory) {
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
