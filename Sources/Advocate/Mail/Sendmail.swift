import CSystemExtensions
import Foundation

/// Hands outbox messages to a mail command (`sendmail -t` reads the recipients from the
/// headers), each on the command's standard input.
public struct Sendmail: Sendable {
    public let command: String
    /// Seconds a send may take before the command (and what it started) is stopped; the
    /// message then stays for the next attempt.
    public let timeout: Int

    /// The commands this mailer (and its copies) has running, by pid: each server's own, so that
    /// stopping one never kills another's sends.
    private let running = RunningCommands()

    public init(command: String, timeout: Int = 120) {
        self.command = command
        self.timeout = timeout
    }

    /// Why the command cannot run on this machine, nil when the shell knows its first word (a
    /// program on `PATH`, a path, a shell keyword or builtin); asked once, at the server's start,
    /// so that a missing `sendmail` is not found out one failed email at a time. A command that
    /// starts with shell syntax (an assignment, quotes, a subshell, `$`) is left to the shell, once
    /// the shell has read it without running it (`sh -n`).
    public func problem() -> String? {
        guard let program = command.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) else {
            return "--sendmail is empty: give the mail command, such as \"sendmail -t -i\""
        }
        // Shell syntax that does not parse (an unclosed quote) failed every email, one at a time.
        if case .success(let status) = run(["/bin/sh", "-n", "-c", command], input: "/dev/null", errors: "/dev/null"), status != 0 {
            return "--sendmail \"\(command)\" is not a command the shell can read (an unclosed quote?); check its quoting"
        }
        let plainWord = program.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_./+-".contains($0)) }
        guard plainWord else { return nil }
        let known = run(["/bin/sh", "-c", #"command -v -- "$1""#, "sh", program], input: "/dev/null", errors: "/dev/null")
        guard case .success(let status) = known, status != 0 else { return nil }
        return program.contains("/")
            ? "--sendmail: \(program) is not an executable file; install the mail transfer agent that provides it (Debian: msmtp-mta, or postfix) or correct the path"
            : "--sendmail: \(program) is not a command on this machine; install a mail transfer agent that provides it (Debian: msmtp-mta, or postfix) or give the command's full path"
    }

    /// coreutils' `timeout` runs the command in a process group of its own and stops all of it:
    /// `sh -c` alone would leave what the command started running.
    private static let timeoutTool = "/usr/bin/timeout"

    /// Runs the command once for the file; nil on success, else what went wrong.
    public func send(_ path: String) -> String? {
        let limited = FileManager.default.isExecutableFile(atPath: Self.timeoutTool)
        let arguments = (limited ? [Self.timeoutTool, "-k", "5", String(timeout)] : []) + ["/bin/sh", "-c", command]
        // Its errors go to a file, not a pipe: reading a pipe to its end waits for every process
        // the command left running (`… & exit 0`), past any timeout.
        let errorsPath = Paths.join(NSTemporaryDirectory(), "advocate-sendmail-\(UUID().uuidString).err")
        defer { unlink(errorsPath) }
        let status: Int32
        switch run(arguments, input: path, errors: errorsPath) {
        case .success(let exit): status = exit
        case .failure(let problem): return "cannot run \(command): \(problem)"
        }
        if limited && [124, 137].contains(status) {
            return "\(command) did not finish within \(timeout) s and was stopped"
        }
        guard status == 0 else {
            let stderr = FileManager.default.contents(atPath: errorsPath) ?? Data()
            // One line in the log: what the command said, its line breaks made spaces, so it can
            // neither leave blank lines nor write lines that look like the server's own.
            let said = Self.withoutAddresses(String(decoding: stderr.prefix(500), as: UTF8.self))
                .split(whereSeparator: \.isNewline).joined(separator: " ").trimmingWhitespace()
            return "\(command) exited with \(status): \(said)"
        }
        return nil
    }

    /// A failure to start the command.
    struct SpawnFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `arguments` with the file at `input` as standard input (no pipe to write into, so a
    /// command that exits without reading cannot raise SIGPIPE here), standard output discarded
    /// and standard error into the file at `errors`; its exit status. posix_spawn and waitpid,
    /// not Foundation's Process, whose wait also waited for whatever the command left running.
    private func run(_ arguments: [String], input: String, errors: String) -> Result<Int32, SpawnFailure> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // Nothing else of the server's reaches the command. It had inherited the listening
        // socket, the event loops' descriptors and any pipe another thread had open (libraries
        // open them without close-on-exec), and held them for as long as it ran.
        _ = advocate_spawn_close_from(&actions, 3)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = running.withLock { () -> Int32 in
            let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
            if spawned == 0 { running.pids.insert(pid) }
            return spawned
        }
        guard spawned == 0 else { return .failure(SpawnFailure(description: String(cString: strerror(spawned)))) }
        defer { running.withLock { _ = running.pids.remove(pid) } }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return .failure(SpawnFailure(description: String(cString: strerror(errno)))) }
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import: a signal gives 128 + its number.
        let signal = status & 0x7F
        return .success(signal == 0 ? (status >> 8) & 0xFF : 128 + signal)
    }

    /// Kills the mail commands running now, with what they started (`timeout` runs each in a
    /// process group of its own; SIGKILL, since a child may have inherited a mask that blocks
    /// SIGTERM), for a server that stops while one hangs: left running, it outlived the server.
    /// Their messages stay in the outbox for the next start.
    public func stopCommandsUnderWay() {
        running.withLock {
            for pid in running.pids where kill(-pid, SIGKILL) != 0 { kill(pid, SIGKILL) }
        }
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

    /// What one ``deliver(_:skipping:while:)`` did.
    public struct Round: Sendable {
        /// The messages that could not be sent, with why.
        public var failures: [(path: String, error: String)] = []
        /// How many were sent.
        public var sent = 0
    }

    /// Sends every pending message of the outbox but those named in `skipping` (file names:
    /// messages waiting out a pause after failing), moving each sent one to `sent/`; a message
    /// that fails stays for the next attempt. Before each message it asks `goOn`, and stops when
    /// told not to (the server stopping: a send started then could finish after the process
    /// ended, and the message, sent but never moved to `sent/`, would go again).
    public func deliver(_ outbox: Outbox, skipping: Set<String> = [], while goOn: () -> Bool = { true }) -> Round {
        var round = Round()
        for path in outbox.pending() where !skipping.contains((path as NSString).lastPathComponent) {
            guard goOn() else { break }
            if let error = send(path) {
                round.failures.append((path, error))
            } else {
                do {
                    try outbox.markSent(path)
                    round.sent += 1
                } catch {
                    round.failures.append((path, "\(error)"))
                }
            }
        }
        return round
    }
}

/// The pids of the mail commands under way, behind a lock.
private final class RunningCommands: @unchecked Sendable {
    private let lock = NSLock()
    var pids: Set<pid_t> = []

    func withLock<T>(_ body: () -> T) -> T { lock.withLock(body) }
}
