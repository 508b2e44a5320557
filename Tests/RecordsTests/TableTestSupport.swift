import Decoding
import Foundation
import Records
import XCTest

/// A small seeded generator for the table tests.
struct TableTestRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
    mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < p }
}

/// A vocabulary for grammar tests: the 256 bytes, a few multi-byte tokens (so tokens span
/// several grammar symbols), and the table structure tokens.
struct RowVocabulary {
    let trie: TokenTrie
    let specials: [String: Int32]
    let tokenBytes: [[UInt8]]
    var endToken: Int32 { specials[TableRowCodec.endToken]! }

    init(columnCount: Int) {
        var tokens = (0..<256).map { [UInt8($0)] }
        for piece in ["Pr", "ivate", "Private", "20", "00", "-0", "12", ".5", "ab", "e ", " t", "<<", "<a", "a<", "\u{E9}t\u{E9}"] {
            tokens.append(Array(piece.utf8))
        }
        tokenBytes = tokens
        var specials: [String: Int32] = [:]
        for (offset, name) in TableRowCodec.specialTokens(columnCount: columnCount).enumerated() {
            specials[name] = Int32(tokens.count + offset)
        }
        self.specials = specials
        trie = TokenTrie(tokenBytes: tokens, specialTokens: specials)
    }

    /// Tokens of text with structure tokens spelled by name, as a tokenizer with
    /// `allowedSpecial` makes them: the special tokens are found first, then the bytes
    /// between them are encoded greedily by the longest vocabulary token.
    func tokens(of text: String) -> [Int32] {
        let bytes = Array(text.utf8)
        let names = specials.keys.map { (Array($0.utf8), specials[$0]!) }
        var result: [Int32] = []
        var segment: [UInt8] = []
        func flush() {
            var i = 0
            while i < segment.count {
                var best = Int32(segment[i]), length = 1
                for (id, token) in tokenBytes.enumerated() where token.count > length && segment.count - i >= token.count
                    && Array(segment[i..<(i + token.count)]) == token {
                    best = Int32(id)
                    length = token.count
                }
                result.append(best)
                i += length
            }
            segment.removeAll()
        }
        var i = 0
        outer: while i < bytes.count {
            for (name, id) in names where bytes.count - i >= name.count && Array(bytes[i..<(i + name.count)]) == name {
                flush()
                result.append(id)
                i += name.count
                continue outer
            }
            segment.append(bytes[i])
            i += 1
        }
        flush()
        return result
    }

    /// Whether `grammar`, run as a token constraint ending with `<|eos|>`, accepts `text`
    /// (which ends with `<|eos|>` as encoded rows do).
    func accepts(_ grammar: Grammar, _ text: String) throws -> Bool {
        let constraint = try GrammarConstraint(grammar: grammar, trie: trie, endToken: endToken)
        return accepts(constraint, text)
    }

    func accepts(_ constraint: GrammarConstraint, _ text: String) -> Bool {
        var state = constraint.startState
        for token in tokens(of: text) {
            guard let next = constraint.advance(state, token: token) else { return false }
            state = next
        }
        return true
    }

    /// Whether `grammar` accepts exactly the bytes of `value` (a grammar of one value).
    func acceptsValue(_ constraint: GrammarConstraint, _ value: String) -> Bool {
        var state = constraint.startState
        for byte in value.utf8 {
            guard let next = constraint.advance(state, token: Int32(byte)) else { return false }
            state = next
        }
        return constraint.canFinish(state)
    }

    /// A random walk through the masks: at each step a random allowed token (the end token
    /// taken with probability `endBias` when allowed). Returns the bytes, with specials
    /// spelled by name and the end token left out, as the generator returns them.
    func sample(_ constraint: GrammarConstraint, rng: inout TableTestRNG, endBias: Double = 0.5) -> [UInt8] {
        var mask = TokenMask(count: trie.vocabularySize)
        var state = constraint.startState
        var bytes: [UInt8] = []
        let nameOf = Dictionary(uniqueKeysWithValues: specials.map { ($0.value, Array($0.key.utf8)) })
        for _ in 0..<10_000 {
            constraint.fillMask(&mask, state: state, remainingTokens: 100_000)
            if mask.contains(Int(endToken)) && (rng.chance(endBias) || mask.allowedCount == 1) { return bytes }
            var allowed: [Int32] = []
            for token in 0..<trie.vocabularySize where mask.contains(token) && Int32(token) != endToken { allowed.append(Int32(token)) }
            precondition(!allowed.isEmpty, "dead end")
            let token = rng.pick(allowed)
            bytes += nameOf[token] ?? Array(trie.bytes(of: token))
            state = constraint.advance(state, token: token)!
        }
        fatalError("walk did not end")
    }
}

/// Random tables with a column of each kind, for codec and grammar properties.
enum RandomTables {
    static func make(rows: Int, rng: inout TableTestRNG) -> Table {
        let names = ["id", "amount", "flag", "day", "kind", "note", "stamp", "sparse"]
        var columns = [[String]](repeating: [], count: names.count)
        let kinds = ["Private", "State-gov", "Self-emp", "?", "a, b", "quote \"q\""]
        for _ in 0..<rows {
            columns[0].append(String(rng.int(-50...5_000)))
            let cents = rng.int(-999...99_999)
            columns[1].append(rng.chance(0.2) ? String(cents / 100) : String(format: "%.2f", Double(cents) / 100))
            columns[2].append(rng.chance(0.5) ? "Yes" : "No")
            columns[3].append(String(format: "%04d-%02d-%02d", rng.int(1999...2024), rng.int(1...12), rng.int(1...28)))
            columns[4].append(rng.pick(kinds))
            columns[5].append(randomText(&rng))
            columns[6].append(String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03d", rng.int(2000...2001), rng.int(1...12),
                                     rng.int(1...28), rng.int(0...23), rng.int(0...59), rng.int(0...59), rng.int(0...999)))
            columns[7].append(rng.chance(0.4) ? "" : (rng.chance(0.5) ? "NA" : String(rng.int(1...9))))
        }
        return Table(source: "random.csv", columnNames: names, columns: columns)
    }

    static func randomText(_ rng: inout TableTestRNG) -> String {
        let pieces = ["the ", "cat", " sat", "<", "<<b", "é", "日本", ",", "\"", "x<y", "🙂", "a|b", " "]
        var text = ""
        for _ in 0..<rng.int(1...8) { text += rng.pick(pieces) }
        if text.hasSuffix(" ") || text == "" { text += "." }
        return text.hasPrefix(" ") ? "w" + text : text
    }
}
