import Foundation
import XCTest

/// Runs the built `synth` executable as a user would: text in, text and exit status out.
final class CommandLineTests: XCTestCase {
    private func synth(_ arguments: [String], environment: [String: String] = [:]) throws
        -> (status: Int32, output: String, error: String) {
        try runSynthText(arguments, environment: environment)
    }

    private func synthBytes(_ arguments: [String], input: Data = Data(), environment: [String: String] = [:]) throws
        -> (status: Int32, output: Data, error: String) {
        try runSynth(arguments, input: input, environment: environment)
    }

    func testHelpListsCommands() throws {
        for flags in [[], ["--help"], ["help"]] {
            let result = try synth(flags)
            XCTAssertEqual(result.status, 0, "\(flags)")
            XCTAssertTrue(result.output.contains("usage: synth COMMAND"), result.output)
            XCTAssertTrue(result.output.contains("info"), result.output)
        }
        let info = try synth(["help", "info"])
        XCTAssertEqual(info.status, 0)
        XCTAssertTrue(info.output.hasPrefix("usage: synth info"), info.output)
        XCTAssertEqual(try synth(["info", "--help"]).output, info.output)
    }

    func testVersionNamesTheKernels() throws {
        for flags in [["--version"], ["version"]] {
            let result = try synth(flags)
            XCTAssertEqual(result.status, 0)
            XCTAssertTrue(result.output.hasPrefix("synth 0."), result.output)
            XCTAssertTrue(result.output.contains("native SIMD"), result.output)
        }
        let threads = try synth(["--version"], environment: ["SYNTH_THREADS": "3"])
        XCTAssertTrue(threads.output.contains("3 threads"), threads.output)
    }

