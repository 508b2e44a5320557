// Performance notes
// - Masks come from walking the vocabulary trie against the automaton: the trie is stored
//   in preorder with each node's subtree end, so the walk is one forward scan that jumps
//   over a dead subtree in one step; each step is one read of the automaton's memoised
//   transition table. A full walk of a 32K vocabulary takes a fraction of a millisecond.
// - Each automaton configuration's mask is computed once and cached (XGrammar caches per
//   grammar position and re-checks the tokens that depend on the stack; our
//   configurations include the stack, so the whole mask is cached). A step then costs a
//   copy of V/64 words.
// - The token budget: every byte is a token in a byte-level vocabulary, so a
//   configuration that needs n more symbols can always finish in n tokens. A token is
//   allowed only if what it leads to can still finish within the budget left; the cached
//   mask is used as is while the budget is larger than the worst such need among its
//   tokens, and re-walked with the budget check only near the end.

import BPE

/// One bit per vocabulary token: the tokens allowed at a step.
public struct TokenMask: Equatable, Sendable {
    /// Bit `t % 64` of word `t / 64` is token `t`.
    public var words: [UInt64]
    /// Vocabulary size.
    public let count: Int

    /// A mask of `count` tokens, all allowed or none.
    public init(count: Int, allowed: Bool = false) {
        self.count = count
        words = [UInt64](repeating: allowed ? ~0 : 0, count: (count + 63) / 64)
        if allowed && count % 64 != 0 { words[words.count - 1] = (1 << UInt64(count % 64)) - 1 }
    }

    @inline(__always) public func contains(_ token: Int) -> Bool { words[token >> 6] & (1 << UInt64(token & 63)) != 0 }
    @inline(__always) public mutating func insert(_ token: Int) { words[token >> 6] |= 1 << UInt64(token & 63) }
    @inline(__always) public mutating func remove(_ token: Int) { words[token >> 6] &= ~(1 << UInt64(token & 63)) }

    /// Number of allowed tokens.
    public var allowedCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// Sets the logits of disallowed tokens to minus infinity.
    public func apply(to logits: UnsafeMutablePointer<Float>) {
        words.withUnsafeBufferPointer { words in
            for (index, word) in words.enumerated() where word != ~0 {
                let base = index * 64, width = min(64, count - base)
                if word == 0 {
                    (logits + base).update(repeating: -.infinity, count: width)
                    continue
                }
                // Visit only the cleared bits.
                var banned = ~word & (width == 64 ? ~0 : (1 << UInt64(width)) - 1)
                while banned != 0 {
                    logits[base + banned.trailingZeroBitCount] = -.infinity
                    banned &= banned - 1
                }
            }
        }
    }
}

/// A constraint on generated token sequences, compiled against one vocabulary.
///
/// Its state is a small integer handle, so a batch of sequences shares one constraint and
/// each sequence keeps only an `Int32`. Generation asks for the mask, samples, then
/// advances; it stops when the end token is chosen or nothing can follow.
public protocol TokenConstraint: AnyObject {
    /// The state before any token.
    var startState: Int32 { get }
    /// The end-of-sequence token this constraint allows where an output may end, if any.
    var endToken: Int32? { get }
    /// Writes the tokens allowed in `state` into `mask` (its previous bits are replaced),
    /// keeping only tokens after which the output can still end within `remainingTokens - 1`
    /// tokens (the end token included).
    func fillMask(_ mask: inout TokenMask, state: Int32, remainingTokens: Int)
    /// The state after `token`, or nil if `state` does not allow it.
    func advance(_ state: Int32, token: Int32) -> Int32?
    /// Whether the output may end in `state`.
    func canFinish(_ state: Int32) -> Bool
    /// Whether the output must end in `state` (nothing can follow).
    func mustFinish(_ state: Int32) -> Bool
    /// Fewest tokens still needed to end from `state`, the end token included.
    func minimumTokens(_ state: Int32) -> Int
}

