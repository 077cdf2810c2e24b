import Foundation

/// Writes a build's files so that no reader ever sees a half-written one, and a failed build
/// changes nothing: each changed file is first written beside its target under a temporary
/// name, and only when every page has rendered are they all renamed into place.
///
/// A top-level entry the output folder does not have yet (`r/`, `stats/`, … on a first build)
/// is written whole, under its final names, inside a staging folder in the output, and moved
/// into place with one rename: nobody can be reading a file there, so the temporary name, the
/// comparison with the file it replaces and the rename per file go (300,000 of each at 100,000
/// referrers).
///
/// Files whose bytes did not change are left alone (their modification time too).
///
/// A build that is killed leaves its temporary files behind; the first one it stages also leaves
/// a marker, `.advocate-pending-<pid>`, in the output folder, so the next build knows to sweep
/// them (``removeLeftoversOfInterruptedBuilds(in:)``) without walking the tree every time.
/// SIGINT and SIGTERM discard them at once (``discardOnInterrupt()``).
final class OutputWriter: @unchecked Sendable {
    enum Outcome {
        case unchanged
        case staged
    }

    /// What the last build left at a path (``PageRecord``): its bytes' digest, size and
    /// modification time.
    struct PreviousFile: Equatable {
        var content: UInt64
        var size: Int64
        var modified: Int64

        /// Whether the file at `path` still has the size and time the build left it with.
        func isUnchanged(at path: String) -> Bool {
            guard let state = StableDigest.FileState(path) else { return false }
            return state.size == size && state.modified == modified
        }
    }

    struct WriteError: Error, CustomStringConvertible {
        var path: String
        var message: String
        var description: String { "\(path): \(message)" }
    }

    let outputDirectory: String
    private let lock = NSLock()
    /// Temporary file -> final path.
    private var staged: [(temporary: String, final: String)] = []
    private var createdDirectories: [String] = []
    private let temporarySuffix = ".advocate-tmp-\(ProcessInfo.processInfo.processIdentifier)"
    /// Where new top-level entries are written whole.
    private let stagingFolder: String
    /// Whether the output lacked each top-level entry when this writer first met it.
    private var isNewTopLevel: [String: Bool] = [:]
    /// The marker telling a later build that temporary files may be left in the tree: present
    /// exactly while `staged` is not empty.
    private let pendingMarker: String
    /// Writes under way, which an interruption waits for before discarding.
    private var writesInFlight = 0
    private var isCommitting = false
    private var isInterrupted = false
    private var hasCommitted = false

    init(outputDirectory: String) {
        self.outputDirectory = outputDirectory
        let pid = String(ProcessInfo.processInfo.processIdentifier)
        stagingFolder = Paths.join(outputDirectory, Self.stagingPrefix + pid)
        pendingMarker = Paths.join(outputDirectory, Self.pendingPrefix + pid)
        LiveWriters.shared.add(self)
    }

    deinit {
        LiveWriters.shared.remove(self)
    }

    /// Compares `bytes` with the file at `relativePath`; when they differ, writes a temporary copy.
    /// With `previous` and the bytes' `content` digest, a file still as the last build left it is
    /// compared by digest instead of being read. Safe to call from many threads at once.
    func stage(_ relativePath: String, bytes: [UInt8], content: UInt64? = nil, previous: PreviousFile? = nil) throws(WriteError) -> Outcome {
        if isNew(topLevelEntry(of: relativePath)) {
            let path = Paths.join(stagingFolder, relativePath)
            try beginWrite(temporary: nil, final: path)
            defer { endWrite() }
            try ensureDirectory((path as NSString).deletingLastPathComponent)
            try Self.write(bytes, to: path)
            return .staged
        }
        let final = Paths.join(outputDirectory, relativePath)
        if let content, let previous, previous.isUnchanged(at: final) {
            if content == previous.content { return .unchanged }
        } else if Self.fileHasBytes(final, bytes) {
            return .unchanged
        }
        let directory = (final as NSString).deletingLastPathComponent
        let name = (final as NSString).lastPathComponent
        let temporary = Paths.join(directory, ".\(name)\(temporarySuffix)")
        try beginWrite(temporary: temporary, final: final)
        defer { endWrite() }
        try ensureDirectory(directory)
        try Self.write(bytes, to: temporary)
        return .staged
    }

