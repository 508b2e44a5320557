import Foundation

/// A byte-level BPE tokenizer: 256 byte tokens, then one token per merge, then the
/// special tokens.
///
/// Immutable and shareable across threads; encoding goes through an ``Encoder``, which
/// keeps a per-thread cache of chunk encodings.
public final class Tokenizer: Sendable {
    /// How text is split into chunks before merging.
    public let pattern: SplitPattern
    /// Merge `i` joins tokens `merges[i].0` and `merges[i].1` into token `256 + i`.
    public let merges: [(Int32, Int32)]
    /// The byte each of the ids 0..<256 stands for: the identity for tokenizers trained
    /// here, another order for imported ones (GPT-2 and cl100k order bytes differently).
    public let byteOrder: [UInt8]
    /// The id of each byte (the inverse of `byteOrder`).
    let byteIds: [Int32]
    /// Special tokens by name, with ids after the merged tokens.
    public let specialTokens: [String: Int32]
    /// Bytes of every non-special token, by id.
    let tokenBytes: [[UInt8]]
    /// Merged id for each mergeable pair (see ``rankTable(tokenBytes:)``).
    let pairs: PairTable

    /// Number of ordinary (byte and merged) tokens.
    public var mergeableCount: Int { 256 + merges.count }
    /// All ids, specials included.
    public var vocabularySize: Int { mergeableCount + specialTokens.count }

    /// Builds a tokenizer from merges in order and special token names (given ids after
    /// the merges, in the order given). Throws if a merge names a token not yet defined,
    /// `byteOrder` is not a permutation of the 256 bytes, or a special token is empty or
    /// repeated.
    public init(pattern: SplitPattern, merges: [(Int32, Int32)], specialTokens names: [String],
                byteOrder: [UInt8] = (0...255).map { UInt8($0) }) throws {
        self.pattern = pattern
        self.merges = merges
        guard byteOrder.count == 256, Set(byteOrder).count == 256 else {
            throw BPEError.corruptFile(path: "byte order", reason: "the first 256 tokens must be the 256 single bytes, each once")
        }
        self.byteOrder = byteOrder
        var inverse = [Int32](repeating: 0, count: 256)
        for (id, byte) in byteOrder.enumerated() { inverse[Int(byte)] = Int32(id) }
        byteIds = inverse
        var bytes = byteOrder.map { [$0] }
        var declared = PairTable(capacity: merges.count)
        for (index, (left, right)) in merges.enumerated() {
            let id = 256 + index
            guard left >= 0, right >= 0, Int(left) < id, Int(right) < id else {
                throw BPEError.corruptFile(path: "merges", reason: "merge \(index) joins (\(left), \(right)), but only ids below \(id) exist at that point")
            }
            guard declared.find(left, right) == nil else {
                throw BPEError.corruptFile(path: "merges", reason: "merge \(index) repeats the pair (\(left), \(right))")
            }
            declared.insert(left, right, Int32(id))
            bytes.append(bytes[Int(left)] + bytes[Int(right)])
        }
        tokenBytes = bytes
        pairs = Tokenizer.rankTable(tokenBytes: bytes)
        var specials: [String: Int32] = [:]
        for (offset, name) in names.enumerated() {
            guard !name.isEmpty else { throw BPEError.invalidSpecialToken(name, reason: "empty") }
            guard specials[name] == nil else { throw BPEError.invalidSpecialToken(name, reason: "given twice") }
            specials[name] = Int32(256 + merges.count + offset)
        }
        specialTokens = specials
    }

    /// Every pair of tokens whose bytes together are a token, mapped to that token's id
    /// (the lowest, if two merges made the same bytes). Merging by this table is
    /// tiktoken's rule — a pair merges if its concatenated bytes have a rank — which is
    /// what makes Synth, tiktoken and a Hugging Face export agree on the same ranks.
    static func rankTable(tokenBytes: [[UInt8]]) -> PairTable {
        var idOfBytes = ByteHashTable(capacity: tokenBytes.count)
        for (id, bytes) in tokenBytes.enumerated() {
            bytes.withUnsafeBufferPointer { _ = idOfBytes.findOrInsert($0, initial: id) }
        }
        var table = PairTable(capacity: tokenBytes.count * 4)
        for id in 256..<tokenBytes.count {
            let bytes = tokenBytes[id]
            guard idOfBytes.values[bytes.withUnsafeBufferPointer { idOfBytes.find($0)! }] == id else { continue }
            bytes.withUnsafeBufferPointer { buffer in
                for split in 1..<buffer.count {
                    guard let left = idOfBytes.find(UnsafeBufferPointer(rebasing: buffer[..<split])),
                          let right = idOfBytes.find(UnsafeBufferPointer(rebasing: buffer[split...])) else { continue }
                    let leftId = Int32(idOfBytes.values[left]), rightId = Int32(idOfBytes.values[right])
                    if table.find(leftId, rightId) == nil { table.insert(leftId, rightId, Int32(id)) }
                }
            }
        }
        return table
    }

