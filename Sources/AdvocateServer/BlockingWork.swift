import Dispatch
import Foundation

/// Runs blocking work (an fsync, a batch of renders) on a Dispatch thread and waits for it
/// without holding a thread of Swift's cooperative pool, which has one thread a core: an actor
/// that fsyncs in place leaves a 2-core server one thread to answer requests with.
func runBlocking<Value: Sendable, Failure: Error>(_ work: @escaping @Sendable () throws(Failure) -> Value) async throws(Failure) -> Value {
    let result: Result<Value, Failure> = await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(returning: Result { () throws(Failure) -> Value in try work() })
        }
    }
    return try result.get()
}

/// Runs work that may block for minutes (a mail command and its wait) on a thread of its own:
/// Dispatch's pool has a thread a core, and one held that long delays the journal's flushes.
func runOnOwnThread<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}
