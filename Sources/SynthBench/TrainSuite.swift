import Foundation
import GPT
import SynthKit
import TensorCore

/// Training throughput: forward, backward, clipping and an AdamW step on random tokens.
func runTrainSuite(preset: String, batch: Int?, steps: Int, threads: [Int], reporter: inout Reporter) throws {
    let vocabulary = preset == "char" ? 256 : 8192
    guard let config = ModelConfig.preset(preset, vocabularySize: vocabulary) else {
        throw UsageError("unknown preset '\(preset)': expected \(ModelConfig.presetNames.joined(separator: ", "))")
    }
    let B = batch ?? (preset == "char" ? 12 : 8), T = config.blockSize
    for count in threads {
        let model = try Model(config: config, pool: ThreadPool(threadCount: count))
        model.initializeWeights(seed: 1)
        let optimizer = try AdamW(config: config)
        var rng = SplitMix(seed: 2)
        let tokens = (0..<(B * T)).map { _ in Int32(rng.next() % UInt64(vocabulary)) }
        let targets = (0..<(B * T)).map { _ in Int32(rng.next() % UInt64(vocabulary)) }
        var times: [Double] = []
        for step in 0..<(steps + 2) {
            let start = now()
            model.zeroGradients()
            _ = try model.forward(tokens: tokens, targets: targets, batch: B, time: T)
            model.backward()
            clipGradients(model, maxNorm: 1)
            optimizer.update(model, learningRate: 1e-4)
            if step >= 2 { times.append(now() - start) }   // two warm-up steps
        }
        times.sort()
        let median = times[times.count / 2]
        reporter.emit(BenchRecord(suite: "train", caseName: "\(preset) B\(B) T\(T)", threads: count, metric: "tokens_per_s",
                                  value: Double(B * T) / median, unit: "tok/s",
                                  extra: [("step_ms", String(format: "%.2f", median * 1000)),
                                          ("parameters", String(parameterCount(config)))]))
    }
}

/// Fused against materialised attention, forward plus backward.
func runAttentionSuite(times: [Int], threads: [Int], reporter: inout Reporter) throws {
    let (B, C, NH) = (4, 384, 6)
    for T in times {
        let shape = AttentionShape(batch: B, time: T, channels: C, heads: NH)
        var rng = SplitMix(seed: 3)
        let qkv = (0..<(B * T * 3 * C)).map { _ in rng.nextFloat() - 0.5 }
        let dout = (0..<(B * T * C)).map { _ in rng.nextFloat() - 0.5 }
        var out = [Float](repeating: 0, count: B * T * C), lse = [Float](repeating: 0, count: B * NH * T)
        var dqkv = [Float](repeating: 0, count: B * T * 3 * C)
        var probabilities = [Float](repeating: 0, count: B * NH * T * T), scratch = [Float](repeating: 0, count: T)
        for count in threads {
            let pool = ThreadPool(threadCount: count)
            let fused = medianSeconds(runs: 5, minSeconds: 0.05) {
                attentionForward(out: &out, logSumExp: &lse, qkv: qkv, shape: shape, pool: pool)
                attentionBackward(dqkv: &dqkv, dout: dout, out: out, logSumExp: lse, qkv: qkv, shape: shape, pool: pool)
            }
            let plain = medianSeconds(runs: 5, minSeconds: 0.05) {
                attentionForwardMaterialized(out: &out, probabilities: &probabilities, qkv: qkv, shape: shape)
                attentionBackwardMaterialized(dqkv: &dqkv, dout: dout, probabilities: probabilities, qkv: qkv, shape: shape,
                                              scratch: &scratch)
            }
            let name = "B\(B) T\(T) C\(C) NH\(NH)"
            reporter.emit(BenchRecord(suite: "attention", caseName: "fused " + name, threads: count, metric: "fwd_bwd_ms",
                                      value: fused * 1000, unit: "ms"))
            reporter.emit(BenchRecord(suite: "attention", caseName: "materialized " + name, threads: count, metric: "fwd_bwd_ms",
                                      value: plain * 1000, unit: "ms", extra: [("note", "\"single-threaded reference\"")]))
        }
    }
}
