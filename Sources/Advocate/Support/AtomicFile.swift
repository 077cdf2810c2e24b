import CSystemExtensions
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
    /// `followingLinks` (the store's files): where `path` is a symbolic link, the file it leads
    /// to is replaced and the link kept, as an editor saves through one, so a `referrers.json`
    /// kept on another volume stays there. Without it (the build's own state), the link itself
    /// is replaced: a `.advocate/manifest.txt` linked to the roster had overwritten the roster.
    /// The new file keeps the old one's permissions and, run as root, its owner.
    public static func write(_ bytes: [UInt8], to path: String, followingLinks: Bool = false) throws(Failure) {
        let path = followingLinks ? linkTarget(of: path) : path
        var status = stat()
        let temporary = try writeTemporary(bytes, for: path, flush: true, replacing: stat(path, &status) == 0 ? status : nil)
        try install(temporary, at: path)
        syncFolder(Paths.folder(of: path))
    }

    /// Replaces several files as one change, where a failure leaves every one as it was: all are
    /// written and flushed beside their targets before any is renamed (a full disk fails there),
    /// and each old file is kept under a second name (a hard link) until the last rename, so
    /// one that cannot be renamed (an append-only or immutable file) has the earlier ones put
    /// back. A kill between two renames leaves some replaced: ``removeLeftovers(of:in:)``, under
    /// the lock, puts the kept copies back, and every file is as it was before.
    public static func replaceTogether(_ files: [(path: String, bytes: [UInt8])]) throws(Failure) {
        let files = files.map { (path: linkTarget(of: $0.path), bytes: $0.bytes) }
        var temporaries: [String] = []
        var kept: [(path: String, copy: String?)] = []
        func undo() {
            for temporary in temporaries { unlink(temporary) }
            for (path, copy) in kept.reversed() {
                if let copy { rename(copy, path) } else { unlink(path) }
            }
        }
        for (path, bytes) in files {
            var status = stat()
            do throws(Failure) {
                temporaries.append(try writeTemporary(bytes, for: path, flush: true, replacing: stat(path, &status) == 0 ? status : nil))
            } catch {
                undo()
                throw error
            }
        }
        for ((path, _), temporary) in zip(files, temporaries) {
            let copy = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)-old"
            unlink(copy)
            let exists = fileType(path, followingLinks: false) != nil
            if exists && link(path, copy) != 0 || rename(temporary, path) != 0 {
                let code = errno
                if exists { unlink(copy) }
                undo()
                throw Failure(description: "cannot replace \(path): \(systemMessage(code))\(accessAdvice(code, for: path))")
            }
            temporaries.removeAll { $0 == temporary }
            kept.append((path, exists ? copy : nil))
        }
        for (_, copy) in kept { if let copy { unlink(copy) } }
        for folder in Set(files.map { Paths.folder(of: $0.path) }) { syncFolder(folder) }
    }

    /// Writes several files with one flush to disk for all of them (syncfs(2), where the system
    /// has it) instead of an fsync each: the server's emails under a burst of referrals, where a
    /// batch of 256 took 91 to 151 ms file by file and 12 to 16 ms with one syncfs
    /// (`scripts/flush-bench`). Returns the failure of each file that could not be written, by
    /// path; the others are in place.
    public static func writeAll(_ files: [(path: String, bytes: [UInt8])]) -> [String: Failure] {
        var failures: [String: Failure] = [:]
        var temporaries: [(path: String, temporary: String)] = []
        for (path, bytes) in files {
            do throws(Failure) {
                temporaries.append((path, try writeTemporary(bytes, for: path, flush: false)))
            } catch {
                failures[path] = error
            }
        }
        guard let first = temporaries.first else { return failures }
        if flushToDisk(first.temporary, with: advocate_syncfs) != nil {
            // No syncfs here (or it failed): flush file by file, which tells which file failed.
            for (path, temporary) in temporaries {
                if let code = flushToDisk(temporary) {
                    unlink(temporary)
                    failures[path] = Failure(description: "cannot replace \(path): \(systemMessage(code))")
                }
            }
        }
        var folders: Set<String> = []
        for (path, temporary) in temporaries where failures[path] == nil {
            do throws(Failure) {
                try install(temporary, at: path)
                folders.insert(Paths.folder(of: path))
            } catch {
                failures[path] = error
            }
        }
        for folder in folders { syncFolder(folder) }
        return failures
    }

    /// Removes the temporary files (and puts back the old files kept aside) that writers of
    /// `names` in `folder` left when they were killed before their rename (`referrals.jsonl.tmp-4242`, from `advocate forget`): partial
    /// copies that nothing reads, which would keep what a later erasure removes from the file
    /// itself, and travel into backups. Only for a caller holding the lock every such writer
    /// takes, so none of them is being written. Returns how many went.
    /// A file written through a symbolic link leaves its copy beside the link's target, which is
    /// looked at too.
    @discardableResult
    public static func removeLeftovers(of names: [String], in folder: String) -> Int {
        var places: [String: Set<String>] = [:]  // folder -> names of files written there
        for name in names {
            let target = linkTarget(of: Paths.join(folder, name))
            places[(target as NSString).deletingLastPathComponent, default: []].insert((target as NSString).lastPathComponent)
            places[folder, default: []].insert(name)
        }
        var removed = 0
        for (place, written) in places {
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: place)) ?? [] {
                guard let name = written.first(where: { entry.hasPrefix($0 + ".tmp-") }) else { continue }
                // `.tmp-4242`, or `.tmp-4242-old`: an old file kept while several were replaced
                // together (``replaceTogether(_:)``), put back, so that a writer killed between
                // its renames leaves them all as they were, not some replaced and some not.
                var suffix = entry.dropFirst(name.count + ".tmp-".count)
                let isKeptOld = suffix.hasSuffix("-old")
                if isKeptOld { suffix = suffix.dropLast(4) }
                guard !suffix.isEmpty, suffix.allSatisfy({ ("0"..."9").contains($0) }) else { continue }
                let path = Paths.join(place, entry)
                guard (isKeptOld ? rename(path, Paths.join(place, name)) : unlink(path)) == 0 else { continue }
                removed += 1
            }
        }
        return removed
    }

    /// Writes `bytes` to a new temporary file beside `path`, flushed to disk when `flush` is
    /// set, and closes it (a batch never holds a descriptor a file); returns its path.
    /// A new file made as root belongs to its folder's owner: `sudo advocate referral status`
    /// must not leave an email in the outbox, or an `erasures.log`, that the service's own user
    /// cannot move or rewrite.
    private static func writeTemporary(_ bytes: [UInt8], for path: String, flush: Bool, replacing replaced: stat? = nil) throws(Failure) -> String {
        let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        do throws(CreateFileFailure) {
            try createFile(temporary, bytes, flush: flush, replacing: replaced)
        } catch {
            let folder = Paths.folder(of: path)
            throw Failure(description: error.atOpen ? "cannot write \(temporary): \(systemMessage(error.code))\(accessAdvice(error.code, for: folder))"
                                                    : "cannot replace \(path): \(systemMessage(error.code))")
        }
        if replaced == nil, let owner = ownerForNewFile(in: Paths.folder(of: path)) {
            _ = chown(temporary, owner.uid, owner.gid)
        }
        return temporary
    }

    /// Where a chain of symbolic links starting at `path` ends (the last link's target when it
    /// leads nowhere yet); `path` itself when it is no link.
    static func linkTarget(of path: String) -> String {
        var path = path
        // 40 links, as the kernel allows (MAXSYMLINKS); a loop past that is left for rename to report.
        for _ in 0..<40 where fileType(path, followingLinks: false) == S_IFLNK {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else { break }
            path = target.hasPrefix("/") ? target : Paths.join((path as NSString).deletingLastPathComponent, target)
        }
        return path
    }

    /// Renames the temporary file over `path`, or removes it.
    private static func install(_ temporary: String, at path: String) throws(Failure) {
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw Failure(description: "cannot replace \(path): \(systemMessage(code))\(accessAdvice(code, for: path))")
        }
    }
}
