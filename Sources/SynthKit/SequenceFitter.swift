// The part of every `fit` job that does not depend on the kind of record: record
// sequences in, a trained bundle's model and tokenizer out.
//
//   BPE on the record texts (structure tokens kept whole)
//   ─► token shards ─► a model sized to the data, a step count sized to the time budget
//   ─► training with validation-based early stopping, the best model kept
//
// Each kind (tables, logs, dialogues, paraphrases) turns its records into sequence texts
// with its codec, calls ``SequenceFitter/fit(_:into:options:events:shouldStop:)`` on a
// working directory, adds its own files (schema, fingerprints, a summary) and moves the
// directory into place with ``replaceDirectory(_:with:)``.
//
// Why these choices:
// - The number of steps comes from a short timing of the real step on this machine, so
//   the cosine schedule ends when the time budget does instead of being cut off midway.
// - Validation loss every ~1/30 of the run and a patience of a few evaluations: small
//   corpora overfit quickly, and the best model (not the last) is what is kept.

import BPE
import Foundation
import GPT
import TensorCore
import Training

/// Settings of the training part of every `fit`; each has a default sized from the data.
public struct ModelFitOptions: Sendable {
    /// `auto` (sized to the data) or a GPT preset name (`tiny`, `char`, `small`); the
    /// block size always comes from the records.
    public var preset = "auto"
    /// Optimizer steps; nil sizes them to the data and the time limit.
    public var steps: Int?
    /// Seconds of training at most (the tokenizer and shards come before).
    public var timeLimit: Double = 480
    public var seed: UInt64 = 1
    /// Threads for training; nil for the default pool.
    public var threads: Int?
    /// Sequences per forward pass.
    public var batch = 32
    /// Evaluations without improvement before training stops.
    public var patience = 6
    public var learningRate: Float = 2e-3
    /// Passes over the training tokens at most, when the steps are sized automatically.
    public var maxEpochs: Double = 12
    /// The widest model `auto` may choose (heads of 32 channels); nil for no cap. A kind
    /// whose users sample by the thousand trades a little quality for speed here.
    public var autoChannelLimit: Int?

    public init() {}

    /// The names `--preset` accepts.
    public static let presets = ["auto", "tiny", "char", "small"]
}

/// What happened during a fit, for progress displays.
public enum FitEvent {
    /// A stage finished (reading, tokenizer, shards, model).
    case message(String)
    /// One optimizer step; `best` is set when its validation loss is the best so far.
    case step(StepReport, best: Bool)
}

/// Record sequences ready for training: texts with their structure tokens, each one
/// record (or one view of a record), in training order.
public struct SequenceCorpus {
    /// Structure tokens: each becomes one token and is never merged.
    public var specialTokens: [String]
    /// The texts BPE learns merges from: the spans between structure tokens (a structure
    /// token inside would be learned as bytes).
    public var tokenizerTexts: [[UInt8]]
    /// Merges to learn at most.
    public var merges: Int
    public var pattern: SplitPattern
    /// Training sequences, in the order they are streamed (shuffle them first).
    public var training: [String]
    /// Validation sequences (records held out from training); may be empty.
    public var validation: [String]
    /// How many sequences of `training` show the same record (table rows appear in several
    /// column orders); the model is sized by the tokens of one view.
    public var viewsPerRecord = 1
    /// Where the records came from, for error messages.
    public var source: String

    public init(specialTokens: [String], tokenizerTexts: [[UInt8]], merges: Int, pattern: SplitPattern = .cl100k,
                training: [String], validation: [String], viewsPerRecord: Int = 1, source: String) {
        self.specialTokens = specialTokens
        self.tokenizerTexts = tokenizerTexts
        self.merges = merges
        self.pattern = pattern
        self.training = training
        self.validation = validation
        self.viewsPerRecord = viewsPerRecord
        self.source = source
    }
}

/// What the training part of a fit produced.
public struct SequenceFitReport: Sendable {
    public var vocabularySize: Int
    public var config: ModelConfig
    public var parameters: Int
    public var trainingTokens: Int
    /// Tokens of the longest sequence.
    public var longestSequence: Int
    public var plannedSteps: Int
    public var stepsRun: Int
    public var bestStep: Int
    public var bestValidationLoss: Float?
    /// Why training ended: `steps`, `early stop`, `time limit` or `interrupted`.
    public var stopReason: String
}

