import Mustache

/// Reads content/messaging/*.md into ``MessageTemplate``s, parsing every variant's Mustache once.
enum MessageTemplateLoader {
    static let allowedKeys: Set<String> = ["title", "channel", "subject", "variants", "send"]

    /// `siteRoot` is the path of the site below its host (`/`, or `/refer/`), which a link of an
    /// email's Markdown to a site page may already start with.
    static func load(_ source: MarkdownSource, name: String, siteRoot: String = "/", diagnostics: inout DiagnosticList) -> MessageTemplate? {
        var found = DiagnosticList()
        let template = read(source, name: name, siteRoot: siteRoot, diagnostics: &found)
        // Variants without their own body or subject share the file's, and with it its problems:
        // each is reported once.
        var reported = Set<String>()
        for diagnostic in found.all where reported.insert(diagnostic.description).inserted {
            diagnostics.append(diagnostic)
        }
        return template
    }

    private static func read(_ source: MarkdownSource, name: String, siteRoot: String, diagnostics: inout DiagnosticList) -> MessageTemplate? {
        _ = MarkdownContentType.registered
        _ = PlainTextContentType.registered
        let file = source.file
        for key in source.fields.keys.sorted() where !allowedKeys.contains(key) {
            diagnostics.warning(file, source.location(of: key), UnknownKey.warning(key, kind: "front matter field", allowed: allowedKeys))
        }
        guard let channelText = source.fields["channel"]?.text else {
            let channels = MessageChannel.allCases.map(\.rawValue).joined(separator: ", ")
            if source.fields["channel"] != nil {
                diagnostics.error(file, source.location(of: "channel"), "channel must be one word, one of \(channels) (a list or a mapping was given)")
            } else {
                diagnostics.error(file, .start, "front matter needs 'channel': one of \(channels)")
            }
            return nil
        }
        guard let channel = MessageChannel(rawValue: channelText) else {
            diagnostics.error(file, source.location(of: "channel"), "channel must be one of \(MessageChannel.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(channelText)\"")
            return nil
        }
        let title = source.fields["title"]?.text ?? name
        var notification: Notification?
        // A template with a `send` that names no email is no share message either: checked for
        // its own errors, then left out, so that it adds no share-text warnings to its own.
        var sendIsUnknown = false
        if let send = source.fields["send"], send.text == nil, send != .null {
            sendIsUnknown = true
            diagnostics.error(file, source.location(of: "send"), "send must be one word, one of \(Notification.allCases.map(\.rawValue).joined(separator: ", ")) (a list or a mapping was given)")
        } else if let send = source.fields["send"]?.text {
            notification = Notification(rawValue: send)
            sendIsUnknown = notification == nil
            if notification == nil {
                diagnostics.error(file, source.location(of: "send"), "send must be one of \(Notification.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(send)\"")
            } else if channel != .email {
                diagnostics.error(file, source.location(of: "send"), "only email templates can be sent by the server (this one is \(channel.rawValue))")
            }
        }
        // Trimmed: `subject: >` leaves a line break at the end, which would end the header. A
        // subject of spaces is none: an email would go out with an empty one.
        var subject = source.fields["subject"]?.text?.trimmingWhitespace().nilIfEmpty
        if channel != .email && subject != nil {
            diagnostics.warning(file, source.location(of: "subject"), "'subject' is for email templates; \(channel.label) messages have none, so it is ignored")
            subject = nil
        }
        if channel == .email && subject == nil {
            diagnostics.error(file, .start, "an email template needs a 'subject' in its front matter")
        }
        var variants: [MessageVariant] = []
        let declared = source.fields["variants"]
        if declared != nil && declared?.map == nil {
            diagnostics.error(file, source.location(of: "variants"), "'variants' must be a map such as 'b: {subject: …, body: …}'")
        }
        let extra = declared?.map ?? [:]
        var names = Set(extra.keys)
        if !extra.isEmpty { names.insert("a") }
        if extra["a"]?.map?["body"]?.text != nil && !source.body.allSatisfy(\.isWhitespace) {
            diagnostics.warning(file, source.location(of: "variants"), "variant \"a\" has its own body, so the text below the front matter is not used")
        }
        for variantName in names.sorted() {
            // Where the variant's value, or one of its fields, starts: the `variants:` line for `a`
            // when only the text below the front matter makes it.
            func place(_ field: String? = nil) -> SourceLocation {
                SourceLocation(line: source.line(ofValue: "variants.\(variantName)" + (field.map { ".\($0)" } ?? ""), inField: "variants"), column: 1)
            }
            guard StoreRules.isValidVariant(variantName) else {
                let keyLine = source.line(ofKey: "variants.\(variantName)", inField: "variants")
                diagnostics.error(file, SourceLocation(line: keyLine, column: 1), "variant name \"\(variantName)\" must be letters a-z, digits or '-'")
                continue
            }
            let fields = extra[variantName]?.map ?? [:]
            if extra[variantName] != nil && extra[variantName]?.map == nil {
                diagnostics.error(file, place(), "variant \"\(variantName)\" must be a map with 'subject' and/or 'body'")
            }
            for key in fields.keys.sorted() where key != "subject" && key != "body" {
                diagnostics.warning(file, place(key), "variant \"\(variantName)\": " + UnknownKey.warning(key, allowed: ["body", "subject"]))
            }
            let body = fields["body"]?.text ?? source.body
            let bodyAt = fields["body"]?.text == nil ? .lines(from: source.bodyLine)
                : source.placement(ofValue: "variants.\(variantName).body", inField: "variants")
            if channel != .email && fields["subject"] != nil {
                diagnostics.warning(file, place("subject"), "variant \"\(variantName)\": 'subject' is for email templates; \(channel.label) messages have none, so it is ignored")
            }
            let ownSubject = channel == .email ? fields["subject"]?.text?.trimmingWhitespace().nilIfEmpty : nil
            if variantName != "a", fields["body"]?.text == nil, ownSubject == nil, extra[variantName]?.map != nil {
                // A typo (`bdy:`) leaves the variant with the base text: an A/B test of the same words.
                diagnostics.warning(file, place(), "variant \"\(variantName)\" has no 'body'\(channel == .email ? " or 'subject'" : "") of its own, "
                                    + "so it sends the same text as the others and its figures compare identical messages; give it a 'body:'")
            }
            let subjectAt = ownSubject == nil ? source.placement(ofValue: "subject", inField: "subject")
                : source.placement(ofValue: "variants.\(variantName).subject", inField: "variants")
            if let variant = parseVariant(name: variantName, channel: channel, notification: notification, subject: ownSubject ?? subject,
                                          ownSubject: ownSubject != nil, subjectAt: subjectAt, body: body, ownBody: fields["body"]?.text != nil, bodyAt: bodyAt,
                                          isShareMessage: notification == nil && !sendIsUnknown, source: source, siteRoot: siteRoot, diagnostics: &diagnostics) {
                variants.append(variant)
            }
        }
        if names.isEmpty, let variant = parseVariant(name: nil, channel: channel, notification: notification, subject: subject, ownSubject: false,
                                                     subjectAt: source.placement(ofValue: "subject", inField: "subject"), body: source.body, ownBody: false,
                                                     bodyAt: .lines(from: source.bodyLine), isShareMessage: notification == nil && !sendIsUnknown,
                                                     source: source, siteRoot: siteRoot, diagnostics: &diagnostics) {
            variants.append(variant)
        }
        guard !variants.isEmpty, !(channel == .email && subject == nil), !sendIsUnknown else { return nil }
        return MessageTemplate(name: name, file: file, title: title, channel: channel, notification: notification,
                               notificationLocation: source.location(of: "send"), variants: variants)
    }

