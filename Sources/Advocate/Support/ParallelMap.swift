import Foundation

/// Runs `transform` for 0..<count on every core and returns the results in index order.
func parallelMap<T: Sendable>(_ count: Int, _ transform: @Sendable (Int) -> T) -> [T] {
    let results = ResultSlots<T>(count: count)
    DispatchQueue.concurrentPerform(iterations: count) { index in
        results.set(index, transform(index))
    }
    return results.values
}

/// Runs two pieces of work at once (on two cores where there are two) and returns both results.
func concurrently<A: Sendable, B: Sendable>(_ first: @Sendable () -> A, _ second: @Sendable () -> B) -> (A, B) {
    let results = parallelMap(2) { index -> (A?, B?) in index == 0 ? (first(), nil) : (nil, second()) }
    return (results[0].0!, results[1].1!)
}

/// Slots filled from many threads, each exactly once.
private final class ResultSlots<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: T) { lock.withLock { slots[index] = value } }

    var values: [T] { lock.withLock { slots.map { $0! } } }
}
