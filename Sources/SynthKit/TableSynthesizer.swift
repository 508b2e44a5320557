// `table fit`: a CSV file in, a model bundle out, with nothing to choose but the data.
//
//   read + infer the schema ─► split rows train / validation (by row, seeded)
//   ─► serialize each row in k column orders (the table order first, then shuffled)
//   ─► BPE on the cell values (record specials + <|col:i|>, digits one by one)
//   ─► token shards ─► a model sized to the data, a step count sized to the time budget
//   ─► training with validation-based early stopping, the best model kept
//   ─► bundle: model.safetensors, config.json, tokenizer.json, schema.json,
//      fingerprints.bin (privacy guard), table.json (how it was fitted), metrics.jsonl
//
// The bundle is assembled in a sibling directory and renamed into place at the end, so
// a failed or interrupted fit never leaves a half-written bundle under DIR.
//
// Why these choices:
// - Validation by row, not by sequence: the k orders of one row share every value, so a
//   sequence split would measure memorisation, not generalisation.
// - The table order is always one of the k orders: sampling without conditions uses it,
//   so the model must be good at it; the shuffled ones teach every other order (any
//   subset of columns can then lead, which `--where` needs).
// - Digits one by one: numbers then share a small set of tokens and the row grammar's
//   numeric ranges line up with token boundaries.
// - The number of steps comes from a short timing of the real step on this machine, so
//   the cosine schedule ends when the time budget does instead of being cut off midway.

import BPE
import Foundation
import GPT
import Records
import TensorCore
import Training

/// Settings of `table fit`; every one has a default sized from the data.
public struct TableFitOptions: Sendable {
    /// `auto` (sized to the data) or a GPT preset name (`tiny`, `char`, `small`); the
    /// block size always comes from the rows.
    public var preset = "auto"
    /// Optimizer steps; nil sizes them to the data and the time limit.
    public var steps: Int?
    /// Seconds of training at most (the tokenizer and shards come before).
    public var timeLimit: Double = 480
    public var seed: UInt64 = 1
    /// Threads for training; nil for the default pool.
    public var threads: Int?
    /// A schema.json overriding inference.
    public var schemaPath: String?
    /// Share of rows held out for validation (early stopping).
    public var validationFraction = 0.05
    /// Column orders per row; nil sizes it to the data.
    public var permutationsPerRow: Int?
    /// Sequences per forward pass.
    public var batch = 32
    /// Evaluations without improvement before training stops.
    public var patience = 6
    public var learningRate: Float = 2e-3

    public init() {}
}

/// What happened during a fit, for progress displays.
public enum TableFitEvent {
    /// A stage finished (reading, schema, tokenizer, shards, model).
    case message(String)
    /// One optimizer step; `best` is set when its validation loss is the best so far.
    case step(StepReport, best: Bool)
}

/// What a fit produced.
public struct TableFitReport: Sendable {
    public var rows: Int
    public var columns: Int
    public var trainingRows: Int
    public var validationRows: Int
    public var permutationsPerRow: Int
    public var vocabularySize: Int
    public var config: ModelConfig
    public var parameters: Int
    public var plannedSteps: Int
    public var stepsRun: Int
    public var bestStep: Int
    public var bestValidationLoss: Float?
    /// Why training ended: `steps`, `early stop`, `time limit` or `interrupted`.
    public var stopReason: String
    public var seconds: Double
}