    /// One variant's subject and body (their texts at `subjectAt` and `bodyAt` in the file)
    /// parsed; `ownSubject` and `ownBody` say whether they are the variant's own (its problems
    /// then name it) or the file's.
    private static func parseVariant(name: String?, channel: MessageChannel, notification: Notification?, subject: String?, ownSubject: Bool,
                                     subjectAt: TextPlacement, body: String, ownBody: Bool, bodyAt: TextPlacement, isShareMessage: Bool,
                                     source: MarkdownSource, siteRoot: String, diagnostics: inout DiagnosticList) -> MessageVariant? {
        let file = source.file
        var ok = true
        let available = MessageValues.variableNames(for: notification)
        if let subject {
            checkVariables(subject, available: available, file: file, placement: subjectAt, diagnostics: &diagnostics)
            if subject.contains(where: \.isNewline) {
                // At the key, after which the message says to write it.
                let key = ownSubject ? SourceLocation(line: source.line(ofKey: "variants.\(name ?? "a").subject", inField: "variants"), column: 1)
                    : source.location(of: "subject")
                diagnostics.error(file, key, "the subject\(MessageVariant.label(ownSubject ? name : nil)) spans several lines; an email's subject is one line: write it on one line after 'subject:'")
                ok = false
            }
        }
        checkVariables(body, available: available, file: file, placement: bodyAt, diagnostics: &diagnostics)
        if channel == .email {
            // Other channels send the text as it is, tags and all.
            let rendered = Markdown.render(body)
            ContentLoader.warnAboutOmittedHTML(rendered.omittedHTML, file: file, bodyLine: bodyAt.line, diagnostics: &diagnostics)
            ContentLoader.warnAboutDroppedLinks(rendered.droppedLinks, file: file, bodyLine: bodyAt.line, diagnostics: &diagnostics)
            // An email's body is Markdown: a value written unescaped could add a link or a
            // picture to a message sent in the program's name (a name typed into a form, say).
            for tag in MustacheTags.scan(body) where tag.isUnescaped {
                diagnostics.error(file, bodyAt.location(of: tag.location),
                                  "'{{{\(tag.name)}}}' writes the value into the email's Markdown unescaped, where a name could add a link or a picture; write '{{\(tag.name)}}', which shows it as typed")
                ok = false
            }
        }
        /// `text` parsed; an error when it does not parse, placed in `written` (the text as the
        /// file has it, at `placement`).
        func parse(_ text: String, written: String, contentType: String, escaping: CompiledTemplates.Escaping,
                   placement: TextPlacement, what: String, own: Bool) -> MessageText? {
            let label = MessageVariant.label(own ? name : nil)
            do {
                return try MessageText(parsing: text, contentType: contentType, escaping: escaping)
            } catch let error as MustacheTemplate.ParserError {
                let (place, message) = MustacheSyntaxError.diagnose(error, in: written, placement: placement,
                                                                    columnsBefore: MessageText.pragma(contentType).count)
                diagnostics.error(file, place, "\(what)\(label): invalid Mustache: \(message)")
            } catch {
                diagnostics.error(file, placement.location(line: 1, column: 1), "\(what)\(label): invalid Mustache: \(error)")
            }
            ok = false
            return nil
        }
        let subjectTemplate = subject.flatMap { parse($0, written: $0, contentType: PlainTextContentType.name, escaping: .text, placement: subjectAt,
                                                   what: "subject", own: ownSubject) }
        // An email's body is parsed as Markdown first, so that its errors are placed in the body as written.
        let markdown = channel == .email ? parse(body, written: body, contentType: MarkdownContentType.name, escaping: .markdown, placement: bodyAt, what: "body", own: ownBody) : nil
        let plain = channel == .email ? Markdown.plainText(body, siteRoot: siteRoot) : body
        // The site's address is added to site links as `{{program.url}}`, which other delimiters
        // leave as it is written.
        if channel == .email, plain.contains("{{program.url}}"), body.contains("{{=") {
            diagnostics.warning(file, bodyAt.location(line: 1, column: 1), "body\(MessageVariant.label(ownBody ? name : nil)): this email sets other Mustache delimiters, "
                                + "so its links to pages of the site go out without the site's address; write them in full (https://…/terms/)")
        }
        let text = channel == .email && markdown == nil ? nil
            : parse(plain, written: body, contentType: PlainTextContentType.name, escaping: .text, placement: bodyAt,
                    what: "body", own: ownBody)
        guard ok, let text else { return nil }
        if isShareMessage && !([subject, body].contains { $0.map(mentionsLink) ?? false }) {
            diagnostics.warning(file, bodyAt.location(line: 1, column: 1),
                                "body\(MessageVariant.label(ownBody ? name : nil)): this share message has no {{link}}, so it goes out without the referrer's link")
        }
        return MessageVariant(name: name, subject: subjectTemplate, text: text, markdown: markdown, bodyLocation: bodyAt.location(line: 1, column: 1))
    }

