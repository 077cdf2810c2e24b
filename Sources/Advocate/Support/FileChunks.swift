import Foundation

/// Files compared and copied a chunk at a time, so that memory stays flat whatever their size:
/// a build copies every asset into the site, and an asset (a video, a brochure) may be larger
/// than all the pages together. Hand-written: `FileManager.copyItem` refuses to replace a file
/// and names no `errno`, and `contentsEqual(atPath:andPath:)` follows a link at the second path.
enum FileChunks {
    static let chunkSize = 1 << 20

    /// Why ``copy(_:to:)`` failed: reading the source, or creating or writing the copy.
    enum CopyFailure: Error {
        case source(code: Int32)
        case destination(CreateFileFailure)
    }

    /// Whether `path` is a regular file (not a link to one) with the same bytes as the file at
    /// `source`; false when either cannot be read.
    static func haveSameBytes(_ source: String, _ path: String) -> Bool {
        var sourceInfo = stat(), info = stat()
        guard stat(source, &sourceInfo) == 0, lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
              sourceInfo.st_size == info.st_size else { return false }
        let first = open(source, O_RDONLY | O_CLOEXEC)
        guard first >= 0 else { return false }
        defer { close(first) }
        let second = open(path, O_RDONLY | O_CLOEXEC)
        guard second >= 0 else { return false }
        defer { close(second) }
        var left = [UInt8](repeating: 0, count: chunkSize), right = left
        while true {
            let (one, other) = (readFully(first, into: &left), readFully(second, into: &right))
            guard one.failure == nil, other.failure == nil, one.done == other.done else { return false }
            if one.done == 0 { return true }
            guard memcmp(left, right, one.done) == 0 else { return false }
        }
    }

    /// Copies the file at `source` to `destination` (created or truncated, mode 644); a copy
    /// left half-written is removed.
    static func copy(_ source: String, to destination: String) throws(CopyFailure) {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw .source(code: errno) }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw .destination(CreateFileFailure(atOpen: true, code: errno)) }
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var failure: CopyFailure?
        while failure == nil {
            let (count, readFailure) = readFully(input, into: &buffer)
            if let readFailure {
                failure = .source(code: readFailure)
            } else if count == 0 {
                break
            } else if let code = buffer.withUnsafeBytes({ writeAll(output, UnsafeRawBufferPointer(rebasing: $0[..<count])) }) {
                failure = .destination(CreateFileFailure(atOpen: false, code: code))
            }
        }
        if close(output) != 0, failure == nil { failure = .destination(CreateFileFailure(atOpen: false, code: errno)) }
        if let failure {
            unlink(destination)
            throw failure
        }
    }

    /// Reads until `buffer` is full or the file ends: the count read, and the `errno` of a failure.
    private static func readFully(_ descriptor: Int32, into buffer: inout [UInt8]) -> (done: Int, failure: Int32?) {
        buffer.withUnsafeMutableBytes { space in
            transferAll(space.count) { read(descriptor, space.baseAddress! + $0, space.count - $0) }
        }
    }
}
