import Foundation
import XCTest

/// `synth generate` end to end: a tiny model trained once for the class, then constrained
/// samples checked with independent parsers (NSRegularExpression, JSONSerialization).
final class GenerateCommandTests: XCTestCase {
    nonisolated(unsafe) private static var directory: URL!
    nonisolated(unsafe) private static var model = ""
    nonisolated(unsafe) private static var setupError: String?

    override class func setUp() {
        super.setUp()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("synth-generate-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let corpus = directory.appendingPathComponent("corpus.txt").path
        let lines = (0..<300).map { "abc-\($0 % 90 + 10) {\"n\":\($0 % 9 + 1),\"c\":\"red\"}\n" }
        try? Data(lines.joined().utf8).write(to: URL(fileURLWithPath: corpus))
        let data = directory.appendingPathComponent("data").path
        model = directory.appendingPathComponent("run").path
        let prepare = try? runSynthText(["prepare", "--input", corpus, "--bytes", "--out", data])
        let train = try? runSynthText(["train", "--data", data, "--out", model, "--preset", "tiny", "--steps", "15", "--batch", "4",
                                   "--eval-interval", "100", "--warmup", "2"])
        if prepare?.status != 0 || train?.status != 0 {
            setupError = "could not train the test model: \(prepare?.error ?? "") \(train?.error ?? "")"
        }
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: directory)
        super.tearDown()
    }

    override func setUpWithError() throws {
        if let error = Self.setupError { throw SharedSetupFailure(description: error) }
    }

    private func synth(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        try runSynthText(arguments)
    }

