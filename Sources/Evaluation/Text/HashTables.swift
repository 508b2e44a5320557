// Performance notes
// - Swift's Dictionary hashes every key with SipHash through `Hasher`, byte by byte for
//   arrays of bytes; interning the n-grams of the 40,000-turn dialogue corpus spent 40% of
//   its time there (perf, 2026-11-23). These tables hash once with a multiply (n-gram
//   keys) or FNV-1a (token bytes) and probe linearly (1.8 probes per call on that corpus):
//   the dialogue evaluation went from 1.96 s to 1.17 s wall on the same loaded machine.

/// FNV-1a over bytes: the one hash of a token or a text used as a key.
@inline(__always)
func fnv1a<C: Collection<UInt8>>(_ bytes: C) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    return hash
}

/// A string as a set or dictionary key that is equal to another only when their code
/// points are (Swift's `==` on `String` treats canonically equivalent text as equal;
/// Python does not), hashed once.
struct ExactText: Hashable {
    let bytes: [UInt8]
    let hash64: UInt64

    init(_ string: String) {
        bytes = Array(string.utf8)
        hash64 = fnv1a(bytes)
    }

    func hash(into hasher: inout Hasher) { hasher.combine(hash64) }

    static func == (a: ExactText, b: ExactText) -> Bool { a.hash64 == b.hash64 && a.bytes == b.bytes }
}

/// Dense ids (0, 1, 2, … in order of first insertion) for 64-bit keys: open addressing
/// with linear probing, at most half full.
struct IDTable {
    private var keys: [UInt64]
    private var slots: [Int32]  // id, or -1 for empty
    private var shift: UInt64
    private(set) var count = 0

    init(capacity: Int = 1 << 10) {
        var size = 16
        while size < 2 * capacity { size <<= 1 }
        keys = [UInt64](repeating: 0, count: size)
        slots = [Int32](repeating: -1, count: size)
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    @inline(__always)
    private func home(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    /// The id of `key`, or nil when it was never inserted.
    func find(_ key: UInt64) -> Int32? {
        let mask = slots.count - 1
        var i = home(key)
        while true {
            let id = slots[i]
            if id < 0 { return nil }
            if keys[i] == key { return id }
            i = (i + 1) & mask
        }
    }

    /// The id of `key`, inserting it (with the next id, `count`) when new.
    mutating func intern(_ key: UInt64) -> Int32 { insert(key, Int32(count)).id }

    /// The value stored for `key`, or `value` after storing it when the key is new.
    mutating func insert(_ key: UInt64, _ value: Int32) -> (id: Int32, inserted: Bool) {
        let mask = slots.count - 1
        var i = home(key)
        while true {
            let id = slots[i]
            if id < 0 { break }
            if keys[i] == key { return (id, false) }
            i = (i + 1) & mask
        }
        keys[i] = key
        slots[i] = value
        count += 1
        if 2 * count > slots.count { grow() }
        return (value, true)
    }

    private mutating func grow() {
        let oldKeys = keys, oldSlots = slots
        keys = [UInt64](repeating: 0, count: oldSlots.count * 2)
        slots = [Int32](repeating: -1, count: oldSlots.count * 2)
        shift -= 1
        let mask = slots.count - 1
        for (key, id) in zip(oldKeys, oldSlots) where id >= 0 {
            var i = home(key)
            while slots[i] >= 0 { i = (i + 1) & mask }
            keys[i] = key
            slots[i] = id
        }
    }
}

/// Dense ids for byte strings (tokens), compared byte for byte.
struct TokenTable {
    private var hashes = IDTable()  // FNV-1a hash -> the first token id with that hash
    private var storage: [UInt8] = []
    private var offsets: [Int] = [0]
    /// Ids sharing a hash with an earlier one (a collision chain, practically never used).
    private var sameHash: [Int32] = []

    var count: Int { offsets.count - 1 }

    /// The id of these bytes, or nil when they were never given to `id`.
    func find(_ bytes: ArraySlice<UInt8>) -> Int32? {
        guard var id = hashes.find(fnv1a(bytes)) else { return nil }
        while true {
            if storage[offsets[Int(id)]..<offsets[Int(id) + 1]].elementsEqual(bytes) { return id }
            id = sameHash[Int(id)]
            if id < 0 { return nil }
        }
    }

    mutating func id(_ bytes: ArraySlice<UInt8>) -> Int32 {
        let (first, inserted) = hashes.insert(fnv1a(bytes), Int32(count))
        if inserted {
            append(bytes)
            return first
        }
        var id = first
        while true {
            if storage[offsets[Int(id)]..<offsets[Int(id) + 1]].elementsEqual(bytes) { return id }
            let next = sameHash[Int(id)]
            if next < 0 { break }
            id = next
        }
        // A different token with the same hash: chain it after the last one.
        let new = Int32(count)
        sameHash[Int(id)] = new
        append(bytes)
        return new
    }

    private mutating func append(_ bytes: ArraySlice<UInt8>) {
        storage.append(contentsOf: bytes)
        offsets.append(storage.count)
        sameHash.append(-1)
    }
}
