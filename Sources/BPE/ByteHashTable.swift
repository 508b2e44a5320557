// Performance notes
// - Counting chunks with `[[UInt8]: Int]` allocates an array per lookup; this table keeps
//   every distinct key once in a byte arena and probes with a 64-bit hash of the bytes,
//   so a lookup of a key already present allocates nothing.

/// An open-addressing hash table from byte strings to an `Int` value (a count or an index).
struct ByteHashTable {
    private(set) var arena: [UInt8] = []
    /// Per entry: start in `arena`, length, value, hash.
    private(set) var starts: [Int] = []
    private(set) var lengths: [Int32] = []
    var values: [Int] = []
    private var hashes: [UInt64] = []
    /// Slot → entry index + 1 (0 = empty).
    private var slots: [Int32]
    private var mask: Int

    init(capacity: Int = 1 << 12) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    var count: Int { starts.count }

    /// The bytes of entry `index`.
    func key(_ index: Int) -> ArraySlice<UInt8> { arena[starts[index]..<(starts[index] + Int(lengths[index]))] }

    /// FNV-1a over the bytes, then a final mix (fast for the short keys chunks are).
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x100_0000_01B3 }
        h ^= h >> 29
        h &*= 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }

    /// The index of `bytes`, inserting it with `initial` as its value when absent.
    @inline(__always)
    mutating func findOrInsert(_ bytes: UnsafeBufferPointer<UInt8>, initial: Int) -> (index: Int, inserted: Bool) {
        let h = ByteHashTable.hash(bytes)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = Int(slots[slot]) - 1
            if entry < 0 { break }
            if hashes[entry] == h && Int(lengths[entry]) == bytes.count && equal(entry, bytes) {
                return (entry, false)
            }
            slot = (slot + 1) & mask
        }
        let index = starts.count
        starts.append(arena.count)
        lengths.append(Int32(bytes.count))
        arena.append(contentsOf: bytes)
        values.append(initial)
        hashes.append(h)
        slots[slot] = Int32(index + 1)
        if starts.count * 2 > slots.count { grow() }
        return (index, true)
    }

    /// The index of `bytes`, or nil.
    @inline(__always)
    func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let h = ByteHashTable.hash(bytes)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = Int(slots[slot]) - 1
            if entry < 0 { return nil }
            if hashes[entry] == h && Int(lengths[entry]) == bytes.count && equal(entry, bytes) { return entry }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always)
    private func equal(_ entry: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        arena.withUnsafeBufferPointer { stored in
            let start = starts[entry]
            for i in 0..<bytes.count where stored[start + i] != bytes[i] { return false }
            return true
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
        for (index, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index + 1)
        }
    }

    /// Empties the table, keeping its capacity.
    mutating func removeAll() {
        arena.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        hashes.removeAll(keepingCapacity: true)
        for i in slots.indices { slots[i] = 0 }
    }
}
