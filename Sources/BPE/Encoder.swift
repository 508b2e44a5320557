// Performance notes
// - Most chunks are short words seen before: a per-encoder cache maps a chunk's bytes to
//   its ids (chunks up to 32 bytes), so the merge loop runs once per distinct word.
// - Short chunks merge with the plain loop tiktoken uses (find the lowest-ranked adjacent
//   pair, merge, update its two neighbours): O(n²) but cache-friendly for n <= 64.
//   Longer chunks (a 10 MB run of one character) use a heap and a linked list:
//   O(n log n), never quadratic.
// - Ranks are merged ids: a lower id is an earlier merge, so "lowest rank first, leftmost
//   on ties" is exactly the order training applied the merges in.

/// Encodes bytes to token ids with a tokenizer, keeping a cache of chunk encodings.
/// Not shared between threads: make one per thread with ``Tokenizer/makeEncoder()``.
public struct Encoder {
    public let tokenizer: Tokenizer
    private let preTokenizer: PreTokenizer
    private var cache = ByteHashTable(capacity: 1 << 14)
    private var cachedIds: [Int32] = []
    private var symbols: [Int32] = []
    private var ranks: [Int32] = []

    /// Chunks longer than this are not cached.
    static let cachedChunkLimit = 32
    /// Distinct chunks kept before the cache is emptied and refilled.
    static let cacheEntryLimit = 1 << 18
    /// Chunks longer than this merge with the heap.
    static let heapThreshold = 64

    init(tokenizer: Tokenizer) {
        self.tokenizer = tokenizer
        preTokenizer = PreTokenizer(pattern: tokenizer.pattern)
    }