    /// Builds a tokenizer from tokens in rank order (as tiktoken and Hugging Face files
    /// list them): the first 256 must be the single bytes, and each later token must be
    /// what BPE makes of its bytes with the earlier tokens — two of them joined. The
    /// merges are recovered that way (as minbpe does for GPT-4's ranks).
    public convenience init(pattern: SplitPattern, rankedTokens: [[UInt8]], specialTokens names: [String],
                            source: String) throws {
        func corrupt(_ reason: String) -> BPEError { .corruptFile(path: source, reason: reason) }
        guard rankedTokens.count >= 256, rankedTokens[..<256].allSatisfy({ $0.count == 1 }) else {
            throw corrupt("the first 256 tokens must be single bytes")
        }
        var rank: [[UInt8]: Int32] = [:]
        for (index, token) in rankedTokens.enumerated() {
            guard rank[token] == nil else { throw corrupt("token \(index) repeats the bytes of token \(rank[token]!)") }
            rank[token] = Int32(index)
        }
        var merges: [(Int32, Int32)] = []
        merges.reserveCapacity(rankedTokens.count - 256)
        for index in 256..<rankedTokens.count {
            var parts = rankedTokens[index].map { [$0] }
            while parts.count > 2 {
                var best: (Int32, Int)? = nil
                for i in 0..<(parts.count - 1) {
                    if let r = rank[parts[i] + parts[i + 1]], r < index, best == nil || r < best!.0 { best = (r, i) }
                }
                guard let (_, i) = best else { break }
                parts[i] += parts[i + 1]
                parts.remove(at: i + 1)
            }
            guard parts.count == 2 else {
                throw corrupt("token \(index) cannot be made by joining two earlier tokens")
            }
            merges.append((rank[parts[0]]!, rank[parts[1]]!))
        }
        try self.init(pattern: pattern, merges: merges, specialTokens: names, byteOrder: rankedTokens[..<256].map { $0[0] })
    }

    /// A tokenizer with no merges: every byte is a token (character-level experiments).
    public static func bytes(specialTokens: [String] = []) throws -> Tokenizer {
        try Tokenizer(pattern: .cl100k, merges: [], specialTokens: specialTokens)
    }

    /// Special token names in id order.
    public var specialTokenNames: [String] {
        specialTokens.sorted { $0.value < $1.value }.map(\.key)
    }

    /// The bytes a token stands for (a special token's name for a special id).
    public func bytes(of id: Int32) throws -> [UInt8] {
        let index = Int(id)
        if index >= 0 && index < tokenBytes.count { return tokenBytes[index] }
        if let name = specialTokens.first(where: { $0.value == id })?.key { return Array(name.utf8) }
        throw BPEError.unknownTokenId(index, vocabularySize: vocabularySize)
    }

    /// Bytes of a sequence of ids; throws on an id outside the vocabulary.
    public func decode(_ ids: [Int32]) throws -> [UInt8] {
        let specialsById = Dictionary(uniqueKeysWithValues: specialTokens.map { ($0.value, Array($0.key.utf8)) })
        var out: [UInt8] = []
        out.reserveCapacity(ids.count * 4)
        for id in ids {
            let index = Int(id)
            if index >= 0 && index < tokenBytes.count {
                out.append(contentsOf: tokenBytes[index])
            } else if let name = specialsById[id] {
                out.append(contentsOf: name)
            } else {
                throw BPEError.unknownTokenId(index, vocabularySize: vocabularySize)
            }
        }
        return out
    }

    /// Encodes `bytes` with a fresh encoder (use ``makeEncoder()`` to keep a cache).
    public func encode(_ bytes: [UInt8], allowedSpecial: Set<String> = []) throws -> [Int32] {
        var encoder = makeEncoder()
        return try encoder.encode(bytes, allowedSpecial: allowedSpecial)
    }

    /// Encodes a string's UTF-8 bytes.
    public func encode(_ text: String, allowedSpecial: Set<String> = []) throws -> [Int32] {
        try encode(Array(text.utf8), allowedSpecial: allowedSpecial)
    }

    /// A new encoder with its own cache; one per thread.
    public func makeEncoder() -> Encoder { Encoder(tokenizer: self) }
}

/// Merged id of each mergeable pair of ids: an open-addressing table keyed by the pair.
struct PairTable: Sendable {
    private var keys: [UInt64]
    private var values: [Int32]
    private let mask: Int
    private static let empty = UInt64.max

    init(capacity: Int) {
        var size = 64
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: PairTable.empty, count: size)
        values = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    @inline(__always) static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always) static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    mutating func insert(_ left: Int32, _ right: Int32, _ value: Int32) {
        let key = PairTable.key(left, right)
        var slot = PairTable.slot(key, mask)
        while keys[slot] != PairTable.empty && keys[slot] != key { slot = (slot + 1) & mask }
        keys[slot] = key
        values[slot] = value
    }

    /// The merged id of (left, right), or nil.
    @inline(__always)
    func find(_ left: Int32, _ right: Int32) -> Int32? {
        let key = PairTable.key(left, right)
        var slot = PairTable.slot(key, mask)
        return keys.withUnsafeBufferPointer { keys in
            while true {
                let stored = keys[slot]
                if stored == key { return values[slot] }
                if stored == PairTable.empty { return nil }
                slot = (slot + 1) & mask
            }
        }
    }
}
