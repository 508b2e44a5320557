// `table fit`: a CSV file in, a model bundle out, with nothing to choose but the data.
//
//   read + infer the schema ─► split rows train / validation (by row, seeded)
//   ─► serialize each row in k column orders (the table order first, then shuffled)
//   ─► SequenceFitter: BPE on the cell values (record specials + <|col:i|>, digits one by
//      one), a model sized to the data, training with early stopping
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

import Foundation
import GPT
import Records
import TensorCore

/// Settings of `table fit`; every one has a default sized from the data.
public struct TableFitOptions: Sendable {
    /// The model, its training and the time budget. `auto` models are at most 96 wide:
    /// on Adult, 128 wide scored 0.953 quality against 0.931 but sampled 1.8x slower
    /// (BENCHMARKS.md, "Tables").
    public var model: ModelFitOptions = {
        var options = ModelFitOptions()
        options.autoChannelLimit = 96
        return options
    }()
    /// A schema.json overriding inference.
    public var schemaPath: String?
    /// Share of rows held out for validation (early stopping).
    public var validationFraction = 0.05
    /// Column orders per row; nil sizes it to the data.
    public var permutationsPerRow: Int?

    public init() {}
}

/// What a fit produced.
public struct TableFitReport: Sendable {
    public var rows: Int
    public var columns: Int
    public var trainingRows: Int
    public var validationRows: Int
    public var permutationsPerRow: Int
    /// The tokenizer, the model and how training went.
    public var fit: SequenceFitReport
    public var seconds: Double
}

public enum TableSynthesizer {
    /// Fits a model to the CSV file `input` and writes the bundle to `out` (replacing it).
    /// `shouldStop` is polled after every step (Ctrl-C): training then ends and the bundle
    /// is written with the best model so far.
    public static func fit(input: String, out: String, options: TableFitOptions = TableFitOptions(),
                           events: (FitEvent) -> Void = { _ in },
                           shouldStop: () -> Bool = { false }) throws -> TableFitReport {
        let start = Date()

        // 1. The table and its schema.
        let table = try Table.read(contentsOf: URL(fileURLWithPath: input))
        guard table.rowCount > 0 else { throw JobError("\(input): no data rows (only a header); a table needs rows to learn from") }
        var overrides: TableSchemaOverrides?
        if let schemaPath = options.schemaPath {
            guard let data = FileManager.default.contents(atPath: schemaPath) else {
                throw JobError("\(schemaPath): cannot read: no such file or not readable")
            }
            overrides = try TableSchemaOverrides(jsonData: data, source: schemaPath)
        }
        let schema = try TableSynthesisSchema(inferringFrom: table, overrides: overrides)
        let rows: [[String?]] = (0..<table.rowCount).map { r in
            table.columns.map { schema.missing.contains($0[r]) ? nil : $0[r] }
        }
        for (r, row) in rows.enumerated() {
            if let (_, reason) = schema.firstViolation(in: row) {
                throw JobError("\(input):\(table.rowLines[r]): \(reason)")
            }
        }
        let kinds = Dictionary(grouping: schema.columns, by: { $0.domain.typeName })
            .map { "\($0.value.count) \($0.key)" }.sorted().joined(separator: ", ")
        events(.message("read \(input): \(table.rowCount) rows, \(schema.columns.count) columns (\(kinds))"))

        // 2. Split by row.
        var rng = SplitMix(seed: options.model.seed ^ 0x7AB1E)
        let shuffled = Array(0..<rows.count).shuffled(using: &rng)
        let validationCount = rows.count >= 40 ? max(2, Int((Double(rows.count) * options.validationFraction).rounded())) : 0
        let validationRows = Array(shuffled.prefix(validationCount)).sorted()
        let trainingRows = Array(shuffled.dropFirst(validationCount)).sorted()
        // Orders per row: enough for small tables to learn every order, few for large ones
        // (Adult, 4,750 rows: 4 beat 8 on every figure, with the same time budget).
        let permutations = options.permutationsPerRow ?? min(16, max(2, 20_000 / max(1, trainingRows.count)))

        // 3. The sequences of all rows in a seeded random order (a row's k orders side by
        // side would let the model copy values from the previous order instead of learning
        // them), and the tokenizer's texts: the cell values as they appear between
        // structure tokens.
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
        let codec = TableRowCodec(schema: schema)
        func sequences(_ indices: [Int]) -> [String] {
            var sequences: [String] = []
            sequences.reserveCapacity(indices.count * permutations)
            for r in indices {
                for permutation in 0..<permutations {
                    let order = permutation == 0 ? Array(0..<schema.columns.count)
                        : TableRowCodec.shuffledOrder(columnCount: schema.columns.count, seed: options.model.seed, row: r, permutation: permutation)
                    sequences.append(codec.encode(rows[r], order: order))
                }
            }
            sequences.shuffle(using: &rng)
            return sequences
        }
        let corpus = SequenceCorpus(
            specialTokens: specials, tokenizerTexts: texts, merges: min(4_000, max(32, 6 * distinct.count + 64)),
            pattern: .cl100kSingleDigits, training: sequences(trainingRows), validation: sequences(validationRows),
            viewsPerRecord: permutations, source: input)
        events(.message("\(trainingRows.count) training rows x \(permutations) column orders, \(validationRows.count) validation rows"))

        // 4. Tokenizer, model and training, in a working directory beside the bundle.
        let work = try makeWorkingDirectory(for: out)
        var finished = false
        defer { if !finished { try? FileManager.default.removeItem(atPath: work) } }
        let (fit, _) = try SequenceFitter.fit(corpus, into: work, options: options.model, events: events, shouldStop: shouldStop)

        // 5. The rest of the bundle, then the bundle into place.
        try writeAtomically(schema.jsonData(), to: work + "/schema.json")
        var fingerprints = RecordFingerprints()
        for row in rows { fingerprints.insert(row, schema: schema) }
        try writeAtomically(fingerprints.data(), to: work + "/fingerprints.bin")
        let report = TableFitReport(
            rows: rows.count, columns: schema.columns.count, trainingRows: trainingRows.count, validationRows: validationRows.count,
            permutationsPerRow: permutations, fit: fit, seconds: Date().timeIntervalSince(start))
        try writeAtomically(summaryJSON(report, input: input, seed: options.model.seed), to: work + "/table.json")
        try replaceDirectory(out, with: work)
        finished = true
        return report
    }

    static func summaryJSON(_ report: TableFitReport, input: String, seed: UInt64) -> Data {
        var object: [String: Any] = [
            "kind": "table", "input": input, "rows": report.rows, "columns": report.columns,
            "training_rows": report.trainingRows, "validation_rows": report.validationRows,
            "orders_per_row": report.permutationsPerRow, "vocab_size": report.fit.vocabularySize,
            "parameters": report.fit.parameters, "planned_steps": report.fit.plannedSteps, "steps_run": report.fit.stepsRun,
            "best_step": report.fit.bestStep, "stop_reason": report.fit.stopReason, "fit_seconds": report.seconds, "seed": seed,
        ]
        if let loss = report.fit.bestValidationLoss { object["best_val_loss"] = Double(loss) }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }
}
