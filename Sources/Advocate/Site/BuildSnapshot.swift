import Foundation

/// What ``AppendedReferrals`` needs of the last build to take in referrals appended to the
/// journal without reading the rest of it, kept in `<source>/.advocate/`:
///
/// - `snapshot.bin`, written by a full build: which build it belongs to (the digest of every
///   input but the journal), the journal as that build read it (length and ``StreamDigest``),
///   the ledger's totals per referrer and for the program (``LedgerSummary``), the as-of, each
///   referrer's record, the byte offsets of the journal lines each stats page depends on (its
///   referrals, their statuses, and the earlier referral each of its duplicates repeats), and the
///   digests of every referral id and accepted friend email, sorted, so that a new line is known
///   to be a new id and a new friend without a million strings in memory;
/// - `snapshot-changes.bin`, written by each build that took referrals in since: the journal as
///   it read it, the totals of the referrers it changed and of the program, and the new lines
///   and digests. A few kilobytes instead of rewriting 50 MB at 100,000 referrers.
///
/// A cache, never the record: any doubt (missing, another version, cut short, a digest that
/// does not match its contents) means a full build. `snapshot.bin` is flushed to disk before it
/// replaces the old one, and its header and totals carry a digest; its offsets and digests,
/// 40 MB at 100,000 referrers, are read in place and checked against their bounds only (hashing
/// them on every build was a tenth of it).
struct BuildSnapshot {
    // 4: emails with a domain that is not ASCII are digested in its IDNA form.
    static let magic = Array("advocate-snapshot 4\n".utf8)
    static let changesMagic = Array("advocate-snapshot-changes 4\n".utf8)

    /// The stamp's input digest of the build it is current with.
    var inputs: UInt64
    var journalLength: Int
    var journalDigest: UInt64
    var ledger: LedgerSummary
    /// The digest of every input but the journal, and the as-of, of the full build that made it.
    let shared: UInt64
    let asOf: Instant
    private let base: Base
    /// What builds since the full build took in.
    private var changes = Changes()

    /// What a full build wrote, read in place from the mapped file (copying its 40 MB of
    /// offsets and digests out was a fifth of the incremental build, in page faults).
    private struct Base {
        let file: MappedFile
        /// Each referrer's record (``BuildSnapshot/encode(_:into:)``); where each starts.
        var records: Range<Int>
        var recordStarts: Section
        /// Referrer `i`'s journal lines are `lineOffsets[lineStarts[i]..<lineStarts[i + 1]]`, in journal order.
        var lineStarts: Section
        var lineOffsets: Section
        /// ``BuildSnapshot/digest(_:)`` of every referral id, and of every accepted friend email, normalized; sorted.
        var idDigests: Section
        var emailDigests: Section
        /// The digest of the file's header and totals, which the changes name so that they are
        /// never applied to another.
        var fileDigest: UInt64
    }

    /// A count of 8-byte values at a position of the file.
    private struct Section {
        var position: Int
        var count: Int

