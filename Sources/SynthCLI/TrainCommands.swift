import BPE
import Dispatch
import Foundation
import GPT
import SynthKit
import Synchronization
import TensorCore
import Training

struct PrepareCommand: Command {
    static let name = "prepare"
    static let summary = "Tokenize text files into training shards"
    static let help = """
    usage: synth prepare --input FILE... (--tokenizer FILE | --vocab-size N | --bytes) --out DIR
                         [--validation 0.1]

    Writes DIR/tokenizer.json, DIR/train.bin and DIR/val.bin (the last --validation share
    of the tokens). With --vocab-size a tokenizer is trained on the inputs first; --bytes
    uses one token per byte (character-level models).
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        let inputs = try arguments.values("--input")
        guard !inputs.isEmpty else { throw UsageError("--input FILE is required") }
        guard let out = try arguments.value("--out") else { throw UsageError("--out DIR is required") }
        let tokenizerPath = try arguments.value("--tokenizer")
        let vocabularySize = try arguments.integer("--vocab-size", in: 257...10_000_000)
        let bytes = arguments.flag("--bytes")
        let validationText = try arguments.value("--validation") ?? "0.1"
        try arguments.finish()
        guard let validation = Double(validationText), (0..<1).contains(validation) else {
            throw UsageError("--validation expects a fraction in [0, 1), got '\(validationText)'")
        }
        guard [tokenizerPath != nil, vocabularySize != nil, bytes].filter({ $0 }).count == 1 else {
            throw UsageError("give exactly one of --tokenizer FILE, --vocab-size N or --bytes")
        }
        let tokenizer: Tokenizer
        if let tokenizerPath {
            tokenizer = try Tokenizer.load(from: tokenizerPath)
        } else if let vocabularySize {
            tokenizer = try Trainer.train(files: inputs, options: TrainingOptions(vocabularySize: vocabularySize,
                                                                                  specialTokens: recordStructureTokens))
        } else {
            tokenizer = try Tokenizer.bytes(specialTokens: ["<|eos|>"])
        }
        let prepared = try prepareData(inputs: inputs, tokenizer: tokenizer, directory: out, validationFraction: validation,
                                       threads: ThreadPool.defaultThreadCount)
        printError("wrote \(out): \(prepared.trainTokens) training and \(prepared.validationTokens) validation tokens, vocabulary \(prepared.vocabularySize)")
        return ExitStatus.success
    }
}

/// Set by SIGINT or SIGTERM; the training loop saves a checkpoint and stops.
let stopRequested = Atomic<Bool>(false)

struct TrainCommand: Command {
    static let name = "train"
    static let summary = "Train a GPT on prepared shards, with checkpoints and exact resume"
    static let help = """
    usage: synth train --data DIR --out DIR [--preset tiny|char|small|base] [--steps N] [--batch N]
                       [--batch-tokens N] [--lr X] [--min-lr X] [--warmup N] [--weight-decay X]
                       [--eval-interval N] [--checkpoint-interval N] [--seed N] [--resume]

    Defaults are the shakespeare-char reference: preset char, 2000 steps, batch 12, lr 1e-3
    with 100 warmup steps decaying to 1e-4, AdamW betas 0.9/0.99, weight decay 0.1.
    Progress goes to standard error, every step to DIR/metrics.jsonl; checkpoints (a
    Hugging Face loadable bundle plus optimizer state) to DIR every --checkpoint-interval
    steps and at the end. Ctrl-C or SIGTERM saves a checkpoint and stops; --resume
    continues from DIR exactly as if never stopped.
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard let data = try arguments.value("--data") else { throw UsageError("--data DIR is required") }
        guard let out = try arguments.value("--out") else { throw UsageError("--out DIR is required") }
        let presetName = try arguments.value("--preset") ?? "char"
        var options = TrainOptions()
        options.steps = try arguments.integer("--steps", default: options.steps, in: 1...10_000_000)!
        options.batch = try arguments.integer("--batch", default: options.batch, in: 1...65_536)!
        options.batchTokens = try arguments.integer("--batch-tokens", in: 1...Int.max)
        options.learningRate = try float(&arguments, "--lr", options.learningRate)
        options.minimumLearningRate = try float(&arguments, "--min-lr", options.minimumLearningRate)
        options.warmup = try arguments.integer("--warmup", default: options.warmup, in: 0...10_000_000)!
        options.weightDecay = try float(&arguments, "--weight-decay", options.weightDecay)
        options.evalInterval = try arguments.integer("--eval-interval", default: options.evalInterval, in: 1...Int.max)!
        options.checkpointInterval = try arguments.integer("--checkpoint-interval", default: options.checkpointInterval, in: 1...Int.max)!
        options.seed = UInt64(try arguments.integer("--seed", default: 1, in: 0...Int.max)!)
        let resume = arguments.flag("--resume")
        try arguments.finish()

