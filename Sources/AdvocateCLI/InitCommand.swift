import Advocate
import ArgumentParser

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Start a new program: content/, templates/ and a small store with fresh codes and tokens.",
        discussion: """
            The new site builds at once (advocate build --source DIR). A folder that is not empty is \
            refused unless --force is given, and even then no existing file is overwritten.

            Examples:
              advocate init my-program --name "Acme Rewards" \\
                --base-url https://refer.acme.example
              cd my-program && advocate build
            """)

    @Argument(help: ArgumentHelp("The folder to create the site in.", valueName: "dir"))
    var directory: String = "."

    @Option(help: "The program's name.")
    var name: String = "My Referral Program"

    @Option(name: .customLong("base-url"), help: "Where the portal will be published.")
    var baseURL: String = "https://refer.example.com"

    @Flag(help: "Scaffold into a folder that is not empty (existing files are kept).")
    var force = false

    func run() throws {
        do {
            let written = try Scaffold.create(in: directory, name: name, baseURL: baseURL, force: force)
            print("created \(written.count) files in \(directory)")
            do {
                let program = try StoreLoader.load(from: Paths.join(directory, "content/data")).store.program
                let source = ShellWord.quoted(directory)
                print("next: advocate build --source \(source)   (then advocate serve --source \(source))")
                // On standard error, as `stats` says it: a log of the output must not carry the private link.
                StandardError.write("the analytics page, private to your team: \(SiteURLs.analyticsURL(of: program))")
            } catch {
                // --force kept a store that does not load: said now, not at the first build.
                DiagnosticPrinter.print(error.diagnostics)
                StandardError.write("the store kept in \(Paths.join(directory, "content/data")) has errors: fix them before building")
                throw ExitCode.failure
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            StandardError.write("error: \(error)")
            throw ExitCode.failure
        }
    }
}
