// Test support shared by the constraint tests: a seeded random generator and a plain
// reference recognizer for `Grammar`.

@testable import Decoding

/// SplitMix64: a tiny seeded generator, so every random test is reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Decides whether a byte string matches a `Grammar`, the obvious way.
///
/// Set-of-positions semantics: matching an expression from a set of start positions gives the
/// set of positions where a match can end. Rules are memoized per (rule, start). Left
/// recursion is handled by fixpoint iteration: a rule met again at the same position while it
/// is being computed contributes what is known so far, and the whole match is repeated until
/// nothing changes (the sets only grow, so this terminates). Special tokens match nothing
/// (the matcher is for byte-only grammars).
///
///     ReferenceGrammarMatcher(grammar).matches(Array("abc".utf8))
struct ReferenceGrammarMatcher {
    let grammar: Grammar

    init(_ grammar: Grammar) { self.grammar = grammar }

    /// Whether the whole of `bytes` matches the grammar's root rule.
    func matches(_ bytes: [UInt8]) -> Bool {
        var run = Run(grammar: grammar, input: bytes)
        return run.matchAll()
    }

    /// Whether the whole of `text`'s UTF-8 matches.
    func matches(_ text: String) -> Bool { matches(Array(text.utf8)) }

    private struct Key: Hashable {
        var rule: String
        var start: Int
    }

    private struct Run {
        let grammar: Grammar
        let input: [UInt8]
        var memo: [Key: Set<Int>] = [:]
        var inProgress: Set<Key> = []
        var finishedThisPass: Set<Key> = []
        var sawRecursion = false
        var changed = false

        init(grammar: Grammar, input: [UInt8]) {
            self.grammar = grammar
            self.input = input
        }

        mutating func matchAll() -> Bool {
            while true {
                finishedThisPass = []
                sawRecursion = false
                changed = false
                let ends = match(.rule(grammar.root), from: [0])
                if !sawRecursion || !changed { return ends.contains(input.count) }
            }
        }

        mutating func match(_ expression: GrammarExpression, from starts: Set<Int>) -> Set<Int> {
            if starts.isEmpty { return [] }
            switch expression {
            case let .bytes(set):
                return Set(starts.filter { $0 < input.count && set.contains(input[$0]) }.map { $0 + 1 })
            case .special:
                return []
            case let .sequence(parts):
                var positions = starts
                for part in parts { positions = match(part, from: positions) }
                return positions
            case let .choice(alternatives):
                var ends: Set<Int> = []
                for alternative in alternatives { ends.formUnion(match(alternative, from: starts)) }
                return ends
            case let .repetition(body, minimum, maximum):
                var current = starts
                for _ in 0..<minimum { current = match(body, from: current) }
                var ends = current
                var count = minimum
                while maximum.map({ count < $0 }) ?? true {
                    let next = match(body, from: current)
                    count += 1
                    if maximum == nil {
                        // Unbounded: only positions not seen before can lead anywhere new.
                        let fresh = next.subtracting(ends)
                        if fresh.isEmpty { break }
                        ends.formUnion(fresh)
                        current = fresh
                    } else {
                        if next == current || next.isEmpty { ends.formUnion(next); break }
                        ends.formUnion(next)
                        current = next
                    }
                }
                return ends
            case let .rule(name):
                var ends: Set<Int> = []
                for start in starts { ends.formUnion(matchRule(name, at: start)) }
                return ends
            }
        }

        mutating func matchRule(_ name: String, at start: Int) -> Set<Int> {
            let key = Key(rule: name, start: start)
            if finishedThisPass.contains(key) { return memo[key] ?? [] }
            if inProgress.contains(key) {
                sawRecursion = true
                return memo[key] ?? []
            }
            guard let body = grammar.rules[name] else { return [] }
            inProgress.insert(key)
            let ends = match(body, from: [start])
            inProgress.remove(key)
            let previous = memo[key] ?? []
            if !ends.isSubset(of: previous) { changed = true }
            memo[key] = previous.union(ends)
            finishedThisPass.insert(key)
            return memo[key]!
        }
    }
}
