import Foundation

/// `advocate build` after referrals were appended to the journal and nothing else changed: the
/// pages they change (their referrers' stats pages, the analytics page and the leaderboard)
/// rendered from the last build's ``BuildSnapshot`` and the new lines, without reading the rest
/// of the journal or the roster. What the server's refresh does, for a build from the command line.
///
/// It takes the new lines only when each is a referral that the full build would accept and
/// that leaves the as-of where it was: a known referrer, an id and a friend's email not seen
/// before, not the referrer's own email, dated at or before the as-of. Anything else (a status,
/// a join, a duplicate, a line with a warning, an edited journal, lines after a torn one, another
/// input changed) and it answers nil: the full build runs, which decides everything from scratch.
/// The last build's warnings, which the stamp keeps, are repeated: no line they concern changed.
///
/// It trusts the output folder to be as the last build left it (checking 300,000 files is the
/// second it saves); a file changed there by hand is set right by the next full build, which
/// the stamp then asks for.
enum AppendedReferrals {
    /// The build's report, or nil when a full build is needed.
    static func build(_ options: BuildOptions, digests: InputDigests) -> BuildReport? {
        let start = ContinuousClock.now
        guard let stamp = BuildStamp.read(options), let expected = BuildSnapshot.journalState(options),
              let program = loadProgram(options) else { return nil }
        // Two halves of about the same time, one on each core: checking the journal (reading all
        // of it) then loading content and theme; loading the snapshot and making the ledger.
        let halves = parallelMap(2) { half -> Half in
            guard half == 0 else { return .snapshot(loadSnapshot(options, program: program)) }
            let growth = journalGrowth(options, length: expected.length, digest: expected.digest)
            return .journal(growth, growth == nil ? nil : loadInputs(options, program: program))
        }
        guard case .journal(let journal?, let inputs?) = halves[0], case .snapshot(let loaded?) = halves[1],
              loaded.snapshot.inputs == stamp.inputs, loaded.snapshot.shared == digests.shared,
              loaded.snapshot.journalLength == expected.length, loaded.snapshot.journalDigest == expected.digest
        else { return nil }
        var (snapshot, ledger) = loaded
        guard let referrals = admit(journal.lines, into: &ledger, snapshot: snapshot, asOf: options.asOf),
              let site = reducedSite(inputs, ledger: ledger, snapshot: snapshot, journal: options.journalFile, referrals: referrals)
        else { return nil }

        let pages = SiteBuilder.refreshPages(site, referrerCodes: Set(referrals.map(\.referral.referrer)))
        let paths = pages.map { SitePlan.outputPath($0, site: site) }
        let fileDigests = paths.map { BuildStamp.fileDigest(outputDirectory: options.outputDirectory, path: $0) }
        guard fileDigests.allSatisfy({ $0 != nil }) else { return nil }
        BuildStamp.remove(options)
        let writer = OutputWriter(outputDirectory: options.outputDirectory)
        guard let count = try? SiteBuilder.render(pages, paths: paths, site: site, writer: writer, progress: nil) else { return nil }
        let newDigests = paths.compactMap { BuildStamp.fileDigest(outputDirectory: options.outputDirectory, path: $0) }
        guard newDigests.count == paths.count else { return nil }

        snapshot.inputs = digests.all
        snapshot.journalLength = journal.length
        snapshot.journalDigest = journal.digest
        snapshot.ledger = ledger.summary
        snapshot.take(referrals.map { ($0.referral, $0.offset, $0.referrer) })
        var outputs = stamp.outputs
        for digest in fileDigests { outputs &-= digest! }
        for digest in newDigests { outputs &+= digest }
        do {
            try snapshot.saveChanges(options)
            try BuildStamp(inputs: digests.all, outputs: outputs, asOf: stamp.asOf, filesByKind: stamp.filesByKind,
                           warnings: stamp.warnings).save(options)
        } catch {
            BuildStamp.remove(options)
        }
        releaseInBackground((snapshot, ledger))
        let total = stamp.filesByKind.reduce(0) { $0 + $1.count }
        return BuildReport(asOf: stamp.asOf, filesByKind: stamp.filesByKind, written: count.written, rendered: count.rendered,
                           unchanged: total - count.written, removed: 0, duration: ContinuousClock.now - start, warnings: stamp.warnings)
    }

