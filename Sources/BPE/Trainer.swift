// Performance notes
// - The corpus is read in 1 MiB blocks and never held whole: each block is split into
//   chunks that are counted in a byte-keyed hash table; the last two chunks of a block
//   are carried into the next, so a chunk never depends on where a block ended.
// - Merging works on distinct chunks ("words") with their counts. Pair counts are
//   updated incrementally from the words a merge touches (an index from pair to words),
//   and the best pair comes from a max-heap with lazy deletion: nothing is recounted
//   over the whole corpus per merge.

import Foundation

/// Settings for ``Trainer``.
public struct TrainingOptions: Sendable {
    /// Total vocabulary: 256 byte tokens + merges + special tokens.
    public var vocabularySize: Int
    /// Pairs seen fewer times than this are never merged (training stops early).
    public var minimumFrequency: Int
    /// How text is split before merging.
    public var pattern: SplitPattern
    /// Special token names, in id order (see ``expandSpecialTokens(_:)`` for ranges).
    public var specialTokens: [String]

    public init(vocabularySize: Int, minimumFrequency: Int = 2, pattern: SplitPattern = .cl100k,
                specialTokens: [String] = []) {
        self.vocabularySize = vocabularySize
        self.minimumFrequency = minimumFrequency
        self.pattern = pattern
        self.specialTokens = specialTokens
    }
}

/// Progress of a training run, for progress bars.
public struct TrainingProgress: Sendable {
    public enum Phase: Sendable { case counting, merging }
    public var phase: Phase
    /// Bytes read so far (counting) or merges done so far (merging).
    public var done: Int
    /// Bytes in all (counting) or merges wanted (merging).
    public var total: Int
}

/// The special tokens that structure records (see the record sequences of the design):
/// end of record, table row and null value, dialogue, log line, paraphrase source and
/// paraphrase. Column tokens (`<|col:0..N|>`) depend on the table and are added per corpus.
public let recordStructureTokens = ["<|eos|>", "<|row|>", "<|null|>", "<|dialog|>", "<|log|>", "<|src|>", "<|para|>"]

/// Expands special-token arguments: `<|col:0..63|>` becomes `<|col:0|>` ... `<|col:63|>`;
/// anything else stands for itself.
public func expandSpecialTokens(_ specs: [String]) throws -> [String] {
    var names: [String] = []
    for spec in specs {
        if let range = spec.range(of: #"(\d+)\.\.(\d+)"#, options: .regularExpression) {
            let bounds = spec[range].components(separatedBy: "..")
            guard let low = Int(bounds[0]), let high = Int(bounds[1]), low <= high, high - low < 100_000 else {
                throw BPEError.invalidSpecialToken(spec, reason: "a range must read LOW..HIGH with LOW <= HIGH")
            }
            for value in low...high { names.append(spec.replacingCharacters(in: range, with: String(value))) }
        } else {
            names.append(spec)
        }
    }
    return names
}

