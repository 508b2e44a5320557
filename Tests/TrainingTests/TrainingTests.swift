import BPE
import Foundation
import GPT
import TensorCore
@testable import Training
import XCTest

final class TrainingTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("synth-train-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    /// A small corpus with structure to learn, prepared with the bytes tokenizer.
    func prepare() throws -> (data: String, config: ModelConfig) {
        let corpus = directory + "/corpus.txt"
        let text = (0..<300).map { "the cat sat on mat \($0 % 7). " }.joined()
        try Data(text.utf8).write(to: URL(fileURLWithPath: corpus))
        let data = directory + "/data"
        let tokenizer = try Tokenizer.bytes(specialTokens: ["<|eos|>"])
        let prepared = try prepareData(inputs: [corpus], tokenizer: tokenizer, directory: data)
        XCTAssertEqual(prepared.trainTokens + prepared.validationTokens, text.utf8.count + 1)
        return (data, ModelConfig(layers: 2, heads: 2, channels: 32, blockSize: 16, vocabularySize: 257))
    }

    func options(steps: Int) -> TrainOptions {
        var options = TrainOptions()
        options.steps = steps
        options.batch = 4
        options.learningRate = 3e-3
        options.warmup = 5
        options.evalInterval = 10
        options.evalBatches = 2
        options.checkpointInterval = 1000
        return options
    }

    func testShardsRoundTripAndRejectTruncation() throws {
        let path = directory + "/ids.bin"
        let ids: [Int32] = [0, 1, 65535, 7, 300]
        for vocabulary in [300, 70_000] {
            try TokenShard.write(ids, vocabularySize: vocabulary, to: path)
            let shard = try TokenShard(path: path)
            XCTAssertEqual(shard.width, vocabulary > 65_536 ? 4 : 2)
            var read = [Int32](repeating: -1, count: 5)
            shard.read(from: 0, count: 5, into: &read)
            XCTAssertEqual(read, ids)
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count - 3).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try TokenShard(path: path)) { XCTAssertTrue("\($0)".contains("truncated"), "\($0)") }
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try TokenShard(path: path)) { XCTAssertTrue("\($0)".contains(path), "\($0)") }
    }

    func testLossFallsAndMetricsAreWritten() throws {
        let (data, config) = try prepare()
        let session = try TrainingSession(dataDirectory: data, outputDirectory: directory + "/run", config: config,
                                          options: options(steps: 150), resume: false)
        var reports: [StepReport] = []
        try session.run(report: { reports.append($0) })
        XCTAssertEqual(reports.count, 150)
        XCTAssertGreaterThan(reports[0].loss, 4.5, "starts near ln(257)")
        XCTAssertLessThan(reports.last!.validationLoss!, 1.2)
        let metrics = try String(contentsOfFile: directory + "/run/metrics.jsonl", encoding: .utf8)
        XCTAssertEqual(metrics.split(separator: "\n").count, 150)
        for file in ["model.safetensors", "config.json", "tokenizer.json", "optimizer.safetensors", "state.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/run/" + file), file)
        }
    }

    func testResumeReproducesAnUninterruptedRun() throws {
        let (data, config) = try prepare()
        var opts = options(steps: 20)
        opts.batchTokens = 2 * 4 * 16   // two micro-batches per step
        let straight = try TrainingSession(dataDirectory: data, outputDirectory: directory + "/straight", config: config,
                                           options: opts, resume: false)
        try straight.run(report: { _ in })
        // Interrupted after step 8, then resumed.
        let first = try TrainingSession(dataDirectory: data, outputDirectory: directory + "/resumed", config: config,
                                        options: opts, resume: false)
        let interrupted = try first.run(report: { _ in }, shouldStop: { first.step >= 8 })
        XCTAssertTrue(interrupted)
        let second = try TrainingSession(dataDirectory: data, outputDirectory: directory + "/resumed", config: config,
                                         options: opts, resume: true)
        XCTAssertEqual(second.step, 8)
        try second.run(report: { _ in })
        XCTAssertEqual(Array(UnsafeBufferPointer(start: second.model.parameters.base, count: second.model.parameters.count)),
                       Array(UnsafeBufferPointer(start: straight.model.parameters.base, count: straight.model.parameters.count)),
                       "resumed parameters equal the uninterrupted run's, bit for bit")
    }

    func testNonFiniteLossNamesTheStep() throws {
        let (data, config) = try prepare()
        let session = try TrainingSession(dataDirectory: data, outputDirectory: directory + "/nan", config: config,
                                          options: options(steps: 5), resume: false)
        for i in 0..<session.model.parameters.count { session.model.parameters.base[i] = .nan }
        XCTAssertThrowsError(try session.run(report: { _ in })) { error in
            XCTAssertEqual(error as? TrainingError, .nonFiniteLoss(step: 0, lastCheckpoint: nil))
        }
    }

    func testMismatchedVocabularyIsRejected() throws {
        let (data, _) = try prepare()
        let small = ModelConfig(layers: 1, heads: 1, channels: 8, blockSize: 16, vocabularySize: 100)
        XCTAssertThrowsError(try TrainingSession(dataDirectory: data, outputDirectory: directory + "/x", config: small,
                                                 options: options(steps: 1), resume: false)) {
            XCTAssertTrue("\($0)".contains("vocabulary of 100"), "\($0)")
        }
    }
}
