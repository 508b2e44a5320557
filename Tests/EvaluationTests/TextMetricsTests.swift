@testable import Evaluation
import Foundation
import XCTest

/// Hand-computed values of the text figures' pieces on tiny inputs.
final class TextMetricsTests: XCTestCase {
    func testTokensAreWordRunsAndSinglePunctuation() {
        XCTAssertEqual(TextTokenizer.tokens("Hello, world!"), ["Hello", ",", "world", "!"])
        XCTAssertEqual(TextTokenizer.tokens("don't  foo_bar\t3.14"), ["don", "'", "t", "foo_bar", "3", ".", "14"])
        // Numbers of any kind are word characters (Python's isalnum); a combining mark is not.
        XCTAssertEqual(TextTokenizer.tokens("x² ½ Ⅻ ٣٤ 東京"), ["x²", "½", "Ⅻ", "٣٤", "東京"])
        XCTAssertEqual(TextTokenizer.tokens("e\u{301}t\u{e9}"), ["e", "\u{301}", "t\u{e9}"])
        // U+001C is Python whitespace, U+200B is not.
        XCTAssertEqual(TextTokenizer.tokens("a\u{1c}b\u{200b}c"), ["a", "b", "\u{200b}", "c"])
        XCTAssertEqual(TextTokenizer.tokens("  \n "), [])
    }

    func testPythonStringHelpers() {
        XCTAssertEqual(" \u{1f}a b\u{a0}\u{2003}".pythonStripped, "a b")
        XCTAssertEqual("a\u{1c}b  c\u{85}d".pythonWords, ["a", "b", "c", "d"])
        XCTAssertEqual("a\r\nb\rc\u{2028}d\n".pythonLines, ["a", "b", "c", "d"])
        XCTAssertEqual("\n\na".pythonLines, ["", "", "a"])
        XCTAssertNotEqual("\u{e9}".exactKey, "e\u{301}".exactKey)  // Swift's == says equal, Python's says not
    }

    func testPythonRandomMatchesCPython() {
        // random.Random(0).getrandbits(32) and .random() in CPython.
        var random = PythonRandom(seed: 0)
        XCTAssertEqual(random.next32(), 3_626_764_237)
        random = PythonRandom(seed: 0)
        let a = Double(random.next32() >> 5), b = Double(random.next32() >> 6)
        XCTAssertEqual((a * 67_108_864 + b) / 9_007_199_254_740_992, 0.8444218515250481)
        random = PythonRandom(seed: 0)
        XCTAssertEqual(random.sample(count: 10, 3), [6, 9, 0])
    }

    func testFsumIsExactlyRounded() {
        XCTAssertEqual(pythonFsum(Array(repeating: 0.1, count: 10)), 1.0)
        XCTAssertEqual(pythonFsum([1e100, 1.0, -1e100, 1e-100]), 1.0 + 1e-100)
        XCTAssertEqual(pythonFsum([]), 0)
    }

