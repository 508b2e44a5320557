@testable import GPT
import Foundation
import TensorCore
import XCTest

final class ModelTests: XCTestCase {
    let config = ModelConfig(layers: 2, heads: 2, channels: 16, blockSize: 8, vocabularySize: 23)

    func batch(_ seed: UInt64, count: Int) -> (tokens: [Int32], targets: [Int32]) {
        var rng = SplitMix(seed: seed)
        let tokens = (0..<count).map { _ in Int32(rng.next() % 23) }
        var targets = (0..<count).map { _ in Int32(rng.next() % 23) }
        targets[1] = -1   // an ignored position
        return (tokens, targets)
    }

    func testGradientsMatchFiniteDifferences() throws {
        let model = try Model(config: config, pool: ThreadPool(threadCount: 1))
        model.initializeWeights(seed: 1)
        // Larger weights than GPT-2's 0.02 make every path matter in the check.
        for i in 0..<model.parameters.count { model.parameters.base[i] *= 3 }
        let (B, T) = (2, 7)
        let (tokens, targets) = batch(2, count: B * T)
        model.zeroGradients()
        try model.forward(tokens: tokens, targets: targets, batch: B, time: T)
        model.backward()
        let analytic = Array(UnsafeBufferPointer(start: model.gradients.base, count: model.gradients.count))
        // Central differences in Float on a sample of every tensor.
        var checked = 0, worst = 0.0
        for tensor in parameterTensors(config) {
            let count = tensor.size * tensor.layers
            for k in stride(from: 0, to: count, by: max(1, count / 12)) {
                let index = tensor.offset + k
                let saved = model.parameters.base[index]
                let step: Float = 2e-3
                model.parameters.base[index] = saved + step
                let up = try model.forward(tokens: tokens, targets: targets, batch: B, time: T)
                model.parameters.base[index] = saved - step
                let down = try model.forward(tokens: tokens, targets: targets, batch: B, time: T)
                model.parameters.base[index] = saved
                let numeric = Double(up - down) / Double(2 * step)
                let error = abs(numeric - Double(analytic[index]))
                worst = max(worst, error / (1e-3 + abs(numeric)))
                XCTAssertLessThan(error, 2e-3 + 0.03 * abs(numeric),
                                  "\(tensor.name) element \(k): analytic \(analytic[index]), numeric \(numeric)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 150)
    }

    func testResultsDoNotDependOnThreadCount() throws {
        func run(_ threads: Int) throws -> (Float, [Float]) {
            let model = try Model(config: config, pool: ThreadPool(threadCount: threads))
            model.initializeWeights(seed: 3)
            let (tokens, targets) = batch(4, count: 4 * 8)
            model.zeroGradients()
            let loss = try model.forward(tokens: tokens, targets: targets, batch: 4, time: 8)
            model.backward()
            return (loss, Array(UnsafeBufferPointer(start: model.gradients.base, count: model.gradients.count)))
        }
        let one = try run(1), two = try run(2)
        XCTAssertEqual(one.0, two.0)
        XCTAssertEqual(one.1, two.1)
    }

    func testInitialLossIsNearUniformAndTrainingLowersIt() throws {
        let model = try Model(config: ModelConfig(layers: 2, heads: 2, channels: 32, blockSize: 16, vocabularySize: 12))
        model.initializeWeights(seed: 7)
        // A repeating pattern the model can learn exactly.
        let text = (0..<400).map { Int32([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11][$0 % 11]) }
        let (B, T) = (4, 16)
        func sample(_ step: Int) -> ([Int32], [Int32]) {
            var tokens: [Int32] = [], targets: [Int32] = []
            for b in 0..<B {
                let start = (step * 7 + b * 13) % (text.count - T - 1)
                tokens += text[start..<(start + T)]
                targets += text[(start + 1)...(start + T)]
            }
            return (tokens, targets)
        }
        let (t0, y0) = sample(0)
        let initial = try model.forward(tokens: t0, targets: y0, batch: B, time: T)
        XCTAssertEqual(initial, log(12), accuracy: 0.2, "a fresh model predicts close to uniform")
        let optimizer = try AdamW(config: model.config, weightDecay: 0)
        var loss = initial
        for step in 0..<150 {
            let (tokens, targets) = sample(step)
            model.zeroGradients()
            loss = try model.forward(tokens: tokens, targets: targets, batch: B, time: T)
            model.backward()
            clipGradients(model, maxNorm: 1)
            optimizer.update(model, learningRate: learningRate(step: step, warmup: 10, total: 150, maxRate: 3e-3, minRate: 3e-4))
        }
        XCTAssertLessThan(loss, 0.2, "the pattern is learnt")
    }

    func testBadInputs() throws {
        let model = try Model(config: config)
        var tokens = [Int32](repeating: 1, count: 9)
        XCTAssertThrowsError(try model.forward(tokens: tokens, targets: nil, batch: 1, time: 9)) {
            XCTAssertTrue("\($0)".contains("block size 8"), "\($0)")
        }
        tokens[3] = 23
        XCTAssertThrowsError(try model.forward(tokens: tokens, targets: nil, batch: 1, time: 8)) {
            XCTAssertTrue("\($0)".contains("position 3"), "\($0)")
        }
        XCTAssertThrowsError(try Model(config: ModelConfig(layers: 1, heads: 3, channels: 16, blockSize: 8, vocabularySize: 5)))
    }
}
