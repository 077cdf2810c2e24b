import Advocate
import ArgumentParser

struct WebhooksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Show how program.json's webhooks are being served.",
        discussion: """
            Example:
              advocate webhooks status
            """,
        subcommands: [Status.self])

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print each webhook's pending events, its failures and the events given up.",
            discussion: """
                Reads the delivery log (<source>/.advocate/webhooks.json, kept by `advocate serve`) \
                and the journal. Works while the server runs.

                Example:
                  advocate webhooks status
                """)

        @OptionGroup var site: SiteOptions

        func run() throws {
            let options = site.buildOptions()
            let store = try StoreCommandSupport.loadStore(options)
            let log: WebhookLog
            do {
                log = try WebhookLog.load(from: WebhookLog.path(stateDirectory: options.stateDirectory))
            } catch {
                StandardError.write("error: \(error.description)")
                throw ExitCode(1)
            }
            print(WebhookStatus.report(program: store.program, journal: store.journal, log: log), terminator: "")
        }
    }
}
