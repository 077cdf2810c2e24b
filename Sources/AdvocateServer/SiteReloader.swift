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

    /// Rebuilds; `reason` ("after a change", "on SIGHUP") says why in the log. Like `advocate
    /// build`, it renders only the pages whose inputs changed since the last build. A store,
    /// content or theme that does not load is logged with every error, and the site and the desk
    /// keep their last good inputs. Returns the build's report, nil when nothing was built.
    @discardableResult
    func rebuild(_ reason: String) async -> BuildReport? {
        await desk.refresher.exclusively { await rebuildExclusively(reason) }
    }

    private func rebuildExclusively(_ reason: String) async -> BuildReport? {
        let options = options
        await desk.hold()
        // The digests are taken before the load, as at start: a file changed in between makes the
        // next build look again, never skip a change.
        let loaded = await runBlocking { () -> Result<(SiteInputs, InputDigests), BuildError> in
            let digests = InputDigests(options)
            do throws(DiagnosticsError) {
                return .success((try SiteInputs.load(options), digests))
            } catch {
                return .failure(.invalidInput(error))
            }
        }
        let inputs: SiteInputs
        let digests: InputDigests
        switch loaded {
        case .success(let fresh):
            (inputs, digests) = fresh
            await desk.reload(inputs)
        case .failure(let error):
            await desk.release()
            logger.error("not rebuilt \(reason), the site keeps its last good build:\n\(error)")
            return nil
        }
        do {
            let report = try await runBlocking { () throws(BuildError) in try SiteBuilder.build(inputs, digests: digests) }
            await liveReload?.broadcast()
            logger.info("rebuilt \(reason): \(report.written) written (\(report.rendered) rendered), \(report.unchanged) unchanged, \(report.removed) removed")
            return report
        } catch {
            logger.error("not rebuilt \(reason), the site keeps its last good build:\n\(error)")
            return nil
        }
    }
}