/// A vocabulary as a trie of token byte strings in preorder, plus its special tokens:
/// built once per tokenizer and shared by every constraint on it.
public final class TokenTrie: @unchecked Sendable {
    /// Vocabulary size, special tokens included.
    public let vocabularySize: Int
    /// Special token ids by name.
    public let specialTokens: [String: Int32]
    /// Per node in preorder (node 0 is the root): its byte, depth, and the index after its subtree.
    let label: [UInt8], depth: [Int32], subtreeEnd: [Int32]
    /// Tokens ending at node i: `nodeTokens[tokenOffset[i]..<tokenOffset[i + 1]]`.
    let tokenOffset: [Int32], nodeTokens: [Int32]
    /// Bytes of token t: `byteData[byteOffset[t]..<byteOffset[t + 1]]` (empty for specials).
    let byteOffset: [Int32], byteData: [UInt8]
    let maximumDepth: Int

    /// The trie of `tokenizer`'s vocabulary. A model may have more rows than the tokenizer
    /// has tokens (`modelVocabularySize`, padded vocabularies): those ids spell nothing, so
    /// a constraint never allows them.
    public convenience init(tokenizer: Tokenizer, modelVocabularySize: Int = 0) {
        let tokens = (0..<max(modelVocabularySize, tokenizer.mergeableCount)).map { id in
            id < tokenizer.mergeableCount ? ((try? tokenizer.bytes(of: Int32(id))) ?? []) : []
        }
        self.init(tokenBytes: tokens, specialTokens: tokenizer.specialTokens)
    }

    /// The trie of tokens `0..<tokenBytes.count` with those bytes, and special tokens
    /// (ids at or after `tokenBytes.count`).
    public init(tokenBytes: [[UInt8]], specialTokens: [String: Int32]) {
        self.specialTokens = specialTokens
        vocabularySize = max(tokenBytes.count, (specialTokens.values.max().map { Int($0) + 1 }) ?? 0)
        var offsets: [Int32] = [0], data: [UInt8] = []
        for id in 0..<vocabularySize {
            if id < tokenBytes.count { data.append(contentsOf: tokenBytes[id]) }
            offsets.append(Int32(data.count))
        }
        byteOffset = offsets
        byteData = data
        let order = tokenBytes.indices.filter { !tokenBytes[$0].isEmpty }.sorted {
            tokenBytes[$0].lexicographicallyPrecedes(tokenBytes[$1]) || (tokenBytes[$0] == tokenBytes[$1] && $0 < $1)
        }
        var label: [UInt8] = [0], depth: [Int32] = [0], subtreeEnd: [Int32] = [0]
        var tokenNode: [Int32] = [], tokenIds: [Int32] = []
        var path: [Int32] = [0], pathBytes: [UInt8] = []
        for id in order {
            let bytes = tokenBytes[id]
            var common = 0
            while common < min(bytes.count, pathBytes.count) && bytes[common] == pathBytes[common] { common += 1 }
            while path.count - 1 > common {
                subtreeEnd[Int(path.removeLast())] = Int32(label.count)
                pathBytes.removeLast()
            }
            for byte in bytes[common...] {
                label.append(byte); depth.append(Int32(path.count)); subtreeEnd.append(0)
                path.append(Int32(label.count - 1)); pathBytes.append(byte)
            }
            tokenNode.append(path.last!); tokenIds.append(Int32(id))
        }
        for node in path { subtreeEnd[Int(node)] = Int32(label.count) }
        var tokenOffset = [Int32](repeating: 0, count: label.count + 1)
        for node in tokenNode { tokenOffset[Int(node) + 1] += 1 }
        for i in 0..<label.count { tokenOffset[i + 1] += tokenOffset[i] }
        self.label = label
        self.depth = depth
        self.subtreeEnd = subtreeEnd
        self.tokenOffset = tokenOffset
        nodeTokens = tokenIds  // sorted order visits nodes in preorder, so ids are grouped by node
        maximumDepth = Int(depth.max() ?? 0)
    }