/// Trains byte-level BPE merges on a corpus.
public enum Trainer {
    /// Trains on the files at `paths`, streamed.
    public static func train(files paths: [String], options: TrainingOptions,
                             progress: ((TrainingProgress) -> Void)? = nil) throws -> Tokenizer {
        let specials = try validated(options)
        var counter = ChunkCounter(pattern: options.pattern)
        var total = 0
        for path in paths {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
                throw BPEError.unreadableFile(path: path, reason: "no such file or not accessible")
            }
            total += (attributes[.size] as? Int) ?? 0
        }
        var done = 0
        for path in paths {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw BPEError.unreadableFile(path: path, reason: "cannot open")
            }
            defer { try? handle.close() }
            while true {
                let block: Data
                do { block = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                    throw BPEError.unreadableFile(path: path, reason: "\(error)")
                }
                if block.isEmpty { break }
                let bytes = [UInt8](block)
                bytes.withUnsafeBufferPointer { counter.add($0, final: false) }
                done += block.count
                progress?(TrainingProgress(phase: .counting, done: done, total: total))
            }
            counter.finishDocument()
        }
        guard done > 0 else { throw BPEError.emptyCorpus(paths: paths) }
        return try learn(counter, options: options, specials: specials, progress: progress)
    }

    /// Trains on in-memory texts (each text is its own document).
    public static func train(texts: [[UInt8]], options: TrainingOptions) throws -> Tokenizer {
        let specials = try validated(options)
        var counter = ChunkCounter(pattern: options.pattern)
        for text in texts {
            text.withUnsafeBufferPointer { counter.add($0, final: true) }
        }
        guard texts.contains(where: { !$0.isEmpty }) else { throw BPEError.emptyCorpus(paths: ["<memory>"]) }
        return try learn(counter, options: options, specials: specials, progress: nil)
    }

    private static func validated(_ options: TrainingOptions) throws -> [String] {
        let specials = try expandSpecialTokens(options.specialTokens)
        let minimum = 256 + specials.count
        guard options.vocabularySize >= minimum else {
            throw BPEError.vocabularyTooSmall(requested: options.vocabularySize, minimum: minimum)
        }
        return specials
    }

    private static func learn(_ counter: ChunkCounter, options: TrainingOptions, specials: [String],
                              progress: ((TrainingProgress) -> Void)?) throws -> Tokenizer {
        var state = MergeState(counter.table)
        let wanted = options.vocabularySize - 256 - specials.count
        var merges: [(Int32, Int32)] = []
        merges.reserveCapacity(wanted)
        while merges.count < wanted, let (left, right) = state.best(minimumFrequency: max(1, options.minimumFrequency)) {
            state.merge(left, right, into: Int32(256 + merges.count))
            merges.append((left, right))
            if merges.count % 256 == 0 { progress?(TrainingProgress(phase: .merging, done: merges.count, total: wanted)) }
        }
        progress?(TrainingProgress(phase: .merging, done: merges.count, total: wanted))
        return try Tokenizer(pattern: options.pattern, merges: merges, specialTokens: specials)
    }
}

/// Counts distinct chunks of a stream of blocks.
struct ChunkCounter {
    let preTokenizer: PreTokenizer
    private(set) var table = ByteHashTable(capacity: 1 << 16)
    /// Bytes of the last chunks of the previous block, to be re-split with the next.
    private var carry: [UInt8] = []

    init(pattern: SplitPattern) { preTokenizer = PreTokenizer(pattern: pattern) }

    /// Adds a block; with `final` the document ends with it.
    mutating func add(_ block: UnsafeBufferPointer<UInt8>, final: Bool) {
        var joined = carry
        joined.append(contentsOf: block)
        carry.removeAll(keepingCapacity: true)
        joined.withUnsafeBufferPointer { buffer in
            var ranges: [Range<Int>] = []
            preTokenizer.split(buffer) { ranges.append($0) }
            let keep = final ? ranges.count : max(0, ranges.count - 2)
            for range in ranges[0..<keep] {
                let (index, inserted) = table.findOrInsert(UnsafeBufferPointer(rebasing: buffer[range]), initial: 1)
                if !inserted { table.values[index] += 1 }
            }
            if keep < ranges.count { carry.append(contentsOf: buffer[ranges[keep].lowerBound...]) }
        }
    }

    /// Ends the current document: its carried chunks are counted.
    mutating func finishDocument() {
        guard !carry.isEmpty else { return }
        let rest = carry
        carry = []
        rest.withUnsafeBufferPointer { add($0, final: true) }
    }
}

/// Words (distinct chunks) as symbol sequences, with incrementally maintained pair counts.
struct MergeState {
    private var symbols: [Int32] = []
    private var starts: [Int] = []
    private var lengths: [Int] = []
    private var frequencies: [Int] = []
    private var pairCounts: [UInt64: Int] = [:]
    private var pairWords: [UInt64: [Int32]] = [:]
    private var heap = PairHeap()
    private var stamps: [Int] = []
    private var stamp = 0