public enum SequenceFitter {
    /// Trains a tokenizer and a model on `corpus` and writes `model.safetensors`,
    /// `config.json`, `tokenizer.json` and `metrics.jsonl` into `directory` (which must
    /// exist). `shouldStop` is polled after every step (Ctrl-C): training then ends and the
    /// best model so far is what `directory` holds.
    public static func fit(_ corpus: SequenceCorpus, into directory: String, options: ModelFitOptions,
                           events: (FitEvent) -> Void = { _ in },
                           shouldStop: () -> Bool = { false }) throws -> (SequenceFitReport, Tokenizer) {
        let pool = options.threads.map { ThreadPool(threadCount: $0) } ?? .shared
        guard !corpus.training.isEmpty else { throw JobError("\(corpus.source): no records to train on") }

        // 1. Tokenizer.
        let texts = corpus.tokenizerTexts.isEmpty ? [[0x30]] : corpus.tokenizerTexts  // nothing but structure: bytes will do
        let tokenizer = try Trainer.train(texts: texts, options: TrainingOptions(
            vocabularySize: 256 + corpus.specialTokens.count + corpus.merges, minimumFrequency: 2,
            pattern: corpus.pattern, specialTokens: corpus.specialTokens))
        events(.message("tokenizer: \(tokenizer.vocabularySize) tokens (\(tokenizer.mergeableCount - 256) merges, \(corpus.specialTokens.count) structure tokens)"))

        // 2. Token shards.
        let data = directory + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(atPath: data)
            try? FileManager.default.removeItem(atPath: directory + "/run")
        }
        let allowed = Set(corpus.specialTokens)
        var encoder = tokenizer.makeEncoder()
        var longest = 0
        func encode(_ sequences: [String]) throws -> [Int32] {
            var ids: [Int32] = []
            for text in sequences {
                let sequence = try encoder.encode(Array(text.utf8), allowedSpecial: allowed)
                longest = max(longest, sequence.count)
                ids.append(contentsOf: sequence)
            }
            return ids
        }
        let trainIds = try encode(corpus.training)
        let validationIds = try encode(corpus.validation)
        // A sample: the <|eos|> prompt, up to `longest - 1` tokens, then <|eos|>; the slack
        // lets a sample be longer than any training record (a constraint still ends it).
        let blockSize = min(1024, ((longest + longest / 4 + 4) + 15) / 16 * 16)
        try tokenizer.write(to: data + "/tokenizer.json")
        guard trainIds.count > blockSize + 1 else {
            throw JobError("\(corpus.source): \(trainIds.count) training tokens, fewer than one block of \(blockSize); give more records")
        }
        try TokenShard.write(trainIds, vocabularySize: tokenizer.vocabularySize, to: data + "/train.bin")
        let hasValidation = validationIds.count > blockSize + 1
        if hasValidation {
            try TokenShard.write(validationIds, vocabularySize: tokenizer.vocabularySize, to: data + "/val.bin")
        }
        events(.message(String(format: "sequences: %d for training = %d tokens (longest %d), %d for validation%@",
                               corpus.training.count, trainIds.count, longest, corpus.validation.count,
                               hasValidation ? "" : " (too few to validate: no early stopping)")))

        // 3. The model and the schedule.
        let config = try modelConfig(options.preset, channelLimit: options.autoChannelLimit,
                                     tokensPerView: trainIds.count / max(1, corpus.viewsPerRecord),
                                     vocabularySize: tokenizer.vocabularySize, blockSize: blockSize)
        let batch = options.batch
        let tokensPerStep = batch * blockSize
        let stepSeconds = try timeStep(config: config, batch: batch, pool: pool, seed: options.seed)
        var train = TrainOptions()
        train.batch = batch
        train.learningRate = options.learningRate
        train.minimumLearningRate = options.learningRate / 10
        train.seed = options.seed
        train.evalBatches = 8
        if let steps = options.steps {
            train.steps = steps
        } else {
            // At most `maxEpochs` passes; at most what the time limit allows (steps, plus
            // validation: evalBatches forwards every evalInterval steps).
            let byData = Int(options.maxEpochs * Double(trainIds.count) / Double(tokensPerStep))
            let byTime = Int(options.timeLimit / (stepSeconds * 1.12))
            train.steps = max(50, min(byData, byTime))
        }
        train.evalInterval = max(10, train.steps / 30)
        train.warmup = min(100, train.steps / 10)
        train.checkpointInterval = Int.max / 2
        events(.message(String(format: "model: %d layers, %d heads, %d wide, block %d, %d parameters; %d steps of %d x %d tokens (about %.2f s each)",
                               config.layers, config.heads, config.channels, config.blockSize, parameterCount(config),
                               train.steps, batch, blockSize, stepSeconds)))