        let tokenizer = try Tokenizer.load(from: data + "/tokenizer.json")
        guard let config = ModelConfig.preset(presetName, vocabularySize: tokenizer.vocabularySize) else {
            throw UsageError("unknown preset '\(presetName)': expected \(ModelConfig.presetNames.joined(separator: ", "))")
        }
        let needed = Double(parameterCount(config) * 4 * 4 + options.batch * config.blockSize * config.channels * config.layers * 16 * 4)
        let physical = Double(ProcessInfo.processInfo.physicalMemory)
        guard needed < physical * 0.8 else {
            throw UsageError(String(format: "preset %@ with batch %d needs about %.1f GiB, more than this machine's %.1f GiB allows",
                                    presetName, options.batch, needed / 1_073_741_824, physical / 1_073_741_824))
        }
        let session = try TrainingSession(dataDirectory: data, outputDirectory: out, config: config, options: options,
                                          resume: resume)
        onInterrupt { _ in stopRequested.store(true, ordering: .relaxed) }
        printError("training \(presetName) (\(parameterCount(config)) parameters) from step \(session.step) to \(options.steps)")
        let interactive = isatty(2) != 0
        let interrupted = try session.run(report: { report in
            let validation = report.validationLoss.map { String(format: " val %.4f", $0) } ?? ""
            let line = String(format: "step %d/%d loss %.4f%@ lr %.2e %.0f tok/s ETA %.0fs", report.step, report.steps,
                              report.loss, validation, report.learningRate, report.tokensPerSecond, report.secondsLeft)
            if interactive {
                FileHandle.standardError.write(Data(("\r" + line + (report.validationLoss != nil ? "\n" : "")).utf8))
            } else if report.validationLoss != nil || report.step == report.steps {
                printError(line)
            }
        }, shouldStop: { stopRequested.load(ordering: .relaxed) })
        if interrupted {
            printError("\nstopped at step \(session.step); checkpoint in \(out) (continue with --resume)")
            return 130
        }
        printError("\ndone: checkpoint in \(out)")
        return ExitStatus.success
    }

    private static func float(_ arguments: inout Arguments, _ name: String, _ defaultValue: Float) throws -> Float {
        guard let text = try arguments.value(name) else { return defaultValue }
        guard let value = Float(text), value.isFinite, value >= 0 else {
            throw UsageError("\(name) expects a non-negative number, got '\(text)'")
        }
        return value
    }
}

struct LossCommand: Command {
    static let name = "loss"
    static let summary = "Mean cross-entropy of a model on a text file"
    static let help = """
    usage: synth loss --model DIR --input FILE

    Tokenizes FILE with the bundle's tokenizer, cuts it into blocks of the model's length
    (each block predicts its own next tokens) and prints the mean cross-entropy in nats:
    the figure to compare with PyTorch on the same bundle.
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard let directory = try arguments.value("--model") else { throw UsageError("--model DIR is required") }
        guard let input = try arguments.value("--input") else { throw UsageError("--input FILE is required") }
        try arguments.finish()
        let model = try Model.load(from: directory)
        let tokenizer = try Tokenizer.load(from: directory + "/tokenizer.json")
        guard let data = FileManager.default.contents(atPath: input) else {
            throw BPEError.unreadableFile(path: input, reason: "no such file or not readable")
        }
        let ids = try tokenizer.encodeLarge([UInt8](data), threads: ThreadPool.defaultThreadCount)
        let T = model.config.blockSize
        guard ids.count >= 2 else { throw UsageError("\(input) has fewer than 2 tokens") }
        var total = 0.0, counted = 0
        var start = 0
        while start + 1 < ids.count {
            let length = min(T, ids.count - 1 - start)
            let tokens = Array(ids[start..<(start + length)]), targets = Array(ids[(start + 1)...(start + length)])
            let loss = try model.forward(tokens: tokens, targets: targets, batch: 1, time: length)
            total += Double(loss) * Double(length)
            counted += length
            start += length
        }
        print(String(format: "%.6f", total / Double(counted)))
        return ExitStatus.success
    }
}
