import CFileSync
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

    /// Writes several files, each whole, with one flush to disk for all of them (syncfs(2))
    /// instead of one fsync each: the outbox's emails under a burst of referrals, where an
    /// fsync per file cost more than the referrals themselves. Returns the failure of each file
    /// that could not be written, by path; the others are in place.
    public static func writeAll(_ files: [(path: String, bytes: [UInt8])]) -> [String: Failure] {
        var failures: [String: Failure] = [:]
        var temporaries: [(path: String, file: Temporary)] = []
        for (path, bytes) in files {
            do {
                temporaries.append((path, try writeTemporary(bytes, for: path)))
            } catch {
                failures[path] = error
            }
        }
        guard let first = temporaries.first else { return failures }
        if advocate_syncfs(first.file.descriptor) != 0 {
            for (path, temporary) in temporaries { failures[path] = abandon(temporary, path: path) }
            return failures
        }
        for (path, temporary) in temporaries {
            do {
                try install(temporary, at: path)
            } catch {
                failures[path] = error
            }
        }
        // The renames, durable too.
        for folder in Set(temporaries.map { ($0.path as NSString).deletingLastPathComponent }) { syncFolder(folder) }
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
