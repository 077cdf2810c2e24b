import Foundation

/// Hands outbox messages to a mail command (`sendmail -t` reads the recipients from the
/// headers), each on the command's standard input.
public struct Sendmail: Sendable {
    public let command: String
    /// Seconds a send may take before the command (and what it started) is stopped; the
    /// message then stays for the next attempt.
    public let timeout: Int

    public init(command: String, timeout: Int = 120) {
        self.command = command
        self.timeout = timeout
    }

    /// coreutils' `timeout` runs the command in a process group of its own and stops all of it:
    /// `sh -c` alone would leave what the command started running.
    private static let timeoutTool = "/usr/bin/timeout"

    /// Runs the command once for the file; nil on success, else what went wrong.
    public func send(_ path: String) -> String? {
        // The message file itself is the command's standard input: no pipe to write into, so a
        // command that exits without reading cannot raise SIGPIPE in this process.
        guard let message = FileHandle(forReadingAtPath: path) else { return "cannot read \(path)" }
        defer { try? message.close() }
        let process = Process()
        let limited = FileManager.default.isExecutableFile(atPath: Self.timeoutTool)
        process.executableURL = URL(fileURLWithPath: limited ? Self.timeoutTool : "/bin/sh")
        process.arguments = (limited ? ["-k", "5", String(timeout), "/bin/sh"] : []) + ["-c", command]
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
        if limited && [124, 137].contains(process.terminationStatus) {
            return "\(command) did not finish within \(timeout) s and was stopped"
        }
        guard process.terminationStatus == 0 else {
            let said = Self.withoutAddresses(String(decoding: stderr.prefix(500), as: UTF8.self))
            return "\(command) exited with \(process.terminationStatus): \(said)"
        }
        return nil
    }

    /// `text` with each word that holds an `@` replaced: mail tools name the recipient in their
    /// errors, and a friend's address must not reach the log.
    static func withoutAddresses(_ text: String) -> String {
        var output = ""
        var word = ""
        func flush() {
            output += word.contains("@") ? "(an address)" : word
            word = ""
        }
        for character in text {
            if character.isWhitespace || "<>()[],;:\"'".contains(character) {
                flush()
                output.append(character)
            } else {
                word.append(character)
            }
        }
        flush()
        return output
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