        // 4. Training with early stopping; the best model goes straight into `directory`.
        let session = try TrainingSession(dataDirectory: data, outputDirectory: directory + "/run", config: config,
                                          options: train, resume: false, pool: pool)
        var best: Float = .infinity, bestStep = 0, stale = 0
        var stopReason = "steps", saveError: Error?
        let trainingStart = Date()
        var stopNow = false
        try session.run(report: { report in
            var improved = false
            if let loss = report.validationLoss {
                if loss < best - 1e-4 {
                    best = loss
                    bestStep = report.step
                    stale = 0
                    improved = true
                    do { try session.model.save(to: directory) } catch { saveError = error }
                } else {
                    stale += 1
                    if stale >= options.patience && report.step < report.steps {
                        stopReason = "early stop"
                        stopNow = true
                    }
                }
            }
            events(.step(report, best: improved))
        }, shouldStop: {
            if saveError != nil || stopNow { return true }
            if Date().timeIntervalSince(trainingStart) > options.timeLimit {
                stopReason = "time limit"
                return true
            }
            if shouldStop() {
                stopReason = "interrupted"
                return true
            }
            return false
        })
        if let saveError { throw saveError }
        if !hasValidation || bestStep == 0 {
            try session.model.save(to: directory)
            bestStep = session.step
        }
        try tokenizer.write(to: directory + "/tokenizer.json")
        if let metrics = FileManager.default.contents(atPath: directory + "/run/metrics.jsonl") {
            try writeAtomically(metrics, to: directory + "/metrics.jsonl")
        }
        let report = SequenceFitReport(
            vocabularySize: tokenizer.vocabularySize, config: config, parameters: parameterCount(config),
            trainingTokens: trainIds.count, longestSequence: longest, plannedSteps: train.steps, stepsRun: session.step,
            bestStep: bestStep, bestValidationLoss: best.isFinite ? best : nil, stopReason: stopReason)
        return (report, tokenizer)
    }

    /// The model shape for `preset` (`auto`: by the tokens of one view of the training
    /// records, at most `channelLimit` wide), with the block size the records need.
    static func modelConfig(_ preset: String, channelLimit: Int? = nil, tokensPerView: Int, vocabularySize: Int,
                            blockSize: Int) throws -> ModelConfig {
        var config: ModelConfig
        if preset == "auto" {
            if tokensPerView < 30_000 {
                config = ModelConfig(layers: 2, heads: 2, channels: 64, blockSize: blockSize, vocabularySize: vocabularySize)
            } else if tokensPerView < 3_000_000 {
                config = ModelConfig(layers: 4, heads: 4, channels: 128, blockSize: blockSize, vocabularySize: vocabularySize)
            } else {
                config = ModelConfig(layers: 6, heads: 6, channels: 192, blockSize: blockSize, vocabularySize: vocabularySize)
            }
            if let channelLimit, config.channels > channelLimit {
                config.channels = max(32, channelLimit / 32 * 32)
                config.heads = config.channels / 32
            }
        } else {
            guard ModelFitOptions.presets.contains(preset), preset != "auto",
                  let named = ModelConfig.preset(preset, vocabularySize: vocabularySize) else {
                throw UsageError("--preset expects \(ModelFitOptions.presets.joined(separator: ", ")), got '\(preset)'")
            }
            config = named
            config.blockSize = blockSize
        }
        try config.validate()
        return config
    }

    /// Seconds per optimizer step (forward, backward, a margin for AdamW), timed on a
    /// throwaway model of the same shape: the median of five steps after two warm-ups (the
    /// machine may be shared; a single timing was seen 30% off).
    static func timeStep(config: ModelConfig, batch: Int, pool: ThreadPool, seed: UInt64) throws -> Double {
        let model = try Model(config: config, pool: pool)
        model.initializeWeights(seed: seed)
        let count = batch * config.blockSize
        var rng = SplitMix(seed: seed)
        let tokens = (0..<count).map { _ in Int32(rng.next() % UInt64(config.vocabularySize)) }
        var times: [Double] = []
        for round in 0..<7 {
            let start = Date()
            model.zeroGradients()
            _ = try model.forward(tokens: tokens, targets: tokens, batch: batch, time: config.blockSize)
            model.backward()
            if round >= 2 { times.append(Date().timeIntervalSince(start)) }
        }
        return times.sorted()[2] * 1.05
    }
}

/// A working directory beside `destination` for a bundle being assembled
/// (`DESTINATION.partial-PID`), emptied first.
public func makeWorkingDirectory(for destination: String) throws -> String {
    let work = destination + ".partial-\(getpid())"
    try? FileManager.default.removeItem(atPath: work)
    do {
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    } catch {
        throw JobError("\(work): cannot create the working directory: \(error.localizedDescription)")
    }
    return work
}

/// Puts directory `source` at `destination`, replacing what was there.
public func replaceDirectory(_ destination: String, with source: String) throws {
    let manager = FileManager.default
    var isDirectory: ObjCBool = false
    let old = destination + ".old-\(getpid())"
    if manager.fileExists(atPath: destination, isDirectory: &isDirectory) {
        guard isDirectory.boolValue else { throw JobError("\(destination): exists and is not a directory") }
        try manager.moveItem(atPath: destination, toPath: old)
    }
    guard rename(source, destination) == 0 else {
        let reason = String(cString: strerror(errno))
        if manager.fileExists(atPath: old) { try? manager.moveItem(atPath: old, toPath: destination) }
        throw JobError("\(destination): cannot move the bundle into place: \(reason)")
    }
    try? manager.removeItem(atPath: old)
}
