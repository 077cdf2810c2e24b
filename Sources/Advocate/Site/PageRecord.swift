import Foundation

/// What the last build wrote for each referrer's pages (share page, stats page, QR code): a
/// digest of the page's inputs, a digest of the file's bytes, and the state of the file it left
/// (``StableDigest/FileState``), kept in `<source>/.advocate/pages.txt`. A build skips rendering a
/// page whose input digest is unchanged and whose file is as it was left, so after one new
/// journal line only the pages that show it are rendered again (at 100,000 referrers, 2 pages
/// instead of 300,000).
///
/// A page it does render is compared with the file by the bytes' digest when the file is as
/// it was left, instead of reading the file: after the as-of moves (100,000 stats pages), after
/// an upgrade of advocate (every page) or a theme change, the unchanged files are not read.
///
/// A page's input digest covers everything it shows: every input but the journal and the
/// Markdown that only its own pages show (program, roster, messaging, assets, templates, the
/// advocate executable: ``InputDigests/referrerPages``), whether there are stories, terms and an FAQ, the referrer,
/// for the share page the offer running at the as-of, and for the stats page the as-of, their
/// figures and referrals; a QR code's, its link and the executable. Any doubt means rendering
/// (and comparing bytes).
struct PageRecord {
    static let header = "advocate-pages 6"

    struct Entry: Equatable {
        /// What the page was made from.
        var digest: UInt64
        /// What was written: ``PageRecord/contentDigest(_:)`` of the bytes, the file's size and time.
        var file: OutputWriter.PreviousFile
    }

    var entries: [String: Entry] = [:]

    static func file(_ options: BuildOptions) -> String { Paths.join(options.stateDirectory, "pages.txt") }

    /// The record of the last build into the same output; empty otherwise.
    static func read(_ options: BuildOptions) -> PageRecord {
        guard let data = FileManager.default.contents(atPath: file(options)) else { return PageRecord() }
        var record = PageRecord()
        // Over an array, not Data: Foundation's Data.split was most of reading 300,000 lines (perf).
        var lines = [UInt8](data).split(separator: UInt8(ascii: "\n"))[...]
        guard lines.popFirst().map({ String(decoding: $0, as: UTF8.self) }) == header,
              lines.popFirst().map({ String(decoding: $0, as: UTF8.self) }) == "output \(options.outputDirectory)"
        else { return PageRecord() }
        record.entries.reserveCapacity(lines.count)
        for line in lines {
            let fields = line.split(separator: UInt8(ascii: "\t"))
            func number(_ index: Int) -> Int64? { Int64(String(decoding: fields[index], as: UTF8.self)) }
            guard fields.count == 7, let digest = UInt64(String(decoding: fields[1], as: UTF8.self)),
                  let content = UInt64(String(decoding: fields[2], as: UTF8.self)),
                  let size = number(3), let modified = number(4), let inode = number(5), let changed = number(6) else { return PageRecord() }
            let state = StableDigest.FileState(size: size, modified: modified, inode: inode, changed: changed)
            record.entries[String(decoding: fields[0], as: UTF8.self)] = Entry(digest: digest, file: OutputWriter.PreviousFile(content: content, state: state))
        }
        return record
    }

    /// True when the page at `path` was made from inputs with this digest and its file is as the build left it.
    func isCurrent(_ path: String, digest: UInt64, outputDirectory: String) -> Bool {
        guard let entry = entries[path], entry.digest == digest else { return false }
        return entry.file.isUnchanged(at: Paths.join(outputDirectory, path))
    }

    /// The digest of a file's bytes, to tell whether a page rendered again came out the same:
    /// ``StreamDigest``, which does not guard against forgery (nobody gains by making a page
    /// equal in digest to the last one) and is several times faster than SHA-256 with the CPU's
    /// SHA instructions, which took 4 % of a full build's CPU for the 3 GB of 300,000 pages.
    static func contentDigest(_ bytes: [UInt8]) -> UInt64 {
        var digest = StreamDigest()
        digest.add(bytes)
        return digest.value
    }