public enum TableSynthesizer {
    /// Fits a model to the CSV file `input` and writes the bundle to `out` (replacing it).
    /// `shouldStop` is polled after every step (Ctrl-C): training then ends and the bundle
    /// is written with the best model so far.
    public static func fit(input: String, out: String, options: TableFitOptions = TableFitOptions(),
                           events: (TableFitEvent) -> Void = { _ in },
                           shouldStop: () -> Bool = { false }) throws -> TableFitReport {
        let start = Date()
        let pool = options.threads.map { ThreadPool(threadCount: $0) } ?? .shared

        // 1. The table and its schema.
        let table = try Table.read(contentsOf: URL(fileURLWithPath: input))
        guard table.rowCount > 0 else { throw TableJobError("\(input): no data rows (only a header); a table needs rows to learn from") }
        var overrides: TableSchemaOverrides?
        if let schemaPath = options.schemaPath {
            guard let data = FileManager.default.contents(atPath: schemaPath) else {
                throw TableJobError("\(schemaPath): cannot read: no such file or not readable")
            }
            overrides = try TableSchemaOverrides(jsonData: data, source: schemaPath)
        }
        let schema = try TableSynthesisSchema(inferringFrom: table, overrides: overrides)
        let rows: [[String?]] = (0..<table.rowCount).map { r in
            table.columns.map { schema.missing.contains($0[r]) ? nil : $0[r] }
        }
        for (r, row) in rows.enumerated() {
            if let (_, reason) = schema.firstViolation(in: row) {
                throw TableJobError("\(input):\(table.rowLines[r]): \(reason)")
            }
        }
        let kinds = Dictionary(grouping: schema.columns, by: { $0.domain.typeName })
            .map { "\($0.value.count) \($0.key)" }.sorted().joined(separator: ", ")
        events(.message("read \(input): \(table.rowCount) rows, \(schema.columns.count) columns (\(kinds))"))

        // 2. Split by row.
        var rng = SplitMix(seed: options.seed ^ 0x7AB1E)
        let shuffled = Array(0..<rows.count).shuffled(using: &rng)
        let validationCount = rows.count >= 40 ? max(2, Int((Double(rows.count) * options.validationFraction).rounded())) : 0
        let validationRows = Array(shuffled.prefix(validationCount)).sorted()
        let trainingRows = Array(shuffled.dropFirst(validationCount)).sorted()
        // Orders per row: enough for small tables to learn every order, few for large ones
        // (Adult, 4,750 rows: 4 beat 8 on every figure, with the same time budget).
        let permutations = options.permutationsPerRow ?? min(16, max(2, 20_000 / max(1, trainingRows.count)))

        // 3. Tokenizer on the cell values (each as it appears between structure tokens).
        let specials = TableRowCodec.specialTokens(columnCount: schema.columns.count)
        var distinct: Set<String> = []
        var texts: [[UInt8]] = []
        texts.reserveCapacity(rows.count * schema.columns.count)
        for row in rows {
            for value in row {
                guard let value else { continue }
                texts.append(Array(value.utf8))
                if distinct.count < 100_000 { distinct.insert(value) }
            }
        }
        if texts.isEmpty { texts = [[0x30]] }  // every cell missing: bytes alone will do
        let merges = min(4_000, max(32, 6 * distinct.count + 64))
        let tokenizer = try Trainer.train(texts: texts, options: TrainingOptions(
            vocabularySize: 256 + specials.count + merges, minimumFrequency: 2, pattern: .cl100kSingleDigits,
            specialTokens: specials))
        events(.message("tokenizer: \(tokenizer.vocabularySize) tokens (\(tokenizer.mergeableCount - 256) merges, \(specials.count) structure tokens)"))

        // 4. Sequences and shards, in a working directory beside the bundle.
        let work = out + ".partial-\(getpid())"
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work + "/data", withIntermediateDirectories: true)
        var finished = false
        defer { if !finished { try? FileManager.default.removeItem(atPath: work) } }

        let codec = TableRowCodec(schema: schema)
        let allowed = Set(specials)
        var encoder = tokenizer.makeEncoder()
        var longest = 0
        // The sequences of all rows in a seeded random order: a row's k orders side by side
        // would let the model copy values from the previous order instead of learning them.
        func encode(_ indices: [Int]) throws -> [Int32] {
            var sequences: [[Int32]] = []
            sequences.reserveCapacity(indices.count * permutations)
            for r in indices {
                for permutation in 0..<permutations {
                    let order = permutation == 0 ? Array(0..<schema.columns.count)
                        : TableRowCodec.shuffledOrder(columnCount: schema.columns.count, seed: options.seed, row: r, permutation: permutation)
                    let sequence = try encoder.encode(Array(codec.encode(rows[r], order: order).utf8), allowedSpecial: allowed)
                    longest = max(longest, sequence.count)
                    sequences.append(sequence)
                }
            }
            sequences.shuffle(using: &rng)
            return Array(sequences.joined())
        }
        let trainIds = try encode(trainingRows)
        let validationIds = try encode(validationRows)
        // A sampled row: the <|eos|> prompt, up to `longest - 1` tokens, then <|eos|>; the
        // slack lets a sample be longer than any training row (the grammar still ends it).
        let blockSize = ((longest + longest / 4 + 4) + 15) / 16 * 16
        try tokenizer.write(to: work + "/data/tokenizer.json")
        try TokenShard.write(trainIds, vocabularySize: tokenizer.vocabularySize, to: work + "/data/train.bin")
        let hasValidation = validationIds.count > blockSize + 1
        if hasValidation {
            try TokenShard.write(validationIds, vocabularySize: tokenizer.vocabularySize, to: work + "/data/val.bin")
        }
        guard trainIds.count > blockSize + 1 else {
            throw TableJobError("\(input): \(trainIds.count) training tokens, fewer than one block of \(blockSize); give more rows")
        }
        let perRow = Double(trainIds.count) / Double(max(1, trainingRows.count * permutations))
        events(.message(String(format: "sequences: %d training rows x %d orders = %d tokens (%.1f per row, longest %d), %d validation rows%@",
                               trainingRows.count, permutations, trainIds.count, perRow, longest, validationRows.count,
                               hasValidation ? "" : " (too few to validate: no early stopping)")))

