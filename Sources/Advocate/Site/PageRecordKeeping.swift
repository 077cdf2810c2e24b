import Foundation

/// A build's use of the ``PageRecord``, from many threads: which pages it can leave as they are,
/// what the last build left at each path, and the digests of what each page holds now, for the
/// record the build saves.
final class PageRecordKeeping: @unchecked Sendable {
    private let record: PageRecord
    private let site: Site
    private let pages: [PageSpec]
    private let paths: [String]
    private let digests: InputDigests
    private let lock = NSLock()
    /// Per page: its input digest (nil for pages always rendered) and its bytes' digest.
    private var inputDigests: [UInt64?]
    private var contents: [UInt64?]

    init(_ record: PageRecord, site: Site, pages: [PageSpec], paths: [String], digests: InputDigests) {
        self.record = record
        self.site = site
        self.pages = pages
        self.paths = paths
        self.digests = digests
        inputDigests = Array(repeating: nil, count: pages.count)
        contents = Array(repeating: nil, count: pages.count)
    }

    /// True when page `index` need not be rendered: made from the same inputs, its file as left.
    func isCurrent(_ index: Int) -> Bool {
        guard let digest = site.inputDigest(of: pages[index], digests: digests) else { return false }
        let current = record.isCurrent(paths[index], digest: digest, outputDirectory: site.inputs.options.outputDirectory)
        let content = current ? record.entries[paths[index]]?.file.content : nil
        lock.withLock {
            inputDigests[index] = digest
            contents[index] = content
        }
        return current
    }

    /// The digest of page `index`'s new bytes, and what the last build left at its path; nil for
    /// pages the record does not keep.
    func compare(_ index: Int, bytes: [UInt8]) -> (content: UInt64, previous: OutputWriter.PreviousFile?)? {
        guard lock.withLock({ inputDigests[index] }) != nil else { return nil }
        let content = PageRecord.contentDigest(bytes)
        lock.withLock { contents[index] = content }
        return (content, record.entries[paths[index]]?.file)
    }

    /// Saves the record of this build's pages, with their files' states as read after it.
    func save(_ options: BuildOptions, states: [StableDigest.FileState?]) throws {
        let (inputs, contents) = lock.withLock { (inputDigests, self.contents) }
        try PageRecord.save(options, pages: inputs.indices.compactMap { index in
            guard let digest = inputs[index], let content = contents[index] else { return nil }
            return (paths[index], digest, content, states[index])
        })
    }
}