        func value(_ index: Int, in bytes: UnsafeRawBufferPointer) -> UInt64 {
            UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position + index * 8, as: UInt64.self))
        }

        func int(_ index: Int, in bytes: UnsafeRawBufferPointer) -> Int { Int(Int64(bitPattern: value(index, in: bytes))) }

        /// Whether the section, sorted, holds `digest`.
        func contains(_ digest: UInt64, in bytes: UnsafeRawBufferPointer) -> Bool {
            var low = 0
            var high = count
            while low < high {
                let middle = (low + high) / 2
                if value(middle, in: bytes) < digest { low = middle + 1 } else { high = middle }
            }
            return low < count && value(low, in: bytes) == digest
        }
    }

    private struct Changes {
        var referrers: Set<Int> = []
        var lines: [(referrer: Int, offset: Int)] = []
        var idDigests: Set<UInt64> = []
        var emailDigests: Set<UInt64> = []
    }

    static func file(_ options: BuildOptions) -> String { Paths.join(options.stateDirectory, "snapshot.bin") }
    static func changesFile(_ options: BuildOptions) -> String { Paths.join(options.stateDirectory, "snapshot-changes.bin") }

    /// The digest an id or a normalized email is known by.
    static func digest(_ text: String) -> UInt64 {
        var digest = StableDigest()
        digest.add(text)
        return digest.value
    }

    /// The referrer at a roster position; nil when its record does not decode.
    func referrer(at index: Int) -> Referrer? {
        withExtendedLifetime(base.file) {
            let bytes = base.file.bytes
            let start = base.recordStarts.int(index, in: bytes)
            guard start >= 0, start < base.records.count else { return nil }
            var reader = BinaryReader(UnsafeRawBufferPointer(rebasing: bytes[base.records]), from: start)
            return try? Self.decodeReferrer(&reader)
        }
    }

    /// The offsets of the journal lines a referrer's stats page depends on, in journal order;
    /// nil when the snapshot's numbers do not hold together.
    func lines(ofReferrer index: Int) -> [Int]? {
        withExtendedLifetime(base.file) {
            let bytes = base.file.bytes
            let start = base.lineStarts.int(index, in: bytes), end = base.lineStarts.int(index + 1, in: bytes)
            guard 0 <= start, start <= end, end <= base.lineOffsets.count else { return nil }
            return (start..<end).map { base.lineOffsets.int($0, in: bytes) } + changes.lines.filter { $0.referrer == index }.map(\.offset)
        }
    }

    /// Whether some referral in the journal has an id with this digest.
    func knowsID(_ digest: UInt64) -> Bool {
        changes.idDigests.contains(digest) || withExtendedLifetime(base.file) { base.idDigests.contains(digest, in: base.file.bytes) }
    }

    /// Whether some accepted referral's friend has an email with this digest.
    func knowsEmail(_ digest: UInt64) -> Bool {
        changes.emailDigests.contains(digest) || withExtendedLifetime(base.file) { base.emailDigests.contains(digest, in: base.file.bytes) }
    }

    /// Takes in accepted referrals whose lines start at `offset`, for the referrer at `referrer`.
    mutating func take(_ referrals: [(referral: Referral, offset: Int, referrer: Int)]) {
        for taken in referrals {
            changes.referrers.insert(taken.referrer)
            changes.lines.append((taken.referrer, taken.offset))
            changes.idDigests.insert(Self.digest(taken.referral.id))
            changes.emailDigests.insert(Self.digest(StoreRules.normalizedEmail(taken.referral.email)))
        }
    }
}

// MARK: - Files

