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
/// them (``finishInterruptedBuilds(in:)``) without walking the tree every time. A build killed
/// while moving its files into place leaves `.advocate-committing-<pid>` as well: every file it
/// staged was whole by then, so the next build moves the rest into place, and the output is the
/// killed build's site, not half of it. SIGINT and SIGTERM discard what is staged at once
/// (``discardOnInterrupt()``), or let a move under way finish.
final class OutputWriter: @unchecked Sendable {
    enum Outcome {
        case unchanged
        /// Written, with the file's state when it was written under its final name (in a new
        /// top-level folder, which is moved into place whole, leaving its files' states as they
        /// are); nil when the file is renamed into place, which changes its state.
        case staged(StableDigest.FileState?)
    }

    /// What the last build left at a path (``PageRecord``): its bytes' digest and the file's
    /// state (with the inode's change time, which no one can set back: a page edited by hand to
    /// the same size with its time kept, `cp -p` or `rsync -a`, was taken for the build's own).
    struct PreviousFile: Equatable {
        var content: UInt64
        var state: StableDigest.FileState

        /// Whether the file at `path` is still as the build left it.
        func isUnchanged(at path: String) -> Bool {
            StableDigest.FileState(path) == state
        }
    }

    struct WriteError: Error, CustomStringConvertible {
        var path: String
        var message: String
        var description: String { "\(path): \(message)" }
    }

    /// Files that could not be moved into place while the others were: the output is the new
    /// site but for these.
    struct CommitError: Error, CustomStringConvertible {
        var failures: [WriteError]
        var moved: Int
        var description: String {
            let shown = failures.prefix(5).map(\.description).joined(separator: "\n")
            let more = failures.count > 5 ? "\n… and \(failures.count - 5) more" : ""
            return "\(shown)\(more)\n\(failures.count) file\(failures.count == 1 ? "" : "s") could not be moved into place and keep the last build's version; the other \(moved) changed files are the new site's. Fix the cause and build again."
        }
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
    /// The marker telling a later build that temporary files may be left in the tree: present,
    /// and held open with a shared `flock`, while this writer has anything staged. A later build
    /// takes a marker nobody holds for a dead writer's, whatever process has its pid by then
    /// (pids are reused after a restart, and a container's build may always be pid 1).
    private let pendingMarker: String
    private var markerDescriptor: Int32 = -1
    /// The marker telling a later build that this one was moving its files into place.
    private let committingMarker: String
    /// Folders below the output found to be real folders (or not there yet), not symbolic links.
    private var verifiedFolders: Set<String> = []
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
        committingMarker = Paths.join(outputDirectory, Self.committingPrefix + pid)
        LiveWriters.shared.add(self)
    }

    deinit {
        LiveWriters.shared.remove(self)
        if markerDescriptor >= 0 { Foundation.close(markerDescriptor) }
    }

    /// Compares `bytes` with the file at `relativePath`; when they differ, writes a temporary copy.
    /// With `previous` and the bytes' `content` digest, a file still as the last build left it is
    /// compared by digest instead of being read. Safe to call from many threads at once, each
    /// with its own `folders`.
    func stage(_ relativePath: String, bytes: [UInt8], content: UInt64? = nil, previous: PreviousFile? = nil,
               folders: inout FolderMemory) throws(WriteError) -> Outcome {
        try stage(relativePath, folders: &folders) { final in
            if let content, let previous, previous.isUnchanged(at: final) { return content == previous.content }
            return Self.fileHasBytes(final, bytes)
        } write: { path throws(WriteError) in
            try Self.write(bytes, to: path)
        }
    }

    /// Stages a copy of the file at `source` (an asset), compared with the file at `relativePath`
    /// and copied a chunk at a time: a 600 MB video had taken twice its size in memory.
    func stageCopy(_ relativePath: String, of source: String) throws(WriteError) -> Outcome {
        var folders = FolderMemory()
        return try stage(relativePath, folders: &folders) { final in
            FileChunks.haveSameBytes(source, final)
        } write: { path throws(WriteError) in
            do throws(FileChunks.CopyFailure) {
                try FileChunks.copy(source, to: path)
                return nil
            } catch {
                switch error {
                case .source(let code): throw WriteError(path: source, message: "cannot read the asset: \(systemMessage(code))")
                case .destination(let failure): throw Self.writeError(failure, path: path)
                }
            }
        }
    }