    /// Counts a write (and the folders it makes) as under way and records its temporary file
    /// before it exists, so a discard never misses it; the first one leaves the pending marker.
    /// Refused once interrupted.
    private func beginWrite(temporary: String?, final: String) throws(WriteError) {
        let admitted = lock.withLock {
            guard !isInterrupted else { return false }
            writesInFlight += 1
            guard let temporary else { return true }
            // Inside the lock, so no temporary file can exist before the marker does.
            if staged.isEmpty { _ = try? Self.write([], to: pendingMarker) }
            staged.append((temporary, final))
            return true
        }
        if !admitted { Self.waitForTheProcessToExit() }
    }

    /// Parks a thread that would write after an interruption: the signal handler is discarding
    /// what was staged and ends the process, and nothing else may run first (not even the
    /// build's own error path, which would exit with the wrong code or race the discard).
    private static func waitForTheProcessToExit() -> Never {
        while true { pause() }
    }

    private func endWrite() {
        lock.withLock { writesInFlight -= 1 }
    }

    /// Renames every staged file into place, on every core (a rename is kernel work, 300,000 of
    /// them took 3 s on one core at 100,000 referrers), then each new top-level entry.
    func commit() throws(WriteError) {
        let work: (files: [(temporary: String, final: String)], newEntries: [String])? = lock.withLock {
            guard !isInterrupted else { return nil }
            isCommitting = true
            return (staged, isNewTopLevel.filter(\.value).keys.sorted())
        }
        guard let (files, newEntries) = work else { Self.waitForTheProcessToExit() }
        defer { lock.withLock { isCommitting = false } }
        let chunk = 1024
        let failures = parallelMap((files.count + chunk - 1) / chunk) { chunkIndex -> WriteError? in
            for file in files[chunkIndex * chunk..<min(files.count, (chunkIndex + 1) * chunk)] where rename(file.temporary, file.final) != 0 {
                return WriteError(path: file.final, message: "cannot move the new file into place: \(systemMessage())")
            }
            return nil
        }
        if let failure = failures.lazy.compactMap({ $0 }).first {
            discard()
            throw failure
        }
        for entry in newEntries {
            let final = Paths.join(outputDirectory, entry)
            guard rename(Paths.join(stagingFolder, entry), final) == 0 else {
                let failure = WriteError(path: final, message: "cannot move the new files into place: \(systemMessage())")
                discard()
                throw failure
            }
        }
        rmdir(stagingFolder)
        removePendingMarker()
        lock.withLock {
            hasCommitted = true
            staged.removeAll()
            isNewTopLevel.removeAll()
        }
    }

    private static let stagingPrefix = ".advocate-staging-"
    private static let pendingPrefix = ".advocate-pending-"
    private static let temporaryInfix = ".advocate-tmp-"

