import Foundation

/// The one writer of a store's journal: it holds an advisory lock on `referrals.jsonl.lock`,
/// repairs a torn tail left by a crash, and appends lines durably.
///
/// `flock` locks belong to the open file description, so the kernel releases the lock when the
/// process dies: a leftover lock file never blocks a restart. Appends are group-committed: a
/// caller returns only after its line was written and `fsync`ed, and callers arriving while a
/// flush runs share the next one.
public final class JournalWriter: @unchecked Sendable {
    /// Why the journal could not be opened or written.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
        /// Another process (`advocate serve`, say) holds the store's lock.
        public var isLockHeld = false
    }


    /// A place in the append queue, handed out by ``enqueue(_:)``.
    public struct Ticket: Sendable {
        fileprivate let number: Int
    }

    public let path: String
    public let lockPath: String
    /// Where the torn last line found at start was kept (nil when the journal ended cleanly).
    public let tornTailPath: String?
    /// What to tell of the torn last line found at start, set aside in ``tornTailPath``: every
    /// command that writes to the journal says it, not only the server.
    public var tornTailNotice: String? {
        tornTailPath.map { "the journal's last line was unfinished (a crash mid-write, or a line still being typed): kept in \($0) and cut off \(path); if it was meant, complete it and append it again" }
    }
    private let descriptor: Int32
    private let lockDescriptor: Int32
    private let condition = NSCondition()
    private var pending: [UInt8] = []
    private var enqueued = 0
    private var flushed = 0
    private var failures: [Int: String] = [:]
    /// The number of lines of each queued ticket.
    private var ticketLines: [Int: Int] = [:]
    /// Lines this writer appended so far, and, for each ticket on disk not yet collected, how
    /// many it had appended before the ticket's: its place among the appends, which a failed
    /// append does not take (its lines are cut back off).
    private var appendedLines = 0
    private var appendedBefore: [Int: Int] = [:]
    private var flushing = false
    /// An async caller waiting for its ticket (see ``durable(_:)``), resumed by the flush that
    /// takes its lines with their place among the appends, or the failure.
    private typealias Waiter = (number: Int, continuation: CheckedContinuation<Result<Int, Failure>, Never>)
    private var waiters: [Waiter] = []
    /// Set from when ``flushWhileQueued()`` is queued until it finds nothing left to flush.
    private var flusherActive = false
    private let flushQueue = DispatchQueue(label: "advocate.journal-flush", qos: .userInitiated)
    /// Set once an fsync failed: what reached the disk is unknown, so nothing more is acknowledged.
    private var broken: String?
    /// For benchmarks only (scripts/load-test), never for users: `ADVOCATE_BENCH_FSYNC_EACH=1`
    /// turns group commit off, one fsync per caller, so the gain of group commit can be measured.
    private let fsyncEach = ProcessInfo.processInfo.environment["ADVOCATE_BENCH_FSYNC_EACH"] == "1"
    /// Where each queued caller's lines end in `pending` (kept only when `fsyncEach`).
    private var ticketEnds: [Int] = []
    private var closed = false
    /// Fault tests: the errno with which the next writes fail after half their bytes.
    private var simulatedWriteError: Int32?
    /// Why the last append failed, until one succeeds (or, for a full disk, there is room again).
    private var lastAppendFailure: (message: String, isFullDisk: Bool)?
    /// The journal's size after this writer's last append (or when it opened it), to tell what
    /// someone else did to the file since. Under `condition`.
    private var knownSize: off_t = -1

    /// The pid of the process holding the store's lock (`advocate serve`, or a command changing
    /// the store), "" when it wrote none; nil when nobody holds it. Takes the lock shared for an
    /// instant, which a writer starting then waits out.
    public static func holder(dataDirectory: String) -> String? {
        let lockPath = Self.lockPath(dataDirectory: dataDirectory)
        let descriptor = open(lockPath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { Foundation.close(descriptor) }
        guard flock(descriptor, LOCK_SH | LOCK_NB) != 0 else { return nil }
        return errno == EWOULDBLOCK ? pid(inLock: lockPath) ?? "" : nil
    }

    /// Opens the lock file, creating it owned as the data folder is (run as root: `sudo advocate
    /// forget` must not leave a lock the server's own user cannot open). One it cannot write
    /// (made by another user) is opened to read: `flock` needs no more, only the pid goes unsaid.
    private static func openLock(_ lockPath: String, dataDirectory: String) -> Int32 {
        let existed = access(lockPath, F_OK) == 0
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let reason = errno
            guard reason == EACCES else { return descriptor }
            let readOnly = open(lockPath, O_RDONLY | O_CLOEXEC)
            // No lock file to read either: the first reason (permissions) is the one to tell.
            if readOnly < 0 { errno = reason }
            return readOnly
        }
        if !existed, let owner = ownerForNewFile(in: dataDirectory) {
            _ = fchown(descriptor, owner.uid, owner.gid)
        }
        return descriptor
    }

    private static func lockPath(dataDirectory: String) -> String {
        Paths.join(dataDirectory, StoreFiles.journal) + ".lock"
    }

    private static func pid(inLock path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingWhitespace().nilIfEmpty
    }

    /// Takes the store's lock (failing within a fifth of a second when another process holds
    /// it), moves a torn last line aside into `referrals.jsonl.torn-<time>`, and opens the
    /// journal for appending.
    public init(dataDirectory: String) throws(Failure) {
        path = Paths.join(dataDirectory, StoreFiles.journal)
        lockPath = Self.lockPath(dataDirectory: dataDirectory)
        lockDescriptor = Self.openLock(lockPath, dataDirectory: dataDirectory)
        guard lockDescriptor >= 0 else {
            if let absent = StoreLoader.unusableDataFolder(dataDirectory) {
                throw Failure(description: "\(absent.file): \(absent.message)")
            }
            let reason = errno
            throw Failure(description: "cannot open the lock file \(lockPath): \(systemMessage(reason))\(accessAdvice(reason, for: dataDirectory))")
        }
        // A build looks at the lock for an instant (``holder(dataDirectory:)``): waited out.
        var attempts = 0
        while flock(lockDescriptor, LOCK_EX | LOCK_NB) != 0 {
            attempts += 1
            guard errno == EWOULDBLOCK, attempts < 10 else {
                let holder = Self.pid(inLock: lockPath)
                Foundation.close(lockDescriptor)
                throw Failure(description: "another advocate process is writing to this store (lock held on \(lockPath)\(holder.map { " by pid \($0)" } ?? "")); stop it first",
                              isLockHeld: true)
            }
            usleep(20_000)
        }
        let pid = Array("\(ProcessInfo.processInfo.processIdentifier)\n".utf8)
        _ = ftruncate(lockDescriptor, 0)
        _ = pwrite(lockDescriptor, pid, pid.count, 0)
        AtomicFile.removeLeftovers(of: [StoreFiles.journal, StoreFiles.referrers, Erasure.logFile], in: dataDirectory)
        // Appending through a link to nowhere would start a new, empty journal at its target
        // (a volume not mounted yet), and every earlier friend would count as new.
        if let problem = brokenLinkProblem(path, kind: "journal") {
            Foundation.close(lockDescriptor)
            throw Failure(description: "\(path): \(problem)")
        }
        do {
            tornTailPath = try Self.repairTornTail(path)
        } catch {
            Foundation.close(lockDescriptor)
            throw error
        }
        let existed = FileManager.default.fileExists(atPath: path)
        descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            Foundation.close(lockDescriptor)
            let reason = errno
            throw Failure(description: "cannot open \(path) for appending: \(systemMessage(reason))\(accessAdvice(reason, for: path))")
        }
        if !existed { syncFolder(dataDirectory) }
        knownSize = openState()?.st_size ?? -1
    }

    deinit {
        close()
    }

    /// Closes the journal and releases the store's lock (as the process ending would). Nothing
    /// can be appended afterwards.
    public func close() {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return }
        closed = true
        broken = broken ?? "the journal was closed"
        Foundation.close(descriptor)
        Foundation.close(lockDescriptor)
    }

    /// Why the journal cannot be written now, or nil: an fsync failed, its file is gone, or the
    /// last append failed (for a full disk, while its file system still has no room: with room
    /// again it is writable, though no append has been tried since).
    public var unwritableReason: String? {
        condition.lock()
        defer { condition.unlock() }
        if let broken { return broken }
        let state = openState()
        if let gone = fileIsGone(state) { return gone }
        // Told as it is now: a line added without its newline since the last append, or ended since.
        if let size = state?.st_size, let change = foreignChange(size: size) { return "cannot append to \(path): \(change.reason)" }
        if let failed = lastAppendFailure {
            // Only a full disk is known to be over once there is room; any other failure (a
            // quota, an I/O error) stands until an append succeeds.
            var space = statvfs()
            let roomy = failed.isFullDisk && simulatedWriteError == nil && fstatvfs(descriptor, &space) == 0
                && UInt64(space.f_bavail) * UInt64(space.f_frsize) >= Self.roomNeeded
            if !roomy { return failed.message }
            lastAppendFailure = nil
        }
        return nil
    }

    /// The open journal's state, nil when `fstat` fails.
    private func openState() -> stat? {
        var state = stat()
        return fstat(descriptor, &state) == 0 ? state : nil
    }

    /// Why the open file, in state `open`, is no longer the journal at `path`, or nil: removed
    /// (`rm`), or moved or replaced (`mv`), lines appended to it would be lost from the journal.
    private func fileIsGone(_ open: stat?) -> String? {
        guard let open, open.st_nlink > 0 else { return "the journal file was removed, or replaced by an editor's save or sed -i" }
        var named = stat()
        guard stat(path, &named) == 0, named.st_ino == open.st_ino, named.st_dev == open.st_dev else {
            return "the journal file was moved or replaced"
        }
        return nil
    }

    /// The free space at which a file system that was full takes appends again: a megabyte, a
    /// few thousand referrals.
    static let roomNeeded: UInt64 = 1 << 20

    /// For fault tests where no small disk can be mounted: until called with nil, every write puts
    /// half its bytes in the file and then fails with `errno` (ENOSPC: a full disk).
    public func simulateWriteFailure(_ errno: Int32?) {
        condition.lock()
        defer { condition.unlock() }
        simulatedWriteError = errno
    }

    /// Appends one JSON line and returns once it is on disk. Blocks: call it off the event loop.
    public func append(_ line: String) throws(Failure) {
        try append([line])
    }

    /// Appends JSON lines in one write, all or none, and returns once they are on disk.
    public func append(_ lines: [String]) throws(Failure) {
        try waitUntilDurable(enqueue(lines))
    }

    /// Queues lines without waiting for the disk; they reach the file in the order of the calls.
    /// Pair every call with ``waitUntilDurable(_:)`` before acknowledging anything.
    public func enqueue(_ lines: [String]) -> Ticket {
        condition.lock()
        defer { condition.unlock() }
        for line in lines {
            pending.append(contentsOf: line.utf8)
            pending.append(0x0A)
        }
        if fsyncEach { ticketEnds.append(pending.count) }
        enqueued += 1
        ticketLines[enqueued] = lines.count
        return Ticket(number: enqueued)
    }

    /// Returns once the ticket's lines are written and `fsync`ed, flushing them itself unless a
    /// flush is running (callers arriving meanwhile share the next one). Blocks.
    public func waitUntilDurable(_ ticket: Ticket) throws(Failure) {
        condition.lock()
        defer { condition.unlock() }
        flush(until: { flushed >= ticket.number })
        appendedBefore[ticket.number] = nil
        if let failure = failures.removeValue(forKey: ticket.number) {
            throw Failure(description: failure)
        }
    }

    /// Returns once the ticket's lines are written and `fsync`ed, holding no thread meanwhile:
    /// the flushes run on the writer's own queue, one after another while lines are queued, and
    /// every caller whose lines a flush took in is resumed when it ends. This is what lets a
    /// server on few cores share one fsync among many requests without a blocked thread each.
    ///
    /// - Returns: how many lines this writer had appended before the ticket's: added to the
    ///   journal's length at start, the place of its first line.
    @discardableResult
    public func durable(_ ticket: Ticket) async throws(Failure) -> Int {
        let result: Result<Int, Failure> = await withCheckedContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            if flushed >= ticket.number {
                continuation.resume(returning: outcome(of: ticket.number))
                return
            }
            waiters.append((ticket.number, continuation))
            guard !flusherActive else { return }
            flusherActive = true
            flushQueue.async { self.flushWhileQueued() }
        }
        return try result.get()
    }

    /// With the lock held, for a flushed ticket: its place among the appends, or its failure.
    private func outcome(of number: Int) -> Result<Int, Failure> {
        if let failure = failures.removeValue(forKey: number) { return .failure(Failure(description: failure)) }
        return .success(appendedBefore.removeValue(forKey: number) ?? 0)
    }

    /// The flush queue's loop: flushes until nothing is queued.
    private func flushWhileQueued() {
        condition.lock()
        defer { condition.unlock() }
        flush(until: { flushed >= enqueued })
        flusherActive = false
    }

    /// With the lock held: flushes, or waits for the flush another caller runs, until `isDone`.
    private func flush(until isDone: () -> Bool) {
        while !isDone() {
            if flushing {
                condition.wait()
            } else {
                flushOnce()
            }
        }
    }

    /// Writes what is queued (one caller's lines when `fsyncEach`), then records the outcome for
    /// every ticket it covered and resumes their async waiters. Called with the lock held and no
    /// flush running; releases the lock while the disk works.
    private func flushOnce() {
        flushing = true
        let batch: [UInt8]
        let last: Int
        if fsyncEach {
            let end = ticketEnds.removeFirst()
            batch = Array(pending[..<end])
            pending.removeFirst(end)
            ticketEnds = ticketEnds.map { $0 - end }
            last = flushed + 1
        } else {
            batch = pending
            last = enqueued
            pending.removeAll(keepingCapacity: true)
        }
        let earlierFailure = broken
        condition.unlock()
        let failure = earlierFailure ?? write(batch)
        condition.lock()
        let done = waiters.filter { $0.number <= last }
        waiters.removeAll { $0.number <= last }
        for number in flushed + 1...last {
            let lines = ticketLines.removeValue(forKey: number) ?? 0
            if let failure {
                failures[number] = failure
            } else {
                appendedBefore[number] = appendedLines
                appendedLines += lines
            }
        }
        flushed = last
        flushing = false
        condition.broadcast()
        for waiter in done { waiter.continuation.resume(returning: outcome(of: waiter.number)) }
    }

    /// Writes a batch whole or not at all: a failed write (a full disk) is cut back off. A failed
    /// fsync breaks the writer for good (the kernel may have dropped the dirty pages).
    private func write(_ bytes: [UInt8]) -> String? {
        // Appended to a file the journal no longer is, the lines would be acknowledged and lost.
        let state = openState()
        if let gone = fileIsGone(state) {
            let message = "cannot append to \(path): \(gone); restart the server once the journal is back"
            condition.lock()
            broken = message
            condition.unlock()
            return message
        }
        let sizeBefore = state?.st_size ?? -1
        condition.lock()
        if let change = foreignChange(size: sizeBefore) {
            let message = "cannot append to \(path): \(change.reason)"
            // A line left without its newline is told by `unwritableReason` as long as it is so.
            if change.lasting { broken = message }
            condition.unlock()
            return message
        }
        condition.unlock()
        condition.lock()
        let simulated = simulatedWriteError
        condition.unlock()
        var offset = 0
        while offset < bytes.count {
            let chunk = simulated == nil ? bytes.count - offset : max(0, bytes.count / 2 - offset)
            var written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + offset, chunk) }
            if let simulated, chunk == 0 || written <= 0 {
                errno = simulated
                written = -1
            }
            if written < 0 {
                if errno == EINTR { continue }
                let isFullDisk = errno == ENOSPC
                let message = "cannot append to \(path): \(systemMessage())"
                if sizeBefore >= 0 { _ = ftruncate(descriptor, sizeBefore) }
                condition.lock()
                lastAppendFailure = (message, isFullDisk)
                condition.unlock()
                return message
            }
            offset += written
        }
        guard fsync(descriptor) == 0 else {
            let message = "cannot flush \(path) to disk: \(systemMessage())"
            condition.lock()
            broken = message
            condition.unlock()
            return message
        }
        condition.lock()
        knownSize = sizeBefore + off_t(bytes.count)
        lastAppendFailure = nil
        condition.unlock()
        return nil
    }

    /// What someone else did to the journal since this writer's last append that lines must not
    /// be appended after, or nil. Cut shorter (`truncate`, an editor saving an older copy): the
    /// next line could join half of one, and the server's figures hold lines the file lost; that
    /// lasts until a restart reads the file again. Lines added by hand without a newline at the
    /// end: the next line would join the last; over once it is ended. Lines added whole are fine
    /// (the server takes them in on SIGHUP). Called under `condition`.
    private func foreignChange(size: off_t) -> (reason: String, lasting: Bool)? {
        guard size >= 0, knownSize >= 0, size != knownSize else { return nil }
        if size < knownSize {
            return ("the file was cut shorter while the server ran (\(size) bytes, where it had \(knownSize)); stop the server, "
                    + "put the journal back from a backup or check it with advocate check, and start it again", true)
        }
        var last: UInt8 = 0
        let reader = open(path, O_RDONLY | O_CLOEXEC)
        defer { if reader >= 0 { Foundation.close(reader) } }
        guard reader >= 0, pread(reader, &last, 1, size - 1) == 1 else { return nil }
        guard last == 0x0A else {
            return ("its last line, added while the server ran, has no newline at its end, and the next line would join it; "
                    + "end that line with a newline (or remove it), and the server goes on", false)
        }
        knownSize = size
        return nil
    }

    /// A last line without its newline is either complete (a hand edit: it gets its newline), a
    /// write torn by a crash (the text runs out mid-value: kept aside in a file and truncated
    /// off), or a malformed hand edit, which is an error: it was cut off as torn, and a line
    /// appended after it would have joined it. Returns the side file's path when there was one.
    static func repairTornTail(_ path: String) throws(Failure) -> String? {
        guard let data = FileManager.default.contents(atPath: path), let last = data.last, last != 0x0A else { return nil }
        // A journal in another shape (UTF-16, CR line ends, a JSON array) is said as the loader says it.
        if let problem = data.withUnsafeBytes({ JournalReader.shapeProblem($0, file: path) }) {
            throw Failure(description: "\(path):\(problem.location.line):\(problem.location.column): \(problem.message)")
        }
        let cut = (data.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
        let tail = data[cut...]
        let parsed = Result { () throws(JSONParser.SyntaxError) in try JSONParser.parse([UInt8](tail)) }
        if case .failure(let error) = parsed, !error.endedEarly {
            let line = data[..<cut].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            throw Failure(description: "\(path):\(line):\(error.location.column): malformed last line: \(error.message); correct it and run again")
        }
        if case .success = parsed {
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw Failure(description: "cannot open \(path) to end its last line")
            }
            defer { try? handle.close() }
            do {
                try handle.seekToEnd()
                try handle.write(contentsOf: Data([0x0A]))
            } catch {
                throw Failure(description: "cannot end the last line of \(path): \(error)")
            }
            return nil
        }
        let aside = path + ".torn-" + Instant(milliseconds: Int64(Date().timeIntervalSince1970 * 1000)).iso8601
        guard FileManager.default.createFile(atPath: aside, contents: Data(tail)), truncate(path, off_t(cut)) == 0 else {
            throw Failure(description: "cannot repair the torn last line of \(path): \(systemMessage())")
        }
        return aside
    }
}
