import Decoding
import Foundation
import Records
import XCTest

/// Paraphrase pairs as sequences and JSON, the single-line text they share with dialogues,
/// and the JSON Lines reader every text kind reads with.
final class ParaphraseCodecTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("paraphrase-codec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testSequenceShapeAndDecoding() throws {
        XCTAssertEqual(ParaphraseCodec.encode(source: "The stock rose.", paraphrase: "Shares gained."),
                       "<|src|>The stock rose.<|para|>Shares gained.<|eos|>")
        XCTAssertEqual(ParaphraseCodec.prompt(source: "a"), "<|src|>a<|para|>")
        XCTAssertEqual(try ParaphraseCodec.decode(Array("Shares gained.<|eos|>".utf8)), "Shares gained.")
        XCTAssertEqual(try ParaphraseCodec.decode(Array("a < b".utf8)), "a < b")
        XCTAssertThrowsError(try ParaphraseCodec.decode(Array("x<|para|>y".utf8))) {
            XCTAssertEqual($0 as? RecordSequenceError, RecordSequenceError(offset: 1, "a structure token inside the paraphrase"))
        }
        XCTAssertThrowsError(try ParaphraseCodec.decode([0x61, 0xC3]))
    }

    func testGrammarIsTheLineTextLanguage() throws {
        let vocabulary = TextRecordVocabulary(specialTokens: ParaphraseCodec.specialTokens)
        let constraint = try GrammarConstraint(grammar: ParaphraseCodec.grammar, trie: vocabulary.trie, endToken: vocabulary.endToken)
        let cases: [(String, Bool)] = [
            ("Shares gained 11 percent.", true), ("a", true), ("<", true), ("<<a", true), ("x <", true), ("\u{E9}t\u{E9}", true),
            ("tab\tinside", false), ("", false), (" lead", false), ("\u{A0}nbsp", false), ("trail ", true),
            ("two\nlines", false), ("cr\r", false), ("a<|b", false), ("<|", false), ("del\u{7F}", false), ("nel\u{85}", false),
            ("ps\u{2029}", false),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(vocabulary.accepts(constraint, text), expected, text.debugDescription)
            XCTAssertEqual(LineText.problem(text) == nil, expected, text.debugDescription)
        }
        // Random walks stay inside the language.
        var rng = TableTestRNG(seed: 3)
        for _ in 0..<100 {
            let bytes = vocabulary.sample(constraint, rng: &rng, endBias: 0.1, maxTokens: 40)
            let text = try XCTUnwrap(String(validating: bytes, as: UTF8.self))
            XCTAssertNil(LineText.problem(text), text.debugDescription)
        }
    }

    func testNormalisationAndComparison() {
        XCTAssertEqual(LineText.normalized("  Hello,\r\n\tworld!\u{2028}Bye \u{3000}"), "Hello,   world! Bye")
        XCTAssertEqual(LineText.normalized("\n \n"), "")
        XCTAssertEqual(LineText.comparisonKey("  The  Stock\trose. "), "the stock rose.")
        XCTAssertEqual(LineText.comparisonKey("the stock rose."), LineText.comparisonKey("The Stock   rose."))
        XCTAssertEqual(LineText.problem("a\u{1}b"), "the text holds the control character U+0001 (texts are single lines)")
    }

    func testPairsAndSourcesAreReadWithTheirLines() throws {
        let pairs = try file("pairs.jsonl", Array("""
            {"source": "A b.", "paraphrase": "B a.", "id": "1-2"}

            {"paraphrase": "y", "source": "x"}

            """.utf8))
        XCTAssertEqual(try ParaphrasePair.read(jsonLinesAt: pairs).map(\.line), [1, 3])
        XCTAssertEqual(try ParaphrasePair.read(jsonLinesAt: pairs).map(\.pair), [ParaphrasePair(source: "A b.", paraphrase: "B a."),
                                                                                 ParaphrasePair(source: "x", paraphrase: "y")])
        let missing = try file("missing.jsonl", Array("{\"source\": \"a\", \"paraphrase\": \"b\"}\n{\"source\": \"a\"}\n".utf8))
        XCTAssertThrowsError(try ParaphrasePair.read(jsonLinesAt: missing)) {
            XCTAssertEqual("\($0)", missing + #":2: expected a "paraphrase" member"#)
        }
        let typed = try file("typed.jsonl", Array("{\"source\": [1], \"paraphrase\": \"b\"}\n".utf8))
        XCTAssertThrowsError(try ParaphrasePair.read(jsonLinesAt: typed)) {
            XCTAssertEqual("\($0)", typed + #":1: expected "source" to be a string, found an array"#)
        }
        let text = try file("sentences.txt", Array("First one.\n\n  \nSecond one.\r\n".utf8))
        XCTAssertEqual(try ParaphrasePair.readSources(at: text).map { "\($0.line) \($0.text)" }, ["1 First one.", "4 Second one."])
        let jsonl = try file("sentences.jsonl", Array("{\"source\": \"S.\", \"paraphrase\": \"P.\"}\n".utf8))
        XCTAssertEqual(try ParaphrasePair.readSources(at: jsonl).map(\.text), ["S."])
        XCTAssertEqual(ParaphrasePair(source: "a\"", paraphrase: "b\n").jsonLine, #"{"source":"a\"","paraphrase":"b\n"}"#)
    }

    func testJSONLinesErrorsNameLineAndColumn() throws {
        let malformed = try file("bad.jsonl", Array("{\"a\": 1}\n{\"a\": 1,}\n".utf8))
        XCTAssertThrowsError(try JSONLinesReader(contentsOf: malformed).forEach { _, _ in }) {
            let error = $0 as? RecordFileError
            XCTAssertEqual(error?.line, 2)
            XCTAssertEqual(error?.column, 9)
            XCTAssertTrue("\($0)".hasPrefix(malformed + ":2:9: malformed JSON: expected a string key"), "\($0)")
        }
        var bytes = Array("{\"a\": \"ok\"}\n{\"a\": \"\u{E9}".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array("\"}\n".utf8)
        let invalid = try file("utf8.jsonl", bytes)
        XCTAssertThrowsError(try JSONLinesReader(contentsOf: invalid).forEach { _, _ in }) {
            XCTAssertEqual($0 as? RecordFileError, RecordFileError(file: invalid, line: 2, column: 9, "not valid UTF-8 (byte 0xC3); expected UTF-8 text"))
        }
        // A byte-order mark and CRLF endings are fine; two values on a line are not.
        let bom = try file("bom.jsonl", [0xEF, 0xBB, 0xBF] + Array("[1]\r\n[2]\r\n".utf8))
        var values: [String] = []
        try JSONLinesReader(contentsOf: bom).forEach { line, value in values.append("\(line):\(value.compactText)") }
        XCTAssertEqual(values, ["1:[1]", "2:[2]"])
        let two = try file("two.jsonl", Array("[1] [2]\n".utf8))
        XCTAssertThrowsError(try JSONLinesReader(contentsOf: two).forEach { _, _ in }) { XCTAssertEqual(($0 as? RecordFileError)?.line, 1) }
        XCTAssertThrowsError(try JSONLinesReader(contentsOf: directory.appendingPathComponent("none.jsonl").path)) {
            XCTAssertTrue("\($0)".hasSuffix("none.jsonl: cannot read: no such file or not readable"), "\($0)")
        }
    }
}