extension BuildSnapshot {
    /// Writes the snapshot of a full build from `inputs`, whose figures came from `ledger` as of
    /// `asOf`, and removes the changes file; removes the snapshot instead when the loaded
    /// journal's offsets are not at hand.
    static func save(inputs: SiteInputs, ledger: OutcomeLedger, asOf: Instant, digests: InputDigests, options: BuildOptions) throws {
        let journal = inputs.store.journal
        let read = inputs.loaded.journalRead
        let referrers = inputs.store.referrers
        let summary = ledger.summary
        unlink(changesFile(options))
        let outcomeOfEvent = ledger.outcomeOfEvent
        guard read.offsets.count == journal.count, outcomeOfEvent.count == journal.count, summary.codes.count == referrers.count else {
            unlink(file(options))
            return
        }
        var owners: [(referrer: Int, offset: Int)] = []
        owners.reserveCapacity(journal.count + journal.count / 8)
        var firstAccepted: [UInt64: Int] = [:]
        var ids: [UInt64] = []
        for (position, event) in journal.enumerated() {
            let offset = read.offsets[position]
            let index = Int(outcomeOfEvent[position])
            switch event {
            case .referral(let referral):
                ids.append(digest(referral.id))
                // A referral the ledger did not take in (dated after the as-of) is still its referrer's line.
                guard let referrer = index >= 0 ? ledger.referrer(ofOutcome: index) : ledger.index(ofReferrer: referral.referrer) else { continue }
                owners.append((referrer, offset))
                guard index >= 0 else { continue }
                let email = digest(StoreRules.normalizedEmail(referral.email))
                switch ledger.outcomes[index].acceptance {
                case .accepted:
                    firstAccepted[email] = offset
                case .duplicate:
                    if let original = firstAccepted[email], original != offset { owners.append((referrer, original)) }
                case .selfReferral:
                    continue
                }
            case .status:
                if index >= 0 { owners.append((ledger.referrer(ofOutcome: index), offset)) }
            case .referrer:
                continue
            }
        }
        let (lineStarts, lineOffsets) = grouped(owners, referrers: referrers.count)

        var writer = BinaryWriter(capacity: 4096 + referrers.count * 300 + (lineOffsets.count + ids.count + firstAccepted.count) * 8)
        writer.verbatim(magic)
        encode((digests.all, read.length, read.digest), into: &writer)
        writer.uint64(digests.shared)
        writer.uint64(UInt64(bitPattern: asOf.milliseconds))
        encode(summary, into: &writer)
        let headerDigest = writer.bytes.withUnsafeBytes { digest(afterMagic: magic, upTo: $0.count, of: $0) }
        writer.uint64(headerDigest)
        var records = BinaryWriter(capacity: referrers.count * 160)
        var recordStarts: [Int] = []
        recordStarts.reserveCapacity(referrers.count)
        for referrer in referrers {
            recordStarts.append(records.bytes.count)
            encode(referrer, into: &records)
        }
        writer.raw(records.bytes)
        writer.ints(recordStarts)
        writer.ints(lineStarts)
        writer.ints(lineOffsets)
        writer.uint64s(ids.sorted())
        writer.uint64s(firstAccepted.keys.sorted())
        try FileManager.default.createDirectory(atPath: options.stateDirectory, withIntermediateDirectories: true)
        try AtomicFile.write(writer.bytes, to: file(options))
    }

    /// Each referrer's offsets in journal order without repeats, all in one list, and where
    /// each referrer's part starts (a counting sort).
    private static func grouped(_ owners: [(referrer: Int, offset: Int)], referrers: Int) -> (starts: [Int], offsets: [Int]) {
        var starts = Array(repeating: 0, count: referrers + 1)
        for owner in owners { starts[owner.referrer + 1] += 1 }
        for index in 0..<referrers { starts[index + 1] += starts[index] }
        var next = starts
        var offsets = Array(repeating: 0, count: owners.count)
        for owner in owners {
            offsets[next[owner.referrer]] = owner.offset
            next[owner.referrer] += 1
        }
        var unique: [Int] = []
        unique.reserveCapacity(offsets.count)
        var uniqueStarts = [0]
        for index in 0..<referrers {
            let group = offsets[starts[index]..<starts[index + 1]].sorted()
            for (position, offset) in group.enumerated() where position == 0 || group[position - 1] != offset { unique.append(offset) }
            uniqueStarts.append(unique.count)
        }
        return (uniqueStarts, unique)
    }

