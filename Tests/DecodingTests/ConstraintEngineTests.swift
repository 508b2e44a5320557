import BPE
import XCTest
@testable import Decoding

/// The automaton that runs every constraint, and the token masks built on it, against the
/// plain reference recognizer and brute force.
final class ConstraintEngineTests: XCTestCase {
    /// Grammars of every shape: regular, recursive, nullable rules, repetition bounds.
    func sampleGrammars() throws -> [(String, Grammar, [UInt8])] {
        [
            ("regex digits", try compileRegex("-?(0|[1-9][0-9]{0,3})(\\.[0-9]{1,2})?"), Array("-0123456789.x".utf8)),
            ("regex words", try compileRegex("(ab|a)*b+c?|x{2,4}"), Array("abcx".utf8)),
            ("balanced", try compileGBNF("root ::= item*\nitem ::= \"(\" root \")\" | \"[\" root \"]\""), Array("()[]x".utf8)),
            ("arithmetic", try compileGBNF("""
                root ::= expr
                expr ::= term (("+" | "-") term)*
                term ::= factor ("*" factor)*
                factor ::= [0-9]+ | "(" expr ")" | "-" factor
                """), Array("12+-*()".utf8)),
            ("nullable calls", try compileGBNF("root ::= a b a\na ::= \"x\"?\nb ::= (a \"y\")* | \"z\""), Array("xyz".utf8)),
        ]
    }

    func accepts(_ automaton: GrammarAutomaton, _ bytes: [UInt8]) -> Bool {
        var state = automaton.start
        for byte in bytes {
            state = automaton.step(state, Int(byte))
            if state == GrammarAutomaton.dead { return false }
        }
        return automaton.isAccepting(state)
    }

