import Foundation
import SynthKit
import TensorCore

let usage = """
usage: synth-bench SUITE [--threads N] [--json] [options]

Suites:
  gemm       GFLOP/s of the GEMM on the GPT shapes (median of 5 runs)
             [--quick] only (1024,1024,1024) and the decode shapes
  peak       the machine's FMA peak, GFLOP/s per thread count
  kernels    GB/s of layer norm, GELU, softmax, cross-entropy next to a plain copy
  train      training tokens/s (forward, backward, AdamW) [--preset char|small] [--batch N] [--steps N]
  attention  fused against materialised attention, forward+backward ms [--T 64,256,1024]
  generate   prefill and decode tokens/s through the batched generator, random weights
             [--preset char|small] [--batch 1,32] [--tokens N] [--precision f32,f16] [--save-bundle DIR]
             (f16: weights in half precision for one- and two-sequence decoding)
  tokenizer  BPE training time and peak memory, encode MB/s (1 thread and all)
             [--input FILE] [--repeat N] [--vocab N,N] [--save DIR]
             (default: ../shared/corpora/tinyshakespeare/input.txt, vocab 8192,32768)
  constrain  constrained decoding, one thread: trie build, compile (and with precompute) ms,
             first mask, per-token mask and advance us, for a JSON Schema and a regex; then
             invalid outputs among --samples constrained samples of a random tiny model
             --tokenizer FILE [--schema FILE] [--regex FILE] [--samples N] [--walks N]
             [--samples-file FILE] (JSON lines with case and text, e.g. compare_decode.py
             --save-samples; default: N seeded random walks through the constraint)
             (default: ../shared/bench/adult_row.schema.json, ../shared/bench/access_log.regex,
             --samples 1000, --walks 200)

Every suite prints a table, or with --json one JSON object per line with
suite, case, threads, metric, value, unit (and suite-specific fields).
--threads N runs with N threads (default: SYNTH_THREADS or all cores);
--threads all runs 1 thread, then all cores.
"""

func threadCounts(_ arguments: inout Arguments) throws -> [Int] {
    guard let text = try arguments.value("--threads") else { return [ThreadPool.defaultThreadCount] }
    if text == "all" {
        let cores = ThreadPool.defaultThreadCount
        return cores > 1 ? [1, cores] : [1]
    }
    guard let count = Int(text), count >= 1, count <= 256 else {
        throw UsageError("--threads expects a positive integer or 'all', got '\(text)'")
    }
    return [count]
}

func main() -> Int32 {
    var arguments = Arguments(Array(CommandLine.arguments.dropFirst()))
    if arguments.remaining.isEmpty || arguments.flag("--help") || arguments.flag("-h") {
        print(usage)
        return arguments.remaining.isEmpty ? 0 : 0
    }
    do {
        let suite = arguments.next()!
        let json = arguments.flag("--json")
        let threads = try threadCounts(&arguments)
        var reporter = Reporter(json: json)
        switch suite {
        case "gemm":
            let quick = arguments.flag("--quick")
            try arguments.finish()
            runGEMMSuite(threads: threads, quick: quick, reporter: &reporter)
        case "peak":
            try arguments.finish()
            runPeakSuite(threads: threads, reporter: &reporter)
        case "kernels":
            try arguments.finish()
            try runKernelSuite(threads: threads, reporter: &reporter)
        case "train":
            let preset = try arguments.value("--preset") ?? "char"
            let batch = try arguments.integer("--batch", in: 1...4096)
            let steps = try arguments.integer("--steps", default: 10, in: 1...100_000)!
            try arguments.finish()
            try runTrainSuite(preset: preset, batch: batch, steps: steps, threads: threads, reporter: &reporter)
        case "attention":
            let times = try (arguments.value("--T") ?? "64,256,1024").split(separator: ",").map { text -> Int in
                guard let value = Int(text), value > 0 else { throw UsageError("--T expects lengths like 64,256") }
                return value
            }
            try arguments.finish()
            try runAttentionSuite(times: times, threads: threads, reporter: &reporter)
        case "generate":
            let preset = try arguments.value("--preset") ?? "small"
            let batches = try (arguments.value("--batch") ?? "1,32").split(separator: ",").map { text -> Int in
                guard let value = Int(text), value > 0, value <= 256 else { throw UsageError("--batch expects sizes like 1,32") }
                return value
            }
            let tokens = try arguments.integer("--tokens", in: 2...100_000)
            let saveBundle = try arguments.value("--save-bundle")
            let precisions = (try arguments.value("--precision") ?? "f32,f16").split(separator: ",").map(String.init)
            guard precisions.allSatisfy({ ["f32", "f16"].contains($0) }) else { throw UsageError("--precision expects f32, f16 or both") }
            try arguments.finish()
            try runGenerateSuite(preset: preset, batches: batches, tokens: tokens, precisions: precisions, saveBundle: saveBundle,
                                 threads: threads, reporter: &reporter)
        case "tokenizer":
            let input = try arguments.value("--input") ?? "../shared/corpora/tinyshakespeare/input.txt"
            let repeats = try arguments.integer("--repeat", default: 1, in: 1...1000)!
            let vocabularies = try (arguments.value("--vocab") ?? "8192,32768").split(separator: ",").map { text -> Int in
                guard let value = Int(text), value >= 256 else { throw UsageError("--vocab expects sizes like 8192,32768") }
                return value
            }
            let save = try arguments.value("--save")
            try arguments.finish()
            let counts = threads.count > 1 ? threads : Array(Set([1] + threads)).sorted()
            try runTokenizerSuite(input: input, repeats: repeats, vocabularies: vocabularies, threads: counts,
                                  saveDirectory: save, reporter: &reporter)
        case "constrain":
            guard let tokenizer = try arguments.value("--tokenizer") else {
                throw UsageError("constrain needs --tokenizer FILE (a Synth tokenizer.json)")
            }
            let schema = try arguments.value("--schema") ?? "../shared/bench/adult_row.schema.json"
            let regex = try arguments.value("--regex") ?? "../shared/bench/access_log.regex"
            let samplesFile = try arguments.value("--samples-file")
            let samples = try arguments.integer("--samples", default: 1000, in: 0...1_000_000)!
            let walks = try arguments.integer("--walks", default: 200, in: 1...1_000_000)!
            try arguments.finish()
            try runConstrainSuite(tokenizerPath: tokenizer, schemaPath: schema, regexPath: regex, samplesFile: samplesFile,
                                  walks: walks, samples: samples, threads: threads[0], reporter: &reporter)
        default:
            throw UsageError("unknown suite '\(suite)'")
        }
        if !json { FileHandle.standardError.write(Data("build: \(SynthInfo.buildSummary)\n".utf8)) }
        return 0
    } catch let error as UsageError {
        FileHandle.standardError.write(Data("synth-bench: \(error)\n\n\(usage)\n".utf8))
        return 2
    } catch {
        FileHandle.standardError.write(Data("synth-bench: \(error)\n".utf8))
        return 1
    }
}

exit(main())
