import Foundation

extension SiteInputs {
    /// Takes in the journal lines appended since the store was loaded (``LoadedStore/catchUp(journal:)``).
    public mutating func catchUpWithJournal() -> Int? {
        loaded.catchUp(journal: options.journalFile)
    }
}

extension LoadedStore {
    /// Takes in the lines appended to the journal at `path` since this store read it, as a fresh
    /// load would have them: their events join the journal, the referrers who joined join the
    /// roster, and the ledger and the read offsets follow. `advocate serve` rereads the store on
    /// a reload while referrals keep being recorded, then takes in only those, instead of making
    /// them wait for the whole reread (seconds at 100,000 referrers).
    ///
    /// Returns how many events were taken in; nil, changing nothing, unless the journal only
    /// grew since, by whole lines that read without a problem (the load met a torn last line,
    /// the file shrank, a line taken in earlier is no longer there as it was, a new line is
    /// unfinished or malformed): then the store must be read whole. It may be called while the
    /// journal is being written, then again once its writer has stopped: the second call checks
    /// that the lines the first took in are still there, unchanged.
    ///
    /// The new lines are not checked against the rules across records (``StoreConsistency``):
    /// they are meant to be the lines the server appended itself, under the store's lock, after
    /// checking them against the same rules.
    mutating func catchUp(journal path: String) -> Int? {
        let taken = journalRead.caughtUp
        guard tornJournalTail == nil, let bytes = Self.bytes(of: path, from: journalRead.length - taken.count),
              bytes.starts(with: taken) else { return nil }
        let tail = Array(bytes[taken.count...])
        guard !tail.isEmpty else { return 0 }
        guard tail.last == 0x0A else { return nil }
        var diagnostics = DiagnosticList()
        let read = JournalReader.read(tail, file: path, diagnostics: &diagnostics)
        guard diagnostics.all.isEmpty else { return nil }

        // Taken out while the events go in, so that it is changed in place, not copied.
        var outcomes = ledger
        ledger = nil
        for event in read.events {
            if case .referrer(let referrer, _) = event { store.referrers.append(referrer) }
            outcomes?.apply(event)
        }
        store.journal.append(contentsOf: read.events)
        ledger = outcomes
        let start = journalRead.length
        journalRead.offsets.append(contentsOf: read.offsets.map { start + $0 })
        journalRead.stream.add(tail)
        journalRead.length += tail.count
        journalRead.caughtUp += tail
        return read.events.count
    }

    /// The bytes of the file at `path` from `offset` to its end; nil when it cannot be read or
    /// is shorter than `offset`. Read, not mapped (``MappedFile``): the first catch-up runs while
    /// the server appends, and a failed append is cut back off the file, which would make a
    /// mapping of those bytes fault.
    private static func bytes(of path: String, from offset: Int) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return offset == 0 && errno == ENOENT ? [] : nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, Int(info.st_size) >= offset else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) - offset)
        let (filled, failure) = bytes.withUnsafeMutableBytes { buffer in
            transferAll(buffer.count) { pread(descriptor, buffer.baseAddress! + $0, buffer.count - $0, off_t(offset + $0)) }
        }
        return failure == nil && filled == bytes.count ? bytes : nil
    }
}
