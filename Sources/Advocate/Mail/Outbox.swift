import Foundation

/// A folder of `.eml` files waiting to be sent (`<source>/.advocate/outbox/`); sent ones move to
/// `sent/`. Files are written atomically, so a reader never sees half a message.
public struct Outbox: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public init(options: BuildOptions) {
        self.init(directory: Paths.join(options.stateDirectory, "outbox"))
    }

    /// Writes a message; returns its path, or nil when its addresses are unusable.
    @discardableResult
    public func put(_ message: EmailMessage) throws -> String? {
        guard let text = message.rfc5322 else { return nil }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = freePath(for: message, taken: [])
        try AtomicFile.write(Array(text.utf8), to: path)
        return path
    }

    /// Where a message goes, never over another: ids that differ only in case or punctuation
    /// (`RF_X1`, `rf-x1`) make one file name, and one import dates all its emails alike, so such
    /// a message gets `~2`, `~3`… (it had replaced the other, which was never sent).
    private func freePath(for message: EmailMessage, taken: Set<String>) -> String {
        let first = path(of: message)
        var path = first
        var copy = 1
        while taken.contains(path) || fileType(path) != nil {
            copy += 1
            // `~` sorts after `.`: the later message is sent after the first.
            path = String(first.dropLast(".eml".count)) + "~\(copy).eml"
        }
        return path
    }

    /// What became of one message of ``put(all:)``.
    public enum Placement: Sendable {
        case written(path: String)
        /// Its addresses are unusable.
        case unaddressable
        case failed(any Error)
    }

    /// Writes many messages with one flush to disk for all of them (the server's emails under a
    /// burst of referrals); returns what became of each, in order.
    public func put(all messages: [EmailMessage]) -> [Placement] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            return messages.map { _ in .failed(error) }
        }
        var files: [(path: String, bytes: [UInt8])] = []
        var taken: Set<String> = []
        let paths: [String?] = messages.map { message in
            guard let text = message.rfc5322 else { return nil }
            let path = freePath(for: message, taken: taken)
            taken.insert(path)
            files.append((path, Array(text.utf8)))
            return path
        }
        let failures = AtomicFile.writeAll(files)
        return paths.map { path in
            guard let path else { return .unaddressable }
            return failures[path].map { .failed($0) } ?? .written(path: path)
        }
    }

    /// Whether the message is waiting here or was sent: its file is in the outbox or in `sent/`,
    /// or `sentNames` (``sentNames()``) has it, as after `sent/` was pruned.
    public func holds(_ message: EmailMessage, sentNames: Set<String>) -> Bool {
        let path = path(of: message)
        let name = (path as NSString).lastPathComponent
        return sentNames.contains(name) || fileType(path) != nil || fileType(Paths.join(sentDirectory, name)) != nil
    }

    /// The file names of the messages sent, from `sent.log`: names only (a date and a referral's
    /// id), which stay when `sent/` is pruned for retention, so that a restart after a kill does
    /// not send its messages again.
    public func sentNames() -> Set<String> {
        guard let data = FileManager.default.contents(atPath: sentLog) else { return [] }
        return Set(data.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) })
    }

    private var sentLog: String { Paths.join(directory, "sent.log") }

    private func path(of message: EmailMessage) -> String {
        let time = String(decoding: message.date.iso8601.utf8.filter { $0 != UInt8(ascii: ":") }, as: UTF8.self)
        return Paths.join(directory, time + "-" + Slug.make(message.id, fallback: "message") + ".eml")
    }

    /// Messages not sent yet, oldest first.
    public func pending() -> [String] {
        Self.messages(in: directory)
    }

    /// Messages sent, kept in `sent/`, oldest first.
    public func sent() -> [String] {
        Self.messages(in: sentDirectory)
    }

    /// Messages given up on (the mail command refused them for a day), kept in `failed/`, oldest first.
    public func failed() -> [String] {
        Self.messages(in: failedDirectory)
    }

    private var sentDirectory: String { Paths.join(directory, "sent") }
    private var failedDirectory: String { Paths.join(directory, "failed") }

    private static func messages(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".eml") }.sorted().map { Paths.join(folder, $0) }
    }

    /// Moves a sent message into `sent/`, and adds its name to `sent.log` (``sentNames()``).
    public func markSent(_ path: String) throws {
        try move(path, to: sentDirectory)
        let log = open(sentLog, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard log >= 0 else { throw AtomicFile.Failure(description: "cannot open \(sentLog): \(systemMessage())") }
        defer { close(log) }
        let line = Array(((path as NSString).lastPathComponent + "\n").utf8)
        guard write(log, line, line.count) == line.count else { throw AtomicFile.Failure(description: "cannot write to \(sentLog): \(systemMessage())") }
    }

    /// Moves a message given up on into `failed/`, where it is not sent again (moved back into
    /// the outbox, it is).
    public func markFailed(_ path: String) throws {
        try move(path, to: failedDirectory)
    }

    private func move(_ path: String, to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let target = Paths.join(folder, (path as NSString).lastPathComponent)
        guard rename(path, target) == 0 else {
            throw AtomicFile.Failure(description: "cannot move \(path) to \(folder): \(systemMessage())")
        }
    }
}
