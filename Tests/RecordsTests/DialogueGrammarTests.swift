import Decoding
import Foundation
import Records
import XCTest

/// The dialogue rules and their grammar run as a token constraint: well-formed dialogues
/// are accepted whole, each way of breaking the rules is rejected where it happens, and
/// random walks through the masks give only well-formed dialogues.
final class DialogueGrammarTests: XCTestCase {
    let rules = DialogueRules(speakers: ["USER", "SYSTEM", "AGENT"], openingSpeakers: ["USER"], minTurns: 3, maxTurns: 5)
    var codec: DialogueCodec { DialogueCodec(speakers: rules.speakers) }
    var vocabulary: TextRecordVocabulary { TextRecordVocabulary(specialTokens: codec.specialTokens) }

    func dialogue(_ turns: [(String, String)]) -> Dialogue {
        Dialogue(turns: turns.map { DialogueTurn(speaker: $0.0, text: $0.1) })
    }

    func testRulesAreLearnedFromTraining() throws {
        let learned = try DialogueRules(learningFrom: [
            dialogue([("B", "hi"), ("A", "hello"), ("B", "bye")]),
            dialogue([("A", "x"), ("B", "y")]),
            dialogue([("B", "1"), ("C", "2"), ("A", "3"), ("B", "4"), ("A", "5"), ("C", "6")]),
        ])
        XCTAssertEqual(learned, DialogueRules(speakers: ["B", "A", "C"], openingSpeakers: ["B", "A"], minTurns: 2, maxTurns: 6))
        // A single speaker cannot alternate; bad speaker names are named.
        XCTAssertThrowsError(try DialogueRules(learningFrom: [dialogue([("A", "x"), ("A", "y")])])) {
            XCTAssertTrue("\($0)".contains("two speakers"), "\($0)")
        }
        XCTAssertThrowsError(try DialogueRules(learningFrom: [dialogue([("A|B", "x"), ("C", "y")])])) {
            XCTAssertTrue("\($0)".contains("'A|B'"), "\($0)")
        }
        XCTAssertThrowsError(try DialogueRules(learningFrom: []))
    }

    func testViolationsNameTheTurn() {
        XCTAssertNil(rules.violation(in: dialogue([("USER", "a"), ("SYSTEM", "b"), ("AGENT", "c"), ("USER", "d")])))
        XCTAssertEqual(rules.violation(in: dialogue([("USER", "a"), ("SYSTEM", "b")])), "2 turns, fewer than 3")
        XCTAssertEqual(rules.violation(in: dialogue(Array(repeating: ("USER", "a"), count: 6))), "6 turns, more than 5")
        XCTAssertEqual(rules.violation(in: dialogue([("SYSTEM", "a"), ("USER", "b"), ("SYSTEM", "c")])),
                       "turn 1: training dialogues open with USER, not 'SYSTEM'")
        XCTAssertEqual(rules.violation(in: dialogue([("USER", "a"), ("USER", "b"), ("SYSTEM", "c")])),
                       "turn 2: 'USER' speaks twice in a row")
        XCTAssertEqual(rules.violation(in: dialogue([("USER", "a"), ("BOT", "b"), ("SYSTEM", "c")])),
                       "turn 2: speaker 'BOT' was not seen in training (speakers: USER, SYSTEM, AGENT)")
        XCTAssertEqual(rules.violation(in: dialogue([("USER", "a"), ("SYSTEM", " b"), ("USER", "c")])),
                       "turn 2: the text starts with white space")
        XCTAssertEqual(rules.openingViolation(dialogue([])), "the opening has no turns; give at least one")
        XCTAssertNil(rules.openingViolation(dialogue([("USER", "a")])))
        XCTAssertNotNil(rules.openingViolation(dialogue([("USER", "a"), ("SYSTEM", "b"), ("USER", "c"), ("SYSTEM", "d"), ("USER", "e")])))
    }

    func testGrammarAcceptsWellFormedDialoguesOnly() throws {
        let constraint = try GrammarConstraint(grammar: rules.grammar(), trie: vocabulary.trie, endToken: vocabulary.endToken)
        func accepts(_ turns: [(String, String)]) -> Bool {
            vocabulary.accepts(constraint, codec.encode(dialogue(turns)))
        }
        XCTAssertTrue(accepts([("USER", "Find me a table."), ("SYSTEM", "Where? < 3 km"), ("USER", "<<Paris>>")]))
        XCTAssertTrue(accepts([("USER", "a"), ("AGENT", "b"), ("SYSTEM", "c"), ("AGENT", "d"), ("USER", "\u{E9}t\u{E9} \u{1F600}")]))
        XCTAssertFalse(accepts([("USER", "a"), ("SYSTEM", "b")]), "too few turns")
        XCTAssertFalse(accepts([("USER", "a"), ("SYSTEM", "b"), ("USER", "c"), ("SYSTEM", "d"), ("USER", "e"), ("SYSTEM", "f")]), "too many")
        XCTAssertFalse(accepts([("SYSTEM", "a"), ("USER", "b"), ("SYSTEM", "c")]), "not an opening speaker")
        XCTAssertFalse(accepts([("USER", "a"), ("USER", "b"), ("SYSTEM", "c")]), "same speaker twice")
        XCTAssertFalse(accepts([("USER", "a"), ("SYSTEM", ""), ("USER", "c")]), "empty text")
        XCTAssertFalse(accepts([("USER", "a"), ("SYSTEM", " b"), ("USER", "c")]), "blank start")
        XCTAssertFalse(accepts([("USER", "a"), ("SYSTEM", "\u{3000}b"), ("USER", "c")]), "ideographic space start")
        XCTAssertFalse(accepts([("USER", "a"), ("SYSTEM", "b\nc"), ("USER", "d")]), "line break")
        XCTAssertFalse(accepts([("USER", "a"), ("SYSTEM", "b\u{2028}c"), ("USER", "d")]), "line separator")
        // `<|` inside a text would read as a structure token: the grammar never spells it.
        XCTAssertFalse(accepts([("USER", "a<|x"), ("SYSTEM", "b"), ("USER", "c")]), "<| in a text")
        XCTAssertFalse(accepts([("USER", "<|"), ("SYSTEM", "b"), ("USER", "c")]), "<| as a text")
    }

