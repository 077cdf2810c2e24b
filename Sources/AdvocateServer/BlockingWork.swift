import Dispatch

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
