import Foundation
import Testing
@testable import Advocate

@Suite struct EmailTests {
    func message(toName: String = "Grace Hopper", to: String = "grace@example.org", subject: String = "Hello", id: String = "rf_1.friend") -> EmailMessage {
        EmailMessage(fromName: "Acme Rewards", fromAddress: "no-reply@refer.acme.example", toName: toName, toAddress: to,
                     subject: subject, body: "Hi!\nSee you.", date: Instant(iso8601: "2026-03-01T09:30:00Z")!, id: id)
    }

    @Test func rendersRFC5322WithCRLF() throws {
        let text = try #require(message().rfc5322)
        #expect(text.hasPrefix("From: Acme Rewards <no-reply@refer.acme.example>\r\nTo: Grace Hopper <grace@example.org>\r\nSubject: Hello\r\nDate: Sun, 1 Mar 2026 09:30:00 +0000\r\nMessage-ID: <rf_1.friend@refer.acme.example>\r\n"))
        #expect(text.hasSuffix("\r\n\r\nHi!\r\nSee you.\r\n"))
    }

    /// A program tried out on one machine (`http://127.0.0.1:8080`) still gets its emails: the
    /// sender `no-reply@127.0.0.1` was no address, and every email was dropped.
    @Test(arguments: [("http://127.0.0.1:8080", "no-reply@localhost.localdomain"), ("http://localhost:8080/refer", "no-reply@localhost.localdomain"),
                      ("https://refer.acme.example", "no-reply@refer.acme.example")])
    func theSenderIsAnAddressWhereverTheProgramLives(baseURL: String, sender: String) throws {
        var fixture = SiteFixture()
        fixture.store.baseURL = baseURL
        let directory = try fixture.write()
        let notifier = Notifier(site: Site(inputs: try SiteInputs.load(SiteFixture.options(directory))))
        #expect(notifier.sender.address == sender)
        var email = message()
        email.fromAddress = notifier.sender.address
        #expect(try #require(email.rfc5322).hasPrefix("From: Acme Rewards <\(sender)>\r\n"))
    }

    /// /messaging/ previews an email as it goes out: a value that kind of email lacks (the
    /// friend's email has no stats link) is blank there too, not a sample link.
    @Test func aPreviewFillsOnlyTheValuesItsEmailHas() throws {
        var fixture = SiteFixture()
        fixture.content["messaging/welcome.md"] = "---\ntitle: Welcome\nchannel: email\nsend: referral-to-friend\nsubject: Hi\n---\nHi {{friend.name}} [{{statsLink}}]\n"
        fixture.content["messaging/update.md"] = "---\ntitle: Update\nchannel: email\nsend: status-to-referrer\nsubject: Hi\n---\n{{friend.name}}: {{status}} [{{statsLink}}]\n"
        let directory = try fixture.write()
        let site = Site(inputs: try SiteInputs.load(SiteFixture.options(directory)))
        let previews = MessagingPreview.previews(site, referrer: site.referrers[0]).filter { $0.template.notification != nil }
        let texts = Dictionary(uniqueKeysWithValues: previews.map { ($0.template.name, $0.message.text) })
        #expect(texts["welcome"]?.hasPrefix("Hi Grace Hopper []") == true, "\(texts)")
        #expect(texts["update"]?.hasPrefix("Grace H.: converted [https://") == true, "\(texts)")
    }