    /// Encodes `bytes`. Special tokens in `allowedSpecial` are recognised where they appear;
    /// any other text, including special-token names not allowed, is encoded as ordinary
    /// bytes. Throws for an allowed name the tokenizer does not have.
    public mutating func encode(_ bytes: [UInt8], allowedSpecial: Set<String> = []) throws -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(bytes.count / 3 + 1)
        let specials = try allowedSpecial.map { name -> ([UInt8], Int32) in
            guard let id = tokenizer.specialTokens[name] else { throw BPEError.unknownSpecialToken(name) }
            return (Array(name.utf8), id)
        }.sorted { $0.0.count > $1.0.count }   // longest first where one is a prefix of another
        bytes.withUnsafeBufferPointer { buffer in
            guard !specials.isEmpty else {
                encodeOrdinary(buffer, into: &out)
                return
            }
            var start = 0, index = 0
            while index < buffer.count {
                if let (name, id) = specials.first(where: { matches($0.0, buffer, at: index) }) {
                    encodeOrdinary(UnsafeBufferPointer(rebasing: buffer[start..<index]), into: &out)
                    out.append(id)
                    index += name.count
                    start = index
                } else {
                    index += 1
                }
            }
            encodeOrdinary(UnsafeBufferPointer(rebasing: buffer[start..<buffer.count]), into: &out)
        }
        return out
    }

    @inline(__always)
    private func matches(_ name: [UInt8], _ buffer: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard buffer[index] == name[0], index + name.count <= buffer.count else { return false }
        for i in 1..<name.count where buffer[index + i] != name[i] { return false }
        return true
    }

    /// Encodes bytes with no special tokens, appending ids to `out`.
    public mutating func encodeOrdinary(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [Int32]) {
        guard !bytes.isEmpty else { return }
        if tokenizer.merges.isEmpty {
            for byte in bytes { out.append(tokenizer.byteIds[Int(byte)]) }
            return
        }
        preTokenizer.split(bytes) { range in
            let chunk = UnsafeBufferPointer(rebasing: bytes[range])
            if chunk.count == 1 {
                out.append(tokenizer.byteIds[Int(chunk[0])])
            } else if chunk.count <= Encoder.cachedChunkLimit {
                encodeCached(chunk, into: &out)
            } else {
                mergeChunk(chunk, into: &out)
            }
        }
    }

    private mutating func encodeCached(_ chunk: UnsafeBufferPointer<UInt8>, into out: inout [Int32]) {
        if let entry = cache.find(chunk) {
            let packed = cache.values[entry]
            let start = packed >> 8, count = packed & 0xFF
            for i in start..<(start + count) { out.append(cachedIds[i]) }
            return
        }
        if cache.count >= Encoder.cacheEntryLimit {
            cache.removeAll()
            cachedIds.removeAll(keepingCapacity: true)
        }
        let before = out.count
        mergeChunk(chunk, into: &out)
        let start = cachedIds.count
        cachedIds.append(contentsOf: out[before...])
        _ = cache.findOrInsert(chunk, initial: start << 8 | (out.count - before))
    }

    /// BPE-merges one chunk and appends its ids.
    mutating func mergeChunk(_ chunk: UnsafeBufferPointer<UInt8>, into out: inout [Int32]) {
        if chunk.count > Encoder.heapThreshold {
            mergeWithHeap(chunk, into: &out)
            return
        }
        let pairs = tokenizer.pairs
        symbols.removeAll(keepingCapacity: true)
        ranks.removeAll(keepingCapacity: true)
        let byteIds = tokenizer.byteIds
        for byte in chunk { symbols.append(byteIds[Int(byte)]) }
        for i in 0..<(symbols.count - 1) { ranks.append(pairs.find(symbols[i], symbols[i + 1]) ?? .max) }
        while true {
            var best = Int32.max, at = -1
            for i in 0..<ranks.count where ranks[i] < best {
                best = ranks[i]
                at = i
            }
            if at < 0 { break }
            symbols[at] = best
            symbols.remove(at: at + 1)
            ranks.remove(at: at)
            if at > 0 { ranks[at - 1] = pairs.find(symbols[at - 1], symbols[at]) ?? .max }
            if at < ranks.count { ranks[at] = pairs.find(symbols[at], symbols[at + 1]) ?? .max }
        }
        out.append(contentsOf: symbols)
    }

    /// The same merges in O(n log n): a min-heap of (rank, position) over a linked list.
    private func mergeWithHeap(_ chunk: UnsafeBufferPointer<UInt8>, into out: inout [Int32]) {
        let pairs = tokenizer.pairs
        let n = chunk.count
        var symbol = chunk.map { tokenizer.byteIds[Int($0)] }
        var next = Array(1...n)             // n = none
        var previous = Array(-1..<(n - 1))  // -1 = none
        var alive = [Bool](repeating: true, count: n)
        var heap = MinHeap()
        for i in 0..<(n - 1) {
            if let rank = pairs.find(symbol[i], symbol[i + 1]) { heap.push(rank: rank, position: i) }
        }
        while let (rank, i) = heap.pop() {
            // Skip entries made stale by an earlier merge next to them.
            guard alive[i], next[i] < n, pairs.find(symbol[i], symbol[next[i]]) == rank else { continue }
            let j = next[i]
            symbol[i] = rank
            alive[j] = false
            next[i] = next[j]
            if next[j] < n { previous[next[j]] = i }
            if previous[i] >= 0, let left = pairs.find(symbol[previous[i]], rank) {
                heap.push(rank: left, position: previous[i])
            }
            if next[i] < n, let right = pairs.find(rank, symbol[next[i]]) {
                heap.push(rank: right, position: i)
            }
        }
        var i = 0
        while i < n {
            out.append(symbol[i])
            i = next[i]
        }
    }
}

/// A binary min-heap of (rank, position) packed in a UInt64: lowest rank first, then
/// leftmost position.
struct MinHeap {
    private var items: [UInt64] = []

    mutating func push(rank: Int32, position: Int) {
        items.append(UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(position))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (Int32, Int)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < items.count && items[left] < items[smallest] { smallest = left }
                if right < items.count && items[right] < items[smallest] { smallest = right }
                if smallest == parent { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return (Int32(bitPattern: UInt32(top >> 32)), Int(top & 0xFFFF_FFFF))
    }
}
