import Foundation

/// A file mapped read-only into memory, unmapped when released. The incremental build reads a
/// 150 MB journal and a 50 MB snapshot this way: no copy out of the page cache and no fresh
/// pages to fault in, which were most of its time when read through `Data` (perf), and of the
/// snapshot only the pages it looks at.
final class MappedFile: @unchecked Sendable {  // read-only memory, never changed after init
    let bytes: UnsafeRawBufferPointer

    /// nil when the file cannot be opened or mapped (an empty file maps to no bytes). With
    /// `populate`, every page is mapped at once (for a file about to be read whole).
    init?(_ path: String, populate: Bool = true) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        let size = Int(info.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE | (populate ? MAP_POPULATE : 0), descriptor, 0), address != MAP_FAILED else { return nil }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let address = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: address), bytes.count) }
    }
}