    /// What each core brings.
    private enum Half: Sendable {
        case journal(Growth?, SiteInputs?)
        case snapshot((snapshot: BuildSnapshot, ledger: OutcomeLedger)?)
    }

    /// The journal when it only grew: the new lines (with their offsets), and the length and
    /// digest of the whole.
    private struct Growth: Sendable {
        var lines: [(offset: Int, bytes: [UInt8])]
        var length: Int
        var digest: UInt64
    }

    /// The snapshot and the ledger made from it.
    private static func loadSnapshot(_ options: BuildOptions, program: Program) -> (snapshot: BuildSnapshot, ledger: OutcomeLedger)? {
        guard let snapshot = BuildSnapshot.read(options) else { return nil }
        return (snapshot, OutcomeLedger(summary: snapshot.ledger, program: program))
    }

    /// The site's inputs but the store (content, theme, program; an empty roster and journal).
    /// Their warnings are the last build's, which the stamp repeats: none of these files changed.
    private static func loadInputs(_ options: BuildOptions, program: Program) -> SiteInputs? {
        let store = LoadedStore(store: Store(program: program, referrers: [], journal: []), warnings: [])
        return try? SiteInputs.load(options, store: { StoreReading(store) })
    }

    /// A referral taken in: where its line starts and its referrer's roster position.
    private struct Taken {
        var referral: Referral
        var offset: Int
        var referrer: Int
    }

