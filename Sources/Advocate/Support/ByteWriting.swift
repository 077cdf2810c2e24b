extension Array where Element == UInt8 {
    /// Appends an integer's decimal digits, with a `-` when it is negative, made on the stack
    /// and appended at once.
    mutating func append(decimal number: some BinaryInteger) {
        append(atMost: 21) { $0.put(decimal: number) }
    }

    /// Appends a string's UTF-8.
    mutating func append(_ text: String) {
        append(contentsOf: text.utf8)
    }

    /// Appends what `write` puts into a buffer of `capacity` bytes on the stack, at once: an
    /// append per piece checks the array's uniqueness and capacity every time, and a chart
    /// writes thousands of small pieces. Writing more than `capacity` bytes stops the program
    /// (a precondition).
    mutating func append(atMost capacity: Int, _ write: (inout FixedBufferWriter) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var writer = FixedBufferWriter(buffer: buffer)
            write(&writer)
            append(contentsOf: buffer[..<writer.count])
        }
    }
}

/// Writes bytes into a fixed buffer: one on the stack (`Array.append(atMost:_:)`), or an array's
/// uninitialized capacity.
struct FixedBufferWriter {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private(set) var count = 0

    init(buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    mutating func put(_ byte: UInt8) {
        precondition(count < buffer.count, "FixedBufferWriter: more bytes than its capacity")
        buffer[count] = byte
        count += 1
    }

    mutating func put(_ text: String) {
        for byte in text.utf8 { put(byte) }
    }

    /// An integer's decimal digits, with a `-` when it is negative (at most 64 bits of magnitude).
    mutating func put(decimal number: some BinaryInteger) {
        if number < 0 { put(UInt8(ascii: "-")) }
        let magnitude = UInt64(number.magnitude)
        var divisor: UInt64 = 1
        while divisor <= magnitude / 10 { divisor *= 10 }
        while divisor > 0 {
            put(UInt8(ascii: "0") + UInt8(magnitude / divisor % 10))
            divisor /= 10
        }
    }
}

extension Array where Element == UInt8 {
    /// Where `needle` first starts at or after `start`, in one pass (Foundation's `range(of:)`
    /// goes over a text from its start at each call).
    func firstIndex(of needle: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, count >= needle.count else { return nil }
        var index = start
        while index <= count - needle.count {
            if self[index] == first, self[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