    init(_ table: ByteHashTable) {
        for index in 0..<table.count {
            let word = table.key(index)
            starts.append(symbols.count)
            lengths.append(word.count)
            frequencies.append(table.values[index])
            for byte in word { symbols.append(Int32(byte)) }
        }
        stamps = [Int](repeating: 0, count: starts.count)
        for word in 0..<starts.count {
            let start = starts[word], frequency = frequencies[word]
            for i in start..<(start + lengths[word] - 1) {
                let key = PairTable.key(symbols[i], symbols[i + 1])
                pairCounts[key, default: 0] += frequency
                pairWords[key, default: []].append(Int32(word))
            }
        }
        for (key, count) in pairCounts { heap.push(count: count, key: key) }
    }

    /// The most frequent pair (ties: the smallest left id, then right id), or nil when
    /// none is seen `minimumFrequency` times.
    mutating func best(minimumFrequency: Int) -> (Int32, Int32)? {
        while let (count, key) = heap.pop() {
            guard pairCounts[key] == count else { continue }   // stale entry
            guard count >= minimumFrequency else { return nil }
            return (Int32(bitPattern: UInt32(key >> 32)), Int32(bitPattern: UInt32(key & 0xFFFF_FFFF)))
        }
        return nil
    }

    /// Replaces every (left, right) in every word by `id`, updating pair counts.
    mutating func merge(_ left: Int32, _ right: Int32, into id: Int32) {
        let mergedKey = PairTable.key(left, right)
        guard let words = pairWords.removeValue(forKey: mergedKey) else { return }
        stamp += 1
        var changed: [UInt64: Int] = [:]
        for word32 in words {
            let word = Int(word32)
            guard stamps[word] != stamp else { continue }
            stamps[word] = stamp
            let start = starts[word], length = lengths[word], frequency = frequencies[word]
            // Count the word's pairs out, merge it in place, count its pairs back in.
            for i in start..<(start + length - 1) {
                changed[PairTable.key(symbols[i], symbols[i + 1]), default: 0] -= frequency
            }
            var read = start, write = start
            let end = start + length
            while read < end {
                if read + 1 < end && symbols[read] == left && symbols[read + 1] == right {
                    symbols[write] = id
                    read += 2
                } else {
                    symbols[write] = symbols[read]
                    read += 1
                }
                write += 1
            }
            lengths[word] = write - start
            for i in start..<(write - 1) {
                let key = PairTable.key(symbols[i], symbols[i + 1])
                changed[key, default: 0] += frequency
                if symbols[i] == id || symbols[i + 1] == id { pairWords[key, default: []].append(word32) }
            }
        }
        for (key, delta) in changed where delta != 0 {
            let count = (pairCounts[key] ?? 0) + delta
            if count > 0 {
                pairCounts[key] = count
                heap.push(count: count, key: key)
            } else {
                pairCounts.removeValue(forKey: key)
            }
        }
        pairCounts.removeValue(forKey: mergedKey)
    }
}

/// A max-heap of (count, pair key): highest count first, then the smallest key.
struct PairHeap {
    private var counts: [Int] = []
    private var keys: [UInt64] = []

    @inline(__always) private func before(_ a: Int, _ b: Int) -> Bool {
        counts[a] > counts[b] || (counts[a] == counts[b] && keys[a] < keys[b])
    }

    private mutating func swapItems(_ a: Int, _ b: Int) {
        counts.swapAt(a, b)
        keys.swapAt(a, b)
    }

    mutating func push(count: Int, key: UInt64) {
        counts.append(count)
        keys.append(key)
        var child = counts.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard before(child, parent) else { break }
            swapItems(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (Int, UInt64)? {
        guard !counts.isEmpty else { return nil }
        let top = (counts[0], keys[0])
        let last = counts.count - 1
        swapItems(0, last)
        counts.removeLast()
        keys.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var best = parent
            if left < counts.count && before(left, best) { best = left }
            if right < counts.count && before(right, best) { best = right }
            if best == parent { break }
            swapItems(parent, best)
            parent = best
        }
        return top
    }
}