    /// Stages a new file at `relativePath` unless `isUnchanged` finds the one there (given its
    /// path) the same, with `write` making the new file at the path it is given (and returning
    /// its state when it has it at hand).
    private func stage(_ relativePath: String, folders: inout FolderMemory, isUnchanged: (String) -> Bool,
                       write: (String) throws(WriteError) -> StableDigest.FileState?) throws(WriteError) -> Outcome {
        let topLevel = topLevelEntry(of: relativePath)
        if isNew(topLevel) {
            let path = Paths.join(stagingFolder, relativePath)
            try beginWrite(temporary: nil, final: path)
            defer { endWrite() }
            try ensureDirectory(Paths.folder(of: path), knowing: &folders)
            let state = try write(path)
            // A file that is a top-level entry itself is renamed into place.
            return .staged(topLevel == relativePath ? nil : state)
        }
        let final = Paths.join(outputDirectory, relativePath)
        let directory = Paths.folder(of: final)
        try refuseLinks(upTo: directory)
        if isUnchanged(final) { return .unchanged }
        let name = (final as NSString).lastPathComponent
        let temporary = Paths.join(directory, ".\(name)\(temporarySuffix)")
        try beginWrite(temporary: temporary, final: final)
        defer { endWrite() }
        try ensureDirectory(directory, knowing: &folders)
        _ = try write(temporary)
        Self.keepMode(of: final, for: temporary)
        return .staged(nil)
    }

    /// Gives the new file the mode of the one it replaces, as an editor saving in place does: a
    /// rebuild under another umask (077 in a cron job, say) had made only the changed pages
    /// unreadable to a web server running as another user.
    private static func keepMode(of final: String, for temporary: String) {
        var old = stat(), new = stat()
        guard lstat(final, &old) == 0, (old.st_mode & S_IFMT) == S_IFREG, lstat(temporary, &new) == 0,
              old.st_mode & 0o7777 != new.st_mode & 0o7777 else { return }
        chmod(temporary, old.st_mode & 0o7777)
    }

