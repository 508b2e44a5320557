import Foundation
import GPT
import TensorCore
import XCTest

/// Synth's GPT against Hugging Face's GPT2LMHeadModel in PyTorch, through fixtures written
/// once by Tools/reference/make_gpt_fixtures.py: same weights, same batch; logits, loss and
/// every gradient must agree to 1e-4 (relative to each tensor's largest value).
final class PyTorchFixtureTests: XCTestCase {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func assertClose(_ actual: UnsafeBufferPointer<Float>, _ expected: [Float], _ what: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, what, file: file, line: line)
        let scale = max(expected.map(abs).max() ?? 0, 1e-6)
        var worst = 0 as Float, at = 0
        for i in 0..<min(actual.count, expected.count) where abs(actual[i] - expected[i]) > worst {
            worst = abs(actual[i] - expected[i]); at = i
        }
        XCTAssertLessThan(worst / scale, 1e-4, "\(what): element \(at) is \(actual[at]), PyTorch has \(expected[at])",
                          file: file, line: line)
    }

    func testLogitsLossAndGradientsMatchPyTorch() throws {
        let model = try Model.load(from: fixtures.appendingPathComponent("hf-tiny").path)
        XCTAssertEqual(model.config, ModelConfig(layers: 2, heads: 2, channels: 32, blockSize: 16, vocabularySize: 53))
        let expected = try readSafetensors(fixtures.appendingPathComponent("expected.safetensors").path)
        let tokens = expected["tokens"]!.values.map { Int32($0) }, targets = expected["targets"]!.values.map { Int32($0) }
        let (B, T) = (expected["tokens"]!.shape[0], expected["tokens"]!.shape[1])
        model.zeroGradients()
        let loss = try model.forward(tokens: tokens, targets: targets, batch: B, time: T)
        assertClose(UnsafeBufferPointer(start: model.logits!, count: B * T * 53), expected["logits"]!.values, "logits")
        XCTAssertEqual(loss, expected["loss"]!.values[0], accuracy: 1e-4 * abs(expected["loss"]!.values[0]))
        model.backward()
        var gradients = model.namedParameters()
        let offset = model.gradients.base - model.parameters.base
        for index in gradients.indices {
            gradients[index].values = UnsafeBufferPointer(start: gradients[index].values.baseAddress! + offset,
                                                          count: gradients[index].values.count)
            guard let reference = expected["grad." + gradients[index].name] else {
                XCTFail("no PyTorch gradient for \(gradients[index].name)")
                continue
            }
            assertClose(gradients[index].values, reference.values, "gradient of \(gradients[index].name)")
        }
    }

    func testSaveAndLoadRoundTrip() throws {
        let model = try Model(config: ModelConfig(layers: 2, heads: 2, channels: 16, blockSize: 8, vocabularySize: 11))
        model.initializeWeights(seed: 5)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("synth-gpt-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try model.save(to: directory)
        let loaded = try Model.load(from: directory)
        XCTAssertEqual(loaded.config, model.config)
        XCTAssertEqual(Array(UnsafeBufferPointer(start: loaded.parameters.base, count: loaded.parameters.count)),
                       Array(UnsafeBufferPointer(start: model.parameters.base, count: model.parameters.count)))
        // A truncated weights file and a config that does not fit are clear errors.
        let weights = directory + "/model.safetensors"
        let data = try Data(contentsOf: URL(fileURLWithPath: weights))
        try data.prefix(data.count - 100).write(to: URL(fileURLWithPath: weights))
        XCTAssertThrowsError(try Model.load(from: directory)) { XCTAssertTrue("\($0)".contains("model.safetensors"), "\($0)") }
        try data.write(to: URL(fileURLWithPath: weights))
        let config = directory + "/config.json"
        let text = try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(of: "\"vocab_size\" : 11", with: "\"vocab_size\" : 12")
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Model.load(from: directory)) { XCTAssertTrue("\($0)".contains("transformer.wte.weight"), "\($0)") }
    }
}