        // 5. The model.
        let config = try modelConfig(options.preset, tokensPerOrder: trainIds.count / permutations,
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
            // At most ~12 passes over the k orders; at most what the time limit allows
            // (steps, plus validation: evalBatches forwards every evalInterval steps).
            let byData = Int(12 * Double(trainIds.count) / Double(tokensPerStep))
            let byTime = Int(options.timeLimit / (stepSeconds * 1.12))
            train.steps = max(50, min(byData, byTime))
        }
        train.evalInterval = max(10, train.steps / 30)
        train.warmup = min(100, train.steps / 10)
        train.checkpointInterval = Int.max / 2
        events(.message(String(format: "model: %d layers, %d heads, %d wide, block %d, %d parameters; %d steps of %d x %d tokens (about %.2f s each)",
                               config.layers, config.heads, config.channels, config.blockSize, parameterCount(config),
                               train.steps, batch, blockSize, stepSeconds)))

        // 6. Training with early stopping; the best model goes straight into the bundle.
        let session = try TrainingSession(dataDirectory: work + "/data", outputDirectory: work + "/run", config: config,
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
                    do { try session.model.save(to: work) } catch { saveError = error }
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
            if saveError != nil { return true }
            if stopNow { return true }
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
            try session.model.save(to: work)
            bestStep = session.step
        }

        // 7. The rest of the bundle, then the bundle into place.
        try tokenizer.write(to: work + "/tokenizer.json")
        try writeAtomically(schema.jsonData(), to: work + "/schema.json")
        var fingerprints = TableFingerprints()
        for row in rows { fingerprints.insert(row, schema: schema) }
        try writeAtomically(fingerprints.data(), to: work + "/fingerprints.bin")
        let seconds = Date().timeIntervalSince(start)
        let report = TableFitReport(
            rows: rows.count, columns: schema.columns.count, trainingRows: trainingRows.count, validationRows: validationRows.count,
            permutationsPerRow: permutations, vocabularySize: tokenizer.vocabularySize, config: config,
            parameters: parameterCount(config), plannedSteps: train.steps, stepsRun: session.step, bestStep: bestStep,
            bestValidationLoss: best.isFinite ? best : nil, stopReason: stopReason, seconds: seconds)
        try writeAtomically(summaryJSON(report, input: input, seed: options.seed), to: work + "/table.json")
        if let metrics = FileManager.default.contents(atPath: work + "/run/metrics.jsonl") {
            try writeAtomically(metrics, to: work + "/metrics.jsonl")
        }
        try? FileManager.default.removeItem(atPath: work + "/run")
        try? FileManager.default.removeItem(atPath: work + "/data")
        try replaceDirectory(out, with: work)
        finished = true
        return report
    }

    /// The model shape for `preset` (`auto`: by the tokens of one column order of the
    /// training rows), with the block size the rows need.
    static func modelConfig(_ preset: String, tokensPerOrder: Int, vocabularySize: Int, blockSize: Int) throws -> ModelConfig {
        var config: ModelConfig
        if preset == "auto" {
            if tokensPerOrder < 30_000 {
                config = ModelConfig(layers: 2, heads: 2, channels: 64, blockSize: blockSize, vocabularySize: vocabularySize)
            } else if tokensPerOrder < 3_000_000 {
                config = ModelConfig(layers: 4, heads: 4, channels: 128, blockSize: blockSize, vocabularySize: vocabularySize)
            } else {
                config = ModelConfig(layers: 6, heads: 6, channels: 192, blockSize: blockSize, vocabularySize: vocabularySize)
            }
        } else {
            guard ["tiny", "char", "small"].contains(preset),
                  let named = ModelConfig.preset(preset, vocabularySize: vocabularySize) else {
                throw UsageError("--preset expects auto, tiny, char or small, got '\(preset)'")
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

    static func summaryJSON(_ report: TableFitReport, input: String, seed: UInt64) -> Data {
        var object: [String: Any] = [
            "kind": "table", "input": input, "rows": report.rows, "columns": report.columns,
            "training_rows": report.trainingRows, "validation_rows": report.validationRows,
            "orders_per_row": report.permutationsPerRow, "vocab_size": report.vocabularySize,
            "parameters": report.parameters, "planned_steps": report.plannedSteps, "steps_run": report.stepsRun,
            "best_step": report.bestStep, "stop_reason": report.stopReason, "fit_seconds": report.seconds, "seed": seed,
        ]
        if let loss = report.bestValidationLoss { object["best_val_loss"] = Double(loss) }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }

    /// Puts directory `source` at `destination`, replacing what was there.
    static func replaceDirectory(_ destination: String, with source: String) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        let old = destination + ".old-\(getpid())"
        if manager.fileExists(atPath: destination, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw TableJobError("\(destination): exists and is not a directory") }
            try manager.moveItem(atPath: destination, toPath: old)
        }
        guard rename(source, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            if manager.fileExists(atPath: old) { try? manager.moveItem(atPath: old, toPath: destination) }
            throw TableJobError("\(destination): cannot move the bundle into place: \(reason)")
        }
        try? manager.removeItem(atPath: old)
    }
}
