import Foundation

/// FNV-1a, 64 bits: a digest that is the same in every process (unlike `Hasher`), for change
/// detection only, never for security; hand-written because it is a few lines and no package
/// in the dependency set offers a non-cryptographic stable hash. Also picks messaging variants.
struct StableDigest {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Adds the text and a terminating zero, so that "ab"+"c" and "a"+"bc" differ.
    mutating func add(_ text: String) {
        addBytes(text.utf8)
        addByte(0)
    }

    mutating func addBytes(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { addByte(byte) }
    }

    mutating func addNumber(_ number: Int64) {
        for shift in stride(from: 0, to: 64, by: 8) { addByte(UInt8(truncatingIfNeeded: number >> Int64(shift))) }
    }

    private mutating func addByte(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x100_0000_01b3
    }

    /// What a digest records of a file: its size, modification time (nanoseconds), inode, and
    /// the time of its inode's last change, which no one can set back: a file rewritten in place
    /// to the same size with its old modification time kept (`cp -p`, `touch -r`) is still seen.
    struct FileState: Equatable {
        var size: Int64
        var modified: Int64
        var inode: Int64
        var changed: Int64

        init(size: Int64, modified: Int64, inode: Int64, changed: Int64) {
            self.size = size
            self.modified = modified
            self.inode = inode
            self.changed = changed
        }

        /// The state of a regular file; nil for anything else or nothing.
        init?(_ path: String) {
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            self.init(info)
        }

        /// The state a file's status gives.
        init(_ info: stat) {
            size = Int64(info.st_size)
            modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
            inode = Int64(bitPattern: UInt64(info.st_ino))
            changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        }

        /// The states of the files at `paths` inside `directory`, read on every core (300,000
        /// `stat` calls are a second of kernel time), but for those `known` holds (by position).
        static func read(_ paths: [String], in directory: String, known: [FileState?]? = nil) -> [FileState?] {
            let chunk = 4096
            return parallelMap((paths.count + chunk - 1) / chunk) { index in
                (index * chunk..<min(paths.count, (index + 1) * chunk)).map { position in
                    known?[position] ?? FileState(Paths.join(directory, paths[position]))
                }
            }.flatMap { $0 }
        }
    }

    /// Adds a file's name and state (``FileState``); false when it is not a regular file.
    @discardableResult
    mutating func addFile(_ path: String, name: String) -> Bool {
        let state = FileState(path)
        add(state, name: name)
        return state != nil
    }

    /// Adds a file's name and state (``addFile(_:name:)`` when the state is already at hand).
    mutating func add(_ state: FileState?, name: String) {
        guard let state else {
            add("missing \(name)")
            return
        }
        add(name)
        addNumber(state.size)
        addNumber(state.modified)
        addNumber(state.inode)
        addNumber(state.changed)
    }
}