    /// Writes what was taken in since the full build, beside its snapshot.
    func saveChanges(_ options: BuildOptions) throws {
        var writer = BinaryWriter()
        writer.verbatim(Self.changesMagic)
        Self.encode((inputs, journalLength, journalDigest), into: &writer)
        writer.uint64(base.fileDigest)
        Self.encodeProgram(ledger, into: &writer)
        writer.int(changes.referrers.count)
        for index in changes.referrers.sorted() {
            writer.int(index)
            Self.encode(ledger.referrerTallies[index], into: &writer)
        }
        writer.ints(changes.lines.map(\.referrer))
        writer.ints(changes.lines.map(\.offset))
        writer.uint64s(changes.idDigests.sorted())
        writer.uint64s(changes.emailDigests.sorted())
        // Ends with the digest of what follows its magic; not flushed to disk (a few kilobytes
        // after every build): one lost or cut short by a power cut fails its digest, and the
        // build after it is a full one.
        let digest = writer.bytes.withUnsafeBytes { Self.digest(afterMagic: Self.changesMagic, upTo: $0.count, of: $0) }
        writer.uint64(digest)
        let path = Self.changesFile(options)
        try createFile(path + ".tmp", writer.bytes, flush: false)
        guard rename(path + ".tmp", path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// The snapshot with the changes since, from the state folder; nil when there is none or
    /// it is not whole.
    static func read(_ options: BuildOptions) -> BuildSnapshot? {
        guard let file = MappedFile(file(options)),
              var snapshot = withExtendedLifetime(file, { decode(file) })
        else { return nil }
        guard let changes = MappedFile(changesFile(options)) else { return snapshot }
        let applied = withExtendedLifetime(changes) { () -> Bool in
            guard var reader = verified(changes.bytes, magic: changesMagic) else { return false }
            return (try? snapshot.apply(&reader)) == true
        }
        return applied ? snapshot : nil
    }

    /// The length and digest of the journal the snapshot (with its changes) is current with,
    /// from the files' first bytes (``read(_:)`` checks the rest), so that checking the journal
    /// can start while the snapshot loads.
    static func journalState(_ options: BuildOptions) -> (length: Int, digest: UInt64)? {
        let current: Current?
        if let changes = MappedFile(changesFile(options)) {
            current = withExtendedLifetime(changes) {
                guard var reader = verified(changes.bytes, magic: changesMagic) else { return nil }
                return try? decodeCurrent(&reader)
            }
        } else if let file = MappedFile(file(options)), file.bytes.starts(with: magic) {
            current = withExtendedLifetime(file) {
                var reader = BinaryReader(file.bytes, from: magic.count)
                return try? decodeCurrent(&reader)
            }
        } else {
            current = nil
        }
        return current.map { ($0.journalLength, $0.journalDigest) }
    }

    static func remove(_ options: BuildOptions) {
        unlink(file(options))
        unlink(changesFile(options))
    }

    /// The digest of a file's bytes from the end of its magic to `end`: the digest of
    /// `snapshot.bin`'s header and totals, and the trailing digest of `snapshot-changes.bin`.
    private static func digest(afterMagic magic: [UInt8], upTo end: Int, of bytes: UnsafeRawBufferPointer) -> UInt64 {
        var digest = StreamDigest()
        digest.add(UnsafeRawBufferPointer(rebasing: bytes[magic.count..<end]))
        return digest.value
    }

    /// A reader after the magic of a file whose trailing digest matches; nil otherwise.
    private static func verified(_ bytes: UnsafeRawBufferPointer, magic: [UInt8]) -> BinaryReader? {
        guard bytes.count >= magic.count + 8, bytes.starts(with: magic) else { return nil }
        var trailer = BinaryReader(bytes, from: bytes.count - 8)
        guard (try? trailer.uint64()) == digest(afterMagic: magic, upTo: bytes.count - 8, of: bytes) else { return nil }
        return BinaryReader(UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - 8)]), from: magic.count)
    }

    private static func decode(_ file: MappedFile) -> BuildSnapshot? {
        let bytes = file.bytes
        guard bytes.starts(with: magic) else { return nil }
        var reader = BinaryReader(bytes, from: magic.count)
        do {
            let current = try decodeCurrent(&reader)
            let shared = try reader.uint64(), asOf = Instant(milliseconds: Int64(bitPattern: try reader.uint64()))
            let ledger = try decodeLedger(&reader)
            let headerDigest = digest(afterMagic: magic, upTo: reader.position, of: bytes)
            guard try reader.uint64() == headerDigest else { return nil }
            let records = try reader.raw()
            let recordsStart = records.baseAddress.map { $0 - bytes.baseAddress! } ?? 0
            let base = Base(file: file, records: recordsStart..<recordsStart + records.count, recordStarts: try section(&reader),
                            lineStarts: try section(&reader), lineOffsets: try section(&reader), idDigests: try section(&reader),
                            emailDigests: try section(&reader), fileDigest: headerDigest)
            let referrers = ledger.codes.count
            guard reader.isAtEnd, base.recordStarts.count == referrers, base.lineStarts.count == referrers + 1,
                  base.lineStarts.int(referrers, in: bytes) == base.lineOffsets.count
            else { return nil }
            return BuildSnapshot(inputs: current.inputs, journalLength: current.journalLength, journalDigest: current.journalDigest,
                                 ledger: ledger, shared: shared, asOf: asOf, base: base)
        } catch {
            return nil
        }
    }

    private static func section(_ reader: inout BinaryReader) throws(BinaryReader.Truncated) -> Section {
        let (position, count) = try reader.skipBlock()
        return Section(position: position, count: count)
    }

    /// Applies a changes file; false when it belongs to another snapshot or does not decode.
    private mutating func apply(_ reader: inout BinaryReader) throws(BinaryReader.Truncated) -> Bool {
        let current = try Self.decodeCurrent(&reader)
        guard try reader.uint64() == base.fileDigest else { return false }
        (inputs, journalLength, journalDigest) = current
        try Self.decodeProgram(&reader, into: &ledger)
        for _ in 0..<(try reader.count(itemSize: 16)) {
            let index = try reader.int()
            guard ledger.referrerTallies.indices.contains(index) else { return false }
            ledger.referrerTallies[index] = try Self.decodeTally(&reader)
            changes.referrers.insert(index)
        }
        let owners = try reader.ints(), offsets = try reader.ints()
        guard owners.count == offsets.count, owners.allSatisfy(ledger.codes.indices.contains) else { return false }
        changes.lines = Array(zip(owners, offsets))
        changes.idDigests = Set(try reader.uint64s())
        changes.emailDigests = Set(try reader.uint64s())
        return reader.isAtEnd
    }
}

