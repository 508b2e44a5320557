import Decoding
import Foundation
import Records
import XCTest

/// The line and window grammars: a header from the regex, then any message without a line
/// break or `<|`; random walks through the window grammar's masks always decode to lines
/// that match.
final class LogLineGrammarTests: XCTestCase {
    static let format = LogLineFormat(headerRegex: "\\d{2}:\\d{2} (INFO|WARN) [a-z]+: ")

    func testLinesAreAHeaderThenAMessage() throws {
        let matcher = try LogLineMatcher(format: Self.format)
        XCTAssertTrue(matcher.matches("12:30 INFO disk: 93% full"))
        XCTAssertTrue(matcher.matches("12:30 WARN net: "), "an empty message")
        XCTAssertTrue(matcher.matches("12:30 WARN net: a < b, c <<d, <, ünïcode ✓ 🚀"))
        XCTAssertTrue(matcher.matches("12:30 WARN net: ends with <<"))
        XCTAssertFalse(matcher.matches("12:30 DEBUG net: x"), "a level outside the regex")
        XCTAssertFalse(matcher.matches("12:30 INFO net:x"), "the separator is part of the header")
        XCTAssertFalse(matcher.matches("1:30 INFO net: x"))
        XCTAssertFalse(matcher.matches("12:30 INFO net: a <|eos|> b"), "'<|' never appears in a message")
        XCTAssertFalse(matcher.matches("12:30 INFO net: a\rb"))
        XCTAssertFalse(matcher.matches("12:30 INFO net: a\nb"))
        XCTAssertEqual(matcher.headerLength("12:30 INFO disk: 93% full"), 17)
        XCTAssertEqual(matcher.message("12:30 INFO disk: 93% full").map(String.init), "93% full")
        XCTAssertNil(matcher.message("no header here"))
    }

    func testTheShortestHeaderSplitsTheMessage() throws {
        let matcher = try LogLineMatcher(format: LogLineFormat(headerRegex: "[a-z]+ +"))
        XCTAssertEqual(matcher.message("host   three spaces").map(String.init), "  three spaces")
    }

    func testBadRegexesNameTheirSource() {
        XCTAssertThrowsError(try LogLineFormat(headerRegex: "(\\d+ ").validate(source: "--header-regex")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("--header-regex: regex line 1, column"), text)
        }
        XCTAssertThrowsError(try LogLineMatcher(format: LogLineFormat(headerRegex: "a(?=b)"))) { error in
            XCTAssertTrue("\(error)".contains("the header regex"), "\(error)")
        }
    }

    func testWindowGrammarAcceptsExactlyKLines() throws {
        let vocabulary = LogVocabulary()
        let constraint = try GrammarConstraint(grammar: Self.format.windowGrammar(lines: 2), trie: vocabulary.trie,
                                               endToken: vocabulary.end)
        XCTAssertTrue(vocabulary.accepts(constraint, "<|log|>12:30 INFO a: x\n12:31 WARN b: y"))
        XCTAssertFalse(vocabulary.accepts(constraint, "<|log|>12:30 INFO a: x"), "one line")
        XCTAssertFalse(vocabulary.accepts(constraint, "<|log|>12:30 INFO a: x\n12:31 WARN b: y\n12:32 INFO c: z"), "three")
        XCTAssertFalse(vocabulary.accepts(constraint, "<|log|>12:30 INFO a: x\nno header"))
        XCTAssertFalse(vocabulary.accepts(constraint, "12:30 INFO a: x\n12:31 WARN b: y"), "no <|log|>")
    }

    /// Random walks through the masks, with the budget tight: every output decodes into two
    /// lines that match the format, and finishes within the budget.
    func testRandomWalksGiveValidWindows() throws {
        let vocabulary = LogVocabulary()
        let format = LogLineFormat(headerRegex: "\\[(a|bb)\\] \\d{1,2} ", bareHeaderRegex: "\\[(a|bb)\\]")
        let constraint = try GrammarConstraint(grammar: format.windowGrammar(lines: 2), trie: vocabulary.trie, endToken: vocabulary.end)
        let matcher = try LogLineMatcher(format: format)
        let codec = LogLineCodec(window: 2)
        var rng = TableTestRNG(seed: 21)
        var bare = 0
        for _ in 0..<300 {
            let budget = rng.int(12...40)
            let bytes = vocabulary.walk(constraint, budget: budget, rng: &rng)
            let lines = try codec.decode(bytes)
            for line in lines {
                XCTAssertTrue(matcher.matches(line), line)
                if !line.contains(" ") { bare += 1 }
            }
        }
        XCTAssertGreaterThan(bare, 0, "bare headers are generated too")
    }
}

/// A vocabulary for log grammar tests: the 256 bytes, a few multi-byte tokens that cross
/// the header/message border, and the log structure tokens.
struct LogVocabulary {
    let trie: TokenTrie
    let tokens: [[UInt8]]
    let log: Int32
    let end: Int32

    init() {
        var tokens = (0..<256).map { [UInt8($0)] }
        for piece in ["12", ":3", "0 ", " INFO", "WARN ", ": ", "\n1", "<<", "<a", "] ", "[a", "bb", "é"] {
            tokens.append(Array(piece.utf8))
        }
        self.tokens = tokens
        log = Int32(tokens.count)
        end = Int32(tokens.count + 1)
        trie = TokenTrie(tokenBytes: tokens, specialTokens: [LogLineCodec.logToken: log, LogLineCodec.endToken: end])
    }

    /// Whether the constraint accepts `text` (with `<|log|>` spelled by name) and may end there.
    func accepts(_ constraint: GrammarConstraint, _ text: String) -> Bool {
        var state = constraint.startState
        var rest = Substring(text)
        if rest.hasPrefix(LogLineCodec.logToken) {
            guard let next = constraint.advance(state, token: log) else { return false }
            state = next
            rest = rest.dropFirst(LogLineCodec.logToken.count)
        }
        for byte in rest.utf8 {
            guard let next = constraint.advance(state, token: Int32(byte)) else { return false }
            state = next
        }
        return constraint.advance(state, token: end) != nil
    }

    /// A random walk through the masks within `budget` tokens (the end token included),
    /// ending when allowed with probability 0.3; the bytes as the generator returns them.
    func walk(_ constraint: GrammarConstraint, budget: Int, rng: inout TableTestRNG) -> [UInt8] {
        var mask = TokenMask(count: tokens.count + 2)
        var state = constraint.startState
        var bytes: [UInt8] = []
        for step in 0..<budget {
            constraint.fillMask(&mask, state: state, remainingTokens: budget - step)
            let allowed = (0..<(tokens.count + 2)).filter { mask.contains($0) }
            precondition(!allowed.isEmpty, "dead end")
            if mask.contains(Int(end)) && (allowed.count == 1 || rng.chance(0.3)) { return bytes }
            let token = Int32(rng.pick(allowed.filter { $0 != Int(end) }))
            bytes += token == log ? Array(LogLineCodec.logToken.utf8) : tokens[Int(token)]
            state = constraint.advance(state, token: token)!
        }
        preconditionFailure("the budget ran out before the end token")
    }
}
