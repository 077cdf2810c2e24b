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

    init(outputDirectory: String) {
        self.outputDirectory = outputDirectory
        stagingFolder = Paths.join(outputDirectory, Self.stagingPrefix + String(ProcessInfo.processInfo.processIdentifier))
    }

    /// Compares `bytes` with the file at `relativePath`; when they differ, writes a temporary copy.
    /// With `previous` and the bytes' `content` digest, a file still as the last build left it is
    /// compared by digest instead of being read. Safe to call from many threads at once.
    func stage(_ relativePath: String, bytes: [UInt8], content: UInt64? = nil, previous: PreviousFile? = nil) throws(WriteError) -> Outcome {
        if isNew(topLevelEntry(of: relativePath)) {
            let path = Paths.join(stagingFolder, relativePath)
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
        try ensureDirectory(directory)
        let name = (final as NSString).lastPathComponent
        let temporary = Paths.join(directory, ".\(name)\(temporarySuffix)")
        try Self.write(bytes, to: temporary)
        lock.withLock { staged.append((temporary, final)) }
        return .staged
    }

    /// Renames every staged file into place, on every core (a rename is kernel work, 300,000 of
    /// them took 3 s on one core at 100,000 referrers), then each new top-level entry.
    func commit() throws(WriteError) {
        let (files, newEntries) = lock.withLock { (staged, isNewTopLevel.filter(\.value).keys.sorted()) }
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
        lock.withLock {
            staged.removeAll()
            isNewTopLevel.removeAll()
        }
        removeAbandonedStagingFolders()
    }

    private static let stagingPrefix = ".advocate-staging-"

    /// Removes the staging folders of builds that died before moving their files into place (a
    /// crash, a kill), which a web server would otherwise serve; a running build's is kept.
    private func removeAbandonedStagingFolders() {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: outputDirectory)) ?? []
        for entry in entries where entry.hasPrefix(Self.stagingPrefix) {
            guard let pid = pid_t(entry.dropFirst(Self.stagingPrefix.count)), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: Paths.join(outputDirectory, entry))
        }
    }

    /// Removes every staged temporary file and the folders this build created, leaving the
    /// output as it was.
    func discard() {
        let (files, directories) = lock.withLock { (staged, createdDirectories) }
        try? FileManager.default.removeItem(atPath: stagingFolder)
        for file in files { unlink(file.temporary) }
        for directory in directories.sorted(by: { $0.count > $1.count }) { rmdir(directory) }
        lock.withLock {
            staged.removeAll()
            createdDirectories.removeAll()
            isNewTopLevel.removeAll()
        }
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