    /// Removes what builds that were killed (or crashed) left in `outputDirectory`, which a web
    /// server would otherwise serve: their staging folders, and, where their pending marker
    /// says so, their temporary files anywhere in the tree. A running build's are kept.
    static func removeLeftoversOfInterruptedBuilds(in outputDirectory: String) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: outputDirectory)) ?? []
        func deadProcess(_ entry: String, prefix: String) -> String? {
            guard entry.hasPrefix(prefix), let pid = pid_t(entry.dropFirst(prefix.count)), pid > 0,
                  kill(pid, 0) != 0, errno == ESRCH else { return nil }
            return String(pid)
        }
        var abandonedSuffixes: [String] = []
        for entry in entries {
            if deadProcess(entry, prefix: stagingPrefix) != nil {
                try? FileManager.default.removeItem(atPath: Paths.join(outputDirectory, entry))
            } else if let pid = deadProcess(entry, prefix: pendingPrefix) {
                abandonedSuffixes.append(temporaryInfix + pid)
            }
        }
        guard !abandonedSuffixes.isEmpty else { return }
        let walk = FileManager.default.enumerator(atPath: outputDirectory)
        while let relative = walk?.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            guard name.contains(temporaryInfix), abandonedSuffixes.contains(where: { name.hasSuffix($0) }) else { continue }
            unlink(Paths.join(outputDirectory, relative))
        }
        for suffix in abandonedSuffixes {
            unlink(Paths.join(outputDirectory, pendingPrefix + suffix.dropFirst(temporaryInfix.count)))
        }
    }

    /// Removes every staged temporary file and the folders this build created, leaving the
    /// output as it was.
    func discard() {
        let (files, directories) = lock.withLock { (staged, createdDirectories) }
        try? FileManager.default.removeItem(atPath: stagingFolder)
        for file in files { unlink(file.temporary) }
        for directory in directories.sorted(by: { $0.count > $1.count }) { rmdir(directory) }
        removePendingMarker()
        lock.withLock {
            staged.removeAll()
            createdDirectories.removeAll()
            isNewTopLevel.removeAll()
        }
    }

    /// On SIGINT or SIGTERM: refuses further writes, waits for those under way (milliseconds)
    /// and for a commit in progress to finish moving its files, then discards what is staged.
    /// Returns whether this writer had already moved files into place.
    func discardOnInterrupt() -> Bool {
        lock.withLock { isInterrupted = true }
        while lock.withLock({ writesInFlight > 0 || isCommitting }) { usleep(1_000) }
        discard()
        return lock.withLock { hasCommitted }
    }

    /// Called before `staged` is emptied.
    private func removePendingMarker() {
        if lock.withLock({ !staged.isEmpty }) { unlink(pendingMarker) }
    }

    private func topLevelEntry(of relativePath: String) -> String {
        relativePath.split(separator: "/", maxSplits: 1).first.map(String.init) ?? relativePath
    }

    /// Whether the output had no such entry (not even a dangling link) when first asked.
    private func isNew(_ entry: String) -> Bool {
        lock.withLock {
            if let known = isNewTopLevel[entry] { return known }
            var info = stat()
            let new = lstat(Paths.join(outputDirectory, entry), &info) != 0 && errno == ENOENT
            isNewTopLevel[entry] = new
            return new
        }
    }

    /// Deletes files the site no longer produces, and the folders they leave empty.
    func remove(_ relativePaths: [String]) -> Int {
        var removed = 0
        for path in relativePaths {
            let full = Paths.join(outputDirectory, path)
            if unlink(full) == 0 { removed += 1 }
            var directory = (full as NSString).deletingLastPathComponent
            while directory.count > outputDirectory.count, rmdir(directory) == 0 {
                directory = (directory as NSString).deletingLastPathComponent
            }
        }
        return removed
    }

    /// Creates the folder and any missing parents with mkdir(2) directly: one call for the usual
    /// page in a new folder of an existing one, where FileManager made several per page.
    private func ensureDirectory(_ directory: String) throws(WriteError) {
        if mkdir(directory, 0o755) == 0 {
            lock.withLock { createdDirectories.append(directory) }
            return
        }
        if errno == EEXIST { return }
        guard errno == ENOENT else { throw Self.folderError(directory) }
        var missing = [directory]
        var current = (directory as NSString).deletingLastPathComponent
        while current.count > 1 {
            if mkdir(current, 0o755) == 0 {
                missing.append(current)
                break
            }
            if errno == EEXIST { break }
            guard errno == ENOENT else { throw Self.folderError(current) }
            missing.append(current)
            current = (current as NSString).deletingLastPathComponent
        }
        for folder in missing.reversed() where mkdir(folder, 0o755) != 0 && errno != EEXIST {
            throw Self.folderError(folder)
        }
        lock.withLock { createdDirectories.append(contentsOf: missing) }
    }

    private static func folderError(_ path: String) -> WriteError {
        WriteError(path: path, message: "cannot create the folder: \(systemMessage())")
    }

    static func fileHasBytes(_ path: String, _ bytes: [UInt8]) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) == bytes.count else { return false }
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        return data.elementsEqual(bytes)
    }

    /// Writes the whole buffer or throws (a full disk included); a partial file is removed.
    static func write(_ bytes: [UInt8], to path: String) throws(WriteError) {
        do throws(CreateFileFailure) {
            try createFile(path, bytes, flush: false)
        } catch {
            throw WriteError(path: path, message: "\(error.atOpen ? "cannot create the file" : "cannot write the file"): \(systemMessage(error.code))")
        }
    }
}
