import Foundation

/// Replaces a file whole: a temporary file beside it, flushed to disk, then renamed over it.
public enum AtomicFile {
    /// Why a file could not be written or moved.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(Failure) {
        let temporary = try writeTemporary(bytes, for: path)
        guard fsync(temporary.descriptor) == 0 else { throw abandon(temporary, path: path) }
        try install(temporary, at: path)
    }

    /// Writes several files, each whole and flushed, with one flush of each folder for all of
    /// their renames: the outbox's emails queued under a burst of referrals. (One syncfs(2) for
    /// the batch was tried: no faster in a side-by-side load test, and it would also wait for
    /// every other writer on the same filesystem.) Returns the failure of each file that could
    /// not be written, by path; the others are in place.
    public static func writeAll(_ files: [(path: String, bytes: [UInt8])]) -> [String: Failure] {
        var failures: [String: Failure] = [:]
        var installed: Set<String> = []
        for (path, bytes) in files {
            do throws(Failure) {
                try write(bytes, to: path)
                installed.insert((path as NSString).deletingLastPathComponent)
            } catch {
                failures[path] = error
            }
        }
        // The renames, durable too.
        for folder in installed { syncFolder(folder) }
        return failures
    }

    /// A written temporary file, still open.
    private struct Temporary {
        var path: String
        var descriptor: Int32
    }

    private static func writeTemporary(_ bytes: [UInt8], for path: String) throws(Failure) -> Temporary {
        let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failure(description: "cannot write \(temporary): \(String(cString: strerror(errno)))") }
        let file = Temporary(path: temporary, descriptor: descriptor)
        let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw abandon(file, path: path) }
        return file
    }

    /// Closes the temporary file and renames it over `path`.
    private static func install(_ temporary: Temporary, at path: String) throws(Failure) {
        close(temporary.descriptor)
        guard rename(temporary.path, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw Failure(description: "cannot replace \(path): \(reason)")
        }
    }

    /// Closes and removes the temporary file; the failure to report, from `errno`.
    private static func abandon(_ temporary: Temporary, path: String) -> Failure {
        let reason = String(cString: strerror(errno))
        close(temporary.descriptor)
        unlink(temporary.path)
        return Failure(description: "cannot replace \(path): \(reason)")
    }

    private static func syncFolder(_ folder: String) {
        let descriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}