    private func file(_ name: String, _ contents: String) throws -> String {
        let path = Self.directory.appendingPathComponent(name).path
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The JSONL lines as objects, failing on any line that is not one.
    private func records(_ output: String, file: StaticString = #filePath, line: UInt = #line) -> [[String: Any]] {
        output.split(separator: "\n").compactMap { text in
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            if object == nil { XCTFail("not a JSON object: \(text)", file: file, line: line) }
            return object
        }
    }

    private func fullMatch(_ pattern: String, _ text: String) -> Bool {
        let regex = try! NSRegularExpression(pattern: "^(?:" + pattern + ")$")
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    func testRegexSamplesMatchAndAreReproducible() throws {
        let pattern = "[a-z]{3}-[0-9]{2}"
        let arguments = ["generate", "--model", Self.model, "--regex", pattern, "--n", "20", "--format", "jsonl"]
        let first = try synth(arguments)
        XCTAssertEqual(first.status, 0, first.error)
        let samples = records(first.output)
        XCTAssertEqual(samples.count, 20)
        for (index, sample) in samples.enumerated() {
            let text = sample["text"] as? String ?? ""
            XCTAssertTrue(fullMatch(pattern, text), "sample \(index): \(text.debugDescription)")
            XCTAssertEqual(sample["prompt_index"] as? Int, 0)
            XCTAssertEqual(sample["sample"] as? Int, index, "request order")
            XCTAssertEqual(sample["finish"] as? String, "constraint")
            XCTAssertEqual(sample["tokens"] as? Int, 6, "one byte per token")
        }
        XCTAssertGreaterThan(Set(samples.map { $0["text"] as? String ?? "" }).count, 1, "seeds differ per sample")
        XCTAssertEqual(try synth(arguments).output, first.output, "same command, same samples")
        let otherBatch = try synth(arguments + ["--batch", "3"])
        XCTAssertEqual(otherBatch.output, first.output, "samples do not depend on the batch size")
        let otherSeed = try synth(arguments + ["--seed", "7"])
        XCTAssertNotEqual(otherSeed.output, first.output)
    }

    func testJSONSchemaSamplesSatisfyTheSchema() throws {
        let schema = try file("schema.json", """
        {"type": "object",
         "properties": {"n": {"type": "integer", "minimum": 1, "maximum": 9},
                        "c": {"enum": ["red", "green", "blue"]}},
         "required": ["n", "c"], "additionalProperties": false}
        """)
        for whitespace in ["compact", "flexible"] {
            let result = try synth(["generate", "--model", Self.model, "--json-schema", schema, "--json-whitespace", whitespace,
                                    "--n", "12", "--max-tokens", "64", "--format", "jsonl"])
            XCTAssertEqual(result.status, 0, result.error)
            let samples = records(result.output)
            XCTAssertEqual(samples.count, 12)
            for sample in samples {
                let text = sample["text"] as? String ?? ""
                guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
                    XCTFail("\(whitespace): not a JSON object: \(text.debugDescription)")
                    continue
                }
                XCTAssertEqual(Set(object.keys), ["n", "c"], text)
                let n = object["n"] as? Int ?? 0
                XCTAssertTrue((1...9).contains(n), text)
                XCTAssertTrue(["red", "green", "blue"].contains(object["c"] as? String ?? ""), text)
                if whitespace == "compact" { XCTAssertFalse(text.contains(" "), text) }
            }
        }
    }

    func testGrammarSamplesFollowTheGrammar() throws {
        let grammar = try file("list.gbnf", """
        root ::= item ("," item){0,3}
        item ::= [a-c]+ | "<" [0-9] ">"   # letters, or a digit in brackets
        """)
        let result = try synth(["generate", "--model", Self.model, "--grammar", grammar, "--n", "10", "--max-tokens", "30",
                                "--format", "jsonl"])
        XCTAssertEqual(result.status, 0, result.error)
        let samples = records(result.output)
        XCTAssertEqual(samples.count, 10)
        for sample in samples {
            let text = sample["text"] as? String ?? ""
            XCTAssertTrue(fullMatch("(?:[a-c]+|<[0-9]>)(?:,(?:[a-c]+|<[0-9]>)){0,3}", text), text.debugDescription)
            XCTAssertTrue(["end", "constraint", "length"].contains(sample["finish"] as? String ?? ""), "\(sample)")
        }
    }

    func testOutFileAndPromptsFile() throws {
        let prompts = try file("prompts.txt", "abc-\n\n")
        let out = Self.directory.appendingPathComponent("out/samples.jsonl").path
        try FileManager.default.createDirectory(atPath: Self.directory.appendingPathComponent("out").path,
                                                withIntermediateDirectories: true)
        let result = try synth(["generate", "--model", Self.model, "--prompts", prompts, "--n", "2", "--regex", "[0-9]{2}",
                                "--format", "jsonl", "--out", out])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertEqual(result.output, "", "samples go to the file only")
        XCTAssertTrue(result.error.contains("wrote \(out)"), result.error)
        let samples = records(try String(contentsOfFile: out, encoding: .utf8))
        XCTAssertEqual(samples.map { $0["prompt_index"] as? Int ?? -1 }, [0, 0, 1, 1])
        XCTAssertEqual(samples.map { $0["sample"] as? Int ?? -1 }, [0, 1, 0, 1])
        XCTAssertTrue(samples.allSatisfy { fullMatch("[0-9]{2}", $0["text"] as? String ?? "") }, "\(samples)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: Self.directory.appendingPathComponent("out").path),
                       ["samples.jsonl"], "no temporary file left")
    }

    func testStreamedTextEqualsBatchedText() throws {
        // One sequence in flight streams token by token; stop strings must still be cut.
        let arguments = ["generate", "--model", Self.model, "--n", "6", "--max-tokens", "40", "--stop", "c", "--stop", "\n"]
        let streamed = try synth(arguments + ["--batch", "1"])
        let batched = try synth(arguments + ["--batch", "4"])
        XCTAssertEqual(streamed.status, 0, streamed.error)
        XCTAssertEqual(batched.status, 0, batched.error)
        XCTAssertEqual(streamed.output, batched.output)
        XCTAssertEqual(streamed.output.split(separator: "\n", omittingEmptySubsequences: false).count, 7, "six samples, six newlines")
        XCTAssertFalse(streamed.output.contains("c"), "stop strings are removed")
    }

    func testMistakesAreClearErrors() throws {
        let model = Self.model
        let badRegex = try synth(["generate", "--model", model, "--regex", "[a-z]{3("])
        XCTAssertEqual(badRegex.status, 1)
        XCTAssertTrue(badRegex.error.contains("--regex") && badRegex.error.contains("column 8"), badRegex.error)

        let schema = try file("format.json", #"{"type": "string", "format": "email"}"#)
        let unsupported = try synth(["generate", "--model", model, "--json-schema", schema])
        XCTAssertEqual(unsupported.status, 1)
        XCTAssertTrue(unsupported.error.contains(schema) && unsupported.error.contains("format"), unsupported.error)

        let missing = Self.directory.appendingPathComponent("no-model").path
        let noModel = try synth(["generate", "--model", missing, "--regex", "a"])
        XCTAssertEqual(noModel.status, 1)
        XCTAssertTrue(noModel.error.contains(missing), noModel.error)

        let long = try synth(["generate", "--model", model, "--prompt", String(repeating: "x", count: 100)])
        XCTAssertEqual(long.status, 1)
        XCTAssertTrue(long.error.contains("100 tokens") && long.error.contains("context is 64"), long.error)

        let budget = try synth(["generate", "--model", model, "--regex", "[a-z]{20}", "--max-tokens", "5"])
        XCTAssertEqual(budget.status, 1)
        XCTAssertTrue(budget.error.contains("--max-tokens"), budget.error)

        let prompts = try file("bad-prompts.txt", "ok\n")
        try Data([0x6F, 0x6B, 0x0A, 0xFF, 0x0A]).write(to: URL(fileURLWithPath: prompts))
        let badPrompts = try synth(["generate", "--model", model, "--prompts", prompts])
        XCTAssertEqual(badPrompts.status, 1)
        XCTAssertTrue(badPrompts.error.contains("\(prompts) line 2"), badPrompts.error)

        for usage in [["--regex", "a", "--json-schema", schema], ["--n", "0"], ["--top-p", "1.5"], ["--temperature", "-1"],
                      ["--json-whitespace", "flexible"], ["--format", "csv"], ["--frobnicate"], ["--prompt", "a", "--prompts", prompts]] {
            let result = try synth(["generate", "--model", model] + usage)
            XCTAssertEqual(result.status, 2, "\(usage): \(result.error)")
            XCTAssertTrue(result.error.contains("usage: synth generate"), result.error)
        }
        XCTAssertEqual(try synth(["generate"]).status, 2, "--model is required")
    }

}
