import XCTest
@testable import Decoding

final class EndingAliasConstraintTests: XCTestCase {
    /// Grammar: a speaker token then letters, twice (two turns); `<|b|>` is also the alias.
    /// Byte tokens 0..<256, `<|a|>` 256, `<|b|>` 257, `<|eos|>` 258.
    func testAnAliasEndsTheOutputOnlyWhereTheBaseMayEnd() throws {
        let grammar = try compileGBNF("root ::= <|a|> [a-z]+ <|b|> [a-z]+")
        let trie = TokenTrie(tokenBytes: (0..<256).map { [UInt8($0)] }, specialTokens: ["<|a|>": 256, "<|b|>": 257, "<|eos|>": 258])
        let base = try GrammarConstraint(grammar: grammar, trie: trie, endToken: 258)
        let constraint = EndingAliasConstraint(base: base, aliases: [256, 257])
        var mask = TokenMask(count: 259)
        let q = Int32(UInt8(ascii: "q"))

        // Start: only <|a|>, as in the base (it cannot end here, so no alias is added).
        constraint.fillMask(&mask, state: constraint.startState, remainingTokens: 10)
        XCTAssertEqual((0..<259).filter { mask.contains($0) }, [256])
        // Inside the first turn <|b|> is the base's own token: it opens the second turn.
        var state = try XCTUnwrap(constraint.advance(constraint.startState, token: 256))
        state = try XCTUnwrap(constraint.advance(state, token: q))
        XCTAssertNil(constraint.advance(state, token: 256), "<|a|> is no alias where the base cannot end")
        state = try XCTUnwrap(constraint.advance(state, token: 257))
        XCTAssertNotEqual(state, EndingAliasConstraint.endedState)
        XCTAssertFalse(constraint.canFinish(state))
        // In the last turn, once it may end: letters, the end token, and both aliases.
        state = try XCTUnwrap(constraint.advance(state, token: q))
        XCTAssertTrue(constraint.canFinish(state))
        constraint.fillMask(&mask, state: state, remainingTokens: 10)
        XCTAssertTrue(mask.contains(256) && mask.contains(257) && mask.contains(258) && mask.contains(Int(q)))
        var baseMask = TokenMask(count: 259)
        base.fillMask(&baseMask, state: state, remainingTokens: 10)
        XCTAssertFalse(baseMask.contains(256) || baseMask.contains(257), "the base alone forbids another turn")
        // Choosing an alias ends the output; nothing may follow.
        let ended = try XCTUnwrap(constraint.advance(state, token: 256))
        XCTAssertEqual(ended, EndingAliasConstraint.endedState)
        XCTAssertTrue(constraint.mustFinish(ended) && constraint.canFinish(ended))
        XCTAssertEqual(constraint.minimumTokens(ended), 0)
        XCTAssertNil(constraint.advance(ended, token: q))
        constraint.fillMask(&mask, state: ended, remainingTokens: 10)
        XCTAssertEqual((0..<259).filter { mask.contains($0) }, [258])
        // Other tokens still follow the base.
        XCTAssertNil(constraint.advance(state, token: Int32(UInt8(ascii: "7"))))
    }
}

extension EndingAliasConstraintTests {
    /// Where the grammar allows another part but the budget does not, the alias is not
    /// offered: taking it would open a part that cannot be finished.
    func testNoAliasWhereTheGrammarAllowsTheTokenButTheBudgetDoesNot() throws {
        let grammar = try compileGBNF("root ::= <|a|> [a-z]+ (<|a|> [a-z]+)?")
        let trie = TokenTrie(tokenBytes: (0..<256).map { [UInt8($0)] }, specialTokens: ["<|a|>": 256, "<|eos|>": 257])
        let constraint = EndingAliasConstraint(base: try GrammarConstraint(grammar: grammar, trie: trie, endToken: 257), aliases: [256])
        var state = try XCTUnwrap(constraint.advance(constraint.startState, token: 256))
        state = try XCTUnwrap(constraint.advance(state, token: Int32(UInt8(ascii: "q"))))
        var mask = TokenMask(count: 258)
        constraint.fillMask(&mask, state: state, remainingTokens: 2)   // room for a letter and the end, not a new part
        XCTAssertFalse(mask.contains(256))
        XCTAssertTrue(mask.contains(257))
        constraint.fillMask(&mask, state: state, remainingTokens: 10)
        XCTAssertTrue(mask.contains(256), "with room, <|a|> opens the second part (the base's own token)")
        XCTAssertNotEqual(constraint.advance(state, token: 256), EndingAliasConstraint.endedState)
    }
}
