import BPE
import Decoding
import Foundation
import GPT
import SynthKit
import TensorCore

/// Generation speed through the batched generator on a random-weight model: prefill
/// tokens/s (one prompt filling the context) and decode tokens/s at each batch size.
/// Decode time is that of `tokens` generated tokens minus that of one, so the prefill of
/// the 16-token prompts is not counted. With `saveBundle` the model is written there
/// first, for `Tools/bench/compare_decode.py` to time Hugging Face on the same weights.
func runGenerateSuite(preset: String, batches: [Int], tokens requested: Int?, precisions: [String], saveBundle: String?,
                      threads: [Int], reporter: inout Reporter) throws {
    let vocabulary = preset == "char" ? 256 : 8192
    guard let config = ModelConfig.preset(preset, vocabularySize: vocabulary) else {
        throw UsageError("unknown preset '\(preset)': expected \(ModelConfig.presetNames.joined(separator: ", "))")
    }
    let promptLength = 16
    let tokens = min(requested ?? (config.blockSize - promptLength), config.blockSize - promptLength)
    let tokenizer = try benchTokenizer(vocabularySize: vocabulary)
    for count in threads {
        let model = try Model(config: config, pool: ThreadPool(threadCount: count))
        model.initializeWeights(seed: 1)
        if let saveBundle {
            try model.save(to: saveBundle)
            try tokenizer.write(to: saveBundle + "/tokenizer.json")
        }
        // Prefill: one prompt as long as the context.
        let session = try InferenceSession(model: model, slots: 1, maxRows: config.blockSize)
        var rng = SplitMix(seed: 5)
        let prompt = (0..<config.blockSize).map { InferenceRow(slot: 0, position: $0, token: Int32(rng.next() % UInt64(vocabulary)),
                                                               wantsLogits: $0 == config.blockSize - 1) }
        let prefill = medianSeconds(runs: 5, minSeconds: 0.2) { _ = try? session.run(prompt) }
        reporter.emit(BenchRecord(suite: "generate", caseName: preset, threads: count, metric: "prefill",
                                  value: Double(config.blockSize) / prefill, unit: "tok/s",
                                  extra: [("batch", "1"), ("tokens", String(config.blockSize))]))
        for precision in precisions {
        // Half precision rounds the model's weights in place: give it its own copy.
        let decodingModel = precision == "f16" ? try model.copy() : model
        for batch in batches {
            let generator = try Generator(model: decodingModel, tokenizer: tokenizer, maxBatch: batch,
                                          halfPrecision: precision == "f16")
            func requests(_ maxTokens: Int) -> [GenerationRequest] {
                var rng = SplitMix(seed: 9)
                return (0..<batch).map { index in
                    GenerationRequest(prompt: (0..<promptLength).map { _ in Int32(rng.next() % UInt64(vocabulary)) },
                                      maxTokens: maxTokens, sampler: .standard(temperature: 1), seed: UInt64(index))
                }
            }
            let full = requests(tokens), single = requests(1)
            _ = try generator.generate(full)  // warm-up
            let long = medianSeconds(runs: 3, minSeconds: 0.5) { _ = try? generator.generate(full) }
            let short = medianSeconds(runs: 5, minSeconds: 0.2) { _ = try? generator.generate(single) }
            reporter.emit(BenchRecord(suite: "generate", caseName: precision == "f16" ? preset + " f16" : preset, threads: count,
                                      metric: "decode", value: Double(batch * (tokens - 1)) / max(long - short, 1e-9), unit: "tok/s",
                                      extra: [("batch", String(batch)), ("tokens", String(tokens)), ("precision", quoted(precision)),
                                              ("step_ms", String(format: "%.3f", (long - short) / Double(tokens - 1) * 1000))]))
        }
        }
    }
}

/// A tokenizer with exactly `vocabularySize` tokens and no special tokens (the merges join
/// arbitrary byte pairs: speed does not depend on what the tokens spell).
func benchTokenizer(vocabularySize: Int) throws -> Tokenizer {
    let merges = (0..<(vocabularySize - 256)).map { (Int32($0 % 256), Int32(($0 / 256) % 256)) }
    return try Tokenizer(pattern: .cl100k, merges: merges, specialTokens: [])
}