    /// Bytes of a token (empty for a special token).
    public func bytes(of token: Int32) -> ArraySlice<UInt8> {
        byteData[Int(byteOffset[Int(token)])..<Int(byteOffset[Int(token) + 1])]
    }
}

/// Any ``Grammar`` as a token constraint: regular expressions, JSON Schemas and GBNF
/// grammars all end here.
public final class GrammarConstraint: TokenConstraint {
    public let trie: TokenTrie
    public let endToken: Int32?
    let automaton: GrammarAutomaton
    /// Vocabulary id of each of the automaton's special symbols.
    private let specialIDs: [Int32]
    /// Automaton special index by vocabulary id.
    private let specialSymbolByToken: [Int32: Int]
    private var masks: [Int32: CachedMask] = [:]
    private var configurationAtDepth: [Int32]

    private struct CachedMask {
        var words: [UInt64]
        /// The largest `minimumToAccept` among configurations the allowed tokens lead to.
        var worstNeed: Int32
    }

    /// Compiles `grammar` for the vocabulary of `trie`; `endToken` (usually `<|eos|>`)
    /// marks where outputs end. Throws when the grammar uses a special token the
    /// vocabulary lacks, or cannot be compiled.
    public init(grammar: Grammar, trie: TokenTrie, endToken: Int32?) throws {
        self.trie = trie
        self.endToken = endToken
        automaton = try GrammarAutomaton(grammar)
        specialIDs = try automaton.specials.map { name in
            guard let id = trie.specialTokens[name] else { throw DecodingError.unknownSpecialToken(name) }
            return id
        }
        specialSymbolByToken = Dictionary(uniqueKeysWithValues: specialIDs.enumerated().map { ($1, $0) })
        configurationAtDepth = [Int32](repeating: 0, count: trie.maximumDepth + 1)
    }

    public var startState: Int32 { automaton.start }

    public func canFinish(_ state: Int32) -> Bool { automaton.isAccepting(state) }

    public func mustFinish(_ state: Int32) -> Bool { !automaton.canContinue(state) }

    public func minimumTokens(_ state: Int32) -> Int {
        Int(automaton.minimumToAccept(state)) + (endToken == nil ? 0 : 1)
    }

    public func advance(_ state: Int32, token: Int32) -> Int32? {
        if token == endToken { return automaton.isAccepting(state) ? state : nil }
        if let special = specialSymbolByToken[token] {
            let next = automaton.step(state, 256 + special)
            return next == GrammarAutomaton.dead ? nil : next
        }
        guard token >= 0 && Int(token) < trie.vocabularySize else { return nil }
        let bytes = trie.bytes(of: token)
        guard !bytes.isEmpty else { return nil }
        var current = state
        for byte in bytes {
            current = automaton.step(current, Int(byte))
            if current == GrammarAutomaton.dead { return nil }
        }
        return current
    }