    func testAutomatonAgreesWithTheReferenceOnRandomStrings() throws {
        var rng = SplitMix64(seed: 11)
        for (name, grammar, alphabet) in try sampleGrammars() {
            let automaton = try GrammarAutomaton(grammar)
            let reference = ReferenceGrammarMatcher(grammar)
            var accepted = 0
            for trial in 0..<3000 {
                let length = Int(rng.next() % 9)
                let bytes = (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
                let expected = reference.matches(bytes)
                XCTAssertEqual(accepts(automaton, bytes), expected, "\(name), trial \(trial): \(String(decoding: bytes, as: UTF8.self))")
                if expected { accepted += 1 }
            }
            XCTAssertGreaterThan(accepted, 20, "\(name): the random strings must exercise acceptance")
        }
    }

    func testMinimumToAcceptIsTheShortestCompletion() throws {
        let automaton = try GrammarAutomaton(try compileGBNF("root ::= \"ab\" tail | \"abcdef\"\ntail ::= \"x\" tail | \"yz\""))
        var state = automaton.start
        XCTAssertEqual(automaton.minimumToAccept(state), 4)  // "abyz"
        for byte in "abx".utf8 { state = automaton.step(state, Int(byte)) }
        XCTAssertEqual(automaton.minimumToAccept(state), 2)  // "yz"
        state = automaton.step(state, Int(UInt8(ascii: "y")))
        XCTAssertEqual(automaton.minimumToAccept(state), 1)
    }

    func testBadGrammarsAreRejectedWithTheRuleNamed() throws {
        XCTAssertThrowsError(try GrammarAutomaton(try compileGBNF("root ::= expr\nexpr ::= expr \"+\" \"1\" | \"1\""))) { error in
            XCTAssertEqual(error as? DecodingError, .leftRecursion(cycle: ["expr", "expr"]))
        }
        XCTAssertThrowsError(try GrammarAutomaton(try compileGBNF("root ::= a\na ::= b? a \"x\"\nb ::= \"y\""))) { error in
            XCTAssertEqual(error as? DecodingError, .leftRecursion(cycle: ["a", "a"]))
        }
        XCTAssertThrowsError(try GrammarAutomaton(try compileGBNF("root ::= \"a\" | loop\nloop ::= \"x\" loop"))) { error in
            XCTAssertEqual(error as? DecodingError, .neverFinishes(rule: "loop"))
        }
        XCTAssertThrowsError(try GrammarAutomaton(Grammar(rules: ["root": .rule("missing")], root: "root"))) { error in
            XCTAssertEqual(error as? DecodingError, .undefinedRule("missing"))
        }
        XCTAssertThrowsError(try GrammarAutomaton(Grammar(.bytes(ByteSet())))) { error in
            XCTAssertEqual(error as? DecodingError, .emptyLanguage)
        }
    }

    /// A vocabulary of single bytes and random multi-byte strings over the grammar's bytes,
    /// plus an end token.
    func randomTrie(alphabet: [UInt8], size: Int, rng: inout SplitMix64) -> TokenTrie {
        var tokens = (0..<256).map { [UInt8($0)] }
        var seen = Set(tokens)
        while tokens.count < size {
            let token = (0..<(2 + Int(rng.next() % 4))).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            if seen.insert(token).inserted { tokens.append(token) }
        }
        return TokenTrie(tokenBytes: tokens, specialTokens: ["<|eos|>": Int32(size)])
    }

    func testMasksEqualBruteForceWithAndWithoutABudget() throws {
        var rng = SplitMix64(seed: 5)
        for (name, grammar, alphabet) in try sampleGrammars() {
            let trie = randomTrie(alphabet: alphabet, size: 600, rng: &rng)
            let end = Int32(600)
            let constraint = try GrammarConstraint(grammar: grammar, trie: trie, endToken: end)
            var mask = TokenMask(count: trie.vocabularySize)
            // Walk a few random valid paths, checking the mask at every step.
            for _ in 0..<20 {
                var state = constraint.startState
                for _ in 0..<12 {
                    for budget in [1, 2, 3, 50] {
                        constraint.fillMask(&mask, state: state, remainingTokens: budget)
                        for token in 0..<trie.vocabularySize {
                            var expected = false
                            if Int32(token) == end {
                                expected = constraint.canFinish(state)
                            } else if let next = constraint.advance(state, token: Int32(token)) {
                                expected = constraint.minimumTokens(next) <= budget - 1
                            }
                            XCTAssertEqual(mask.contains(token), expected, "\(name): token \(token), budget \(budget)")
                        }
                    }
                    constraint.fillMask(&mask, state: state, remainingTokens: 1000)
                    let allowed = (0..<trie.vocabularySize).filter { mask.contains($0) && Int32($0) != end }
                    guard !allowed.isEmpty else { break }
                    state = constraint.advance(state, token: Int32(allowed[Int(rng.next() % UInt64(allowed.count))]))!
                }
            }
        }
    }

    func testTrieWalksTokensInPreorder() {
        let trie = TokenTrie(tokenBytes: [[98], [97], [97, 98], [97, 98], [99, 97]], specialTokens: ["<|x|>": 7])
        XCTAssertEqual(trie.vocabularySize, 8)
        XCTAssertEqual(trie.label, [0, 97, 98, 98, 99, 97])
        XCTAssertEqual(trie.subtreeEnd.dropFirst(), [3, 3, 4, 6, 6])
        XCTAssertEqual(Array(trie.nodeTokens), [1, 2, 3, 0, 4])
        XCTAssertEqual(trie.tokenOffset, [0, 0, 1, 3, 4, 4, 5])
        XCTAssertEqual(Array(trie.bytes(of: 2)), [97, 98])
        XCTAssertTrue(trie.bytes(of: 7).isEmpty)
    }

    func testSpecialTokensInGrammarsBindToTheVocabulary() throws {
        let grammar = try compileGBNF("root ::= <|row|> [a-z]+ <|eos|>")
        let trie = TokenTrie(tokenBytes: (0..<256).map { [UInt8($0)] }, specialTokens: ["<|row|>": 256, "<|eos|>": 257])
        let constraint = try GrammarConstraint(grammar: grammar, trie: trie, endToken: nil)
        var mask = TokenMask(count: 258)
        constraint.fillMask(&mask, state: constraint.startState, remainingTokens: 10)
        XCTAssertEqual((0..<258).filter { mask.contains($0) }, [256])
        var state = try XCTUnwrap(constraint.advance(constraint.startState, token: 256))
        state = try XCTUnwrap(constraint.advance(state, token: Int32(UInt8(ascii: "q"))))
        constraint.fillMask(&mask, state: state, remainingTokens: 10)
        XCTAssertTrue(mask.contains(257))
        state = try XCTUnwrap(constraint.advance(state, token: 257))
        XCTAssertTrue(constraint.mustFinish(state))
        XCTAssertThrowsError(try GrammarConstraint(grammar: try compileGBNF("root ::= <|nope|>"), trie: trie, endToken: nil)) { error in
            XCTAssertEqual(error as? DecodingError, .unknownSpecialToken("<|nope|>"))
        }
    }
}