    /// Records the files of `pages`: their input and content digests, in the states the build just read.
    static func save(_ options: BuildOptions,
                     pages: [(path: String, digest: UInt64, content: UInt64, state: StableDigest.FileState?)]) throws {
        var text: [UInt8] = []
        text.reserveCapacity(pages.count * 124)
        text.append(header + "\n" + "output \(options.outputDirectory)\n")
        func field<Number: BinaryInteger>(_ number: Number) {
            text.append(UInt8(ascii: "\t"))
            text.append(decimal: number)
        }
        for (path, digest, content, state) in pages {
            guard let state else { continue }
            text.append(path)
            field(digest)
            field(content)
            field(state.size)
            field(state.modified)
            field(state.inode)
            field(state.changed)
            text.append(UInt8(ascii: "\n"))
        }
        let file = file(options)
        try FileManager.default.createDirectory(atPath: options.stateDirectory, withIntermediateDirectories: true)
        try AtomicFile.write(text, to: file)
    }

    static func remove(_ options: BuildOptions) {
        unlink(file(options))
    }
}

extension Site {
    /// The digest of everything a referrer's page shows; nil for pages that are always rendered
    /// (there are few of them).
    ///
    /// Only the stats page shows the as-of. The share page depends on it only through the offer
    /// running then (the `site.offer` values), and the QR code not at all, so a later referral
    /// renders 100,000 stats pages at 100,000 referrers, not 300,000 pages.
    func inputDigest(of page: PageSpec, digests: InputDigests) -> UInt64? {
        var digest = StableDigest()
        switch page {
        case .qrCode(let index):
            // A QR code shows its link and nothing else: a new theme or program name leaves it as it is.
            digest.addNumber(Int64(bitPattern: digests.executable))
            digest.add("qr \(urls.referrerLink(referrers[index].code, source: .qr))")
        case .referrer(let index):
            addPageInputs(digests, to: &digest)
            digest.add("referrer")
            if let offer = runningOffer {
                digest.add(offer.name)
                digest.add(offer.until.iso8601)
                digest.addNumber(Int64(bitPattern: offer.referrerAmount.bitPattern))
                digest.add(offer.friend ?? "-")
            }
            add(referrers[index], to: &digest)
        case .stats(let index):
            addPageInputs(digests, to: &digest)
            digest.add("stats")
            digest.addNumber(figures.asOf.milliseconds)
            add(referrers[index], to: &digest)
            // Numbers as numbers: describing them (an enum's through reflection) was most of this.
            let figures = figures.referrers[index]
            for count in [figures.referrals, figures.converted, figures.matured] { digest.addNumber(Int64(count)) }
            digest.addNumber(Int64(bitPattern: figures.earned.bitPattern))
            digest.addNumber(Int64(bitPattern: figures.pending.bitPattern))
            self.figures.forEachOutcome(ofReferrer: referrers[index].code) { outcome, isMatured in
                digest.add(outcome.referral.id)
                digest.add(outcome.referral.name)
                digest.addNumber(outcome.referral.at.milliseconds)
                digest.addNumber(outcome.firstConvertedAt?.milliseconds ?? -1)
                digest.add(outcome.latestStatus?.rawValue ?? "-")
                let acceptance: Int64 = switch outcome.acceptance {
                case .accepted: 0
                case .duplicate: 1
                case .selfReferral: 2
                }
                digest.addNumber(acceptance * 4 + (outcome.isConversion ? 2 : 0) + (isMatured ? 1 : 0))
            }
        default:
            return nil
        }
        return digest.value
    }

    /// What every share and stats page shows of the site: the inputs they share, and whether
    /// there are stories, terms and an FAQ (the menu's links; their Markdown is not in `referrerPages`).
    private func addPageInputs(_ digests: InputDigests, to digest: inout StableDigest) {
        digest.addNumber(Int64(bitPattern: digests.referrerPages))
        digest.add(inputs.content.stories.isEmpty ? "no stories" : "stories")
        digest.add(inputs.content.terms == nil ? "no terms" : "terms")
        digest.add(inputs.content.faq == nil ? "no faq" : "faq")
    }

    private func add(_ referrer: Referrer, to digest: inout StableDigest) {
        for field in [referrer.code, referrer.name, referrer.email, referrer.segment.rawValue, referrer.statsToken,
                      referrer.joined?.iso8601 ?? "-", "\(referrer.leaderboard)"] {
            digest.add(field)
        }
    }
}