    func testContinuationNeedsAnotherSpeakerAndCountsTheOpening() throws {
        let opening = dialogue([("USER", "a"), ("SYSTEM", "b")])
        let constraint = try GrammarConstraint(grammar: rules.continuationGrammar(after: opening), trie: vocabulary.trie,
                                               endToken: vocabulary.endToken)
        func accepts(_ turns: [(String, String)]) -> Bool {
            vocabulary.accepts(constraint, codec.encode(turns: dialogue(turns).turns) + DialogueCodec.endToken)
        }
        XCTAssertTrue(accepts([("USER", "c")]))
        XCTAssertTrue(accepts([("AGENT", "c"), ("SYSTEM", "d"), ("USER", "e")]), "5 turns in all")
        XCTAssertFalse(accepts([("SYSTEM", "c")]), "the opening's last speaker again")
        XCTAssertFalse(accepts([("USER", "c"), ("SYSTEM", "d"), ("USER", "e"), ("SYSTEM", "f")]), "6 turns in all")
        XCTAssertFalse(vocabulary.accepts(constraint, DialogueCodec.endToken), "at least one new turn")
    }

    func testRandomWalksGiveWellFormedDialogues() throws {
        let constraint = try GrammarConstraint(grammar: rules.grammar(), trie: vocabulary.trie, endToken: vocabulary.endToken)
        var rng = TableTestRNG(seed: 7)
        var turnCounts: Set<Int> = []
        for _ in 0..<60 {
            let bytes = vocabulary.sample(constraint, rng: &rng, endBias: 0.3)
            let decoded = try codec.decode(bytes)
            XCTAssertNil(rules.violation(in: decoded), String(decoding: bytes, as: UTF8.self))
            turnCounts.insert(decoded.turns.count)
        }
        XCTAssertEqual(turnCounts, [3, 4, 5])
    }
}

/// A vocabulary for text-record grammar tests: the 256 bytes, a few multi-byte tokens (so
/// tokens span several grammar symbols and a line break or `<|` can hide inside one), and
/// the given structure tokens; `<|eos|>` is the end token.
struct TextRecordVocabulary {
    let trie: TokenTrie
    let specials: [String: Int32]
    let tokenBytes: [[UInt8]]
    var endToken: Int32 { specials["<|eos|>"]! }

    init(specialTokens: [String]) {
        var tokens = (0..<256).map { [UInt8($0)] }
        for piece in [" the", "Find", "ab", "e ", ".\n", "<<", "<|", "a<", " <", "\u{E9}t\u{E9}", "  "] { tokens.append(Array(piece.utf8)) }
        tokenBytes = tokens
        var specials: [String: Int32] = [:]
        for (offset, name) in specialTokens.enumerated() { specials[name] = Int32(tokens.count + offset) }
        self.specials = specials
        trie = TokenTrie(tokenBytes: tokens, specialTokens: specials)
    }

    /// Tokens of `text` with structure tokens spelled by name: the structure tokens first,
    /// the bytes between them one token each.
    func tokens(of text: String) -> [Int32] {
        let bytes = Array(text.utf8)
        var result: [Int32] = []
        var i = 0
        outer: while i < bytes.count {
            for (name, id) in specials where bytes[i...].starts(with: name.utf8) {
                result.append(id)
                i += name.utf8.count
                continue outer
            }
            result.append(Int32(bytes[i]))
            i += 1
        }
        return result
    }

    /// Whether the constraint takes every token of `text` and, if the text does not end
    /// with `<|eos|>`, may end after it.
    func accepts(_ constraint: GrammarConstraint, _ text: String) -> Bool {
        var state = constraint.startState
        for token in tokens(of: text) {
            guard let next = constraint.advance(state, token: token) else { return false }
            state = next
        }
        return text.hasSuffix("<|eos|>") || constraint.canFinish(state)
    }

    /// A random walk through the masks (see `RowVocabulary.sample`): bytes with specials
    /// spelled by name, the end token left out.
    func sample(_ constraint: GrammarConstraint, rng: inout TableTestRNG, endBias: Double = 0.5, maxTokens: Int = 2_000) -> [UInt8] {
        var mask = TokenMask(count: trie.vocabularySize)
        var state = constraint.startState
        var bytes: [UInt8] = []
        let nameOf = Dictionary(uniqueKeysWithValues: specials.map { ($0.value, Array($0.key.utf8)) })
        for step in 0..<maxTokens {
            constraint.fillMask(&mask, state: state, remainingTokens: maxTokens - step)
            if mask.contains(Int(endToken)) && (rng.chance(endBias) || mask.allowedCount == 1) { return bytes }
            var allowed: [Int32] = []
            for token in 0..<trie.vocabularySize where mask.contains(token) && Int32(token) != endToken { allowed.append(Int32(token)) }
            precondition(!allowed.isEmpty, "dead end")
            // Structure tokens are rare among ~270 tokens: pick one half the time it is allowed.
            let structural = allowed.filter { nameOf[$0] != nil }
            let token = !structural.isEmpty && rng.chance(0.5) ? rng.pick(structural) : rng.pick(allowed)
            bytes += nameOf[token] ?? Array(trie.bytes(of: token))
            state = constraint.advance(state, token: token)!
        }
        fatalError("walk did not end")
    }
}
