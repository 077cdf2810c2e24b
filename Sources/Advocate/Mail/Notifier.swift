/// The emails the server sends: rendered from the messaging templates marked with `send:`.
public struct Notifier: Sendable {
    public let site: Site
    /// The sender: the program at the baseURL's host, or at ``fallbackSenderDomain``.
    public let sender: (name: String, address: String)
    /// The sender's domain where the baseURL's host is not a domain name (`localhost` or an IP
    /// address, as in a trial on one machine): without it such a program's emails had no valid
    /// sender, and none was made.
    public static let fallbackSenderDomain = "localhost.localdomain"

    public init(site: Site) {
        self.site = site
        let host = site.urls.baseURL.split(separator: "/").dropFirst().first.map { String($0.split(separator: ":")[0]) } ?? ""
        let address = "no-reply@\(host)"
        sender = (site.program.name, StoreRules.isPlausibleEmail(address) ? address : "no-reply@\(Self.fallbackSenderDomain)")
    }

    /// The confirmation to the friend and the "your friend joined" note to the referrer.
    public func messages(forReferral referral: Referral, at: Instant) -> [EmailMessage] {
        guard let index = site.index(ofReferrer: referral.referrer) else { return [] }
        let referrer = site.referrers[index]
        var values = site.messageValues(for: referrer, source: nil, at: referral.at)
        values.friendName = referral.name
        var messages: [EmailMessage] = []
        if let message = render(.referralToFriend, values: values, toName: referral.name, toAddress: referral.email,
                                at: at, id: "\(referral.id).friend") {
            messages.append(message)
        }
        values.statsLink = site.urls.statsURL(referrer.statsToken)
        if let message = render(.referralToReferrer, values: values, toName: referrer.name, toAddress: referrer.email,
                                at: at, id: "\(referral.id).referrer") {
            messages.append(message)
        }
        return messages
    }

    /// A status email's id: the referral's, the status, the time it is written, and from the
    /// second on which of that run's emails of the same status it is.
    static func statusID(_ id: String, _ status: ReferralStatus, writtenAt: Instant, occurrence: Int) -> String {
        "\(id).\(status.rawValue).\(writtenAt.milliseconds)" + (occurrence > 1 ? "-\(occurrence)" : "")
    }

    /// The update to the referrer when a referral is contacted, converted or rewarded (its id is
    /// ``statusID(_:_:writtenAt:occurrence:)``: a referral converted again after a refund is
    /// another email), dated `writtenAt`, when it is written (RFC 5322's `Date:`), not when the
    /// status came: a status recorded months late must not file its email months back in the
    /// referrer's inbox.
    public func message(forStatus update: StatusUpdate, referral: Referral, writtenAt: Instant, occurrence: Int = 1) -> EmailMessage? {
        guard update.status != .rejected, let index = site.index(ofReferrer: referral.referrer) else { return nil }
        let referrer = site.referrers[index]
        var values = site.messageValues(for: referrer, source: nil, at: referral.at)
        values.friendName = PersonName.masked(referral.name)
        values.statsLink = site.urls.statsURL(referrer.statsToken)
        values.statusLabel = update.status.rawValue
        return render(.statusToReferrer, values: values, toName: referrer.name, toAddress: referrer.email, at: writtenAt,
                      id: Self.statusID(update.id, update.status, writtenAt: writtenAt, occurrence: occurrence))
    }

    /// The welcome to someone who joined through the form, with their share link (`{{link}}`)
    /// and their private stats link; sent again, with a new id, when they join again. The
    /// referrer need not be in this site's roster yet (they may have just joined).
    public func message(forJoin referrer: Referrer, at: Instant, id: String) -> EmailMessage? {
        var values = site.messageValues(for: referrer, source: nil, at: at)
        values.statsLink = site.urls.statsURL(referrer.statsToken)
        return render(.joinToReferrer, values: values, toName: referrer.name, toAddress: referrer.email, at: at, id: id)
    }

    func render(_ notification: Notification, values: MessageValues, toName: String, toAddress: String, at: Instant, id: String) -> EmailMessage? {
        guard let template = site.inputs.content.messages.first(where: { $0.notification == notification }),
              let variant = template.variants.first
        else { return nil }
        let rendered = variant.render(values)
        return EmailMessage(fromName: sender.name, fromAddress: sender.address, toName: toName, toAddress: toAddress,
                            subject: rendered.subject ?? template.title, body: rendered.text, date: at, id: id)
    }
}
