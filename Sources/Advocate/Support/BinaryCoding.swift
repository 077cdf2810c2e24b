/// Little-endian binary encoding for ``BuildSnapshot``. Hand-written: Foundation's coders
/// (JSON, property lists) take seconds over a million entries, the snapshot must load in
/// milliseconds, and no package in the dependency set encodes compact binary.
struct BinaryWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func uint64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func int(_ value: Int) { uint64(UInt64(bitPattern: Int64(value))) }

    mutating func double(_ value: Double) { uint64(value.bitPattern) }

    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// Bytes as they are, without a length (a file's magic number).
    mutating func verbatim(_ value: [UInt8]) { bytes.append(contentsOf: value) }

    mutating func string(_ value: String) {
        int(value.utf8.count)
        bytes.append(contentsOf: value.utf8)
    }

    mutating func raw(_ value: [UInt8]) {
        int(value.count)
        bytes.append(contentsOf: value)
    }

    /// A count and the values, copied as one block where memory already holds their encoding
    /// (a million of them one by one took too long).
    mutating func uint64s(_ values: [UInt64]) {
        int(values.count)
        #if _endian(little)
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for value in values { uint64(value) }
        #endif
    }

    mutating func ints(_ values: [Int]) {
        #if _endian(little) && _pointerBitWidth(_64)
        int(values.count)
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        uint64s(values.map { UInt64(bitPattern: Int64($0)) })
        #endif
    }
}

/// Reads what ``BinaryWriter`` wrote, from memory the caller keeps alive while reading; any
/// read past the end or out of range throws.
struct BinaryReader {
    struct Truncated: Error {}

    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int

    init(_ bytes: UnsafeRawBufferPointer, from position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var isAtEnd: Bool { position == bytes.count }

    mutating func uint64() throws(Truncated) -> UInt64 {
        guard bytes.count - position >= 8 else { throw Truncated() }
        defer { position += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
    }

    mutating func int() throws(Truncated) -> Int { Int(Int64(bitPattern: try uint64())) }

    /// A count of items each taking at least `size` bytes, checked against what is left.
    mutating func count(itemSize size: Int) throws(Truncated) -> Int {
        let count = try int()
        guard count >= 0, count <= (bytes.count - position) / max(1, size) else { throw Truncated() }
        return count
    }

    mutating func double() throws(Truncated) -> Double { Double(bitPattern: try uint64()) }

    mutating func bool() throws(Truncated) -> Bool {
        guard position < bytes.count else { throw Truncated() }
        defer { position += 1 }
        return bytes[position] != 0
    }

    mutating func string() throws(Truncated) -> String {
        String(decoding: try raw(), as: UTF8.self)
    }

    mutating func raw() throws(Truncated) -> UnsafeRawBufferPointer {
        let count = try count(itemSize: 1)
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
    }

    mutating func uint64s() throws(Truncated) -> [UInt64] {
        #if _endian(little)
        try block(of: UInt64.self)
        #else
        try block(of: UInt64.self).map { UInt64(littleEndian: $0) }
        #endif
    }

    mutating func ints() throws(Truncated) -> [Int] {
        #if _endian(little) && _pointerBitWidth(_64)
        try block(of: Int.self)
        #else
        try uint64s().map { Int(Int64(bitPattern: $0)) }
        #endif
    }

    /// Skips a count and that many 8-byte values, for reading them in place; their position and count.
    mutating func skipBlock() throws(Truncated) -> (position: Int, count: Int) {
        let count = try count(itemSize: 8)
        defer { position += count * 8 }
        return (position, count)
    }

    /// A count and that many 8-byte values copied as they are in memory.
    private mutating func block<Value: FixedWidthInteger>(of type: Value.Type) throws(Truncated) -> [Value] {
        let count = try count(itemSize: 8)
        let start = position
        position += count * 8
        return [Value](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[start..<start + count * 8]))
            initialized = count
        }
    }
}