    func testHashTablesAgreeWithDictionaries() {
        var table = IDTable(capacity: 4)
        var reference: [UInt64: Int32] = [:]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let key = UInt64.random(in: 0..<5_000, using: &generator) << 32 | UInt64.random(in: 0..<3, using: &generator)
            let id = table.intern(key)
            if reference[key] == nil { reference[key] = Int32(reference.count) }
            XCTAssertEqual(id, reference[key])
        }
        XCTAssertEqual(table.count, reference.count)
        XCTAssertNil(table.find(UInt64.max))
        var tokens = TokenTable()
        let words = ["a", "é", "e\u{301}", "", "ab", "a", "é"].map { ArraySlice(Array($0.utf8)) }
        XCTAssertEqual(words.map { tokens.id($0) }, [0, 1, 2, 3, 4, 0, 1])
    }

    func testDistinctN() {
        var index = GramIndex()
        let units = [index.unit("a b a"), index.unit("a b")]
        XCTAssertEqual(GenericMetrics.distinct(units, order: 1), 2.0 / 5)
        XCTAssertEqual(GenericMetrics.distinct(units, order: 2), 2.0 / 3)
        XCTAssertEqual(GenericMetrics.distinct(units, order: 3), 1)
        XCTAssertEqual(GenericMetrics.distinct([], order: 1), 0)
    }

    func testTrainingMembershipOfNgrams() {
        var index = GramIndex()
        let unit = index.unit("x a b c d e f g h y b c")
        index.markTraining("a b c d e f g h i")
        index.markTraining("y b")
        XCTAssertEqual(unit.eightgrams.count(where: { index.isTraining(order: 8, $0) }), 1)  // "a b c d e f g h"
        XCTAssertEqual(unit.bigrams.count(where: { index.isTraining(order: 2, $0) }), 9)  // all but "x a", "h y"
        XCTAssertEqual(unit.trigrams.count(where: { index.isTraining(order: 3, $0) }), 6)  // "a b c" ... "f g h"
        XCTAssertEqual(unit.tokens.count(where: { index.isTraining(order: 1, $0) }), 11)  // all but "x"
    }

    func testKolmogorovSmirnovAndTotalVariation() {
        // CDF gaps at 1, 2, 3, 4, 5: 1/3, 2/3 - 1/4, 1 - 1/2, 1 - 3/4, 0.
        XCTAssertEqual(ksStatistic([1, 2, 3], [2, 3, 4, 5]), 0.5)
        XCTAssertEqual(ksStatistic([3, 1], [1, 3]), 0)
        XCTAssertNil(ksStatistic([], [1]))
        XCTAssertEqual(totalVariation(["a": 2, "b": 2], ["a": 1, "c": 3]), 0.75)
        XCTAssertEqual(totalVariation(["a": 1], [String: Int]()), 1)
    }

    func testNLTKSentenceBLEUWithSmoothingAndBrevity() {
        let a: Int32 = 0, b: Int32 = 1, c: Int32 = 2, d: Int32 = 3, x: Int32 = 4
        XCTAssertEqual(NLTKBLEU.sentenceBLEU([a, b, c, d], references: [[a, b, c, d]]), 1)
        // Three of four tokens: p4 has no 4-gram, smoothed to 0.1 / 1; brevity exp(1 - 4/3).
        XCTAssertEqual(NLTKBLEU.sentenceBLEU([a, b, c], references: [[a, b, c, d]]),
                       exp(1 - 4.0 / 3) * exp(0.25 * log(0.1)), accuracy: 1e-15)
        // Lengths 2 and 4 are equally near 3: the shorter counts, so no brevity penalty.
        XCTAssertEqual(NLTKBLEU.sentenceBLEU([a, b, c], references: [[a, b], [a, b, c, x]]), 0.5623413251903491)
        // Clipping: "a" counts once; bigrams 0/3, trigrams 0/2, 4-grams 0/1, each smoothed.
        XCTAssertEqual(NLTKBLEU.sentenceBLEU([a, a, a, a], references: [[a, b]]),
                       pow(0.25 * (0.1 / 3) * (0.1 / 2) * 0.1, 0.25), accuracy: 1e-15)
        XCTAssertEqual(NLTKBLEU.sentenceBLEU([x], references: [[a, b]]), 0)
    }

    func testSelfBLEUEqualsTheMeanOfSentenceBLEUs() {
        var index = GramIndex()
        var generator = SystemRandomNumberGenerator()
        let texts = (0..<40).map { _ in (0..<Int.random(in: 0...9, using: &generator)).map { _ in ["a", "b", "c", "d"].randomElement(using: &generator)! }.joined(separator: " ") }
        let units = texts.map { index.unit($0) }
        let nonEmpty = units.filter { !$0.tokens.isEmpty }
        let direct = nonEmpty.indices.map { i in
            NLTKBLEU.sentenceBLEU(nonEmpty[i].tokens, references: nonEmpty.indices.filter { $0 != i }.map { nonEmpty[$0].tokens })
        }.reduce(0, +) / Double(nonEmpty.count)
        XCTAssertEqual(NLTKBLEU.selfBLEU(units, samples: 500, seed: 0)!, direct, accuracy: 1e-12)
        XCTAssertNil(NLTKBLEU.selfBLEU([index.unit("only one")], samples: 500, seed: 0))
    }

    func testSacreBLEUTokensAndScores() {
        XCTAssertEqual(SacreBLEU.tokens("Hello, world."), ["Hello", ",", "world", "."])
        XCTAssertEqual(SacreBLEU.tokens("1,000.5 3-4 x-y &amp; (a)"), ["1,000.5", "3", "-", "4", "x-y", "&", "(", "a", ")"])
        // Sentence BLEU uses the effective order: three precisions of 100, brevity exp(1 - 4/3).
        let sum = 0 + log(100.0) + log(100.0) + log(100.0)
        XCTAssertEqual(SacreBLEU.sentenceBLEU("the cat sat", ["the cat sat on"]), exp(1 - 4.0 / 3) * exp(sum / 3))
        // Corpus BLEU does not: the missing 4-gram precision makes it 0.
        XCTAssertEqual(SacreBLEU.corpusBLEU(["the cat sat"], [["the cat sat on"]]), 0)
        // exp smoothing: no 4-gram match out of 2 counts 1/(2 * 2).
        XCTAssertEqual(SacreBLEU.sentenceBLEU("a b c d e", ["a b c x e"]), 42.72870063962342)
        XCTAssertEqual(SacreBLEU.sentenceBLEU("", ["a"]), 0)
    }

    func testDrainMinesTemplatesAndMatches() {
        var miner = DrainMiner()
        let ids = ["user alice logged in", "user bob logged in", "connection from 10.0.0.1 closed",
                   "connection from 10.0.0.2:22 closed", "disk full", "took 12 ms", "took -7.5 ms",
                   "a b c d e", "a x y z w"].map { miner.add($0) }
        XCTAssertEqual(ids, [1, 1, 2, 2, 3, 4, 4, 5, 6])  // "a x y z w" shares 1 token in 5: below 0.4
        XCTAssertEqual((1...6).map(miner.template), ["user <*> logged in", "connection from <IP> closed", "disk full",
                                                     "took <NUM> ms", "a b c d e", "a x y z w"])
        XCTAssertEqual(miner.match("user carol logged in"), 1)
        XCTAssertNil(miner.match("user carol logged out"))
        XCTAssertEqual(miner.match("connection from 1.2.3.4 closed"), 2)
        XCTAssertEqual(miner.match("took 0x1F ms"), nil)  // <HEX> is not <NUM>
        XCTAssertEqual(DrainMasker().mask("ip 1.2.3.4:80, v1.2 -5 x7 0xAB"), "ip <IP>, v1.<NUM> <NUM> x7 <HEX>")
    }

    func testHeaderFormatsCheckDatesWeekdaysAndFields() {
        let hdfs = LogHeaderParser(LogFormat.builtIn[0])
        let line = hdfs.parse("081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 terminating")
        XCTAssertTrue(line.parses)
        XCTAssertEqual(line.level, "INFO")
        XCTAssertEqual(line.component, "dfs.DataNode$PacketResponder")
        XCTAssertEqual(line.content, "PacketResponder 1 terminating")
        let november31 = hdfs.parse("081131 203615 148 INFO a.B: x")
        XCTAssertTrue(november31.matched)
        XCTAssertFalse(november31.parses)
        XCTAssertFalse(hdfs.parse("081109 203660 148 INFO a.B: second 60").parses)
        XCTAssertTrue(hdfs.parse("080229 000000 1 INFO a.B: leap day 2008").parses)
        let apache = LogHeaderParser(LogFormat.builtIn.first { $0.name == "Apache" }!)
        XCTAssertTrue(apache.parse("[Sun Dec 04 04:47:44 2005] [notice] ok").parses)
        XCTAssertFalse(apache.parse("[Mon Dec 04 04:47:44 2005] [notice] 4 December 2005 was a Sunday").parses)
        let ssh = LogHeaderParser(LogFormat.builtIn.first { $0.name == "OpenSSH" }!)
        XCTAssertTrue(ssh.parse("Dec  5 06:55:46 LabSZ sshd[24200]: x").parses)
        XCTAssertFalse(ssh.parse("Feb 29 06:55:46 LabSZ sshd[24200]: no year, so 1900: no 29 February").parses)
        XCTAssertLessThan(ssh.parse("Dec  5 06:55:46 h sshd[1]: x").timestamp!, ssh.parse("Dec  5 06:55:47 h sshd[1]: x").timestamp!)
    }

    func testGroundTruthTemplatesPreferTheMostLiteralText() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("text-gt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("t.csv")
        try "EventId,EventTemplate\nE1,<*>\nE2,Received block <*> of size <*>\nE3,\"Received  block <*>\"\n"
            .write(to: csv, atomically: true, encoding: .utf8)
        let templates = try GroundTruthTemplates(csv: csv.path)
        XCTAssertEqual(templates.eventIDs, ["E2", "E3", "E1"])
        XCTAssertEqual(templates.match("Received block blk_1 of size 5"), 0)
        XCTAssertEqual(templates.match("  Received \t block blk_1 "), 1)
        XCTAssertEqual(templates.match("anything\nat all"), 2)
    }

    // MARK: - End to end, and errors

    /// A directory of small files, removed afterwards.
    func files(_ contents: [String: [UInt8]]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("text-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        for (name, bytes) in contents { try Data(bytes).write(to: directory.appendingPathComponent(name)) }
        return directory
    }

    func testTextModeFiguresByHand() throws {
        let directory = try files([
            "train.txt": Array("a b c d e f g h\nq r\n".utf8),
            "heldout.txt": Array("a b\nq r s\n".utf8),
            "generated.txt": Array("a b c d e f g h\r\n\n  q r \nz z\n".utf8),
        ])
        let report = try TextEvaluation.evaluate(mode: .text, train: directory.appendingPathComponent("train.txt").path,
                                                 heldout: directory.appendingPathComponent("heldout.txt").path,
                                                 generated: directory.appendingPathComponent("generated.txt").path)
        let g = report.generated
        XCTAssertEqual(report.generatedEmptyLines, 1)
        XCTAssertEqual(report.kUnitsForDistinct, 2)  // min(3 generated, 2 held-out, 2000)
        XCTAssertEqual(g.units, 3)
        XCTAssertEqual(g.novelty, 1.0 / 3)  // "  q r " strips to a training line
        XCTAssertEqual(g.memorisation8gram, 1)  // the only 8-gram is a training one
        XCTAssertEqual(g.bigramsInTrain, 8.0 / 9)  // 7 + 1 of 7 + 1 + 1; "z z" is new
        XCTAssertEqual(g.meanTokens, 12.0 / 3)
        XCTAssertEqual(g.vocabTypes, 11)
        XCTAssertEqual(g.vocabTypesInTrain, 10.0 / 11)
        XCTAssertEqual(g.tokensInTrainVocab, 10.0 / 12)
        XCTAssertEqual(g.lengthKS!, 1.0 / 3, accuracy: 1e-15)  // lengths 8, 2, 2 against 2, 3: widest gap at 3
        XCTAssertEqual(report.heldout.lengthKS, 0)
    }

    func testErrorsNameTheFileAndLine() throws {
        let directory = try files([
            "train.log": Array("081109 203615 148 INFO a.B: ok\n".utf8),
            "bad.log": Array("081109 203615 148 INFO a.B: ok\n".utf8) + [0x66, 0xFF, 0x0A],
            "train.jsonl": Array("{\"turns\": []}\n\n{\"turns\": [1]}\n".utf8),
            "pairs.jsonl": Array("{\"source\": \"a\", \"paraphrase\": \"b\"}\n{\"source\": \"a\"}\n".utf8),
        ])
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        func error(_ body: () throws -> TextReport) -> TextEvaluationError? {
            do { _ = try body(); return nil } catch let error as TextEvaluationError { return error } catch { return nil }
        }
        XCTAssertEqual(error { try TextEvaluation.evaluate(mode: .logs, train: path("train.log"), heldout: path("train.log"), generated: path("bad.log")) },
                       .invalidUTF8(file: path("bad.log"), line: 2))
        XCTAssertEqual(error { try TextEvaluation.evaluate(mode: .logs, train: path("train.log"), heldout: path("train.log"), generated: path("train.log"), system: "Solaris") },
                       .unknownSystem("Solaris", known: LogFormat.builtInNames))
        if case let .noHeaderFormat(file, best, share)? = error({ try TextEvaluation.evaluate(mode: .logs, train: path("train.jsonl"), heldout: path("train.log"), generated: path("train.log")) }) {
            XCTAssertEqual(file, path("train.jsonl"))
            XCTAssertEqual(best, "HDFS")
            XCTAssertEqual(share, 0)
        } else {
            XCTFail("expected noHeaderFormat")
        }
        let missing = error { try TextEvaluation.evaluate(mode: .text, train: path("absent.txt"), heldout: path("train.log"), generated: path("train.log")) }
        guard case let .unreadableFile(file, _)? = missing else { return XCTFail("expected unreadableFile, got \(String(describing: missing))") }
        XCTAssertEqual(file, path("absent.txt"))
        let dialogue = error { try TextEvaluation.evaluate(mode: .dialogues, train: path("train.jsonl"), heldout: path("train.jsonl"), generated: path("train.jsonl")) }
        guard case let .malformedRecord(file2, line, expected)? = dialogue else { return XCTFail("expected malformedRecord") }
        XCTAssertEqual([file2, String(line)], [path("train.jsonl"), "3"])
        XCTAssertTrue(expected.contains("turn not an object"), expected)
        let pairs = error { try TextEvaluation.evaluate(mode: .paraphrases, train: path("pairs.jsonl"), heldout: path("pairs.jsonl"), generated: path("pairs.jsonl")) }
        XCTAssertEqual(pairs.map { "\($0)" }, "\(path("pairs.jsonl")):2: expected a JSON object with string fields \"source\" and \"paraphrase\"")
        XCTAssertEqual(error { try TextEvaluation.evaluate(mode: .text, train: path("train.log"), heldout: path("train.log"), generated: path("train.log"), samples: 1) },
                       .invalidOption("samples must be 2 or more (got 1)"))
    }
}
