import Advocate
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// `advocate serve`: builds the site, then serves the output folder and records referrals
/// posted to the program's endpoint.
public enum AdvocateServer {
    /// Why the server could not start.
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// A server ready to run: its application and what it built on the way.
    public struct Prepared {
        public let application: Application<RouterResponder<AdvocateRequestContext>>
        public let build: BuildReport
        let refresher: SiteRefresher
        let mailer: MailDispatcher
        /// Marks the run, so that a killed one's emails are made again at the next start.
        let mailRecovery: MailRecovery
        /// Holds the store's lock for as long as the server lives.
        let journal: JournalWriter
        /// Rereads the inputs and rebuilds the site, on SIGHUP and for the watcher.
        let reloader: SiteReloader
        /// Watch mode only: rebuilds on changes.
        let watcher: SiteWatcher?

        /// Runs until SIGINT or SIGTERM, then finishes any pending refresh. SIGHUP rereads the
        /// store, content and theme and rebuilds the site, as daemons reload their configuration.
        ///
        /// - Parameter hangups: SIGHUP, trapped (`UnixSignalsSequence(trapping: .sighup)`) before
        ///   ``AdvocateServer/prepare(_:logger:progress:onRunning:)``, so that a reload asked for during the
        ///   first build runs once the server is up instead of ending the process.
        public func run(reloadingOn hangups: UnixSignalsSequence) async throws {
            let reloading = Task { [reloader] in
                for await _ in hangups { await reloader.rebuild("on SIGHUP") }
            }
            let watching = watcher.map { watcher in Task { await watcher.run() } }
            let logger = reloader.logger
            let secondSignal = Task { await AdvocateServer.stopAtOnceOnASecondSignal(logger: logger) }
            defer { secondSignal.cancel() }
            var group = ServiceGroupConfiguration(services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: application.logger)
            // A request that never ends (a body sent a byte at a time) held the stop for good.
            group.maximumGracefulShutdownDuration = AdvocateServer.stopGrace
            try await ServiceGroup(configuration: group).run()
            logger.notice("stopping: finishing the page refresh under way and writing the queued emails")
            watching?.cancel()
            reloading.cancel()
            await refresher.flush()
            await mailer.flush()
            await mailRecovery.markStopped(lost: mailer.lostReferralIDs)
            let waiting = mailer.waitingInOutbox
            let next = mailer.sends ? "the next start" : "a start with --sendmail"
            logger.notice("stopped\(waiting > 0 ? "; \(waiting) email\(waiting == 1 ? "" : "s") wait in .advocate/outbox/ for \(next)" : "")")
        }
    }

    /// How long a stopping server waits for the requests under way before it closes their
    /// connections.
    static let stopGrace: Duration = .seconds(10)

    /// A second SIGINT or SIGTERM while the server stops ends the process at once. Nothing
    /// acknowledged is lost: each referral is on disk before its answer, and emails not yet
    /// written are made at the next start (``MailRecovery``).
    static func stopAtOnceOnASecondSignal(logger: Logger) async {
        var seen = 0
        for await signal in await UnixSignalsSequence(trapping: .sigint, .sigterm) {
            seen += 1
            guard seen == 2 else {
                logger.notice("\(signal): stopping; requests under way have up to \(stopGrace) to finish (a second signal stops at once)")
                continue
            }
            logger.warning("a second \(signal): stopping at once; emails not yet written are made at the next start")
            exit(128 + signal.rawValue)
        }
    }

