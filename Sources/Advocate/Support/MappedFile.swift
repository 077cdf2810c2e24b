import Foundation

/// A file mapped read-only into memory, unmapped when released: the incremental build reads
/// the 50 MB snapshot this way and touches only the pages it looks at (copying it out through
/// `Data` was most of that build's time, perf).
final class MappedFile: @unchecked Sendable {  // read-only memory, never changed after init
    let bytes: UnsafeRawBufferPointer

    /// nil when the file cannot be opened or mapped, or is not a regular file (an empty file maps
    /// to no bytes). Opened without blocking: a FIFO in the file's place would wait for a writer.
    init?(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let size = Int(info.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else { return nil }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let address = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: address), bytes.count) }
    }
}
