import Foundation

/// Hands outbox messages to a mail command (`sendmail -t` reads the recipients from the
/// headers), each on the command's standard input.
public struct Sendmail: Sendable {
    public let command: String

    public init(command: String) {
        self.command = command
    }

    /// Runs the command once for the file; nil on success, else what went wrong.
    public func send(_ path: String) -> String? {
        // The message file itself is the command's standard input: no pipe to write into, so a
        // command that exits without reading cannot raise SIGPIPE in this process.
        guard let message = FileHandle(forReadingAtPath: path) else { return "cannot read \(path)" }
        defer { try? message.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let errors = Pipe()
        process.standardInput = message
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do {
            try process.run()
        } catch {
            return "cannot run \(command): \(error)"
        }
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return "\(command) exited with \(process.terminationStatus): \(String(decoding: stderr.prefix(500), as: UTF8.self))"
        }
        return nil
    }

    /// Sends every pending message of the outbox, moving each sent one to `sent/`; a message that
    /// fails stays for the next attempt. Returns the failures.
    public func deliver(_ outbox: Outbox) -> [(path: String, error: String)] {
        var failures: [(String, String)] = []
        for path in outbox.pending() {
            if let error = send(path) {
                failures.append((path, error))
            } else {
                do {
                    try outbox.markSent(path)
                } catch {
                    failures.append((path, "\(error)"))
                }
            }
        }
        return failures
    }
}
