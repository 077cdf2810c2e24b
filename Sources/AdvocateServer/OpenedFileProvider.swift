import Advocate
import Foundation
import Hummingbird
import NIOCore
import NIOPosix

/// The output folder for Hummingbird's `FileMiddleware`, served from one open file per request:
/// a file's size, time and bytes all come from the file as it was when the request looked it up.
///
/// Hummingbird's `LocalFileSystem` looks the path up three times (its attributes, its size again,
/// then its bytes). The server replaces the stats and analytics pages, by rename, after every
/// referral, so under load a page went out with one version's `Content-Length` and another's
/// bytes: cut short, or longer than announced, which put a keep-alive connection out of step
/// (a review saw 3 to 5 in 14,000 requests). A file opened once keeps its bytes whatever
/// replaces its name.
struct OpenedFileProvider: FileProvider {
    struct FileAttributes: Sendable, FileMiddlewareFileAttributes {
        let isFolder: Bool
        let size: Int
        let modificationDate: Date
    }

    /// A file or folder opened by path, closed when the last request holding it lets go.
    final class OpenedFile: Sendable {
        let descriptor: Int32

        init?(path: String) {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return nil }
            self.descriptor = descriptor
        }

        deinit {
            close(descriptor)
        }
    }

    typealias FileIdentifier = OpenedFile

    let rootFolder: String
    /// Folders no file served may be in, whatever link leads there (the store, `.advocate/`),
    /// resolved, each ending in `/`.
    let withheldFolders: [String]
    /// Bytes read from disk at a time, off the event loops.
    static let chunkLength = 128 * 1024

    /// The output folder, resolved, ending in `/`: a withheld folder may hold it
    /// (`scripts/quickstart` serves .advocate/quickstart/public), whose files are served.
    let resolvedRoot: String

    init(rootFolder: String, withholding folders: [String] = []) {
        self.rootFolder = rootFolder.hasSuffix("/") ? rootFolder : rootFolder + "/"
        resolvedRoot = BuildOptions.resolved(rootFolder) + "/"
        withheldFolders = folders.map { BuildOptions.resolved($0) + "/" }
    }

    /// The file, unless it is in a withheld folder: a link someone made in the output
    /// (`public/assets/data -> ../../content/data`) had served every email and token of the roster.
    func getFileIdentifier(_ path: String) -> OpenedFile? {
        guard let file = OpenedFile(path: rootFolder + (path.first == "/" ? String(path.dropFirst()) : path)) else { return nil }
        // Where the opened file really is: one readlink, and no race with a link changed meanwhile.
        if !withheldFolders.isEmpty, let real = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(file.descriptor)"),
           withheldFolders.contains(where: { (real + "/").hasPrefix($0) }), !(real + "/").hasPrefix(resolvedRoot) {
            return nil
        }
        return file
    }

    func getAttributes(id file: OpenedFile) async throws -> FileAttributes? {
        var status = stat()
        guard fstat(file.descriptor, &status) == 0 else { return nil }
        let modified = Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1_000_000_000
        return FileAttributes(isFolder: (status.st_mode & S_IFMT) == S_IFDIR, size: Int(status.st_size),
                              modificationDate: Date(timeIntervalSince1970: modified))
    }

    func loadFile(id file: OpenedFile, context: some RequestContext) async throws -> ResponseBody {
        guard let attributes = try await getAttributes(id: file), attributes.size > 0 else { return ResponseBody() }
        return Self.body(of: file, range: 0...(attributes.size - 1))
    }

    func loadFile(id file: OpenedFile, range: ClosedRange<Int>, context: some RequestContext) async throws -> ResponseBody {
        guard let attributes = try await getAttributes(id: file), attributes.size > 0 else { return ResponseBody() }
        return Self.body(of: file, range: range.clamped(to: 0...(attributes.size - 1)))
    }

    /// The bytes of `range`, read from the open file in chunks on NIO's thread pool.
    private static func body(of file: OpenedFile, range: ClosedRange<Int>) -> ResponseBody {
        ResponseBody(contentLength: range.count) { writer in
            var offset = range.lowerBound
            while offset <= range.upperBound {
                let (start, length) = (offset, min(chunkLength, range.upperBound - offset + 1))
                let chunk = try await NIOThreadPool.singleton.runIfActive { try read(file, at: start, length: length) }
                try await writer.write(chunk)
                offset += chunk.readableBytes
            }
            try await writer.finish(nil)
        }
    }

    /// Up to `length` bytes at `offset`; throws when the file ends first (it was cut short in
    /// place), which closes the connection rather than send fewer bytes than announced.
    private static func read(_ file: OpenedFile, at offset: Int, length: Int) throws -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: length)
        let count = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { bytes in
            var done = 0
            while done < length {
                let result = pread(file.descriptor, bytes.baseAddress! + done, length - done, off_t(offset + done))
                if result < 0 && errno == EINTR { continue }
                guard result > 0 else { break }
                done += result
            }
            return done
        }
        guard count == length else { throw HTTPError(.internalServerError, message: "the file became shorter while it was read") }
        return buffer
    }
}