    func testMistakesExitWithUsageStatus() throws {
        let unknown = try synth(["frobnicate"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.error.contains("unknown command 'frobnicate'"), unknown.error)
        let badOption = try synth(["version", "--bogus"])
        XCTAssertEqual(badOption.status, 2)
        XCTAssertTrue(badOption.error.contains("unknown option '--bogus'"), badOption.error)
        let badTopic = try synth(["help", "nothing"])
        XCTAssertEqual(badTopic.status, 2)
    }

    func testInfoSelfTestPasses() throws {
        let result = try synth(["info", "--json"], environment: ["SYNTH_THREADS": "2"])
        XCTAssertEqual(result.status, 0, result.error)
        let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        XCTAssertEqual(object?["threads"] as? Int, 2)
        XCTAssertLessThan(object?["gemm_max_error"] as? Double ?? 1, 1e-3)
    }

    func testTokenizerTrainEncodeDecodeConvert() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("synth-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let corpus = directory.appendingPathComponent("corpus.txt").path
        let lines = (0..<500).map { "order \($0 % 37) shipped to customer \($0 % 11); it's pending.\n" }
        try Data(lines.joined().utf8).write(to: URL(fileURLWithPath: corpus))
        let tokenizer = directory.appendingPathComponent("tok.json").path

        let train = try synth(["tokenizer", "train", "--input", corpus, "--vocab-size", "300", "--special", "<|eos|>",
                               "--out", tokenizer])
        XCTAssertEqual(train.status, 0, train.error)
        XCTAssertTrue(train.error.contains("wrote \(tokenizer)"), train.error)
        let info = try synth(["tokenizer", "info", "--tokenizer", tokenizer])
        XCTAssertTrue(info.output.contains("300 tokens") && info.output.contains("7 special") && info.output.contains("<|row|>"),
                      info.output)

        let text = Data("It's shipped! 日本 <|eos|>\n".utf8)
        for (encodeFlags, decodeFlags) in [([], []), (["--binary"], ["--binary"]), (["--allow-special"], [])] {
            let ids = try synthBytes(["tokenizer", "encode", "--tokenizer", tokenizer] + encodeFlags, input: text)
            XCTAssertEqual(ids.status, 0, ids.error)
            let back = try synthBytes(["tokenizer", "decode", "--tokenizer", tokenizer] + decodeFlags, input: ids.output)
            XCTAssertEqual(back.output, text, "flags \(encodeFlags)")
        }
        let withSpecial = try synth(["tokenizer", "encode", "--tokenizer", tokenizer, "--allow-special"])
        XCTAssertEqual(withSpecial.status, 0)

        // Round trip through the peers' formats.
        let hf = directory.appendingPathComponent("hf.json").path, tiktoken = directory.appendingPathComponent("t.tiktoken").path
        let back = directory.appendingPathComponent("back.json").path
        XCTAssertEqual(try synth(["tokenizer", "convert", "--input", tokenizer, "--to", "hf", "--out", hf]).status, 0)
        XCTAssertEqual(try synth(["tokenizer", "convert", "--input", hf, "--to", "tiktoken", "--out", tiktoken]).status, 0)
        XCTAssertEqual(try synth(["tokenizer", "convert", "--input", tiktoken, "--special", "<|eos|>", "--special", "<|row|>",
                                  "--special", "<|null|>", "--special", "<|dialog|>", "--special", "<|log|>",
                                  "--special", "<|src|>", "--special", "<|para|>", "--to", "synth",
                                  "--out", back]).status, 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: back)), try Data(contentsOf: URL(fileURLWithPath: tokenizer)))
    }

    func testTokenizerBadInputs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("synth-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let empty = directory.appendingPathComponent("empty.txt").path
        try Data().write(to: URL(fileURLWithPath: empty))
        let out = directory.appendingPathComponent("t.json").path

        let emptyCorpus = try synth(["tokenizer", "train", "--input", empty, "--vocab-size", "300", "--out", out])
        XCTAssertEqual(emptyCorpus.status, 1)
        XCTAssertTrue(emptyCorpus.error.contains(empty) && emptyCorpus.error.contains("empty"), emptyCorpus.error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing written on failure")

        let tooSmall = try synth(["tokenizer", "train", "--input", empty, "--vocab-size", "200", "--out", out])
        XCTAssertEqual(tooSmall.status, 1)
        XCTAssertTrue(tooSmall.error.contains("at least 263"), tooSmall.error)

        let missing = try synth(["tokenizer", "train", "--input", "/no/such/file.txt", "--vocab-size", "300", "--out", out])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.error.contains("/no/such/file.txt"), missing.error)

        let corrupt = directory.appendingPathComponent("corrupt.json").path
        try Data("{\"format\": \"synth-bpe\", \"version\": 1, \"pattern\": \"cl100k\", \"special_tokens\": [], \"merges\": [[1, 999]]}".utf8)
            .write(to: URL(fileURLWithPath: corrupt))
        let bad = try synth(["tokenizer", "info", "--tokenizer", corrupt])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.error.contains(corrupt) && bad.error.contains("merge 0"), bad.error)

        XCTAssertEqual(try synth(["tokenizer", "train", "--input", empty]).status, 2)
        XCTAssertEqual(try synth(["tokenizer", "frobnicate"]).status, 2)
        let badIds = try synthBytes(["tokenizer", "decode", "--tokenizer", corrupt], input: Data("1 2".utf8))
        XCTAssertEqual(badIds.status, 1)
    }

    func testPrepareTrainLossAndResume() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("synth-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let corpus = directory.appendingPathComponent("corpus.txt").path
        try Data((0..<400).map { "line \($0 % 9) of the log\n" }.joined().utf8).write(to: URL(fileURLWithPath: corpus))
        let data = directory.appendingPathComponent("data").path, run = directory.appendingPathComponent("run").path

        let prepare = try synth(["prepare", "--input", corpus, "--bytes", "--out", data])
        XCTAssertEqual(prepare.status, 0, prepare.error)
        let train = try synth(["train", "--data", data, "--out", run, "--preset", "tiny", "--steps", "30", "--batch", "4",
                               "--eval-interval", "10", "--warmup", "5"])
        XCTAssertEqual(train.status, 0, train.error)
        XCTAssertTrue(train.error.contains("step 30/30"), train.error)
        let metrics = try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8)
        XCTAssertEqual(metrics.split(separator: "\n").count, 30)
        let loss = try synth(["loss", "--model", run, "--input", corpus])
        XCTAssertEqual(loss.status, 0, loss.error)
        let value = Double(loss.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .nan
        XCTAssertTrue(value > 0 && value < log(257), "loss \(loss.output)")
        // Resuming a finished run does no more steps.
        let again = try synth(["train", "--data", data, "--out", run, "--preset", "tiny", "--steps", "30", "--batch", "4", "--resume"])
        XCTAssertEqual(again.status, 0, again.error)
        XCTAssertEqual(try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8), metrics)

        let missing = try synth(["train", "--data", directory.appendingPathComponent("nothing").path, "--out", run])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.error.contains("tokenizer.json"), missing.error)
        XCTAssertEqual(try synth(["train", "--data", data, "--out", run, "--preset", "huge"]).status, 2)
        let wrongResume = try synth(["train", "--data", data, "--out", run, "--preset", "char", "--resume"])
        XCTAssertEqual(wrongResume.status, 1, "a checkpoint of another preset is refused")
    }

    func testInterruptSavesACheckpointThatResumes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("synth-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let corpus = directory.appendingPathComponent("corpus.txt").path
        try Data((0..<400).map { "record \($0 % 13) ok\n" }.joined().utf8).write(to: URL(fileURLWithPath: corpus))
        let data = directory.appendingPathComponent("data").path, run = directory.appendingPathComponent("run").path
        XCTAssertEqual(try synth(["prepare", "--input", corpus, "--bytes", "--out", data]).status, 0)

        let executable = try XCTUnwrap(synthExecutable())
        let process = Process()
        process.executableURL = executable
        process.arguments = ["train", "--data", data, "--out", run, "--preset", "tiny", "--steps", "1000000", "--batch", "2",
                             "--checkpoint-interval", "1000000"]
        process.standardError = Pipe()
        try process.run()
        // Wait for training to be under way (metrics appear), then interrupt it.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && ((try? String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8)) ?? "").isEmpty {
            usleep(50_000)
        }
        process.interrupt()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130, "Ctrl-C stops with status 130")
        let state = try String(contentsOfFile: run + "/state.json", encoding: .utf8)
        let stepText = state.split(separator: ":")[1].split(separator: ",")[0].trimmingCharacters(in: .whitespaces)
        let stoppedAt = Int(stepText) ?? 0
        XCTAssertGreaterThan(stoppedAt, 0, state)
        let resumed = try synth(["train", "--data", data, "--out", run, "--preset", "tiny", "--steps", String(stoppedAt + 3),
                                 "--batch", "2", "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.error)
        XCTAssertTrue(resumed.error.contains("from step \(stoppedAt)"), resumed.error)
    }
}
