import Advocate
import ArgumentParser
import Foundation

struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Show a message as it will go out, with its length against the channel's limit.",
        discussion: """
            Renders a messaging template for a referrer (or the sample referrer) in the terminal: an \
            email's subject and body, SMS characters and segments (GSM-7 160/153, UCS-2 70/67), X's \
            weighted 280. A message past its channel's limit is marked.

            Examples:
              advocate preview content/messaging/sms.md --referrer ada
              advocate preview content/messaging/email.md --variant b
              advocate preview --all
            """)

    @Argument(help: ArgumentHelp("A messaging template, such as content/messaging/sms.md (or its name, sms).", valueName: "file"))
    var file: String?

    @Option(help: ArgumentHelp("The referrer to preview for (default: the first of the roster).", valueName: "code"))
    var referrer: String?

    @Option(help: ArgumentHelp("Only this variant (default: every variant).", valueName: "name"))
    var variant: String?

    @Flag(help: "Preview every template and variant.")
    var all = false

    @OptionGroup var site: SiteOptions

    func validate() throws {
        if file == nil && !all { throw ValidationError("name a template (content/messaging/NAME.md) or pass --all") }
        if file != nil && all { throw ValidationError("name a template or pass --all, not both") }
    }

    func run() throws {
        // Another file's problem does not stop a preview: writing a template and previewing it
        // is the loop this command serves. The store must load; a template named must parse.
        let loaded: (inputs: SiteInputs, diagnostics: [Diagnostic])
        do {
            loaded = try SiteInputs.loadDespiteProblems(site.buildOptions())
        } catch {
            DiagnosticPrinter.print(error.diagnostics)
            throw ExitCode.failure
        }
        let inputs = loaded.inputs
        DiagnosticPrinter.print(loaded.diagnostics)
        let errors = loaded.diagnostics.count { $0.severity == .error }
        let built = Site(inputs: inputs, asOf: AsOf.resolve(nil, store: inputs.store))
        var templates = inputs.content.messages
        if let file {
            let wanted = URL(fileURLWithPath: file).standardizedFileURL.path
            // A name with or without its ".md" (`sms`, `sms.md`), or a path to the file.
            let name = file.hasSuffix(".md") && !file.contains("/") ? String(file.dropLast(3)) : file
            let named = templates.filter { URL(fileURLWithPath: $0.file).standardizedFileURL.path == wanted || $0.name == name }
            guard !named.isEmpty else {
                let byName = URL(fileURLWithPath: Paths.join(inputs.options.contentDirectory, "messaging", name + ".md")).standardizedFileURL.path
                if loaded.diagnostics.contains(where: { diagnostic in
                    diagnostic.severity == .error && [wanted, byName].contains(URL(fileURLWithPath: diagnostic.file).standardizedFileURL.path)
                }) {
                    throw ExitCode.failure
                }
                // A path written from the site folder (`content/messaging/sms.md` with --source site).
                let fromSite = URL(fileURLWithPath: Paths.join(inputs.options.sourceDirectory, file)).standardizedFileURL.path
                if let meant = templates.first(where: { URL(fileURLWithPath: $0.file).standardizedFileURL.path == fromSite }) {
                    StandardError.write("error: \(file) is not a file here: a path is read from the current folder; give \(Paths.join(inputs.options.sourceDirectory, file)) or the template's name, \(meant.name)")
                    throw ExitCode.failure
                }
                StandardError.write("error: \(file) is not a messaging template of this site (they live in \(Paths.join(inputs.options.contentDirectory, "messaging"))/: "
                    + templates.map(\.name).joined(separator: ", ") + ")")
                throw ExitCode.failure
            }
            templates = named
        }
        var sample = MessagingPreview.sampleReferrer(built)
        if let referrer {
            guard let index = built.index(ofReferrer: referrer) else {
                StandardError.write("error: no referrer has the code \"\(referrer)\" (see `advocate referrers list`)")
                throw ExitCode.failure
            }
            sample = built.referrers[index]
        }
        var previews = MessagingPreview.previews(built, referrer: sample, templates: templates)
        if let variant {
            // The body is variant a, in a template without variants too.
            let named = { (preview: MessagingPreview) in preview.variant ?? "a" }
            let offered = Array(Set(previews.map(named))).sorted()
            previews = previews.filter { named($0) == variant }
            guard !previews.isEmpty else {
                StandardError.write("error: no variant \"\(variant)\" in \(file ?? "the templates") (there: \(offered.joined(separator: ", ")))")
                throw ExitCode.failure
            }
        }
        try StandardOutput.write(previews.map { MessagePreviewText.render($0, referrer: sample) }.joined(separator: "\n\n") + "\n")
        if errors > 0 {
            StandardError.write("\(errors) error\(errors == 1 ? "" : "s") in other files: previewed anyway; `advocate build` refuses until \(errors == 1 ? "it is" : "they are") fixed")
            if all { throw ExitCode.failure }
        }
    }
}

/// A preview as the terminal shows it.
enum MessagePreviewText {
    static func render(_ preview: MessagingPreview, referrer: Referrer) -> String {
        let rule = String(repeating: "─", count: 60)
        var lines = ["\(preview.template.file) · \(preview.template.channel.label)"
            + (preview.variant.map { " · variant \($0)" } ?? "") + " · for \(referrer.name) (\(referrer.code))", rule]
        if let subject = preview.message.subject { lines += ["Subject: \(subject)", ""] }
        lines += [preview.message.text, rule, preview.length.summary + (preview.length.over ? "  ← over the limit" : "")]
        return lines.joined(separator: "\n")
    }
}
