import Foundation
import Logging

/// Keeps every message a server logs at `info` and above, for tests of what it logs (the access
/// log's status of a request whose client was already answered, say).
final class LogRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [String] = []

    var messages: [String] { lock.withLock { recorded } }

    /// A logger whose messages this recorder keeps.
    func logger() -> Logger {
        var logger = Logger(label: "advocate-test") { _ in Handler(recorder: self) }
        logger.logLevel = .info
        return logger
    }

    fileprivate func record(_ message: String) {
        lock.withLock { recorded.append(message) }
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            recorder.record(event.message.description)
        }
    }
}
