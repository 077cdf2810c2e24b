/// How a failed delivery (a webhook's event, an email) is tried again: pauses doubling from
/// `first` up to `longest`, and given up after `giveUpAfter` of failures in a row.
struct RetryPolicy: Sendable {
    var first: Duration
    var longest: Duration
    var giveUpAfter: Duration = .seconds(86_400)

    /// Webhooks: a receiver down for an hour is asked again every hour.
    static let webhooks = RetryPolicy(first: .seconds(2), longest: .seconds(3_600))
    /// Emails: the mail command is run again at least every ten minutes.
    static let emails = RetryPolicy(first: .seconds(2), longest: .seconds(600))

    /// The pause after the `attempts`th failure in a row (from 1).
    func pause(afterAttempts attempts: Int) -> Duration {
        min(first * (1 << min(max(attempts, 1) - 1, 30)), longest)
    }
}
