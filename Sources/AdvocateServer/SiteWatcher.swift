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

    func rebuild() async {
        let options = options
        let result = await runBlocking { Self.build(options) }
        switch result {
        case .success(let (inputs, report)):
            await desk.reload(inputs)
            await liveReload.broadcast()
            logger.info("rebuilt after a change: \(report.written) written, \(report.unchanged) unchanged, \(report.removed) removed")
        case .failure(let error):
            logger.error("not rebuilt, the site keeps its last good build:\n\(error)")
        }
    }

    static func build(_ options: BuildOptions) -> Result<(SiteInputs, BuildReport), BuildError> {
        let inputs: SiteInputs
        do {
            inputs = try SiteInputs.load(options)
        } catch {
            return .failure(.invalidInput(error))
        }
        do {
            return .success((inputs, try SiteBuilder.build(inputs)))
        } catch {
            return .failure(error)
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