    /// The journal when it only grew since the snapshot, whose journal had `length` bytes with
    /// `digest`. Read through a small buffer: mapping all of it, then unmapping it, cost more
    /// than the copy (perf).
    private static func journalGrowth(_ options: BuildOptions, length: Int, digest expected: UInt64) -> Growth? {
        let descriptor = open(options.journalFile, O_RDONLY | O_CLOEXEC | O_NONBLOCK)  // a FIFO would block
        guard descriptor >= 0, length >= 0 else { return nil }
        defer { close(descriptor) }
        var digest = StreamDigest()
        var prefix = length == 0 ? digest.value : nil
        // A journal that ended in a torn line (a warning) does not grow by whole lines: what
        // follows joins that line, a broken one within the journal, which the full build reports.
        var prefixEndsALine = length == 0
        var tail: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            buffer.withUnsafeBytes { raw in
                let chunk = UnsafeRawBufferPointer(rebasing: raw[..<count])
                let before = max(0, min(count, length - digest.count))
                digest.add(UnsafeRawBufferPointer(rebasing: chunk[..<before]))
                if before > 0 && digest.count == length {
                    prefix = digest.value
                    prefixEndsALine = chunk[before - 1] == 0x0A
                }
                digest.add(UnsafeRawBufferPointer(rebasing: chunk[before...]))
                tail.append(contentsOf: chunk[before...])
            }
        }
        guard prefix == expected, prefixEndsALine, !tail.isEmpty, tail.last == 0x0A else { return nil }
        var lines: [(offset: Int, bytes: [UInt8])] = []
        var start = 0
        while let newline = tail[start...].firstIndex(of: 0x0A) {
            if let line = JournalReader.content(ofLine: tail[start..<newline]) { lines.append((length + start, Array(line))) }
            start = newline + 1
        }
        return Growth(lines: lines, length: digest.count, digest: digest.value)
    }

    /// The journal lines starting at `offsets`, without their line ends; nil when one cannot be read whole.
    private static func lines(at offsets: [Int], in path: String) -> [[UInt8]]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var lines: [[UInt8]] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        for offset in offsets {
            var line: [UInt8] = []
            while true {
                let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(offset + line.count)) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return nil }
                if let newline = chunk[..<count].firstIndex(of: 0x0A) {
                    line.append(contentsOf: chunk[..<newline])
                    break
                }
                line.append(contentsOf: chunk[..<count])
            }
            guard let content = JournalReader.content(ofLine: line[...]) else { return nil }
            lines.append(Array(content))
        }
        return lines
    }

    /// program.json, whose warnings (unchanged since the last build) the stamp repeats.
    private static func loadProgram(_ options: BuildOptions) -> Program? {
        var diagnostics = DiagnosticList()
        let file = Paths.join(options.dataDirectory, StoreFiles.program)
        guard let bytes = StoreLoader.readFile(file, whenMissing: StoreLoader.missingProgram(file), diagnostics: &diagnostics),
              let root = StoreLoader.parseDocument(bytes, file: file, diagnostics: &diagnostics),
              let program = ProgramDecoder.decode(root, file: file, diagnostics: &diagnostics), !diagnostics.hasErrors
        else { return nil }
        return program
    }

    /// Parses one journal line; nil when it does not parse or has anything to report.
    private static func event(_ line: [UInt8]) -> JournalEvent? {
        guard let node = try? JSONParser.parse(line) else { return nil }
        var diagnostics = DiagnosticList()
        let event = JournalReader.decodeEvent(node, file: StoreFiles.journal, line: 0, diagnostics: &diagnostics)
        return diagnostics.all.isEmpty ? event : nil
    }

    /// Takes the new lines into the ledger; nil unless each is a referral the full build would
    /// accept and none moves the as-of.
    private static func admit(_ lines: [(offset: Int, bytes: [UInt8])], into ledger: inout OutcomeLedger,
                              snapshot: BuildSnapshot, asOf day: CalendarDay?) -> [Taken]? {
        var taken: [Taken] = []
        var ids: Set<UInt64> = []
        var emails: Set<UInt64> = []
        for line in lines {
            guard case .referral(let referral) = event(line.bytes), let referrer = ledger.index(ofReferrer: referral.referrer),
                  referral.at <= snapshot.asOf else { return nil }
            let email = StoreRules.normalizedEmail(referral.email)
            let id = BuildSnapshot.digest(referral.id)
            let emailDigest = BuildSnapshot.digest(email)
            guard email != ledger.ownEmail(ofReferrer: referrer),
                  !snapshot.knowsID(id), ids.insert(id).inserted, !snapshot.knowsEmail(emailDigest), emails.insert(emailDigest).inserted
            else { return nil }
            ledger.apply(.referral(referral))
            taken.append(Taken(referral: referral, offset: line.offset, referrer: referrer))
        }
        let asOf = day?.end ?? ledger.newestEvent
        guard !taken.isEmpty, asOf == snapshot.asOf else { return nil }
        return taken
    }

    /// A site holding what the changed pages show: the program's figures from `ledger`, and
    /// a roster of the referrers whose pages or names appear (the new referrals' referrers with
    /// every journal line their stats pages depend on, the leaderboard's), checked against the
    /// ledger's totals.
    private static func reducedSite(_ inputs: SiteInputs, ledger: OutcomeLedger, snapshot: BuildSnapshot,
                                    journal: String, referrals: [Taken]) -> Site? {
        let program = inputs.store.program
        let programFigures = ledger.programFigures(asOf: snapshot.asOf)
        let changed = Set(referrals.map(\.referrer))
        var roster = changed
        for code in programFigures.topReferrers {
            guard let index = ledger.index(ofReferrer: code) else { return nil }
            roster.insert(index)
        }
        var offsets: Set<Int> = []
        for index in changed {
            guard let lines = snapshot.lines(ofReferrer: index) else { return nil }
            offsets.formUnion(lines)
        }
        var events: [JournalEvent] = []
        guard let lines = lines(at: offsets.sorted(), in: journal) else { return nil }
        for line in lines {
            guard let event = event(line) else { return nil }
            if case .referral(let referral) = event {
                // The earlier referral a duplicate repeats belongs to another referrer, who must be known for it to count.
                guard let owner = ledger.index(ofReferrer: referral.referrer) else { return nil }
                roster.insert(owner)
            }
            events.append(event)
        }
        events.append(contentsOf: referrals.map { .referral($0.referral) })
        let positions = roster.sorted()
        let referrers = positions.compactMap(snapshot.referrer(at:))
        guard referrers.count == positions.count else { return nil }
        let store = Store(program: program, referrers: referrers, journal: events)
        let reduced = OutcomeLedger(store: store, through: snapshot.asOf)
        let reducedFigures = reduced.figures(asOf: snapshot.asOf)
        for index in changed {
            let expected = ledger.referrerFigures(index, asOf: snapshot.asOf)
            guard let mine = reducedFigures.referrer(expected.code), mine.referrals == expected.referrals, mine.converted == expected.converted,
                  mine.matured == expected.matured, mine.earned == expected.earned, mine.pending == expected.pending
            else { return nil }
        }
        var inputs = inputs
        inputs.store = store
        return Site(inputs: inputs, figures: Figures(asOf: snapshot.asOf, currency: program.currency,
                                                     referrers: positions.map { ledger.referrerFigures($0, asOf: snapshot.asOf) },
                                                     program: programFigures, ledger: reduced))
    }
}
