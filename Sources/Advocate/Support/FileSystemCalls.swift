import Foundation

/// Thin wrappers over the file system calls the writers share (`AtomicFile`, `OutputWriter`,
/// `JournalWriter`): each reports the `errno` of a failure instead of a message, so every caller
/// words its own.

/// The system's message for an `errno` value ("No space left on device"), for error text.
func systemMessage(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}

/// True when nothing is at `path`, not even a symbolic link. `FileManager.fileExists` also says
/// no when a folder on the way cannot be searched, which would turn "permission denied" into
/// "not found", and for a link to nowhere, which would turn a journal on an unmounted volume
/// into a store with no referrals yet.
func isMissing(_ path: String) -> Bool {
    var status = stat()
    guard stat(path, &status) != 0, errno == ENOENT || errno == ENOTDIR else { return false }
    return lstat(path, &status) != 0
}

/// The type of what is at `path` (`S_IFREG`, `S_IFDIR`, `S_IFLNK`…), nil when it cannot be
/// looked at; with `followingLinks` false, a symbolic link's own type.
func fileType(_ path: String, followingLinks: Bool = true) -> mode_t? {
    var status = stat()
    guard (followingLinks ? stat(path, &status) : lstat(path, &status)) == 0 else { return nil }
    return status.st_mode & S_IFMT
}

/// The symbolic link at `path` that leads nowhere (to a path not there, or round in a loop):
/// where it points, why it cannot be followed and whether for want of its target; nil for
/// anything else.
func brokenLink(_ path: String) -> (target: String, reason: String, targetIsMissing: Bool)? {
    guard fileType(path, followingLinks: false) == S_IFLNK, fileType(path) == nil else { return nil }
    let code = errno
    return ((try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?", systemMessage(code), code == ENOENT || code == ENOTDIR)
}

/// Why the link at `path` cannot be read through, for an error about the file or folder
/// (`kind`) it stands for; nil when it is no link to nowhere.
func brokenLinkProblem(_ path: String, kind: String) -> String? {
    brokenLink(path).map { "is a symbolic link to \($0.target), which cannot be followed (\($0.reason)); point it at the \(kind), or remove it" }
}

/// The owner a file made now in `folder` is given: the folder's, when this process runs as root
/// and the folder is another user's (the service's), so that `sudo advocate …` leaves files the
/// service can open, move and rewrite; nil otherwise.
func ownerForNewFile(in folder: String) -> (uid: uid_t, gid: gid_t)? {
    guard geteuid() == 0 else { return nil }
    var status = stat()
    guard stat(folder.isEmpty ? "." : folder, &status) == 0, status.st_uid != 0 else { return nil }
    return (status.st_uid, status.st_gid)
}

/// Whether `path` is a regular file or a link to one; not a FIFO, which reading would wait on.
func isRegularFile(_ path: String) -> Bool {
    fileType(path) == S_IFREG
}

/// Why ``createFile(_:_:flush:replacing:)`` failed: at `open`, or later (writing, flushing, closing).
struct CreateFileFailure: Error {
    var atOpen: Bool
    var code: Int32
}

/// Creates (or truncates) the file at `path` with all of `bytes`, across short writes and
/// interruptions, flushed to disk when `flush` is set; a file left half-written is removed.
/// Given the status of a file it replaces, it takes that file's permissions and, where the
/// system lets it (as root), its owner: a journal kept `640 advocate:advocate` stays so after
/// `sudo advocate forget`. It is readable by its creator alone until then. With `status`, the
/// file's status once written is stored there (`fstat` of the open file: no path looked up).
func createFile(_ path: String, _ bytes: [UInt8], flush: Bool, replacing replaced: stat? = nil,
                status: UnsafeMutablePointer<stat>? = nil) throws(CreateFileFailure) {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, replaced == nil ? 0o644 : 0o600)
    guard descriptor >= 0 else { throw CreateFileFailure(atOpen: true, code: errno) }
    if let replaced {
        // Owner first: a change of owner clears the set-id bits that the mode then restores.
        _ = fchown(descriptor, replaced.st_uid, replaced.st_gid)
        _ = fchmod(descriptor, replaced.st_mode & 0o7777)
    }
    var failure = bytes.withUnsafeBytes { writeAll(descriptor, $0) }
    if failure == nil, flush, fsync(descriptor) != 0 { failure = errno }
    if failure == nil, let status, fstat(descriptor, status) != 0 { failure = errno }
    if close(descriptor) != 0, failure == nil { failure = errno }
    if let failure {
        unlink(path)
        throw CreateFileFailure(atOpen: false, code: failure)
    }
}

/// Calls `transfer` (a `read` or `write` of what is left after the bytes done so far) until
/// `count` bytes are done or it returns 0 (a file's end), across short transfers and
/// interruptions; the bytes done, and the `errno` of a failure.
func transferAll(_ count: Int, _ transfer: (_ done: Int) -> Int) -> (done: Int, failure: Int32?) {
    var done = 0
    while done < count {
        let result = transfer(done)
        if result < 0 {
            if errno == EINTR { continue }
            return (done, errno)
        }
        if result == 0 { break }
        done += result
    }
    return (done, nil)
}

/// Writes all of `buffer` to `descriptor`; the `errno` of a failure, nil on success.
func writeAll(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> Int32? {
    let (done, failure) = transferAll(buffer.count) { write(descriptor, buffer.baseAddress! + $0, buffer.count - $0) }
    // A write of nothing, which a regular file never answers, would otherwise pass for success.
    return failure ?? (done < buffer.count ? EIO : nil)
}

/// What to do about `path` (a file, or the folder a file is made in) that this user may not
/// write, said after the system's reason: nothing for another reason.
func accessAdvice(_ code: Int32, for path: String) -> String {
    switch code {
    // EPERM where the mode allows the write (root, or the owner) is an immutable or append-only
    // file or folder (chattr +i / +a), which no user may change.
    case EPERM where geteuid() == 0 || isOwned(path): "; it or its folder is marked immutable or append-only (lsattr, or lsattr -d for the folder, shows an i or an a; chattr -i or -a as root lifts it)"
    case EACCES, EPERM: "; run as the user who owns \(path) (ls -ld shows who), or give this user write access to it"
    case EROFS: "; it is on a read-only file system"
    default: ""
    }
}

/// Whether this process's user owns `path` (or, when it does not exist, its folder).
private func isOwned(_ path: String) -> Bool {
    var status = stat()
    guard stat(path, &status) == 0 || stat((path as NSString).deletingLastPathComponent, &status) == 0 else { return false }
    return status.st_uid == geteuid()
}

/// Opens `path` read-only and runs `call` on it (`fsync`, or a whole-filesystem flush); the
/// `errno` of a failure, or nil.
func flushToDisk(_ path: String, with call: (Int32) -> Int32 = fsync) -> Int32? {
    let descriptor = open(path.isEmpty ? "." : path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return errno }
    defer { close(descriptor) }
    return call(descriptor) == 0 ? nil : errno
}

/// Flushes a folder's entries (a new file's name, a rename) to disk; best effort, as a folder
/// that cannot be opened has nothing of ours to flush.
func syncFolder(_ folder: String) {
    _ = flushToDisk(folder)
}
