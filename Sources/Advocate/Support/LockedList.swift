import Foundation

/// A list that threads append to under a lock, read once they are done.
final class LockedList<Element: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Element] = []

    func append(_ element: Element) { lock.withLock { storage.append(element) } }
    var values: [Element] { lock.withLock { storage } }
}

/// A set that threads insert into under a lock.
final class LockedSet<Element: Hashable & Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: Set<Element> = []

    /// Inserts `element`; whether the set did not have it.
    func insertIfNew(_ element: Element) -> Bool { lock.withLock { storage.insert(element).inserted } }
}

/// A count that threads add to under a lock.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    /// Adds `amount`; the count after it.
    func add(_ amount: Int) -> Int { lock.withLock { count += amount; return count } }
}

/// Values made once per key and shared by threads, for a pure function of a few distinct keys.
final class LockedMemo<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Key: Value] = [:]

    /// The value kept for `key`, made by `make` the first time (outside the lock: two threads
    /// may both make it, and one keeps its value).
    func value(for key: Key, make: () -> Value) -> Value {
        if let value = lock.withLock({ storage[key] }) { return value }
        let value = make()
        return lock.withLock {
            if let kept = storage[key] { return kept }
            storage[key] = value
            return value
        }
    }
}