// MARK: - Encoding

extension BuildSnapshot {
    /// The build a file is current with: the stamp's input digest and the journal's length and
    /// digest. First after the magic in both files, so ``journalState(_:)`` reads it alone.
    private typealias Current = (inputs: UInt64, journalLength: Int, journalDigest: UInt64)

    private static func encode(_ current: Current, into writer: inout BinaryWriter) {
        writer.uint64(current.inputs)
        writer.int(current.journalLength)
        writer.uint64(current.journalDigest)
    }

    private static func decodeCurrent(_ reader: inout BinaryReader) throws(BinaryReader.Truncated) -> Current {
        (try reader.uint64(), try reader.int(), try reader.uint64())
    }

    private static func encode(_ ledger: LedgerSummary, into writer: inout BinaryWriter) {
        writer.int(ledger.codes.count)
        for index in ledger.codes.indices {
            writer.string(ledger.codes[index])
            writer.string(ledger.ownEmails[index])
            writer.int(Segment.allCases.firstIndex(of: ledger.segments[index])!)
            writer.bool(ledger.joinedFrom[index] != nil)
            writer.uint64(UInt64(bitPattern: ledger.joinedFrom[index]?.milliseconds ?? 0))
            encode(ledger.referrerTallies[index], into: &writer)
        }
        encodeProgram(ledger, into: &writer)
    }

