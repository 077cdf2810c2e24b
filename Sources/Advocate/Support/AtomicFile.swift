import CFileSync
import Foundation

/// Replaces files whole and durably: each is written to a temporary file beside it, flushed to
/// disk, renamed over its target, and the rename flushed with its folder. A crash at any point
/// leaves either the old file or the new one, never a mix, and a returned write survives a
/// power cut.
public enum AtomicFile {
    /// Why a file could not be written or moved.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Replaces `path` with `bytes`; on failure the temporary file is removed and `path` is as it was.
    public static func write(_ bytes: [UInt8], to path: String) throws(Failure) {
        let temporary = try writeTemporary(bytes, for: path)
        guard fsync(temporary.descriptor) == 0 else { throw abandon(temporary, path: path) }
        try install(temporary, at: path)
        syncFolder(of: path)
    }

    /// Writes several files with one flush to disk for all of them (syncfs(2), where the system
    /// has it) instead of an fsync each: the server's emails under a burst of referrals, where a
    /// batch of 256 took 151 ms file by file and 16 ms with one syncfs (BENCHMARKS.md). Returns
    /// the failure of each file that could not be written, by path; the others are in place.
    public static func writeAll(_ files: [(path: String, bytes: [UInt8])]) -> [String: Failure] {
        var failures: [String: Failure] = [:]
        var temporaries: [(path: String, file: Temporary)] = []
        for (path, bytes) in files {
            do throws(Failure) {
                temporaries.append((path, try writeTemporary(bytes, for: path)))
            } catch {
                failures[path] = error
            }
        }
        guard let first = temporaries.first else { return failures }
        if advocate_syncfs(first.file.descriptor) != 0 {
            // No syncfs here (or it failed): flush file by file, which reports each file's failure.
            for (path, temporary) in temporaries where fsync(temporary.descriptor) != 0 {
                failures[path] = abandon(temporary, path: path)
            }
        }
        var folders: Set<String> = []
        for (path, temporary) in temporaries where failures[path] == nil {
            do throws(Failure) {
                try install(temporary, at: path)
                folders.insert((path as NSString).deletingLastPathComponent)
            } catch {
                failures[path] = error
            }
        }
        for folder in folders { syncFolder(folder) }
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
        guard descriptor >= 0 else { throw Failure(description: "cannot write \(temporary): \(systemMessage())") }
        let file = Temporary(path: temporary, descriptor: descriptor)
        if let code = writeFully(descriptor, bytes) {
            errno = code
            throw abandon(file, path: path)
        }
        return file
    }

    /// Closes the temporary file and renames it over `path`.
    private static func install(_ temporary: Temporary, at path: String) throws(Failure) {
        close(temporary.descriptor)
        guard rename(temporary.path, path) == 0 else {
            let reason = systemMessage()
            unlink(temporary.path)
            throw Failure(description: "cannot replace \(path): \(reason)")
        }
    }

    /// Closes and removes the temporary file; the failure to report, from `errno`.
    private static func abandon(_ temporary: Temporary, path: String) -> Failure {
        let reason = systemMessage()
        close(temporary.descriptor)
        unlink(temporary.path)
        return Failure(description: "cannot replace \(path): \(reason)")
    }

    private static func syncFolder(of path: String) {
        syncFolder((path as NSString).deletingLastPathComponent)
    }

    private static func syncFolder(_ folder: String) {
        let descriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}