    /// Checks that the address can be listened on, takes the store's lock, repairs a torn journal
    /// tail, loads and builds the site, and assembles the application. Throws ``StartError`` or
    /// ``BuildError``.
    ///
    /// ```swift
    /// let hangups = await UnixSignalsSequence(trapping: .sighup)
    /// let prepared = try AdvocateServer.prepare(ServerConfiguration(build: BuildOptions(source: ".")),
    ///                                           onRunning: { port in print("Serving http://127.0.0.1:\(port)/") })
    /// try await prepared.run(reloadingOn: hangups)
    /// ```
    ///
    /// - Parameters:
    ///   - progress: called with pages done and pages in all while the first build renders.
    ///   - onRunning: called with the port once the server listens (the real one when
    ///     the configuration asks for port 0).
    public static func prepare(_ configuration: ServerConfiguration, logger: Logger = Logger(label: "advocate"),
                               progress: (@Sendable (Int, Int) -> Void)? = nil,
                               onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> Prepared {
        if let problem = ListenProbe.problem(host: configuration.host, port: configuration.port) {
            throw StartError(description: problem)
        }
        if let problem = configuration.sendmail.flatMap({ Sendmail(command: $0).problem() }) {
            throw StartError(description: problem)
        }
        do {
            try configuration.build.checkSourceFolder()
        } catch {
            throw BuildError.invalidInput(error)
        }
        let journal: JournalWriter
        do {
            journal = try JournalWriter(dataDirectory: configuration.build.dataDirectory)
        } catch {
            throw StartError(description: error.description)
        }
        if let notice = journal.tornTailNotice {
            logger.warning("\(notice)")
        }
        var options = configuration.build
        options.asOf = nil
        let digests = InputDigests(options)
        let inputs: SiteInputs
        do {
            inputs = try SiteInputs.load(options)
        } catch {
            throw BuildError.invalidInput(error)
        }
        let receivers = try webhookReceivers(configuration, inputs: inputs)
        // A site already built from these inputs is served as it is (a restart at 100,000
        // referrers starts in seconds instead of re-rendering every page).
        let report = try SiteBuilder.build(inputs, digests: digests, progress: progress)
        if let notice = OfferNotice.message(program: inputs.store.program, pagesAsOf: report.asOf, now: .now) {
            logger.warning("\(notice)")
        }
        if let ahead = AsOf.storeDatedAhead(report.asOf, now: .now) {
            logger.warning("\(ahead)")
        }
        let outcomes = inputs.loaded.outcomeLedger
        let refresher = SiteRefresher(outcomes: outcomes, delay: configuration.refreshDelay, logger: logger)
        let outbox = Outbox(options: options)
        let mailer = MailDispatcher(outbox: outbox, sendmail: configuration.sendmail.map { Sendmail(command: $0) }, retry: configuration.emailRetry,
                                    logger: logger)
        let mailRecovery = MailRecovery(outbox: outbox)
        mailRecovery.begin(inputs: inputs, mailer: mailer, logger: logger)
        let webhooks = try webhookDispatcher(receivers, configuration: configuration, inputs: inputs, logger: logger)
        let desk = ReferralDesk(inputs: inputs, outcomes: outcomes, journal: journal, refresher: refresher, mailer: mailer, webhooks: webhooks, logger: logger)
        Task { await mailer.deliver() }
        let urls = SiteURLs(baseURL: inputs.store.program.baseURL)
        let intake = FormIntake(ipLimiter: RateLimiter(capacity: configuration.ipLimitPerMinute, period: .seconds(60)),
                                allowedOrigins: Set([FormIntake.serializedOrigin(inputs.store.program.baseURL)].compactMap { $0 }))
        let codeLimiter = RateLimiter(capacity: configuration.codeLimitPerHour, period: .seconds(3600))
        // An endpoint on another host (program.json's endpoint as an absolute URL) sends the
        // friend back to the site's pages, not on to its own host's copy of them.
        let landing = FormIntake.serializedOrigin(inputs.store.program.endpoint) == nil ? urls.path : urls.absolute
        let endpoint = ReferralEndpoint(desk: desk, intake: intake, codeLimiter: codeLimiter, thanksPath: landing("/thanks/"), logger: logger)
        let join = JoinEndpoint(desk: desk, intake: intake, emailLimiter: codeLimiter, sentPath: landing("/join/sent/"))
        let liveReload = configuration.watch ? LiveReload() : nil
        let router = makeRouter(endpoint: endpoint, join: join, desk: desk, outputDirectory: options.outputDirectory,
                                withheldFolders: [options.dataDirectory, options.stateDirectory], endpointPath: endpointPath(inputs.store.program.endpoint), root: urls.root, liveReload: liveReload,
                                trustedProxies: configuration.trustedProxies)
        let reloader = SiteReloader(options: options, desk: desk, liveReload: liveReload, startedWith: inputs.store.program, logger: logger)
        let watcher = configuration.watch ? SiteWatcher(reloader: reloader) : nil
        var application = Application(
            router: router,
            server: HTTP1ConformingChannel.server(idleTimeout: configuration.idleTimeout, connections: ConnectionBudget(
                maximum: configuration.maximumConnections ?? ConnectionBudget.forOpenFileLimit(OpenFileLimit.current() ?? 1024))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "advocate"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
        if let webhooks { application.addServices(WebhookService(dispatcher: webhooks)) }
        return Prepared(application: application, build: report, refresher: refresher, mailer: mailer, mailRecovery: mailRecovery, journal: journal,
                        reloader: reloader, watcher: watcher)
    }

    /// The webhooks' dispatcher, with each secret read from the environment; nil without webhooks.
    /// Each webhook with its secret from the environment; checked before the build, so that a
    /// secret not set stops the start at once rather than after minutes of building.
    static func webhookReceivers(_ configuration: ServerConfiguration, inputs: SiteInputs) throws -> [WebhookDispatcher.Receiver] {
        try inputs.store.program.webhooks.enumerated().map { index, hook in
            guard let secret = configuration.environment[hook.secretVariable], !secret.isEmpty else {
                throw StartError(description: "\(Paths.join(configuration.build.dataDirectory, StoreFiles.program)): webhooks[\(index)] (\(hook.url)) signs with the environment variable \(hook.secretVariable), which is not set; set it (a long random string the receiver knows too) or remove the webhook")
            }
            return WebhookDispatcher.Receiver(hook: hook, secret: Array(secret.utf8))
        }
    }

    static func webhookDispatcher(_ receivers: [WebhookDispatcher.Receiver], configuration: ServerConfiguration, inputs: SiteInputs,
                                  logger: Logger) throws -> WebhookDispatcher? {
        guard !receivers.isEmpty else { return nil }
        do {
            return try WebhookDispatcher(receivers: receivers, journal: inputs.store.journal,
                                         logPath: WebhookLog.path(stateDirectory: configuration.build.stateDirectory),
                                         retry: configuration.webhookRetry, logger: logger)
        } catch {
            throw StartError(description: error.description)
        }
    }

    static func makeRouter(endpoint: ReferralEndpoint, join: JoinEndpoint, desk: ReferralDesk, outputDirectory: String, withheldFolders: [String],
                           endpointPath: String, root: String, liveReload: LiveReload?, trustedProxies: TrustedProxies) -> Router<AdvocateRequestContext> {
        let router = Router(context: AdvocateRequestContext.self)
        router.addMiddleware {
            ForwardedClientMiddleware(trustedProxies: trustedProxies)
            AccessLogMiddleware()
            MethodGuardMiddleware(allowed: [endpointPath: [.post], Site.joinPath: [.post], "/healthz": [.get, .head], OpenAPIDocument.path: [.get, .head]])
            StaticSiteMiddleware(outputDirectory: outputDirectory, root: root)
            if liveReload != nil {
                LiveReloadMiddleware(outputDirectory: outputDirectory, root: root)
            }
            FileMiddleware(fileProvider: OpenedFileProvider(rootFolder: outputDirectory, withholding: withheldFolders), urlBasePath: root == "/" ? nil : root,
                           searchForIndexHtml: true)
        }
        if let liveReload {
            router.get(RouterPath(LiveReload.eventsPath)) { _, _ in await liveReload.response() }
        }
        getAndHead(router, "/healthz") {
            // The system's reason without the file's path, which a public answer need not show.
            desk.journalUnwritableReason.map { reason in
                Response.plainText(.serviceUnavailable, "journal not writable: " + (reason.components(separatedBy: ": ").last ?? reason),
                                   headers: [.cacheControl: "no-store"])
            } ?? Response.plainText(.ok, "ok", headers: [.cacheControl: "no-store"])
        }
        let document = OpenAPIDocument.json(endpointPath: endpointPath)
        getAndHead(router, OpenAPIDocument.path) {
            Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-cache"],
                     body: .init(byteBuffer: .init(string: document)))
        }
        router.post(RouterPath(endpointPath)) { request, context in try await endpoint.handle(request, context: context) }
        router.post(RouterPath(Site.joinPath)) { request, context in try await join.handle(request, context: context) }
        return router
    }

    /// Answers GET at `path` with `response()`, and HEAD with its status and headers (health
    /// probes and link checkers send HEAD; RFC 9110 asks for it wherever GET works).
    private static func getAndHead(_ router: Router<AdvocateRequestContext>, _ path: String,
                                   _ response: @escaping @Sendable () -> Response) {
        router.get(RouterPath(path)) { _, _ in response() }
        router.head(RouterPath(path)) { _, _ in response().createHeadResponse() }
    }

    /// The path part of the program's endpoint (which may be an absolute URL).
    static func endpointPath(_ endpoint: String) -> String {
        guard let schemeEnd = endpoint.range(of: "://") else { return endpoint }
        let path = endpoint[schemeEnd.upperBound...].drop { $0 != "/" }
        return path.isEmpty ? "/" : String(path)
    }
}