    /// Counts a write (and the folders it makes) as under way and records its temporary file
    /// before it exists, so a discard never misses it; the first one leaves the pending marker.
    /// Refused once interrupted.
    private func beginWrite(temporary: String?, final: String) throws(WriteError) {
        let admitted = lock.withLock {
            guard !isInterrupted else { return false }
            writesInFlight += 1
            // Inside the lock, so nothing staged can exist before the marker does.
            if markerDescriptor < 0 { markerDescriptor = Self.openHeld(pendingMarker) }
            if let temporary { staged.append((temporary, final)) }
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
    /// them took 3 s on one core at 100,000 referrers), then each new top-level entry. A file that
    /// cannot be moved (a folder or an immutable file in its place) does not stop the others: the
    /// output is then the new site but for the files the error names.
    func commit() throws(CommitError) {
        let work: (files: [(temporary: String, final: String)], newEntries: [String])? = lock.withLock {
            guard !isInterrupted else { return nil }
            isCommitting = true
            return (staged, isNewTopLevel.filter(\.value).keys.sorted())
        }
        guard let (files, newEntries) = work else { Self.waitForTheProcessToExit() }
        defer { lock.withLock { isCommitting = false } }
        if !files.isEmpty || !newEntries.isEmpty { _ = try? Self.write([], to: committingMarker) }
        let chunk = 1024
        var failures = parallelMap((files.count + chunk - 1) / chunk) { chunkIndex -> [WriteError] in
            var failures: [WriteError] = []
            for file in files[chunkIndex * chunk..<min(files.count, (chunkIndex + 1) * chunk)] where rename(file.temporary, file.final) != 0 {
                failures.append(WriteError(path: file.final, message: "cannot move the new file into place: \(systemMessage())"))
                unlink(file.temporary)
            }
            return failures
        }.flatMap { $0 }
        for entry in newEntries {
            let final = Paths.join(outputDirectory, entry)
            if rename(Paths.join(stagingFolder, entry), final) != 0 {
                failures.append(WriteError(path: final, message: "cannot move the new files into place: \(systemMessage())"))
            }
        }
        try? FileManager.default.removeItem(atPath: stagingFolder)
        removePendingMarker()
        unlink(committingMarker)
        lock.withLock {
            hasCommitted = true
            staged.removeAll()
            isNewTopLevel.removeAll()
        }
        guard failures.isEmpty else { throw CommitError(failures: failures, moved: files.count + newEntries.count - failures.count) }
    }

    private static let stagingPrefix = ".advocate-staging-"
    private static let pendingPrefix = ".advocate-pending-"
    private static let committingPrefix = ".advocate-committing-"
    private static let temporaryInfix = ".advocate-tmp-"

    /// Deals with what builds that were killed (or crashed) left in `outputDirectory`, which a
    /// web server would otherwise serve. A build killed while moving its files into place (its
    /// committing marker says so) has the rest moved now: its temporary files to their final
    /// names, its staging folder's entries where the output has none. Any other's staging
    /// folder and temporary files (which its pending marker points to) are removed. A running
    /// build's are kept. Returns how many files it moved into place.
    @discardableResult
    static func finishInterruptedBuilds(in outputDirectory: String) -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: outputDirectory)) ?? []
        func deadProcess(_ entry: String, prefix: String) -> String? {
            guard entry.hasPrefix(prefix), let pid = pid_t(entry.dropFirst(prefix.count)), pid > 0,
                  isGone(pid, in: outputDirectory) else { return nil }
            return String(pid)
        }
        let committing = Set(entries.compactMap { deadProcess($0, prefix: committingPrefix) })
        var moved = 0
        var abandoned: [String: Bool] = [:]  // a dead build's pid -> whether its files are to be moved into place
        for entry in entries {
            if let pid = deadProcess(entry, prefix: stagingPrefix) {
                let staging = Paths.join(outputDirectory, entry)
                if committing.contains(pid) {
                    for staged in (try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? [] {
                        var info = stat()
                        let final = Paths.join(outputDirectory, staged)
                        if lstat(final, &info) != 0, rename(Paths.join(staging, staged), final) == 0 {
                            moved += regularFiles(in: final)
                        }
                    }
                }
                try? FileManager.default.removeItem(atPath: staging)
            } else if let pid = deadProcess(entry, prefix: pendingPrefix) {
                abandoned[pid] = committing.contains(pid)
            }
        }
        if !abandoned.isEmpty {
            let walk = FileManager.default.enumerator(atPath: outputDirectory)
            while let relative = walk?.nextObject() as? String {
                let name = (relative as NSString).lastPathComponent
                guard let infix = name.range(of: temporaryInfix), name.hasPrefix("."),
                      let moveIntoPlace = abandoned[String(name[infix.upperBound...])] else { continue }
                let path = Paths.join(outputDirectory, relative)
                let final = Paths.join((path as NSString).deletingLastPathComponent, String(name[name.index(after: name.startIndex)..<infix.lowerBound]))
                if moveIntoPlace, rename(path, final) == 0 {
                    moved += 1
                } else {
                    unlink(path)
                }
            }
        }
        for pid in Set(abandoned.keys).union(committing) {
            unlink(Paths.join(outputDirectory, pendingPrefix + pid))
            unlink(Paths.join(outputDirectory, committingPrefix + pid))
        }
        return moved
    }

