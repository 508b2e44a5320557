import Foundation
import GPT
import TensorCore

/// Settings of a training run, with the defaults of the shakespeare-char reference.
public struct TrainOptions: Sendable {
    public var steps = 2000
    /// Sequences per forward pass.
    public var batch = 12
    /// Tokens per optimizer step; a multiple of batch x block size (gradient accumulation).
    public var batchTokens: Int? = nil
    public var learningRate: Float = 1e-3
    public var minimumLearningRate: Float = 1e-4
    public var warmup = 100
    public var beta1: Float = 0.9
    public var beta2: Float = 0.99
    public var weightDecay: Float = 0.1
    public var gradientClip: Float = 1
    /// Steps between validation losses (and at the end).
    public var evalInterval = 100
    /// Batches averaged for a validation loss.
    public var evalBatches = 20
    /// Steps between checkpoints (and at the end).
    public var checkpointInterval = 500
    public var seed: UInt64 = 1
    public init() {}
}

/// One optimizer step's figures, for the progress line and metrics.jsonl.
public struct StepReport: Sendable {
    public var step: Int
    public var steps: Int
    public var loss: Float
    public var validationLoss: Float?
    public var learningRate: Float
    public var tokensPerSecond: Double
    public var secondsLeft: Double
}

/// A training run: a model, its optimizer, the token shards, and the output directory
/// where checkpoints (model bundle, optimizer moments, state) and metrics go.
public final class TrainingSession {
    public let model: Model
    public let optimizer: AdamW
    public let options: TrainOptions
    public let outputDirectory: String
    public private(set) var step = 0
    let train: TokenShard
    let validation: TokenShard?
    let tokenizerPath: String
    private var lastCheckpoint: String?

    /// Starts a run on the shards of `dataDirectory` (from `synth prepare`), or resumes the
    /// one in `outputDirectory` when `resume` is set.
    public init(dataDirectory: String, outputDirectory: String, config: ModelConfig, options: TrainOptions,
                resume: Bool, pool: ThreadPool = .shared) throws {
        self.options = options
        self.outputDirectory = outputDirectory
        tokenizerPath = dataDirectory + "/tokenizer.json"
        train = try TokenShard(path: dataDirectory + "/train.bin")
        let validationPath = dataDirectory + "/val.bin"
        validation = FileManager.default.fileExists(atPath: validationPath) ? try TokenShard(path: validationPath) : nil
        if let validation, validation.count <= config.blockSize {
            throw TrainingError.badShard(path: validationPath, reason: "the validation split has \(validation.count) tokens, fewer than one block of \(config.blockSize) + 1")
        }
        guard train.count > config.blockSize else {
            throw TrainingError.badShard(path: train.path, reason: "\(train.count) tokens, fewer than one block of \(config.blockSize) + 1")
        }
        if let batchTokens = options.batchTokens, batchTokens % (options.batch * config.blockSize) != 0 {
            throw TrainingError.badData(reason: "--batch-tokens \(batchTokens) is not a multiple of batch x block (\(options.batch * config.blockSize))")
        }
        if resume {
            model = try Model.load(from: outputDirectory, pool: pool)
            guard model.config == config else {
                throw TrainingError.badCheckpoint(path: outputDirectory, reason: "the checkpoint's model \(model.config) is not the requested \(config)")
            }
            optimizer = try AdamW(config: config, beta1: options.beta1, beta2: options.beta2, weightDecay: options.weightDecay)
            step = try TrainingSession.loadState(outputDirectory, optimizer: optimizer)
            lastCheckpoint = outputDirectory
        } else {
            model = try Model(config: config, pool: pool)
            model.initializeWeights(seed: options.seed)
            optimizer = try AdamW(config: config, beta1: options.beta1, beta2: options.beta2, weightDecay: options.weightDecay)
        }
        try TrainingSession.checkIds(train, vocabularySize: config.vocabularySize)
    }

    /// Ids past the vocabulary would stop the kernels: check a shard's first ids up front.
    static func checkIds(_ shard: TokenShard, vocabularySize: Int) throws {
        let probe = min(shard.count, 1 << 16)
        var ids = [Int32](repeating: 0, count: probe)
        shard.read(from: 0, count: probe, into: &ids)
        if let bad = ids.firstIndex(where: { $0 < 0 || Int($0) >= vocabularySize }) {
            throw TrainingError.badShard(path: shard.path, reason: "token \(ids[bad]) at position \(bad) is outside the model's vocabulary of \(vocabularySize) (a different tokenizer?)")
        }
    }

    var accumulation: Int { (options.batchTokens ?? options.batch * model.config.blockSize) / (options.batch * model.config.blockSize) }

    /// The batch of optimizer step `step`, micro-step `micro`: depends only on (seed, step,
    /// micro), which is what makes a resumed run equal an uninterrupted one.
    func fillBatch(_ shard: TokenShard, step: Int, micro: Int, salt: UInt64,
                   tokens: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Int32>) {
        let T = model.config.blockSize
        // Hash (seed, salt, step, micro) into the seed of a fresh stream. (Seeding with a
        // plain sum made consecutive steps' streams overlap: SplitMix seeded with s + γ
        // continues the stream seeded with s, so step k+1 reused 11 of step k's 12 windows.)
        var seeder = SplitMix(seed: options.seed ^ (salt &* 0xD6E8_FEB8_6659_FD93))
        var key = SplitMix(seed: seeder.next() ^ (UInt64(step) << 16 | UInt64(micro)))
        var rng = SplitMix(seed: key.next())
        let window = [Int32](unsafeUninitializedCapacity: T + 1) { _, count in count = T + 1 }
        var buffer = window
        for b in 0..<options.batch {
            let start = Int(rng.next() % UInt64(shard.count - T))
            shard.read(from: start, count: T + 1, into: &buffer)
            (tokens + b * T).update(from: buffer, count: T)
            (targets + b * T).update(from: Array(buffer[1...]), count: T)
        }
    }

