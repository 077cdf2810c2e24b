import Advocate
import ArgumentParser
import Foundation

struct ForgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Erase a person's name and email from the store on request, keeping every figure.",
        discussion: """
            Replaces the person's email (as a referrer or a referred friend) with one random \
            placeholder and their name with "Erased", rewriting referrers.json and the journal \
            atomically; erasures.log records that an erasure happened, not whom it concerned. The \
            site is then rebuilt so no page keeps the name (Ctrl-C waits for the erasure to be \
            done; during the rebuild it leaves the output as it was: run `advocate build` then). \
            Stop `advocate serve` first.

            Example:
              advocate forget grace@example.com
            """)

    @Argument(help: "The email address of the person to forget.")
    var email: String

    @Flag(name: .customLong("no-build"), help: "Do not rebuild the site afterwards.")
    var noBuild = false

    @OptionGroup var site: SiteOptions

    func validate() throws {
        // Only the shape that every address has: an address the store keeps despite a warning
        // must still be erasable, so the store's own plausibility check would be too strict.
        guard email.contains("@") else {
            throw ValidationError("'\(email)' is not an email address. Give the address the person used, e.g. advocate forget grace@example.com")
        }
    }

    func run() throws {
        let options = site.buildOptions()
        let report: Erasure.Report
        // Ctrl-C stops the command as it stops a build, leaving the output as it was; during
        // the erasure it waits for its end (stopped between its two files, the roster would be
        // erased and the journal not).
        let erasing = NSLock()
        erasing.lock()
        let bar = ProgressBar.forStandardError(quiet: false)
        let output = options.outputDirectory
        BuildInterruption.discardStagedFilesOnSignals(first: { erasing.lock() }) { outputChanged in
            bar?.finish()
            return outputChanged
                ? "advocate forget: interrupted while moving the rebuilt pages into place, which was finished first: \(output) has the new site, whole."
                : "advocate forget: interrupted; the erasure is done, but \(output) is left as it was and its pages still show them: run `advocate build`."
        }
        do {
            try options.checkSourceFolder()
            report = try Erasure.forget(email: email, dataDirectory: options.dataDirectory, outbox: Outbox(options: options), now: .now) {
                StandardError.write("warning: \($0)")
            }
        } catch let error as DiagnosticsError {
            DiagnosticPrinter.print(error.diagnostics)
            throw ExitCode.failure
        } catch {
            StandardError.write("error: \(error)")
            throw ExitCode.failure
        }
        var deleted: [String] = []
        if report.emails > 0 { deleted.append("\(report.emails) email(s) to or about them from the outbox") }
        if report.setAsideLines > 0 { deleted.append("\(report.setAsideLines) torn journal line(s) set aside that named them") }
        guard report.erasedAnything else {
            // A request is logged even when nothing matched (a record that it was handled), but
            // a mistyped address must not read as done, and the site has nothing to rebuild.
            print("\(email) is not in the store: no referrer or referral has it"
                + (deleted.isEmpty ? ", so nothing was erased (check the spelling; " : "; deleted \(deleted.joined(separator: " and ")) (")
                + "the request is logged in \(Erasure.logPath(dataDirectory: options.dataDirectory)))")
            return
        }
        print("erased \(report.referrers) referrer record(s) and \(report.referrals) referral(s)"
            + (deleted.isEmpty ? "" : ", and deleted \(deleted.joined(separator: " and "))"))
        // Said before the rebuild, which may take a while: a log or a pipe buffers standard output.
        fflush(nil)
        erasing.unlock()
        guard !noBuild else {
            print("the pages still show them until the next build: run `advocate build`")
            return
        }
        do throws(BuildError) {
            let build = try SiteBuilder.build(options, progress: bar?.progress)
            bar?.finish()
            print(build.summary)
        } catch {
            bar?.finish()
            DiagnosticPrinter.printFailure(error)
            // The erasure stands (a second `forget` finds nothing): say that the pages do not yet.
            StandardError.write("the erasure is done, but the site was not rebuilt and its pages still show them: fix the error above, then run `advocate build`")
            throw ExitCode.failure
        }
    }
}