    /// A link to a page of the site reaches the reader with the site's address, below a baseURL
    /// with a path too: the email's plain text had dropped it (`Read the terms.`).
    @Test func anEmailsSiteLinksCarryTheSitesAddress() throws {
        var fixture = SiteFixture()
        fixture.store.baseURL = "https://acme.example/refer/"
        fixture.content["messaging/welcome.md"] = "---\ntitle: Welcome\nchannel: email\nsend: referral-to-friend\nsubject: Hi\n---\n"
            + "Read [the terms](/terms/) and the [FAQ](../faq/) at {{program.url}}. [Again](/refer/faq/), [once more](faq/).\n"
        let directory = try fixture.write()
        // check agrees: each of these links leads to a page of the site, below its path.
        let links = SiteChecker.check(SiteFixture.options(directory)).diagnostics.filter { $0.message.contains("link") || $0.message.contains("outside") }
        #expect(links.isEmpty, "\(links)")
        let site = Site(inputs: try SiteInputs.load(SiteFixture.options(directory)))
        let referral = Referral(id: "rf_1", at: .now, referrer: site.referrers[0].code, name: "Grace Hopper", email: "grace@example.org",
                                source: .email, variant: nil, consent: true)
        let email = try #require(Notifier(site: site).messages(forReferral: referral, at: .now).first)
        #expect(email.body.hasPrefix("Read the terms (https://acme.example/refer/terms/) and the FAQ (https://acme.example/refer/faq/) at https://acme.example/refer. "
                                     + "Again (https://acme.example/refer/faq/), once more (https://acme.example/refer/faq/)."), "\(email.body)")
    }

    /// What loading `fixture`'s site stops with; nil when it loads.
    private static func refusal(_ fixture: SiteFixture) throws -> DiagnosticsError? {
        let directory = try fixture.write()
        do {
            _ = try SiteInputs.load(SiteFixture.options(directory))
            return nil
        } catch {
            return error
        }
    }

    /// Two templates for one email are an error naming both, where the second had silently
    /// replaced the first as the email the server sends.
    @Test func twoTemplatesForOneEmailAreAnError() throws {
        var fixture = SiteFixture()
        fixture.content["messaging/welcome.md"] = "---\ntitle: Welcome\nchannel: email\nsend: referral-to-friend\nsubject: Hi\n---\nHi {{friend.name}}\n"
        fixture.content["messaging/welcome-2.md"] = "---\ntitle: Other\nchannel: email\nsend: referral-to-friend\nsubject: Dup\n---\nHi {{friend.name}}\n"
        let messages = try #require(try Self.refusal(fixture)).errors.map(\.description)
        #expect(messages.count == 1 && messages[0].contains("welcome.md:4:1: error: send: referral-to-friend is also ")
                && messages[0].contains("welcome-2.md's; the server sends one email of each kind"), "\(messages)")
    }

    /// A `send` that names no email is one error: the template is not taken for share text
    /// as well (a missing link, a second SMS share text).
    @Test func anUnknownSendIsOneError() throws {
        var fixture = SiteFixture()
        fixture.content["messaging/a-notice.md"] = "---\ntitle: Notice\nchannel: sms\nsend: referral-to-frend\n---\nHi {{referrer.name}}\n"
        let unknown = try #require(try Self.refusal(fixture)).diagnostics.map(\.description)
        #expect(unknown.count == 1 && unknown[0].contains("a-notice.md:4:1: error: send must be one of"), "\(unknown)")
        // So is one that is a list or a mapping.
        fixture.content["messaging/a-notice.md"] = "---\ntitle: Notice\nchannel: email\nsubject: Hi\nsend: [referral-to-friend]\n---\nHi {{referrer.name}}\n"
        let listed = try #require(try Self.refusal(fixture)).diagnostics.map(\.description)
        #expect(listed.count == 1 && listed[0].contains("a-notice.md:5:1: error: send must be one word"), "\(listed)")
    }

    /// A referral first converted past the attribution window earns nothing: its referrer is not
    /// told "is now converted" (nor later "rewarded") as if it paid, and the team is warned.
    @Test func aConversionPastTheWindowIsWarnedOfAndNotEmailed() throws {
        var fixture = SiteFixture()
        fixture.content["messaging/notify-status.md"] = "---\ntitle: Update\nchannel: email\nsend: status-to-referrer\nsubject: \"{{friend.name}}: {{status}}\"\n---\n{{friend.name}} is now {{status}}.\n"
        let late = fixture.store.refer("ada", friend: "Grace Hopper", email: "grace@example.org", at: "2026-01-01T09:00:00Z")
        let inTime = fixture.store.refer("ada", friend: "Alan Turing", email: "alan@example.org", at: "2026-05-01T09:00:00Z")
        fixture.store.status(late, "converted", at: "2026-06-01T09:00:00Z")
        fixture.store.status(inTime, "converted", at: "2026-06-01T09:00:00Z")
        fixture.store.status(late, "rewarded", at: "2026-07-01T09:00:00Z")
        let directory = try fixture.write()
        let site = Site(inputs: try SiteInputs.load(SiteFixture.options(directory)))
        let at = { (day: String) in Instant(iso8601: day + "T09:00:00Z")! }
        let notices = StatusNotices(for: [StatusUpdate(id: late, status: .converted, at: at("2026-06-01")),
                                          StatusUpdate(id: inTime, status: .converted, at: at("2026-06-01")),
                                          StatusUpdate(id: late, status: .rewarded, at: at("2026-07-01"))], site: site, writtenAt: at("2026-12-07"))
        #expect(notices.messages.map(\.subject) == ["Alan T.: converted"])
        // Dated when written: a status recorded months late is not filed months back in the inbox.
        #expect(notices.messages.first?.rfc5322?.contains("\r\nDate: Mon, 7 Dec 2026 09:00:00 +0000\r\n") == true, "\(notices.messages.first?.rfc5322 ?? "")")
        #expect(notices.warnings == [
            "\(late) is now converted, but it was first converted on 2026-06-01, more than the program's 90-day attribution window after the referral (2026-01-01): it earns no reward, so its referrer was not emailed about it",
            "\(late) is now rewarded, but it was first converted on 2026-06-01, more than the program's 90-day attribution window after the referral (2026-01-01): it earns no reward, so its referrer was not emailed about it",
        ])
    }

    /// In a program written right to left every name is isolated in messages, a Latin one too: a
    /// message opening with "John" was laid out left to right whole by phones; elsewhere a Latin
    /// name is left as it is (an SMS stays GSM-7).
    @Test func aRightToLeftProgramIsolatesEveryNameInMessages() throws {
        for (language, expected) in [("ar", "\u{2068}Ada\u{2069} يدعوك"), ("en", "Ada يدعوك")] {
            var fixture = SiteFixture()
            fixture.store.language = language
            fixture.content["messaging/sms.md"] = "---\ntitle: SMS\nchannel: sms\n---\n{{referrer.firstName}} يدعوك {{link}}\n"
            let directory = try fixture.write()
            let site = Site(inputs: try SiteInputs.load(SiteFixture.options(directory)))
            let text = MessagingPreview.previews(site, referrer: site.referrers[0]).first { $0.template.channel == .sms }?.message.text ?? ""
            #expect(text.hasPrefix(expected), "\(language): \(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    /// A line past RFC 5322's 998 octets (a paragraph of Arabic, two bytes a letter) is sent
    /// quoted-printable, in lines of 76 characters that decode to the text; shorter ones stay 8bit.
    @Test func aBodyWithALineTooLongIsSentQuotedPrintable() throws {
        let paragraph = String(repeating: "مرحباً بك في برنامج الإحالة = ", count: 40)
        let long = EmailMessage(fromName: "Acme", fromAddress: "no-reply@acme.example", toName: "Ada", toAddress: "ada@example.com",
                                subject: "Hi", body: "Hi Ada,\n\n" + paragraph + " \nBye", date: Instant(milliseconds: 0), id: "rf_1.x")
        let text = try #require(long.rfc5322)
        let parts = text.components(separatedBy: "\r\n\r\n")
        #expect(parts[0].contains("Content-Transfer-Encoding: quoted-printable"))
        let body = parts.dropFirst().joined(separator: "\r\n\r\n")
        #expect(body.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 }, "\(body)")
        // Decoded: soft breaks removed, =XX read back.
        var bytes: [UInt8] = []
        let encoded = Array(body.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var index = 0
        while index < encoded.count {
            if encoded[index] == UInt8(ascii: "="), let byte = UInt8(String(decoding: encoded[index + 1...index + 2], as: UTF8.self), radix: 16) {
                bytes.append(byte)
                index += 3
            } else {
                bytes.append(encoded[index])
                index += 1
            }
        }
        #expect(String(decoding: bytes, as: UTF8.self) == EmailMessage.crlfLines("Hi Ada,\n\n" + paragraph + " \nBye"))
        let short = EmailMessage(fromName: "Acme", fromAddress: "no-reply@acme.example", toName: "Ada", toAddress: "ada@example.com",
                                 subject: "Hi", body: "مرحباً", date: Instant(milliseconds: 0), id: "rf_1.y")
        #expect(try #require(short.rfc5322).contains("Content-Transfer-Encoding: 8bit\r\n"))
    }

    @Test(arguments: [
        ("Hi!\nSee you.", "Hi!\r\nSee you.\r\n"),
        ("Hi!\r\nSee you.\n", "Hi!\r\nSee you.\r\n\r\n"),
        ("\n\nZoë\r\n", "\r\n\r\nZoë\r\n\r\n"),
        ("a lone \r stays", "a lone \r stays\r\n"),
        ("", "\r\n"),
    ])
    func bodyLinesEndInCRLFWhateverTheyEndedIn(body: String, expected: String) {
        #expect(EmailMessage.crlfLines(body) == expected)
        // The rule it replaces: CRLF to LF, then every line joined with CRLF and one after the last.
        let lines = body.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        #expect(EmailMessage.crlfLines(body) == lines.joined(separator: "\r\n") + "\r\n")
    }

    @Test func headerValuesCannotInjectHeaders() throws {
        let hostile = message(toName: "Eve\r\nBcc: victim@example.com", subject: "Hi\nBcc: other@example.com")
        let text = try #require(hostile.rfc5322)
        let headers = text.components(separatedBy: "\r\n\r\n")[0]
        #expect(!headers.split(separator: "\r\n").contains { $0.hasPrefix("Bcc:") })
        #expect(message(to: "grace@example.org\r\nBcc: x@example.com").rfc5322 == nil)
        #expect(message(to: "x@example.org>, <y@example.org").rfc5322 == nil)
        let id = try #require(message(id: "rf_1\r\nBcc: eve@example.com\r\nX: <=").rfc5322)
        #expect(id.contains("\r\nMessage-ID: <rf_1=0D=0ABcc=3A=20eve=40example.com=0D=0AX=3A=20=3C=3D@refer.acme.example>\r\n"), "\(id)")
        #expect(try #require(message(id: "rf_01J8.friend").rfc5322).contains("Message-ID: <rf_01J8.friend@refer.acme.example>"))
    }

    @Test func nonASCIINamesAndSubjectsAreEncodedWords() throws {
        let text = try #require(message(toName: "Zoë Müller", subject: "Dein Rabatt für Zoë").rfc5322)
        #expect(text.contains("To: =?UTF-8?B?"))
        #expect(text.contains("Subject: =?UTF-8?B?"))
        #expect(!text.contains("Zoë Müller <"))
        // A right-to-left override in the name is closed before the address.
        #expect(EmailMessage.mailbox("knil\u{202E}Free money", "rlo@example.org") == "=?UTF-8?B?\(Data("knil\u{202E}Free money\u{202C}".utf8).base64EncodedString())?= <rlo@example.org>")
    }

    /// Display names as RFC 5322 writes them: a dot or a comma quoted, not encoded (and not bare,
    /// which is obsolete syntax), an address in a name left out as on pages; a subject of plain
    /// ASCII as it is, folded at spaces near 78 characters; a character longer than one
    /// encoded-word's room split between code points, never an empty word.
    @Test func namesAndSubjectsAreWrittenAsRFC5322Has() throws {
        #expect(EmailMessage.mailbox("Dr. J. R. Smith", "smith@example.org") == #""Dr. J. R. Smith" <smith@example.org>"#)
        #expect(EmailMessage.mailbox(#"Hopper, "Grace""#, "g@example.org") == #""Hopper, \"Grace\"" <g@example.org>"#)
        #expect(EmailMessage.mailbox(".", "dot@example.org") == #""." <dot@example.org>"#)
        #expect(EmailMessage.mailbox("Grace Hopper other.person@evil.example", "gh@example.org") == "Grace Hopper <gh@example.org>")
        #expect(EmailMessage.mailbox("=?UTF-8?B?QQ==?=", "q@example.org")?.hasPrefix("=?UTF-8?B?PT9VVEYtOD9CP1FRPT0/PQ==?=") == true)
        #expect(EmailMessage.unstructured("Grace just claimed 20% off") == "Grace just claimed 20% off")
        #expect(EmailMessage.unstructured("Ada: =?UTF-8?Q?x?=").hasPrefix("=?UTF-8?B?"))
        let word68 = String(repeating: "w", count: 68)
        #expect(EmailMessage.unstructured(word68) == word68 && EmailMessage.unstructured(word68 + "w").hasPrefix("=?UTF-8?B?"))
        let subject = "From Ada: 20% off the first order, and a longer line that goes on past the seventy-eight characters"
        let text = try #require(message(subject: subject).rfc5322)
        let header = try #require(text.components(separatedBy: "\r\nDate:").first?.components(separatedBy: "Subject: ").last)
        #expect(header.replacingOccurrences(of: "\r\n", with: "") == subject, "\(header)")
        #expect(("Subject: " + header).components(separatedBy: "\r\n").allSatisfy { $0.count <= 78 }, "\(header)")
        let long = EmailMessage.encodedWord("Z" + String(repeating: "\u{1D165}", count: 15) + " Zed")
        #expect(!long.contains("=?UTF-8?B??=") && long.components(separatedBy: "\r\n ").allSatisfy { $0.count <= 75 }, "\(long)")
    }

    /// A line holding only a dot ends the message for `sendmail -t` without `-i`: such a body is
    /// sent quoted-printable, whose lines never start with a dot (nor after a soft break).
    @Test func noLineOfTheBodyStartsWithADot() throws {
        var dotted = message()
        dotted.body = "See you soon,\n.\n\nThe team\n"
        let text = try #require(dotted.rfc5322)
        #expect(text.contains("Content-Transfer-Encoding: quoted-printable") && text.contains("\r\n=2E\r\n"), "\(text)")
        dotted.body = String(repeating: "and we hope you enjoy it ", count: 41) + String(repeating: "x", count: 25) + "."
        let body = try #require(dotted.rfc5322?.components(separatedBy: "\r\n\r\n").last)
        #expect(!body.components(separatedBy: "\r\n").contains { $0.hasPrefix(".") }, "\(body)")
    }

    /// Two status emails about one referral (converted, refunded, converted again) are two
    /// messages, and emails whose ids differ only in case go to two files, not one over the other.
    @Test func noEmailTakesAnothersPlaceOrID() throws {
        let directory = try TemporaryDirectory()
        let outbox = Outbox(directory: directory.file("outbox"))
        let paths = outbox.put(all: [message(id: "RF_X1.contacted"), message(id: "rf_x1.contacted"), message(id: "rf-x1.contacted")]).compactMap { placement -> String? in
            if case .written(let path) = placement { return path }
            return nil
        }
        #expect(Set(paths).count == 3 && outbox.pending().count == 3, "\(paths)")
        #expect(try outbox.put(message(id: "rf-x1.contacted")) != nil && outbox.pending().count == 4)
        // The later copy sorts, and so is sent, after the first.
        #expect(outbox.pending().map { ($0 as NSString).lastPathComponent }.last?.hasSuffix("-rf-x1-contacted~4.eml") == true, "\(outbox.pending())")
    }

    /// Long plain names and subjects are folded as encoded-words (a quoted string or a word
    /// cannot be), so no header line passes 998 octets, nor 78 where it can be helped.
    @Test func longNamesAndSubjectsAreFolded() throws {
        let text = try #require(message(toName: String(repeating: "x", count: 1_500), subject: "Dr. " + String(repeating: "W", count: 1_100)).rfc5322)
        let headers = text.components(separatedBy: "\r\n\r\n")[0]
        #expect(headers.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 }, "\(headers)")
    }

    /// Two status emails of one referral in one run, and in two runs at one status time, have
    /// Message-IDs of their own; `forget` takes an email about `rf_p`, not one about `rf_p.x`.
    @Test func statusEmailsHaveIDsOfTheirOwnAndForgetMatchesWholeIDs() throws {
        let at = Instant(iso8601: "2026-06-01T00:00:00Z")!
        let first = Notifier.statusID("rf_1", .converted, writtenAt: at, occurrence: 1)
        #expect(Set([first, Notifier.statusID("rf_1", .converted, writtenAt: at, occurrence: 2),
                     Notifier.statusID("rf_1", .converted, writtenAt: Instant(milliseconds: at.milliseconds + 1), occurrence: 1)]).count == 3)
        let about = { (id: String) in "Message-ID: <\(EmailMessage.messageIDPart(id))@refer.acme.example>\r\n" }
        #expect(Erasure.isAbout("rf_p", about("rf_p.contacted.1")) && Erasure.isAbout("rf_p", about("rf_p.friend")))
        #expect(!Erasure.isAbout("rf_p", about("rf_p.x.contacted.1")))
        #expect(Erasure.isAbout("a b@c", about("a b@c.converted.5")))
    }

    /// A domain in another script is written in its ASCII form, which mail commands take; a
    /// local part that is not ASCII cannot be sent to (and the forms refuse one).
    @Test func aDomainInAnotherScriptIsAddressedInItsASCIIForm() throws {
        let text = try #require(message(to: "u1@Bücher.example").rfc5322)
        #expect(text.contains("\r\nTo: Grace Hopper <u1@xn--bcher-kva.example>\r\n"), "\(text)")
        #expect(try #require(message(to: "info@пример.рф").rfc5322).contains("<info@xn--e1afmkfd.xn--p1ai>"))
        #expect(message(to: "josé@example.org").rfc5322 == nil)
        var errors: [FieldError] = []
        ReferralLedger.checkPerson(name: "José", email: "josé@example.org", into: &errors)
        #expect(errors.map(\.message) == ["Please enter the address with plain letters (a-z) before the @: we cannot send email to this one."])
        errors = []
        ReferralLedger.checkPerson(name: "Grace", email: "u1@bücher.example", into: &errors)
        #expect(errors.isEmpty)
    }

    @Test func sendmailReceivesEachQueuedMessageAndFailuresStay() throws {
        let directory = try TemporaryDirectory()
        let outbox = Outbox(directory: directory.file("outbox"))
        try outbox.put(message())
        try outbox.put(message(to: "alan@example.org", id: "rf_2.friend"))
        let failing = Sendmail(command: "exit 75").deliver(outbox).failures
        #expect(failing.count == 2)
        #expect(outbox.pending().count == 2)
        let received = directory.file("received.txt")
        let delivered = Sendmail(command: "cat >> '\(received)'").deliver(outbox).failures
        #expect(delivered.isEmpty)
        #expect(outbox.pending().isEmpty)
        let text = try String(contentsOfFile: received, encoding: .utf8)
        #expect(text.contains("To: Grace Hopper <grace@example.org>") && text.contains("To: Grace Hopper <alan@example.org>"))
    }

    /// `serve --sendmail "sendmail -t"` on a machine without sendmail is refused at the start, not
    /// found out one failed email at a time; what the shell runs (keywords, paths) is accepted.
    @Test func aMailCommandTheShellDoesNotKnowIsNamed() {
        #expect(Sendmail(command: "advocate-no-such-mailer -t").problem()?.contains("is not a command on this machine") == true)
        #expect(Sendmail(command: "/nonexistent/sendmail -t").problem()?.contains("/nonexistent/sendmail is not an executable file") == true)
        #expect(Sendmail(command: "  ").problem()?.contains("--sendmail is empty") == true)
        for unreadable in ["'unterminated", "sendmail -t \"to", "(cat", "if true; then cat"] {
            #expect(Sendmail(command: unreadable).problem()?.contains("is not a command the shell can read") == true, "\(unreadable)")
        }
        for known in ["cat > /dev/null", "/bin/cat", "if grep -q x; then exit 1; fi", "exit 75", "FOO=bar cat >/dev/null", "'cat' >/dev/null",
                      "(cat >/dev/null)", "cat;true", "cat&&true", "\\cat", "$HOME/../../usr/bin/cat"] {
            #expect(Sendmail(command: known).problem() == nil, "\(known)")
        }
    }

    /// A mail command that hangs (an MTA stuck on the network) is stopped, its children too,
    /// and its message stays for the next attempt: one stuck send held up every email for good.
    /// What a command says is logged without the addresses in it (a friend's, say).
    @Test func aHangingMailCommandIsStoppedAndAddressesAreKeptOutOfItsError() throws {
        let directory = try TemporaryDirectory()
        let outbox = Outbox(directory: directory.file("outbox"))
        try outbox.put(message())
        let started = ContinuousClock.now
        let stuck = Sendmail(command: "cat > /dev/null; sleep 30 & wait", timeout: 1).deliver(outbox).failures
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(stuck.count == 1 && stuck.first?.error.contains("did not finish within 1 s") == true, "\(stuck)")
        #expect(outbox.pending().count == 1)
        // What it leaves running after it exits is its own business: the send is done.
        let detached = ContinuousClock.now
        #expect(Sendmail(command: "cat > /dev/null; sleep 8 >/dev/null 2>&1 & exit 75", timeout: 1).deliver(outbox).failures.count == 1)
        #expect(ContinuousClock.now - detached < .seconds(5))
        let refused = Sendmail(command: "echo \"msmtp: recipient address <$(printf 'grace%sexample.org' @)> not accepted\" >&2; exit 65").deliver(outbox).failures
        #expect(refused.first?.error.contains("recipient address <(an address)> not accepted") == true, "\(refused)")
        #expect(refused.first?.error.contains("grace@") == false)
    }

    @Test func aBatchIsWrittenWholeWithOneFlushAndReportsEachMessage() throws {
        let directory = try TemporaryDirectory()
        let outbox = Outbox(directory: directory.file("outbox"))
        let batch = (1...40).map { message(to: "friend\($0)@example.org", id: "rf_\($0).friend") }
            + [message(to: "bad@example.org\r\nBcc: x@example.com", id: "rf_bad.friend")]
        let placements = outbox.put(all: batch)
        #expect(placements.count == 41)
        let written = placements.compactMap { if case .written(let path) = $0 { path } else { nil } }
        #expect(written.count == 40)
        if case .unaddressable = placements[40] {} else { Issue.record("the unaddressable message was not reported: \(placements[40])") }
        #expect(outbox.pending() == written.sorted())
        for (index, path) in written.enumerated() {
            #expect(try String(contentsOfFile: path, encoding: .utf8) == batch[index].rfc5322)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.file("outbox"))
        #expect(!names.contains { $0.contains(".tmp-") }, "no temporary file is left behind")
    }

    @Test func aBatchThatCannotBeWrittenSaysSoForEachMessage() throws {
        let directory = try TemporaryDirectory()
        try directory.write("outbox", "a file where the folder should be")
        let placements = Outbox(directory: directory.file("outbox")).put(all: [message(), message(id: "rf_2.friend")])
        #expect(placements.count == 2)
        for placement in placements {
            if case .failed = placement {} else { Issue.record("expected a failure, got \(placement)") }
        }
    }

    /// A share message knows no friend and no stats link (they would render as nothing); the
    /// emails the server sends about a referral do.
    @Test func eachKindOfMessageHasItsOwnVariables() throws {
        func diagnostics(_ frontMatter: String) throws -> [String] {
            let source = try FrontMatter.parse("---\n\(frontMatter)\n---\nHi {{friend.name}}, see {{statsLink}} {{link}}\n", file: "m.md")
            var diagnostics = DiagnosticList()
            _ = MessageTemplateLoader.load(source, name: "m", diagnostics: &diagnostics)
            return diagnostics.all.map(\.description)
        }
        let share = try diagnostics("channel: whatsapp")
        #expect(share.count == 2, "\(share)")
        #expect(share.first?.contains("m.md:4:4: warning: '{{friend.name}}' is blank in this kind of message: only some emails the server sends have it") == true)
        #expect(share.first?.contains("available: link, program, program.name, program.url, referrer,") == true)
        let toReferrer = try diagnostics("channel: email\nsubject: Yours\nsend: referral-to-referrer")
        #expect(toReferrer.isEmpty, "\(toReferrer)")
        let typo = try FrontMatter.parse("---\nchannel: sms\n---\n{{referrer.firstname}} here: {{#link} get {{reward.friend}}\n", file: "t.md")
        var typoDiagnostics = DiagnosticList()
        _ = MessageTemplateLoader.load(typo, name: "t", diagnostics: &typoDiagnostics)
        #expect(typoDiagnostics.all.map(\.description) == [
            "t.md:4:1: error: unknown variable '{{referrer.firstname}}'; did you mean '{{referrer.firstName}}'? "
                + "(available: link, program, program.name, program.url, referrer, referrer.code, referrer.firstName, referrer.name, reward, reward.friend, reward.referrer)",
            "t.md:4:30: error: body: invalid Mustache: the tag '{{#link} get {{reward.friend}}' is not closed with '}}'",
        ])
        // A letter or two off is caught as well as a difference of case; nothing near is not guessed at.
        var nearDiagnostics = DiagnosticList()
        MessageTemplateLoader.checkVariables("{{reward.freind}} {{refferer.name}} {{coupon}}", available: ["reward.friend", "referrer.name", "link"],
                                             file: "n.md", placement: .lines(from: 1), diagnostics: &nearDiagnostics)
        #expect(nearDiagnostics.all.map(\.description) == [
            "n.md:1:1: error: unknown variable '{{reward.freind}}'; did you mean '{{reward.friend}}'? (available: link, referrer.name, reward.friend)",
            "n.md:1:19: error: unknown variable '{{refferer.name}}'; did you mean '{{referrer.name}}'? (available: link, referrer.name, reward.friend)",
            "n.md:1:37: error: unknown variable '{{coupon}}' (available: link, referrer.name, reward.friend)",
        ])
        let toFriend = try diagnostics("channel: email\nsubject: Yours\nsend: referral-to-friend")
        #expect(toFriend.count == 1, "\(toFriend)")
        #expect(toFriend.first?.contains("'{{statsLink}}'") == true)
    }
}