    /// Whether `text` shows the referrer's link (`{{link}}`, `{{{link}}}`, in a section or not).
    private static func mentionsLink(_ text: String) -> Bool {
        MustacheTags.scan(text).contains { $0.kind == .variable && $0.name == "link" }
    }

    /// Reports `{{names}}` that this kind of message does not provide, as they would render as
    /// nothing: an error for a name no message has, a warning for one only some of the server's
    /// emails have (a share message has no friend and no stats link, say). Inside a section a
    /// name is also looked up in the section's value, as Mustache does (`{{#referrer}}{{name}}`).
    static func checkVariables(_ text: String, available: Set<String>, file: String, placement: TextPlacement, diagnostics: inout DiagnosticList) {
        var contexts: [String?] = []  // one for each open section; nil for one that adds no value to look in
        // A tag left unclosed is reported by the parse.
        for tag in MustacheTags.scan(text) where !tag.isUnfinished {
            guard tag.kind != .closing else {
                _ = contexts.popLast()
                continue
            }
            if tag.kind == .partial || tag.kind == .parent {
                // A message is rendered on its own: no theme template is there to include.
                diagnostics.error(file, placement.location(of: tag.location),
                                  "'{{\(tag.kind == .partial ? ">" : "<") \(tag.name)}}' includes a template, which a message cannot: write its text in the message")
                if tag.kind == .parent { contexts.append(nil) }  // closed by its {{/name}}
                continue
            }
            guard [.variable, .section, .invertedSection].contains(tag.kind), tag.name != "." else { continue }
            let name = contexts.reversed().lazy.compactMap { $0.map { "\($0).\(tag.name)" } }.first(where: available.contains) ?? tag.name
            if tag.kind != .variable { contexts.append(tag.kind == .section ? name : nil) }
            guard !available.contains(name) else { continue }
            let location = placement.location(of: tag.location)
            let choices = "(available: \(available.sorted().joined(separator: ", ")))"
            if MessageValues.allVariableNames.contains(name) {
                diagnostics.warning(file, location, "'\(tag.written(tag.name))' is blank in this kind of message: only some emails the server sends have it \(choices)")
            } else {
                let meant = UnknownKey.closest(to: tag.name, among: available.sorted())
                diagnostics.error(file, location, "unknown variable '\(tag.written(tag.name))'" + (meant.map { "; did you mean '\(tag.written($0))'?" } ?? "") + " \(choices)")
            }
        }
    }
}

/// Escapes values for Markdown, so that a name such as `*Ada*` or `<img …>` stays literal text
/// once cmark renders the message.
struct MarkdownContentType: MustacheContentType {
    static let name = "MARKDOWN"

    /// Registers the content type with swift-mustache (once, before any template uses it).
    static let registered: Void = {
        MustacheContentTypes.register(MarkdownContentType(), named: name)
    }()

    func escapeText(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if (0x21...0x2F).contains(scalar.value) || (0x3A...0x40).contains(scalar.value)
                || (0x5B...0x60).contains(scalar.value) || (0x7B...0x7E).contains(scalar.value) {
                output += "\\"
            }
            if scalar == "\n" || scalar == "\r" {
                output += " "
                continue
            }
            output.unicodeScalars.append(scalar)
        }
        // Control characters (an ESC in an imported name) as pages show them.
        return BidiControl.confined(output, replacingControls: true)
    }
}
