import Advocate
import Foundation
import Logging

/// Rereads the store, content and theme and rebuilds the whole site: `serve --watch` after a
/// change, and SIGHUP (`kill -HUP`, `systemctl reload`) in any mode. The rebuild runs while no
/// refresh writes pages, and the desk holds new referrals while the store is read, so the
/// reloaded roster and figures miss none.
struct SiteReloader: Sendable {
    let options: BuildOptions
    let desk: ReferralDesk
    /// Watch mode only: open pages reload after a rebuild.
    let liveReload: LiveReload?
    let logger: Logger

    /// Rebuilds; `reason` ("after a change", "on SIGHUP") says why in the log. A store, content
    /// or theme that does not load or build is logged with every error, and the site and the
    /// desk keep their last good inputs.
    func rebuild(_ reason: String) async {
        await desk.refresher.exclusively { await rebuildExclusively(reason) }
    }

    private func rebuildExclusively(_ reason: String) async {
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
            return logger.error("not rebuilt \(reason), the site keeps its last good build:\n\(error)")
        }
        do {
            let report = try await runBlocking { () throws(BuildError) in try SiteBuilder.build(inputs) }
            await liveReload?.broadcast()
            logger.info("rebuilt \(reason): \(report.written) written, \(report.unchanged) unchanged, \(report.removed) removed")
        } catch {
            logger.error("not rebuilt \(reason), the site keeps its last good build:\n\(error)")
        }
    }
}
