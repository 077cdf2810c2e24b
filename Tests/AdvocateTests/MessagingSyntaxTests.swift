import Testing
@testable import Advocate

/// A messaging template that does not parse is reported at the tag at fault, in the file's own
/// lines, in words a copywriter can act on; the theme's templates share the same diagnosis.
@Suite struct MessagingSyntaxTests {
    private func problems(_ body: String, channel: String = "x") throws -> [String] {
        let source = try FrontMatter.parse("---\nchannel: \(channel)\(channel == "email" ? "\nsubject: Hi" : "")\n---\nfirst line\n\(body)\n", file: "m.md")
        var diagnostics = DiagnosticList()
        _ = MessageTemplateLoader.load(source, name: "m", diagnostics: &diagnostics)
        return diagnostics.all.map(\.description)
    }

    /// Site links get the site's address through `{{program.url}}`, which other delimiters leave
    /// as written: such an email is warned of, one with its links in full is not.
    @Test func anEmailWithOtherDelimitersAndSiteLinksIsAWarning() throws {
        let found = try problems("{{=<% %>=}}Hi <%referrer.name%>, see [the terms](/terms/) and <%link%>", channel: "email")
        #expect(found == ["m.md:5:1: warning: body: this email sets other Mustache delimiters, so its links to pages of the site go out without the site's address; "
                          + "write them in full (https://…/terms/)"], "\(found)")
        #expect(try problems("{{=<% %>=}}Hi, see [the terms](https://acme.example/terms/) and <%link%>", channel: "email").isEmpty)
    }

    @Test(arguments: [
        ("Hi {{#", "m.md:5:4: error: body: invalid Mustache: the tag '{{#' is not closed with '}}'"),
        ("Hi {{{link", "m.md:5:4: error: body: invalid Mustache: the tag '{{{link' is not closed with '}}}'"),
        ("Hi {{{link}}", "m.md:5:4: error: body: invalid Mustache: the tag '{{{link}}' is not closed with '}}}'"),
        ("Hi {{!note", "m.md:5:4: error: body: invalid Mustache: the comment '{{!note' is not closed with '}}'"),
        ("Hi {{^referrer}}x", "m.md:5:4: error: body: invalid Mustache: {{^referrer}} is opened here but never closed (add {{/referrer}})"),
        ("Hi {{/referrer}} {{link}}", "m.md:5:4: error: body: invalid Mustache: {{/referrer}} closes nothing: no {{#referrer}} is open here (remove it, or open the section before)"),
        // Inside a section, a close of nothing open is to be removed, not to close the section first.
        ("Hi {{#referrer}}x{{/x}}{{/referrer}}", "m.md:5:18: error: body: invalid Mustache: {{/x}} closes nothing open: remove it, or if it is to close {{#referrer}} (opened at line 5 column 4), write {{/referrer}}"),
        ("Hi\n{{#referrer}}{{/link}}", "m.md:6:14: error: body: invalid Mustache: {{/link}} closes nothing open: remove it, or if it is to close {{#referrer}} (opened at line 6 column 1), write {{/referrer}}"),
        ("Hi\n{{#link}}{{#referrer}}{{/link}}", "m.md:6:23: error: body: invalid Mustache: {{/link}} closes {{#referrer}}, opened at line 6 column 10; close that first with {{/referrer}}"),
        ("Hi {{=<% %>=}} <%link", "m.md:5:16: error: body: invalid Mustache: the tag '<%link' is not closed with '%>'"),
        ("Hi {{%FOO}} {{link}}", "m.md:5:10: error: body: invalid Mustache: a '%' tag is read as a setting, written {{%NAME:value}} (after a set-delimiter tag, check that its delimiters do not make a '%' tag of the text)"),
        ("Hi {{%FOO:bar}} {{link}}", "m.md:5:16: error: body: invalid Mustache: a '%' tag names a setting swift-mustache does not have (only CONTENT_TYPE)"),
    ])
    func aBrokenTagIsNamedWhereItStarts(body: String, expected: String) throws {
        let found = try problems(body)
        #expect(found == [expected], "\(found)")
    }

    @Test func anEmailBodyIsReportedOnceInItsOwnLines() throws {
        // The subject's line puts the body one line lower.
        #expect(try problems("**Hi** {{#referrer}}", channel: "email")
            == ["m.md:6:8: error: body: invalid Mustache: {{#referrer}} is opened here but never closed (add {{/referrer}})"])
    }

    /// An email's body is Markdown: `{{{name}}}` would let a name typed into a form add a link or
    /// a picture to a message sent in the program's name, so it is an error there; a plain-text
    /// channel's message has no markup for it to add.
    @Test func anUnescapedValueInAnEmailBodyIsAnError() throws {
        #expect(try problems("Hi {{{referrer.name}}} and {{&link}}", channel: "email") == [
            "m.md:6:4: error: '{{{referrer.name}}}' writes the value into the email's Markdown unescaped, where a name could add a link or a picture; write '{{referrer.name}}', which shows it as typed",
            "m.md:6:28: error: '{{{link}}}' writes the value into the email's Markdown unescaped, where a name could add a link or a picture; write '{{link}}', which shows it as typed",
        ])
        #expect(try problems("Hi {{{referrer.name}}} {{link}}", channel: "sms").isEmpty)
    }

    /// A channel given as a list is named at its line, not reported missing at 1:1.
    @Test func aChannelOfTheWrongTypeIsNamedAtItsLine() throws {
        let source = try FrontMatter.parse("---\ntitle: SMS\nchannel: [sms]\n---\nHi {{link}}\n", file: "m.md")
        var diagnostics = DiagnosticList()
        #expect(MessageTemplateLoader.load(source, name: "m", diagnostics: &diagnostics) == nil)
        #expect(diagnostics.all.map(\.description) == ["m.md:3:1: error: channel must be one word, one of email, sms, whatsapp, x, linkedin (a list or a mapping was given)"])
    }

    /// A set-delimiter tag is Mustache's way to send a literal `{{…}}` (an email service's own
    /// merge tag): the names after it are read with the new delimiters, as the render reads them.
    @Test func aDelimiterChangeIsFollowed() throws {
        #expect(try problems("Use code {{=<% %>=}}{{SAVE}}<%={{ }}=%> at checkout: {{link}}").isEmpty)
        #expect(try problems("{{=<% %>=}}Hi <%referrer.name%>: <%link%>").isEmpty, "<%link%> is the link")
        #expect(try problems("{{=<% %>=}}Hi <%refferer.name%> <%link%>").first?.hasPrefix("m.md:5:15: error: unknown variable '<%refferer.name%>'; did you mean '<%referrer.name%>'?") == true)
        // Delimiters of another length, switched back: the tag after the switch is read whole.
        #expect(try problems("{{=| |=}}Hi {{FNAME}}, |reward.friend| at Acme |={{ }}=|{{link}}").isEmpty)
        // A change made inside a section ends with it, as swift-mustache reads it.
        #expect(try problems("{{#program.name}}{{=<% %>=}}<%/program.name%>{{nosuch}} {{link}}").first?
            .hasPrefix("m.md:5:46: error: unknown variable '{{nosuch}}'") == true)
        let text = try MessageText(parsing: "Use code {{=<% %>=}}{{SAVE}}<%={{ }}=%> at {{link}}", contentType: PlainTextContentType.name, escaping: .text)
        #expect(text.render(["link": "https://x.example/r/ada/"]) == "Use code {{SAVE}} at https://x.example/r/ada/")
    }

    /// A variant's bad name is named on its own line, not on its value's, the line below.
    @Test func aBadVariantNameIsNamedAtItsKey() throws {
        let source = try FrontMatter.parse("---\ntitle: SMS\nchannel: sms\nvariants:\n  B:\n    body: \"B: {{link}}\"\n---\nHi {{link}}\n", file: "m.md")
        var diagnostics = DiagnosticList()
        _ = MessageTemplateLoader.load(source, name: "m", diagnostics: &diagnostics)
        #expect(diagnostics.all.map(\.description) == ["m.md:5:1: error: variant name \"B\" must be letters a-z, digits or '-'"])
    }

    /// An error swift-mustache places on a body's first line is placed in the body as written,
    /// not shifted by the content type the text is parsed with.
    @Test func anErrorOnTheFirstLineKeepsItsColumn() throws {
        let source = try FrontMatter.parse("---\nchannel: x\n---\nab {{=<% %>}} {{link}}\n", file: "m.md")
        var diagnostics = DiagnosticList()
        _ = MessageTemplateLoader.load(source, name: "m", diagnostics: &diagnostics)
        let found = try #require(diagnostics.all.first)
        #expect(found.line == 4 && found.column <= 22, "\(found)")
    }

    /// A tag over several lines moves the columns of what follows it on its last line.
    @Test func aTagOverSeveralLinesMovesTheColumnsAfterIt() throws {
        #expect(try problems("Hi\n{{! a\nb }}{{nope}} {{link}}").first?.hasPrefix("m.md:7:5: error: unknown variable '{{nope}}'") == true)
    }

    /// A message is rendered on its own: a partial would write nothing, so it is an error.
    @Test func aPartialInAMessageIsAnError() throws {
        #expect(try problems("Hi {{> layout}} {{link}}") == ["m.md:5:4: error: '{{> layout}}' includes a template, which a message cannot: write its text in the message"])
    }

    @Test func aNameInsideASectionIsLookedUpInTheSection() throws {
        #expect(try problems("{{#referrer}}{{name}} ({{code}}) {{link}} {{#reward}}{{friend}}{{/reward}}{{/referrer}}").isEmpty)
        let typo = try problems("{{#referrer}}{{nmae}}{{/referrer}} {{^refferer}}x{{/refferer}} {{link}}")
        #expect(typo.count == 2, "\(typo)")
        #expect(typo.first?.hasPrefix("m.md:5:14: error: unknown variable '{{nmae}}'") == true)
        #expect(typo.last?.hasPrefix("m.md:5:36: error: unknown variable '{{refferer}}'; did you mean '{{referrer}}'?") == true)
    }

    /// Variants that share the file's body or subject share its problems: each is reported
    /// once, not once for each variant; a variant's own text is reported under its name.
    @Test func aProblemInSharedTextIsReportedOnce() throws {
        let source = try FrontMatter.parse("""
            ---
            channel: email
            subject: Hi {{referrer.nam}}
            variants:
              b: "just a string"
              c: {body: "{{#link}}"}
            ---
            Hi {{referrer.nam}} {{#program}}
            """, file: "m.md")
        var diagnostics = DiagnosticList()
        _ = MessageTemplateLoader.load(source, name: "m", diagnostics: &diagnostics)
        let found = diagnostics.all.map(\.description)
        #expect(found.count == Set(found).count, "\(found)")
        #expect(found.count { $0.hasPrefix("m.md:3:") && $0.contains("error: unknown variable '{{referrer.nam}}'") } == 1, "\(found)")
        #expect(found.count { $0.hasPrefix("m.md:8:4: error: unknown variable '{{referrer.nam}}'") } == 1, "\(found)")
        #expect(found.contains("m.md:8:21: error: body: invalid Mustache: {{#program}} is opened here but never closed (add {{/program}})"), "\(found)")
        #expect(found.contains { $0.hasPrefix("m.md:6:14: error: body (variant c): invalid Mustache:") }, "\(found)")
        #expect(found.contains("m.md:5:1: error: variant \"b\" must be a map with 'subject' and/or 'body'"), "\(found)")
    }

    /// A problem in a front matter value is placed where the file has it: after the value's
    /// quote, and in a block scalar at its indentation.
    @Test func problemsInFrontMatterValuesArePlacedInTheFile() throws {
        let (_, found) = try loaded("""
            ---
            title: Email
            channel: email
            subject: "{{referrer.firstName}} sent you {{reward.frend}} at Acme"
            variants:
              b:
                subject: 'Hi {{referrer.nme}}'
                body: |
                  Hello
                  The {{program.nme}} team
                  Claim it here: {{link}} {{#referrer.name}}oops
            ---
            Body {{link}}
            """)
        #expect(found.contains { $0.hasPrefix("m.md:4:43: error: unknown variable '{{reward.frend}}'") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("m.md:7:18: error: unknown variable '{{referrer.nme}}'") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("m.md:10:11: error: unknown variable '{{program.nme}}'") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("m.md:11:31: error: body (variant b): invalid Mustache: {{#referrer.name}} is opened here but never closed") }, "\(found)")
    }

    /// A share message without the referrer's link is almost surely a mistake: a warning.
    @Test func aShareMessageWithoutItsLinkIsAWarning() throws {
        #expect(try problems("Hi from {{referrer.name}}") == ["m.md:4:1: warning: body: this share message has no {{link}}, so it goes out without the referrer's link"])
        #expect(try problems("Hi from {{referrer.name}}: {{{link}}}").isEmpty)
    }

    /// The template in `text` (a file m.md) and what loading it said.
    private func loaded(_ text: String) throws -> (MessageTemplate?, [String]) {
        var diagnostics = DiagnosticList()
        let template = MessageTemplateLoader.load(try FrontMatter.parse(text, file: "m.md"), name: "m", diagnostics: &diagnostics)
        return (template, diagnostics.all.map(\.description))
    }

    /// A subject of spaces is no subject: the email would go out with an empty one.
    @Test func aBlankSubjectIsNone() throws {
        let (template, problems) = try loaded("---\nchannel: email\nsubject: \"  \"\n---\nHi {{link}}\n")
        #expect(template == nil)
        #expect(problems == ["m.md:1:1: error: an email template needs a 'subject' in its front matter"], "\(problems)")
    }

    /// An email's subject is one header line: a block scalar over several lines is an error
    /// (it had become `subject=line%20one%0D%0Aline%20two` in the share link); the line break a
    /// folded one ends with is dropped.
    @Test func aSubjectOverSeveralLinesIsAnError() throws {
        let (_, literal) = try loaded("---\nchannel: email\nsubject: |\n  line one\n  line two\n---\nHi {{link}}\n")
        #expect(literal == ["m.md:3:1: error: the subject spans several lines; an email's subject is one line: write it on one line after 'subject:'"])
        let (folded, foldedProblems) = try loaded("---\nchannel: email\nsubject: >\n  line one\n  line two\n---\nHi {{link}}\n")
        #expect(foldedProblems.isEmpty, "\(foldedProblems)")
        #expect(folded?.variants.first?.subject?.render(.bool(true)) == "line one line two")
    }

    /// A text whose last character is a lone `{` is text: swift-mustache had called the
    /// variant's body `"{{link}} :-{"` an unclosed tag (a file's body, ending in a line break,
    /// was read).
    @Test func aLoneBraceAtTheEndIsText() throws {
        let (template, problems) = try loaded("---\nchannel: email\nsubject: \"Bye {\"\nvariants:\n  b:\n    body: \"{{link}} :-{\"\n---\nHi {{link}}\n")
        #expect(problems.isEmpty, "\(problems)")
        let variant = try #require(template?.variants.last)
        #expect(variant.subject?.render(.bool(true)).trimmingWhitespace() == "Bye {")
        #expect(variant.text.render(["link": "https://x.example/"]).trimmingWhitespace() == "https://x.example/ :-{")
    }

    /// Front matter that has no effect is named: a subject on a channel that has none (it was
    /// shown on /messaging/ as if sent), and a body below the front matter that variant `a`'s
    /// own body replaces.
    @Test func settingsThatDoNothingAreWarnings() throws {
        let (sms, smsProblems) = try loaded("---\nchannel: sms\nsubject: Hi\n---\nHi {{link}}\n")
        #expect(smsProblems == ["m.md:3:1: warning: 'subject' is for email templates; SMS messages have none, so it is ignored"])
        #expect(sms?.variants.first?.subject == nil)
        let (whatsapp, whatsappProblems) = try loaded("---\nchannel: whatsapp\nvariants:\n  a:\n    body: \"X {{link}}\"\n  b:\n    body: \"Y {{link}}\"\n---\nHi {{link}}\n")
        #expect(whatsappProblems == ["m.md:3:1: warning: variant \"a\" has its own body, so the text below the front matter is not used"])
        #expect(whatsapp?.variants.count == 2)
        // A variant's own field is named at its line, not at `variants:`.
        let (_, typo) = try loaded("---\nchannel: sms\nvariants:\n  b:\n    body: \"Y {{link}}\"\n    bdy: \"Z\"\n    subject: Hi\n---\nHi {{link}}\n")
        #expect(typo == ["m.md:6:1: warning: variant \"b\": unknown field 'bdy' is ignored; did you mean 'body'? (allowed: body, subject)",
                         "m.md:7:1: warning: variant \"b\": 'subject' is for email templates; SMS messages have none, so it is ignored"], "\(typo)")
        // An empty `body:` is no body of its own: the text below is used, and nothing is said.
        let (_, emptyBody) = try loaded("---\nchannel: whatsapp\nvariants:\n  a:\n    body:\n  b:\n    body: \"Y {{link}}\"\n---\nHi {{link}}\n")
        #expect(emptyBody.isEmpty, "\(emptyBody)")
        // A variant whose only field is a typo sends the base text: an A/B test of the same words.
        let (_, onlyTypo) = try loaded("---\nchannel: x\nvariants:\n  b:\n    bdy: \"Z {{link}}\"\n---\nHi {{link}}\n")
        #expect(onlyTypo == ["m.md:5:1: warning: variant \"b\": unknown field 'bdy' is ignored; did you mean 'body'? (allowed: body, subject)",
                             "m.md:5:1: warning: variant \"b\" has no 'body' of its own, so it sends the same text as the others and its figures compare identical messages; give it a 'body:'"], "\(onlyTypo)")
    }

    /// A problem in a variant's own body or subject is named at its line, a block scalar's too.
    @Test func aVariantsBodyAndSubjectAreReportedInTheirOwnLines() throws {
        let source = try FrontMatter.parse("---\nchannel: email\nsubject: Hi\nvariants:\n  b:\n    subject: \"Gift {{referrer.nick}}\"\n    body: |\n      Hi {{link}}\n      and {{linkk}}\n---\nHi {{link}}\n", file: "m.md")
        var diagnostics = DiagnosticList()
        _ = MessageTemplateLoader.load(source, name: "m", diagnostics: &diagnostics)
        let found = diagnostics.all.map(\.description)
        #expect(found.contains { $0.hasPrefix("m.md:9:") && $0.contains("unknown variable '{{linkk}}'") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("m.md:6:") && $0.contains("unknown variable '{{referrer.nick}}'") }, "\(found)")
    }

    @Test func aColumnCountsCharactersNotBytes() throws {
        #expect(try problems("Grüße, {{#referrer}}") == ["m.md:5:8: error: body: invalid Mustache: {{#referrer}} is opened here but never closed (add {{/referrer}})"])
    }
}
