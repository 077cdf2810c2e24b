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
        let name = message.date.iso8601.replacingOccurrences(of: ":", with: "") + "-" + Slug.make(message.id, fallback: "message") + ".eml"
        let path = Paths.join(directory, name)
        try AtomicFile.write(Array(text.utf8), to: path)
        return path
    }

    /// Messages not sent yet, oldest first.
    public func pending() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".eml") }.sorted().map { Paths.join(directory, $0) }
    }

    /// Moves a sent message into `sent/`.
    public func markSent(_ path: String) throws {
        let sent = Paths.join(directory, "sent")
        try FileManager.default.createDirectory(atPath: sent, withIntermediateDirectories: true)
        let target = Paths.join(sent, (path as NSString).lastPathComponent)
        guard rename(path, target) == 0 else {
            throw AtomicFile.Failure(description: "cannot move \(path) to \(sent): \(String(cString: strerror(errno)))")
        }
    }
}
