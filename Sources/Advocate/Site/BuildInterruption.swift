import Foundation

/// Ctrl-C (SIGINT), SIGTERM or SIGHUP (a closed terminal) during a build: the files it staged
/// are removed and the output folder is left as it was, instead of the default of dying with
/// temporary files in the tree.
public enum BuildInterruption {
    /// From now on (until ``cancel()``), `signals` discard what every build in this process has
    /// staged, print `message` to standard error and exit with 128 + the signal's number, as a
    /// shell expects. The message is told whether files had already been moved into place (the
    /// signal came while they were, and that step was let finish).
    /// `first`, when given, runs before anything is discarded: it may wait for work that must
    /// not stop halfway (`advocate forget`'s erasure) to end.
    @discardableResult
    public static func discardStagedFilesOnSignals(_ signals: [Int32] = [SIGINT, SIGTERM, SIGHUP], first: (@Sendable () -> Void)? = nil,
                                                   message: @escaping @Sendable (_ outputChanged: Bool) -> String) -> Handlers {
        let handlers = Handlers()
        for signalNumber in signals {
            signal(signalNumber, SIG_IGN)
            // A queue of its own: a serial queue gets a thread even when the render keeps every
            // worker of the global pool busy, where a .global() handler waited for the render's end.
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: handlerQueue)
            source.setEventHandler {
                first?()
                var outputChanged = false
                for writer in LiveWriters.shared.all() where writer.discardOnInterrupt() { outputChanged = true }
                FileHandle.standardError.write(Data((message(outputChanged) + "\n").utf8))
                exit(128 + signalNumber)
            }
            source.resume()
            handlers.sources.append(KeptSource(source: source))
            installed.append(KeptSource(source: source))
        }
        return handlers
    }

    /// The handlers one call installed.
    public final class Handlers: Sendable {
        fileprivate let sources = LockedList<KeptSource>()

        /// Stops handling the signals (`advocate serve` once its first build is done, when its
        /// server takes SIGINT and SIGTERM over). They stay ignored until someone else traps them.
        public func cancel() {
            for kept in sources.values { kept.source.cancel() }
        }
    }

    /// The signal sources, kept alive for the life of the process.
    private static let installed = LockedList<KeptSource>()
    fileprivate struct KeptSource: @unchecked Sendable {
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
