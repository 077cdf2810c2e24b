import Foundation

/// Ctrl-C (SIGINT) or SIGTERM during a build: the files it staged are removed and the output
/// folder is left as it was, instead of the default of dying with temporary files in the tree.
public enum BuildInterruption {
    /// From now on, SIGINT and SIGTERM discard what every build in this process has staged, print
    /// `message` to standard error and exit with 128 + the signal's number, as a shell expects.
    /// The message is told whether files had already been moved into place (the signal came
    /// while they were, and that step was let finish).
    public static func discardStagedFilesOnSignals(message: @escaping @Sendable (_ outputChanged: Bool) -> String) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            // A queue of its own: a serial queue gets a thread even when the render keeps every
            // worker of the global pool busy, where a .global() handler waited for the render's end.
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: handlerQueue)
            source.setEventHandler {
                var outputChanged = false
                for writer in LiveWriters.shared.all() where writer.discardOnInterrupt() { outputChanged = true }
                FileHandle.standardError.write(Data((message(outputChanged) + "\n").utf8))
                exit(128 + signalNumber)
            }
            source.resume()
            installed.append(KeptSource(source: source))
        }
    }

    /// The signal sources, kept alive for the life of the process (and never used again, so no
    /// thread shares them).
    private static let installed = LockedList<KeptSource>()
    private struct KeptSource: @unchecked Sendable {
        let source: any DispatchSourceSignal
    }
    private static let handlerQueue = DispatchQueue(label: "advocate.build-interruption")
}

/// The output writers alive in this process, for an interruption to discard.
final class LiveWriters: @unchecked Sendable {
    static let shared = LiveWriters()
    private let lock = NSLock()
    private var writers: [ObjectIdentifier: WeakWriter] = [:]

    private struct WeakWriter {
        weak var writer: OutputWriter?
    }

    func add(_ writer: OutputWriter) {
        lock.withLock { writers[ObjectIdentifier(writer)] = WeakWriter(writer: writer) }
    }

    func remove(_ writer: OutputWriter) {
        lock.withLock { _ = writers.removeValue(forKey: ObjectIdentifier(writer)) }
    }

    func all() -> [OutputWriter] {
        lock.withLock { writers.values.compactMap(\.writer) }
    }
}
