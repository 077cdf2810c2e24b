import Advocate
import ArgumentParser

@main
struct AdvocateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "advocate",
        abstract: "Publish a referral program portal: terms, FAQ, messaging, stories and a page per referrer.",
        discussion: """
            Advocate turns a site folder (content/ with Markdown and the JSON store in content/data/, \
            and templates/) into a static site in public/, and serves it with an endpoint that records referrals.

            Examples:
              advocate build                 build ./public from ./content and ./templates
              advocate serve --port 8080     build, then serve on http://127.0.0.1:8080
              advocate stats --format json   print every referrer's figures as JSON
            """,
        version: "0.9.0",
        subcommands: [InitCommand.self, BuildCommand.self, ServeCommand.self, CheckCommand.self, StatsCommand.self, PreviewCommand.self, ReferrersCommand.self, ReferralCommand.self, ImportCommand.self, ExportCommand.self, ForgetCommand.self, WebhooksCommand.self],
        defaultSubcommand: nil
    )

    /// Names a mistyped command, with the one meant, before the parser reads the arguments.
    static func main() async {
        if let message = CommandSuggestion.message(for: Array(CommandLine.arguments.dropFirst()), root: Self.self) {
            StandardError.write(message)
            Self.exit(withError: ExitCode(64))
        }
        await Self.main(nil)
    }
}
