import Advocate
import Foundation
import Logging

/// Rereads the store, content and theme and rebuilds the whole site: `serve --watch` after a
/// change, and SIGHUP (`kill -HUP`, `systemctl reload`) in any mode. The rebuild runs while no
/// refresh writes pages. Referrals keep being recorded while the store is read; the desk is
/// then held only while the journal lines they added are taken in, so the reloaded roster and
/// figures miss none.
struct SiteReloader: Sendable {
    let options: BuildOptions
    let desk: ReferralDesk
    /// Watch mode only: open pages reload after a rebuild.
    let liveReload: LiveReload?
    /// The program as the server started with it: its routes, accepted origins and webhooks.
    let startedWith: Program
    let logger: Logger

    /// Inputs read from disk, with the digests taken before they were read and the desk's state
    /// made from them.
    struct Loaded: Sendable {
        var inputs: SiteInputs
        var digests: InputDigests
        var desk: ReferralDesk.Reloaded
    }

    /// Rebuilds; `reason` ("after a change", "on SIGHUP") says why in the log. Like `advocate
    /// build`, it renders only the pages whose inputs changed since the last build. A store,
    /// content or theme that does not load is logged with every error, and the site and the desk
    /// keep their last good inputs. Returns the build's report, nil when nothing was built.
    @discardableResult
    func rebuild(_ reason: String) async -> BuildReport? {
        await desk.refresher.exclusively { await rebuildExclusively(reason) }
    }

    private func rebuildExclusively(_ reason: String) async -> BuildReport? {
        guard let loaded = await load(reason) else { return nil }
        let digests = loaded.digests
        guard let inputs = await takeIn(consume loaded, reason) else { return nil }
        do {
            let report = try await runBlocking { () throws(BuildError) in try SiteBuilder.build(inputs, digests: digests) }
            await liveReload?.broadcast()
            logger.info("rebuilt \(reason): \(report.written) written (\(report.rendered) rendered), \(report.unchanged) unchanged, \(report.removed) removed")
            return report
        } catch {
            // The desk has the new inputs: pages a referral refreshes would show them among the
            // old, so refreshes become whole builds until one succeeds.
            logger.error("not rebuilt \(reason), tried again until it is (pages refresh only then):\n\(error)")
            await desk.refresher.oweWholeBuild(digests, desk: desk)
            return nil
        }
    }

    /// Reads every input, without holding the desk; nil (logged) when they do not load.
    func load(_ reason: String) async -> Loaded? {
        let options = options
        // The digests are taken before the load, as at start: a file changed in between makes the
        // next build look again, never skip a change.
        let loaded = await runBlocking { () -> Result<Loaded, BuildError> in
            let digests = InputDigests(options)
            do throws(DiagnosticsError) {
                let inputs = try SiteInputs.load(options)
                return .success(Loaded(inputs: inputs, digests: digests, desk: ReferralDesk.prepare(inputs)))
            } catch {
                return .failure(.invalidInput(error))
            }
        }
        switch loaded {
        case .success(let loaded):
            let program = loaded.inputs.store.program
            if let change = Self.changeNeedingARestart(from: startedWith, to: program) {
                logger.error("not rebuilt \(reason), the site keeps its last good build: \(change); restart the server to take it in")
                return nil
            }
            if program.webhooks != startedWith.webhooks {
                logger.warning("program.json's webhooks changed: the server delivers to the ones it started with until it restarts")
            }
            return loaded
        case .failure(let error):
            logger.error("not rebuilt \(reason), the site keeps its last good build:\n\(error)")
            return nil
        }
    }

    /// What of program.json the running server cannot take in: the address its forms post to and
    /// the baseURL its routes and accepted origins come from. Rebuilt with them, every form would
    /// post where nothing listens.
    static func changeNeedingARestart(from running: Program, to edited: Program) -> String? {
        if edited.endpoint != running.endpoint {
            return "program.json's endpoint changed from \(running.endpoint) to \(edited.endpoint), and the server listens at \(running.endpoint)"
        }
        if edited.baseURL != running.baseURL {
            return "program.json's baseURL changed from \(running.baseURL) to \(edited.baseURL), which the server's routes and accepted origins come from"
        }
        return nil
    }

    /// Holds the desk, takes in the journal lines recorded since `loaded` was read (or, when the
    /// journal did not only grow by such lines, reads the store again whole) and hands the
    /// inputs to the desk, which then lets held submissions in. Nil (logged) when the second
    /// read fails: the desk keeps its inputs.
    func takeIn(_ loaded: consuming Loaded, _ reason: String) async -> SiteInputs? {
        // Taken apart, so that the inputs are changed in place below: a second reference to them
        // would make the catch-up copy their million-event journal.
        var inputs = loaded.inputs
        let prepared = loaded.desk
        _ = consume loaded
        // The lines recorded during the reread, taken in before the desk is held: taking in the
        // first ones grows the journal's and the ledger's arrays, a tenth of a second at 100,000
        // referrers. Read and applied here, in place.
        let early = inputs.catchUpWithJournal() ?? 0
        let start = ContinuousClock.now
        await desk.hold()
        // The few recorded since, and a check that those taken in are still there.
        let late = inputs.catchUpWithJournal()
        if let late {
            let events = Array(inputs.store.journal.suffix(early + late))
            await desk.reload(inputs, prepared: consume prepared, caughtUp: events)
        } else {
            logger.notice("the journal changed otherwise than by new lines while the store was read: reading it again")
            guard let again = await load(reason) else {
                await desk.release()
                return nil
            }
            inputs = again.inputs
            await desk.reload(inputs, prepared: again.desk, caughtUp: [])
        }
        let held = (ContinuousClock.now - start).wholeMilliseconds
        let taken = late.map { "\(early + $0) journal line(s) recorded during the reread taken in" } ?? "store read again"
        logger.info("reloaded \(reason): \(taken), referrals held \(held) ms")
        return inputs
    }
}
