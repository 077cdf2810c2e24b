import Advocate
import Foundation

/// Ctrl-C, SIGTERM or SIGHUP while status changes are being recorded waits until the emails
/// about them are queued: stopped between the two, the changes were in the journal and their
/// emails never made (nothing makes them later, and running the import again skips the lines
/// as unchanged).
final class StatusRecording: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded = false

    /// Installs the signal handlers for `command` (`advocate import statuses`).
    init(command: String) {
        BuildInterruption.discardStagedFilesOnSignals(first: { [self] in lock.lock() }) { [self] _ in
            recorded ? "\(command): interrupted; the changes were recorded, and their emails were queued first."
                : "\(command): interrupted; nothing was recorded."
        }
    }

    /// Appends `updates` with `writer`, then queues their emails (unless `emails` is false: a
    /// backlog recorded once, which its referrers heard of long ago), as one step a signal waits for.
    func record(_ updates: [StatusUpdate], with writer: JournalWriter, options: BuildOptions, emails: Bool) throws(JournalWriter.Failure) {
        lock.lock()
        defer { lock.unlock() }
        try writer.append(updates.map(\.journalLine))
        writer.close()
        recorded = true
        if emails { StoreCommandSupport.queueStatusEmails(updates, options: options) }
    }
}
