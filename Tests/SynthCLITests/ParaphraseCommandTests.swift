import Foundation
import XCTest

/// `synth paraphrase fit` and `synth paraphrase generate` end to end: a tiny model fitted
/// once on generated pairs, then every output checked (one line, never its source, distinct
/// per source, k at most, input order) and the drop rules shown on a model that always
/// answers the same sentence.
final class ParaphraseCommandTests: XCTestCase {
    nonisolated(unsafe) private static var directory: URL!
    nonisolated(unsafe) private static var model = ""
    nonisolated(unsafe) private static var setupError: String?

    /// 120 pairs "The cat sat in Paris on Monday." / "On Monday, the cat sat in Paris.".
    static func pairsText() -> String {
        let subjects = ["The cat", "A friend", "The team", "My uncle", "The mayor", "Our neighbour"]
        let verbs = ["sat", "worked", "arrived", "slept", "spoke"]
        let places = ["in Paris", "at home", "in Lyon", "near the river"]
        let days = ["on Monday", "on Friday", "last week", "yesterday"]
        var lines: [String] = []
        for index in 0..<120 {
            let s = subjects[index % 6], v = verbs[index / 6 % 5], p = places[index / 30 % 4], d = days[(index * 7) % 4]
            let source = "\(s) \(v) \(p) \(d)."
            let paraphrase = "\(d.prefix(1).uppercased() + d.dropFirst()), \(s.prefix(1).lowercased() + s.dropFirst()) \(v) \(p)."
            lines.append("{\"source\": \"\(source)\", \"paraphrase\": \"\(paraphrase)\", \"id\": \"\(index)\"}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    override class func setUp() {
        super.setUp()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("synth-paraphrase-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pairs = directory.appendingPathComponent("pairs.jsonl").path
        try? Data(pairsText().utf8).write(to: URL(fileURLWithPath: pairs))
        model = directory.appendingPathComponent("model").path
        let fit = try? runSynthText(["paraphrase", "fit", "--input", pairs, "--out", model, "--preset", "tiny", "--steps", "60",
                                     "--batch", "8", "--seed", "4"])
        if fit?.status != 0 { setupError = "could not fit the test model: \(fit?.error ?? "synth did not run")" }
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: directory)
        super.tearDown()
    }

    override func setUpWithError() throws {
        if let error = Self.setupError { throw SharedSetupFailure(description: error) }
    }

    func path(_ name: String) -> String { Self.directory.appendingPathComponent(name).path }

    static func pairs(_ text: String) throws -> [(source: String, paraphrase: String)] {
        try text.split(separator: "\n").map { line in
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
            XCTAssertEqual(Set(object.keys), ["source", "paraphrase"])
            return (try XCTUnwrap(object["source"] as? String), try XCTUnwrap(object["paraphrase"] as? String))
        }
    }

    static func key(_ text: String) -> String { text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ") }

    func testFitTrainsBothDirections() throws {
        for file in ["model.safetensors", "config.json", "tokenizer.json", "paraphrase.json", "fingerprints.bin", "metrics.jsonl"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: Self.model + "/" + file), file)
        }
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.model + "/paraphrase.json"))) as? [String: Any])
        XCTAssertEqual(summary["pairs"] as? Int, 120)
        XCTAssertEqual(summary["validation_pairs"] as? Int, 6)
        XCTAssertEqual(summary["training_pairs"] as? Int, 114)
        // Fingerprints: 8-byte header, 8-byte count, then one per pair and direction.
        let fingerprints = try Data(contentsOf: URL(fileURLWithPath: Self.model + "/fingerprints.bin"))
        XCTAssertEqual(fingerprints.count, 16 + 240 * 8)
    }

    func testGeneratesKDistinctParaphrasesPerSentenceInOrder() throws {
        let input = path("sentences.txt")
        let sentences = ["The cat slept in Lyon on Friday.", "My uncle spoke near the river yesterday.", "A friend arrived at home last week."]
        try Data((sentences.joined(separator: "\n") + "\n\n").utf8).write(to: URL(fileURLWithPath: input))
        let out = path("paraphrases.jsonl")
        let result = try runSynthText(["paraphrase", "generate", "--model", Self.model, "--input", input, "--k", "3",
                                       "--diversity", "1", "--out", out, "--seed", "2"])
        XCTAssertEqual(result.status, 0, result.error)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        let pairs = try Self.pairs(text)
        XCTAssertTrue(result.error.contains("wrote \(out): \(pairs.count) paraphrases of 3 sentences"), result.error)
        XCTAssertGreaterThan(pairs.count, 0)
        // In input order, at most k each, never the source, never twice.
        XCTAssertEqual(pairs.map(\.source), pairs.map(\.source).sorted { sentences.firstIndex(of: $0)! < sentences.firstIndex(of: $1)! })
        for sentence in sentences {
            let mine = pairs.filter { $0.source == sentence }.map(\.paraphrase)
            XCTAssertLessThanOrEqual(mine.count, 3)
            XCTAssertEqual(Set(mine.map(Self.key)).count, mine.count, "distinct: \(mine)")
            for paraphrase in mine {
                XCTAssertNotEqual(Self.key(paraphrase), Self.key(sentence))
                XCTAssertFalse(paraphrase.isEmpty || paraphrase.contains("\n") || paraphrase.contains("<|") || paraphrase.hasPrefix(" "))
            }
        }
        if pairs.count < 9 { XCTAssertTrue(result.error.contains("got fewer than 3 distinct paraphrases"), result.error) }
        // JSONL input with "source", same seed: the same paraphrases, whatever the batch.
        let jsonl = path("sentences.jsonl")
        try Data(sentences.map { "{\"source\": \"\($0)\"}\n" }.joined().utf8).write(to: URL(fileURLWithPath: jsonl))
        let again = try runSynthText(["paraphrase", "generate", "--model", Self.model, "--input", jsonl, "--k", "3",
                                      "--diversity", "1", "--seed", "2", "--batch", "2"])
        XCTAssertEqual(again.status, 0, again.error)
        XCTAssertEqual(again.output, text)
    }

    func testDropsCopiesRepeatsAndTheSource() throws {
        // Every sentence is paired with "All is well.": the model learns to answer that.
        let pairs = path("same-pairs.jsonl")
        let lines = (0..<60).map { "{\"source\": \"Report number \($0) came in today.\", \"paraphrase\": \"All is well.\"}" }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: pairs))
        let bundle = path("same-model")
        let fit = try runSynthText(["paraphrase", "fit", "--input", pairs, "--out", bundle, "--preset", "tiny", "--steps", "200", "--batch", "8"])
        XCTAssertEqual(fit.status, 0, fit.error)
        let input = path("same-input.txt")
        try Data("Report number 3 came in today.\nReport number 99 came in today.\nall is  WELL.\n".utf8).write(to: URL(fileURLWithPath: input))
        // The copy bias off: this is about what the model answers on its own.
        let result = try runSynthText(["paraphrase", "generate", "--model", bundle, "--input", input, "--k", "2", "--diversity", "0",
                                       "--max-attempts", "6", "--copy-bias", "0"])
        XCTAssertEqual(result.status, 0, result.error)
        let written = try Self.pairs(result.output)
        // Line 1: "All is well." is a training pair; line 2: allowed once, then repeats.
        XCTAssertFalse(written.contains { $0.source.hasPrefix("Report number 3 ") && $0.paraphrase == "All is well." })
        XCTAssertEqual(written.filter { $0.source.hasPrefix("Report number 99 ") }.map(\.paraphrase).first, "All is well.")
        for pair in written { XCTAssertNotEqual(Self.key(pair.paraphrase), Self.key(pair.source)) }
        XCTAssertTrue(result.error.contains("got fewer than 2 distinct paraphrases"), result.error)
        XCTAssertTrue(result.error.contains("repeated"), result.error)
        let copies = try XCTUnwrap(result.error.range(of: #"(\d+) training pairs"#, options: .regularExpression).map { result.error[$0] })
        XCTAssertNotEqual(copies, "0 training pairs", result.error)
        // With the guard off, the training pair is written.
        let allowed = try runSynthText(["paraphrase", "generate", "--model", bundle, "--input", input, "--k", "1", "--diversity", "0",
                                        "--allow-copies", "--copy-bias", "0"])
        XCTAssertEqual(allowed.status, 0, allowed.error)
        XCTAssertTrue(try Self.pairs(allowed.output).contains { $0.source.hasPrefix("Report number 3 ") && $0.paraphrase == "All is well." },
                      allowed.output)
        // A copy bias far above the model's preference makes every attempt the source
        // itself, which is never written: the bias reaches the sampler and the source check
        // catches what it does.
        let copying = try runSynthText(["paraphrase", "generate", "--model", bundle, "--input", input, "--k", "1", "--diversity", "0",
                                        "--max-attempts", "4", "--copy-bias", "100"])
        XCTAssertEqual(copying.status, 0, copying.error)
        XCTAssertEqual(copying.output, "")
        XCTAssertTrue(copying.error.contains("dropped 12 equal to the source"), copying.error)
    }

    func testBadInputsFailClearly() throws {
        let empty = path("empty.jsonl")
        try Data().write(to: URL(fileURLWithPath: empty))
        let fit = try runSynthText(["paraphrase", "fit", "--input", empty, "--out", path("empty-model")])
        XCTAssertEqual(fit.status, 1)
        XCTAssertTrue(fit.error.contains("empty.jsonl: no pairs"), fit.error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("empty-model")))
        let malformed = path("malformed.jsonl")
        try Data("{\"source\": \"a\", \"paraphrase\": \"b\"}\n{\"source\": \"a\" \"paraphrase\": \"b\"}\n".utf8).write(to: URL(fileURLWithPath: malformed))
        let bad = try runSynthText(["paraphrase", "fit", "--input", malformed, "--out", path("bad-model")])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.error.contains("malformed.jsonl:2:16: malformed JSON"), bad.error)
        let invalid = path("invalid.txt")
        try Data([0x4F, 0x6B, 0x0A, 0x61, 0xE9, 0x0A]).write(to: URL(fileURLWithPath: invalid))
        let out = path("never.jsonl")
        let utf8 = try runSynthText(["paraphrase", "generate", "--model", Self.model, "--input", invalid, "--out", out])
        XCTAssertEqual(utf8.status, 1)
        XCTAssertTrue(utf8.error.contains("invalid.txt:2:2: not valid UTF-8"), utf8.error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        let reserved = path("reserved.txt")
        try Data("fine\nnot <|eos|> fine\n".utf8).write(to: URL(fileURLWithPath: reserved))
        let special = try runSynthText(["paraphrase", "generate", "--model", Self.model, "--input", reserved])
        XCTAssertEqual(special.status, 1)
        XCTAssertTrue(special.error.contains("reserved.txt:2: the text holds '<|'"), special.error)
        let diversity = try runSynthText(["paraphrase", "generate", "--model", Self.model, "--input", reserved, "--diversity", "2"])
        XCTAssertEqual(diversity.status, 2)
        XCTAssertTrue(diversity.error.contains("--diversity expects a number from 0 to 1"), diversity.error)
        for bad in ["-1", "nan", "lots"] {
            let copyBias = try runSynthText(["paraphrase", "generate", "--model", Self.model, "--input", reserved, "--copy-bias", bad])
            XCTAssertEqual(copyBias.status, 2)
            XCTAssertTrue(copyBias.error.contains("--copy-bias expects a number from 0 to 100, got '\(bad)'"), copyBias.error)
        }
        let verb = try runSynthText(["paraphrase", "sample"])
        XCTAssertEqual(verb.status, 2)
        let wrongKind = try runSynthText(["paraphrase", "generate", "--model", Self.model + "-none", "--input", reserved])
        XCTAssertEqual(wrongKind.status, 1)
    }
}
