import Advocate
import Foundation

/// How `advocate serve` runs.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// POSTs allowed per client IP a minute; 0 turns the limit off.
    public var ipLimitPerMinute: Int
    /// POSTs allowed per referrer code an hour; 0 turns the limit off.
    public var codeLimitPerHour: Int
    /// The reverse proxies whose `X-Forwarded-For` names the client.
    public var trustedProxies: TrustedProxies
    /// How long the refresh waits to gather referrals that arrive together.
    public var refreshDelay: Duration
    /// The command each outbox email is piped to (as `sendmail -t` expects); nil keeps them in the outbox.
    public var sendmail: String?
    /// Rebuild when content/, templates/ or the store change, and reload open pages.
    public var watch: Bool
    /// How long a connection may go without sending a whole request head or a piece of its body,
    /// or sit idle between requests, before it is closed; a POST's body has a second less (or half) to
    /// arrive whole (``HTTP1ConformingChannel/bodyDeadline(idleTimeout:)``, 408 after it): stalled
    /// clients must not hold the server's connections (and file descriptors) for ever.
    public var idleTimeout: Duration
    public var build: BuildOptions
    /// Where webhook secrets (`"secret": "env:NAME"`) are looked up.
    public var environment: [String: String]
    /// How failed webhook deliveries are retried.
    var webhookRetry = RetryPolicy.webhooks
    /// How failed emails are retried (with `--sendmail`).
    var emailRetry = RetryPolicy.emails
    /// The most connections held at once; nil for half the open-file limit at start
    /// (``ConnectionBudget/forOpenFileLimit(_:)``).
    var maximumConnections: Int?

    public init(host: String = "127.0.0.1", port: Int = 8080, ipLimitPerMinute: Int = 10, codeLimitPerHour: Int = 50,
                trustedProxies: TrustedProxies = TrustedProxies(), refreshDelay: Duration = .milliseconds(200), sendmail: String? = nil, watch: Bool = false, idleTimeout: Duration = .seconds(30), build: BuildOptions,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.host = host
        self.port = port
        self.ipLimitPerMinute = ipLimitPerMinute
        self.codeLimitPerHour = codeLimitPerHour
        self.trustedProxies = trustedProxies
        self.refreshDelay = refreshDelay
        self.sendmail = sendmail
        self.watch = watch
        self.idleTimeout = idleTimeout
        self.build = build
        self.environment = environment
    }

    /// The largest request body the endpoint reads.
    public static let maximumBodySize = 16 * 1024
}
