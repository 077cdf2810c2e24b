import Foundation

/// Replaces a file whole: a temporary file beside it, flushed to disk, then renamed over it.
public enum AtomicFile {
    /// Why a file could not be written or moved.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Writes `bytes` to a temporary file beside `path`, flushes it and renames it over `path`;
    /// on failure the temporary file is removed and `path` is as it was.
    public static func write(_ bytes: [UInt8], to path: String) throws(Failure) {
        let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failure(description: "cannot write \(temporary): \(String(cString: strerror(errno)))") }
        let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        let flushed = written == bytes.count && fsync(descriptor) == 0
        let flushError = errno
        close(descriptor)
        func failure(_ code: Int32) -> Failure {
            unlink(temporary)
            return Failure(description: "cannot replace \(path): \(String(cString: strerror(code)))")
        }
        guard flushed else { throw failure(flushError) }
        guard rename(temporary, path) == 0 else { throw failure(errno) }
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

    private static func syncFolder(_ folder: String) {
        let descriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}
