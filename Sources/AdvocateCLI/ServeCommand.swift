import Advocate
import AdvocateServer
import ArgumentParser
import Foundation
import UnixSignals

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Build the site, then serve it and record referrals posted to the endpoint.",
        discussion: """
            Serves the output folder and accepts POST <endpoint> (program.json) from the referral \
            form (application/x-www-form-urlencoded: 303 to /thanks/, or a 422 page) and from API \
            clients (application/json: 201 with the id). Each referral is in the journal and on disk \
            before it is acknowledged; the referrer's stats page and the analytics page are rebuilt \
            within a second. POST /api/join takes the join form (303 to /join/sent/) and API \
            clients (202): it records a new referrer, makes their pages and emails them their links. \
            program.json's webhooks receive every new journal event, signed, with retries; their \
            secrets come from the environment. One server per store: a second one refuses to start. \
            SIGHUP (kill -HUP PID, or systemd's ExecReload) rereads the content, theme and store and \
            rebuilds the site; referrals arriving meanwhile are recorded and taken in, none lost. Stop with Ctrl-C or SIGTERM.

            Examples:
              advocate serve
              ACME_HOOK_SECRET=… advocate serve --sendmail "sendmail -t -i"
              advocate serve --source my-program --port 9000 --ip-limit 20 --code-limit 100
              advocate serve --trusted-proxy 127.0.0.1    # behind a local proxy
            """)

    @OptionGroup var site: SiteOptions

    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"

    // `.unconditional`: `--port -1` is a value out of range, not a missing one (the parser took
    // `-1` for a flag).
    @Option(parsing: .unconditional, help: "The port to listen on.")
    var port: Int = 8080

    @Option(name: .customLong("ip-limit"), parsing: .unconditional, help: "Referral POSTs allowed per client IP a minute (0: no limit).")
    var ipLimit: Int = 10

    @Option(name: .customLong("code-limit"), parsing: .unconditional, help: "Referrals allowed per referrer code an hour; posts refused as invalid do not count (0: no limit).")
    var codeLimit: Int = 50

    @Option(name: .customLong("trusted-proxy"), help: ArgumentHelp(
        "A reverse proxy (address or CIDR range; repeatable) whose X-Forwarded-For names the client, for the per-IP limit and the log.",
        valueName: "address"))
    var trustedProxies: [String] = []

    @Flag(help: "Rebuild when content/, templates/ or the store change, and reload open pages (for writing copy).")
    var watch = false

    @Option(name: .customLong("idle-timeout"), parsing: .unconditional, help: ArgumentHelp(
        "Close a connection that sends nothing (no request head, no body) for this many seconds, or waits this long between requests; a POST's body must arrive whole within a second less (half of it below 2 s), or it is answered 408.",
        valueName: "seconds"))
    var idleTimeout: Int = 30

    @Option(help: ArgumentHelp("Pipe each email of the outbox (.advocate/outbox/) to this command, as `sendmail -t` expects.", valueName: "command"))
    var sendmail: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard ipLimit >= 0, codeLimit >= 0 else { throw ValidationError("limits must be 0 (off) or more") }
        guard (1...3600).contains(idleTimeout) else { throw ValidationError("--idle-timeout must be between 1 and 3600 seconds") }
        do {
            _ = try TrustedProxies(trustedProxies)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        let configuration = ServerConfiguration(host: host, port: port, ipLimitPerMinute: ipLimit, codeLimitPerHour: codeLimit,
                                                trustedProxies: try TrustedProxies(trustedProxies), sendmail: sendmail, watch: watch,
                                                idleTimeout: .seconds(idleTimeout), build: site.buildOptions())
        if let openFiles = OpenFileLimit.raiseToHardLimit(), openFiles < OpenFileLimit.recommendedMinimum {
            StandardError.write("warning: this process may open only \(openFiles) files, and each connection takes one; raise the limit (ulimit -n, or LimitNOFILE= in a systemd unit) to \(OpenFileLimit.recommendedMinimum) or more")
        }
        let host = host
        // Trapped first: a SIGHUP during the first build (a minute at 100,000 referrers) is a
        // reload to run once the server is up, not a reason to end it.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        // Until the server runs (and takes them over), Ctrl-C and SIGTERM end the first build as
        // they end `advocate build`: the output whole, old or new, and a word saying which.
        let output = configuration.build.outputDirectory
        let bar = ProgressBar.forStandardError(quiet: false)
        let interruption = BuildInterruption.discardStagedFilesOnSignals([SIGINT, SIGTERM]) { outputChanged in
            bar?.finish()  // the message on a line of its own, not after the bar
            return outputChanged
                ? "advocate serve: stopped during its first build, while moving the new pages into place, which was finished first: \(output) has the new site, whole."
                : "advocate serve: stopped during its first build; \(output) is left as it was."
        }
        let prepared: AdvocateServer.Prepared
        do {
            defer { bar?.finish() }  // before an error is printed, and before the summary
            prepared = try AdvocateServer.prepare(configuration, progress: bar?.progressClearedAtTheEnd) { port in
                let shown = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host.contains(":") ? "[\(host)]" : host
                print("Serving http://\(shown):\(port) — open http://\(shown):\(port)/ (Ctrl-C to stop)")
                fflush(nil)
            }
        } catch let error as BuildError {
            DiagnosticPrinter.printFailure(error)
            throw ExitCode.failure
        } catch {
            StandardError.write("error: \(error)")
            throw ExitCode.failure
        }
        interruption.cancel()
        DiagnosticPrinter.print(prepared.build.warnings)
        print(prepared.build.summary)
        fflush(nil)
        try await prepared.run(reloadingOn: hangups)
    }
}
