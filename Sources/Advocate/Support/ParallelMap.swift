import Foundation

/// Runs `transform` for 0..<count on every core and returns the results in index order.
func parallelMap<T: Sendable>(_ count: Int, _ transform: @Sendable (Int) -> T) -> [T] {
    let results = ResultSlots<T>(count: count)
    DispatchQueue.concurrentPerform(iterations: count) { index in
        results.set(index, transform(index))
    }
    return results.values
}

/// Slots filled from many threads, each exactly once.
private final class ResultSlots<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: T) { lock.withLock { slots[index] = value } }

    var values: [T] { lock.withLock { slots.map { $0! } } }
}
