import Foundation

/// The webhook delivery log, `<source>/.advocate/webhooks.json`: for each receiver, how far
/// through the journal it has been served and how its current delivery is going. It is
/// rewritten atomically after every change, so a restart carries on where the last run stopped;
/// the events themselves are the journal's, so nothing is lost while a receiver is down.
public struct WebhookLog: Sendable, Equatable {
    /// One receiver's progress.
    public struct Hook: Sendable, Equatable {
        /// Journal events (counted from the first) already delivered, skipped as not wanted, or given up.
        public var delivered: Int
        /// Failed attempts at the next event.
        public var attempts: Int = 0
        /// When the next event first failed; it is given up a day later.
        public var failingSince: Instant?
        public var nextAttempt: Instant?
        public var lastError: String?
        /// Events given up after a day of failures, newest last (the latest 100).
        public var givenUp: [GivenUp] = []

        public init(delivered: Int) {
            self.delivered = delivered
        }
    }

    /// An event a receiver never accepted.
    public struct GivenUp: Sendable, Equatable {
        /// Its place in the journal, counted from 1 like a line number.
        public var event: Int
        public var type: String
        public var at: Instant
        public var error: String

        public init(event: Int, type: String, at: Instant, error: String) {
            self.event = event
            self.type = type
            self.at = at
            self.error = error
        }
    }

    /// By receiver URL.
    public var hooks: [String: Hook] = [:]

    public init() {}

    public static func path(stateDirectory: String) -> String {
        Paths.join(stateDirectory, "webhooks.json")
    }

    /// Reads the log; an absent file is an empty log.
    public static func load(from path: String) throws(AtomicFile.Failure) -> WebhookLog {
        guard let data = FileManager.default.contents(atPath: path) else { return WebhookLog() }
        let root: JSONNode
        do {
            root = try JSONParser.parse([UInt8](data))
        } catch {
            throw AtomicFile.Failure(description: "\(path):\(error.location.line):\(error.location.column): the webhook delivery log is malformed (\(error.message)); move it aside to start the receivers from the journal's end")
        }
        var log = WebhookLog()
        for member in root.members ?? [] {
            let fields = Dictionary(member.value.members?.map { ($0.key, $0.value) } ?? [], uniquingKeysWith: { first, _ in first })
            var hook = Hook(delivered: Int(fields["delivered"]?.numberValue ?? 0))
            hook.attempts = Int(fields["attempts"]?.numberValue ?? 0)
            hook.failingSince = fields["failingSince"]?.stringValue.flatMap(Instant.init(iso8601:))
            hook.nextAttempt = fields["nextAttempt"]?.stringValue.flatMap(Instant.init(iso8601:))
            hook.lastError = fields["lastError"]?.stringValue
            hook.givenUp = (fields["givenUp"]?.elements ?? []).compactMap { node in
                let item = Dictionary(node.members?.map { ($0.key, $0.value) } ?? [], uniquingKeysWith: { first, _ in first })
                guard let event = item["event"]?.numberValue, let type = item["type"]?.stringValue,
                      let at = item["at"]?.stringValue.flatMap(Instant.init(iso8601:)) else { return nil }
                return GivenUp(event: Int(event), type: type, at: at, error: item["error"]?.stringValue ?? "")
            }
            log.hooks[member.key] = hook
        }
        return log
    }

    public func save(to path: String) throws(AtomicFile.Failure) {
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let members: [(String, JSONOutput)] = hooks.keys.sorted().map { url in
            let hook = hooks[url]!
            var fields: [(String, JSONOutput)] = [("delivered", .number(Double(hook.delivered))), ("attempts", .number(Double(hook.attempts)))]
            if let since = hook.failingSince { fields.append(("failingSince", .string(since.iso8601))) }
            if let next = hook.nextAttempt { fields.append(("nextAttempt", .string(next.iso8601))) }
            if let error = hook.lastError { fields.append(("lastError", .string(error))) }
            fields.append(("givenUp", .array(hook.givenUp.map { item in
                .object([("event", .number(Double(item.event))), ("type", .string(item.type)), ("at", .string(item.at.iso8601)),
                         ("error", .string(item.error))])
            })))
            return (url, .object(fields))
        }
        try AtomicFile.write(Array((JSONOutput.object(members).serialized(pretty: true) + "\n").utf8), to: path)
    }
}