    public func fillMask(_ mask: inout TokenMask, state: Int32, remainingTokens: Int) {
        // A model may have more rows than its tokenizer has tokens (a padded vocabulary):
        // the ids past the trie's are never allowed.
        precondition(mask.count >= trie.vocabularySize, "mask of \(mask.count) tokens for a vocabulary of \(trie.vocabularySize)")
        let endCost = endToken == nil ? 0 : 1
        let cached = masks[state] ?? computeMask(state)
        // Tokens may be taken if what they lead to needs at most this many more symbols.
        let allowance = remainingTokens - 1 - endCost
        if allowance >= Int(cached.worstNeed) {
            mask.words.withUnsafeMutableBufferPointer { target in
                cached.words.withUnsafeBufferPointer { target.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
                if target.count > cached.words.count {
                    (target.baseAddress! + cached.words.count).update(repeating: 0, count: target.count - cached.words.count)
                }
            }
        } else {
            mask.words.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            var unused: [Int32]? = nil
            if allowance >= 0 { walk(state, into: &mask.words, allowance: Int32(allowance), reached: &unused) }
        }
        if let endToken, automaton.isAccepting(state), remainingTokens >= 1 { mask.insert(Int(endToken)) }
    }

    /// Computes the mask of every configuration reachable at a token boundary now, up to
    /// `limit` configurations, so that generation only reads caches. The configurations are
    /// found by the mask walks themselves (where allowed tokens end), so states met only
    /// inside a token get no mask. Returns the number of configurations with a mask.
    @discardableResult
    public func precompute(limit: Int = 10_000) -> Int {
        var seen: Set<Int32> = [automaton.start], queue = [automaton.start]
        var index = 0
        var reached: [Int32]? = []
        while index < queue.count && seen.count <= limit {
            let state = queue[index]
            index += 1
            guard masks[state] == nil else { continue }
            var words = [UInt64](repeating: 0, count: (trie.vocabularySize + 63) / 64)
            reached!.removeAll(keepingCapacity: true)
            let worst = walk(state, into: &words, allowance: nil, reached: &reached)
            masks[state] = CachedMask(words: words, worstNeed: worst)
            for next in reached! where seen.insert(next).inserted { queue.append(next) }
        }
        return masks.count
    }

    private func computeMask(_ state: Int32) -> CachedMask {
        var words = [UInt64](repeating: 0, count: (trie.vocabularySize + 63) / 64)
        var unused: [Int32]? = nil
        let worst = walk(state, into: &words, allowance: nil, reached: &unused)
        let entry = CachedMask(words: words, worstNeed: worst)
        masks[state] = entry
        return entry
    }

    /// Sets the bits of the tokens allowed in `state` (with `allowance`: only those after
    /// which at most that many symbols are needed) and returns the largest need among them.
    /// With `reached`, also appends the configuration each allowed token leads to.
    @discardableResult
    private func walk(_ state: Int32, into words: inout [UInt64], allowance: Int32?, reached: inout [Int32]?) -> Int32 {
        var worst: Int32 = 0
        let limit = allowance ?? Int32.max
        let automaton = self.automaton
        words.withUnsafeMutableBufferPointer { words in
            configurationAtDepth.withUnsafeMutableBufferPointer { atDepth in
                trie.label.withUnsafeBufferPointer { label in
                trie.depth.withUnsafeBufferPointer { depth in
                trie.subtreeEnd.withUnsafeBufferPointer { subtreeEnd in
                trie.tokenOffset.withUnsafeBufferPointer { tokenOffset in
                trie.nodeTokens.withUnsafeBufferPointer { nodeTokens in
                    atDepth[0] = state
                    var node = 1
                    let nodeCount = label.count
                    while node < nodeCount {
                        let level = Int(depth[node])
                        let next = automaton.step(atDepth[level - 1], Int(label[node]))
                        if next == GrammarAutomaton.dead {
                            node = Int(subtreeEnd[node])
                            continue
                        }
                        atDepth[level] = next
                        let first = Int(tokenOffset[node]), last = Int(tokenOffset[node + 1])
                        if first < last {
                            let need = automaton.minimumToAccept(next)
                            if need <= limit {
                                worst = max(worst, need)
                                reached?.append(next)
                                for k in first..<last {
                                    let token = Int(nodeTokens[k])
                                    words[token >> 6] |= 1 << UInt64(token & 63)
                                }
                            }
                        }
                        node += 1
                    }
                }}}}}
            }
            for (symbol, id) in specialIDs.enumerated() {
                let next = automaton.step(state, 256 + symbol)
                guard next != GrammarAutomaton.dead else { continue }
                let need = automaton.minimumToAccept(next)
                if need <= limit {
                    worst = max(worst, need)
                    reached?.append(next)
                    words[Int(id) >> 6] |= 1 << UInt64(id & 63)
                }
            }
        }
        return worst
    }
}