    private static func decodeLedger(_ reader: inout BinaryReader) throws(BinaryReader.Truncated) -> LedgerSummary {
        let count = try reader.count(itemSize: 48)
        var summary = LedgerSummary(codes: [], ownEmails: [], segments: [], joinedFrom: [], referrerTallies: [],
                                    tally: ProgramTally(), newestEvent: nil)
        summary.codes.reserveCapacity(count)
        summary.ownEmails.reserveCapacity(count)
        summary.segments.reserveCapacity(count)
        summary.joinedFrom.reserveCapacity(count)
        summary.referrerTallies.reserveCapacity(count)
        for _ in 0..<count {
            summary.codes.append(try reader.string())
            summary.ownEmails.append(try reader.string())
            let segment = try reader.int()
            guard Segment.allCases.indices.contains(segment) else { throw BinaryReader.Truncated() }
            summary.segments.append(Segment.allCases[segment])
            let hasJoined = try reader.bool()
            let joined = Instant(milliseconds: Int64(bitPattern: try reader.uint64()))
            summary.joinedFrom.append(hasJoined ? joined : nil)
            summary.referrerTallies.append(try decodeTally(&reader))
        }
        try decodeProgram(&reader, into: &summary)
        return summary
    }

    /// The program's totals and the newest event.
    private static func encodeProgram(_ ledger: LedgerSummary, into writer: inout BinaryWriter) {
        writer.raw((try? JSONEncoder().encode(ledger.tally)).map(Array.init) ?? [])
        writer.bool(ledger.newestEvent != nil)
        writer.uint64(UInt64(bitPattern: ledger.newestEvent?.milliseconds ?? 0))
    }

    private static func decodeProgram(_ reader: inout BinaryReader, into summary: inout LedgerSummary) throws(BinaryReader.Truncated) {
        let tallyJSON = try reader.raw()
        guard let tally = try? JSONDecoder().decode(ProgramTally.self, from: Data(tallyJSON)) else { throw BinaryReader.Truncated() }
        summary.tally = tally
        let hasNewest = try reader.bool()
        let newest = Instant(milliseconds: Int64(bitPattern: try reader.uint64()))
        summary.newestEvent = hasNewest ? newest : nil
    }

    private static func encode(_ tally: ReferrerTally, into writer: inout BinaryWriter) {
        writer.int(tally.referrals)
        writer.int(tally.conversions.count)
        for conversion in tally.conversions {
            writer.int(conversion.outcome)
            writer.uint64(UInt64(bitPattern: conversion.at.milliseconds))
            writer.double(conversion.reward)
        }
    }

    private static func decodeTally(_ reader: inout BinaryReader) throws(BinaryReader.Truncated) -> ReferrerTally {
        var tally = ReferrerTally()
        tally.referrals = try reader.int()
        let conversions = try reader.count(itemSize: 24)
        tally.conversions.reserveCapacity(conversions)
        for _ in 0..<conversions {
            tally.conversions.append(ReferrerTally.Conversion(
                outcome: try reader.int(), at: Instant(milliseconds: Int64(bitPattern: try reader.uint64())), reward: try reader.double()))
        }
        return tally
    }

    private static func encode(_ referrer: Referrer, into writer: inout BinaryWriter) {
        for field in [referrer.code, referrer.name, referrer.email, referrer.segment.rawValue, referrer.statsToken, referrer.origin.file] {
            writer.string(field)
        }
        writer.bool(referrer.joined != nil)
        writer.int(referrer.joined?.daysSinceEpoch ?? 0)
        writer.bool(referrer.leaderboard)
        writer.int(referrer.origin.location.line)
        writer.int(referrer.origin.location.column)
    }

    private static func decodeReferrer(_ reader: inout BinaryReader) throws(BinaryReader.Truncated) -> Referrer {
        let code = try reader.string(), name = try reader.string(), email = try reader.string()
        guard let segment = Segment(rawValue: try reader.string()) else { throw BinaryReader.Truncated() }
        let token = try reader.string(), file = try reader.string()
        let hasJoined = try reader.bool()
        let joined = CalendarDay(daysSinceEpoch: try reader.int())
        let leaderboard = try reader.bool()
        let location = SourceLocation(line: try reader.int(), column: try reader.int())
        return Referrer(code: code, name: name, email: email, joined: hasJoined ? joined : nil, segment: segment, statsToken: token,
                        leaderboard: leaderboard, origin: Origin(file: file, location: location))
    }
}
