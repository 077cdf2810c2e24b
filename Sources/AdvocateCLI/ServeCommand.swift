import ArgumentParser

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Build the site, then serve it and record referrals posted to the endpoint.",
        discussion: """
            Example:
              advocate serve --port 8080
            """)

    @OptionGroup var site: SiteOptions

    func run() async throws {
        throw ValidationError("serve is not available yet")
    }
}