    /// How many regular files `path` is or holds.
    private static func regularFiles(in path: String) -> Int {
        if isRegularFile(path) { return 1 }
        var count = 0
        let walk = FileManager.default.enumerator(atPath: path)
        while let relative = walk?.nextObject() as? String {
            if isRegularFile(Paths.join(path, relative)) { count += 1 }
        }
        return count
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

    private func removePendingMarker() {
        lock.withLock {
            guard markerDescriptor >= 0 else { return }
            unlink(pendingMarker)
            Foundation.close(markerDescriptor)
            markerDescriptor = -1
        }
    }

    /// Creates (or opens) a marker and holds a shared lock on it: shared, so that two writers
    /// of one process, whose markers share a name, never wait for each other.
    private static func openHeld(_ path: String) -> Int32 {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        if descriptor >= 0 { _ = flock(descriptor, LOCK_SH) }
        return descriptor
    }

    /// Whether the writer whose pid names markers in `outputDirectory` is gone: nobody holds its
    /// pending marker (see `pendingMarker`); without one, no process has that pid.
    private static func isGone(_ pid: pid_t, in outputDirectory: String) -> Bool {
        let descriptor = open(Paths.join(outputDirectory, pendingPrefix + String(pid)), O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return kill(pid, 0) != 0 && errno == ESRCH }
        defer { Foundation.close(descriptor) }
        return flock(descriptor, LOCK_EX | LOCK_NB) == 0
    }

    private func topLevelEntry(of relativePath: String) -> String {
        // On the bytes: splitting the String walked its Characters, for every file written.
        relativePath.utf8.firstIndex(of: UInt8(ascii: "/")).map { String(relativePath[..<$0]) } ?? relativePath
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

    /// Deletes files the site no longer produces, and the folders they leave empty; never
    /// through a symbolic link.
    func remove(_ relativePaths: [String]) -> Int {
        var removed = 0
        for path in relativePaths {
            let full = Paths.join(outputDirectory, path)
            guard (try? refuseLinks(upTo: (full as NSString).deletingLastPathComponent)) != nil else { continue }
            if unlink(full) == 0 { removed += 1 }
            var directory = (full as NSString).deletingLastPathComponent
            while directory.count > outputDirectory.count, rmdir(directory) == 0 {
                directory = (directory as NSString).deletingLastPathComponent
            }
        }
        return removed
    }

    /// Refuses a folder below the output that is a symbolic link, or has one on its way: a build
    /// writes only inside the output folder, and a link there could lead anywhere. The output
    /// folder itself may be a link (to a web server's folder, say).
    private func refuseLinks(upTo directory: String) throws(WriteError) {
        var unchecked: [String] = []
        var current = directory
        while current.count > outputDirectory.count, !lock.withLock({ verifiedFolders.contains(current) }) {
            unchecked.append(current)
            current = (current as NSString).deletingLastPathComponent
        }
        for folder in unchecked.reversed() {
            guard fileType(folder, followingLinks: false) != S_IFLNK else {
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: folder)) ?? "elsewhere"
                throw WriteError(path: folder, message: "is a symbolic link (to \(target)); a build writes only inside the output folder: remove the link and build again")
            }
        }
        lock.withLock { verifiedFolders.formUnion(unchecked) }
    }

    /// The folders one thread staging files one after another made or found last. A referrer's
    /// QR code follows its share page (and its stats page) into the folder the page was staged
    /// in, whose `mkdir` could only answer that it exists (100,000 such calls at 100,000 referrers).
    struct FolderMemory {
        private var recent: [String] = []

        func contains(_ folder: String) -> Bool { recent.contains(folder) }

        mutating func remember(_ folder: String) {
            if recent.count == 2 { recent.removeFirst() }
            recent.append(folder)
        }
    }

    /// ``ensureDirectory(_:)`` unless `folders` holds `directory`, which it then does.
    private func ensureDirectory(_ directory: String, knowing folders: inout FolderMemory) throws(WriteError) {
        guard !folders.contains(directory) else { return }
        try ensureDirectory(directory)
        folders.remember(directory)
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
        // Up to the first folder that exists; a relative path's first folder may be one
        // character (`--output x/public`), which a bound of two had never made.
        while !current.isEmpty && current != "/" {
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

    /// Whether `path` is a regular file (not a link to one) holding `bytes`.
    static func fileHasBytes(_ path: String, _ bytes: [UInt8]) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) == bytes.count else { return false }
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        return data.elementsEqual(bytes)
    }

    /// Writes the whole buffer or throws (a full disk included); a partial file is removed.
    /// Returns the file's state once written, read from the open file (a `stat` of each path
    /// after the build was 300,000 path lookups at 100,000 referrers).
    @discardableResult
    static func write(_ bytes: [UInt8], to path: String) throws(WriteError) -> StableDigest.FileState {
        var status = stat()
        do throws(CreateFileFailure) {
            try createFile(path, bytes, flush: false, status: &status)
        } catch {
            throw writeError(error, path: path)
        }
        return StableDigest.FileState(status)
    }

    private static func writeError(_ failure: CreateFileFailure, path: String) -> WriteError {
        WriteError(path: path, message: "\(failure.atOpen ? "cannot create the file" : "cannot write the file"): \(systemMessage(failure.code))")
    }
}