    /// Mean loss over `evalBatches` fixed batches of the validation split.
    public func validationLoss() throws -> Float? {
        guard let validation else { return nil }
        let count = options.batch * model.config.blockSize
        var tokens = [Int32](repeating: 0, count: count), targets = tokens
        var total: Float = 0
        for index in 0..<options.evalBatches {
            fillBatch(validation, step: index, micro: 0, salt: 0x5EED, tokens: &tokens, targets: &targets)
            total += try model.forward(tokens: tokens, targets: targets, batch: options.batch, time: model.config.blockSize)
        }
        return total / Float(options.evalBatches)
    }

    /// Trains until `options.steps`, reporting each step; stops early (after saving a
    /// checkpoint) when `shouldStop` says so. Returns whether it was interrupted.
    @discardableResult
    public func run(report: (StepReport) -> Void, shouldStop: () -> Bool = { false }) throws -> Bool {
        let T = model.config.blockSize, B = options.batch
        var tokens = [Int32](repeating: 0, count: B * T), targets = tokens
        let metricsPath = outputDirectory + "/metrics.jsonl"
        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: metricsPath) { FileManager.default.createFile(atPath: metricsPath, contents: nil) }
        let metrics = FileHandle(forWritingAtPath: metricsPath)
        defer { try? metrics?.close() }
        _ = try? metrics?.seekToEnd()
        let start = Date()
        let firstStep = step
        while step < options.steps {
            let rate = learningRate(step: step, warmup: options.warmup, total: options.steps,
                                    maxRate: options.learningRate, minRate: options.minimumLearningRate)
            model.zeroGradients()
            var loss: Float = 0
            for micro in 0..<accumulation {
                fillBatch(train, step: step, micro: micro, salt: 0, tokens: &tokens, targets: &targets)
                loss += try model.forward(tokens: tokens, targets: targets, batch: B, time: T) / Float(accumulation)
                model.backward()
            }
            guard loss.isFinite else { throw TrainingError.nonFiniteLoss(step: step, lastCheckpoint: lastCheckpoint) }
            if accumulation > 1 { scale(model.gradients.base, by: 1 / Float(accumulation), count: model.gradients.count, pool: model.pool) }
            clipGradients(model, maxNorm: options.gradientClip)
            optimizer.update(model, learningRate: rate)
            step += 1
            let last = step == options.steps
            let validation = step % options.evalInterval == 0 || last ? try validationLoss() : nil
            let elapsed = Date().timeIntervalSince(start)
            let done = step - firstStep
            let entry = StepReport(step: step, steps: options.steps, loss: loss, validationLoss: validation, learningRate: rate,
                                   tokensPerSecond: Double(done * accumulation * B * T) / max(elapsed, 1e-9),
                                   secondsLeft: elapsed / Double(done) * Double(options.steps - step))
            report(entry)
            var line = "{\"step\": \(step), \"loss\": \(loss), \"lr\": \(rate), \"tokens_per_s\": \(Int(entry.tokensPerSecond))"
            if let validation { line += ", \"val_loss\": \(validation)" }
            metrics?.write(Data((line + "}\n").utf8))
            let stopping = shouldStop()
            if step % options.checkpointInterval == 0 || last || stopping {
                try saveCheckpoint()
            }
            if stopping && !last { return true }
        }
        return false
    }

    /// Writes the model bundle, the tokenizer, the optimizer moments and the run state.
    public func saveCheckpoint() throws {
        try model.save(to: outputDirectory)
        if let tokenizer = FileManager.default.contents(atPath: tokenizerPath) {
            try writeAtomically(tokenizer, to: outputDirectory + "/tokenizer.json")
        }
        let count = optimizer.firstMoment.count
        try writeSafetensors([
            NamedTensor(name: "adamw.m", shape: [count], values: UnsafeBufferPointer(start: optimizer.firstMoment.base, count: count)),
            NamedTensor(name: "adamw.v", shape: [count], values: UnsafeBufferPointer(start: optimizer.secondMoment.base, count: count)),
        ], to: outputDirectory + "/optimizer.safetensors")
        let state = "{\"step\": \(step), \"optimizer_step\": \(optimizer.step), \"seed\": \(options.seed)}\n"
        try writeAtomically(Data(state.utf8), to: outputDirectory + "/state.json")
        lastCheckpoint = outputDirectory
    }

    static func loadState(_ directory: String, optimizer: AdamW) throws -> Int {
        let statePath = directory + "/state.json"
        guard let data = FileManager.default.contents(atPath: statePath),
              let state = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let step = state["step"] as? Int, let optimizerStep = state["optimizer_step"] as? Int else {
            throw TrainingError.badCheckpoint(path: statePath, reason: "missing or unreadable (needs \"step\" and \"optimizer_step\")")
        }
        let moments = try readSafetensors(directory + "/optimizer.safetensors")
        guard let m = moments["adamw.m"], let v = moments["adamw.v"], m.values.count == optimizer.firstMoment.count,
              v.values.count == optimizer.secondMoment.count else {
            throw TrainingError.badCheckpoint(path: directory + "/optimizer.safetensors", reason: "moments missing or of the wrong size")
        }
        optimizer.firstMoment.base.update(from: m.values, count: m.values.count)
        optimizer.secondMoment.base.update(from: v.values, count: v.values.count)
        optimizer.restore(step: optimizerStep)
        return step
    }
}
