// `table sample`: rows from a fitted bundle, valid by construction.
//
// One grammar per run — the row in the sampling order (conditioned columns first), each
// value inside its column's domain and narrowed by the conditions — compiled once for the
// vocabulary; every sample starts from the <|eos|> prompt (a row follows <|eos|> in the
// training stream). Requests go to the batched generator a few batches at a time and the
// rows are written in request order as each chunk completes, so memory stays constant
// whatever the row count and the output is the same for a given seed and thread count.
//
// Each decoded row is checked again against the schema and the conditions: the grammar
// makes a violation impossible, so one is a bug and stops the run (never written). The
// privacy guard drops samples whose fingerprint is a training row's and draws more, up to
// a cap on attempts.

import BPE
import Decoding
import Foundation
import GPT
import Records
import TensorCore

public struct TableSampleOptions: Sendable {
    public var rows = 1000
    /// `--where` conditions, as typed.
    public var conditions: [String] = []
    public var seed: UInt64 = 0
    public var temperature: Float = 1
    /// Sequences decoded together.
    public var batch = 64
    /// Write samples identical to a training row (the privacy guard off).
    public var allowCopies = false
    /// Samples drawn at most; nil for 10 per wanted row (at least 1,000).
    public var maxAttempts: Int?
    public var halfPrecision = halfPrecisionAvailable

    public init() {}
}

/// Where a run stands.
public struct TableSampleProgress: Sendable {
    public var written: Int
    public var wanted: Int
    /// Samples dropped because they copied a training row.
    public var copies: Int
    public var attempts: Int
    public var seconds: Double
}

/// A fitted bundle, ready to sample from.
public final class TableSampler {
    public let bundle: ModelBundle
    public let schema: TableSynthesisSchema
    public let fingerprints: RecordFingerprints

    /// Loads the bundle in `directory` (written by ``TableSynthesizer/fit(input:out:options:events:shouldStop:)``).
    public init(bundle directory: String, threads: Int? = nil) throws {
        bundle = try ModelBundle(directory: directory, extraFiles: ["schema.json", "fingerprints.bin"],
                                 writer: "synth table fit", threads: threads)
        schema = try TableSynthesisSchema(jsonData: bundle.data("schema.json"), source: directory + "/schema.json")
        try bundle.requireSpecialTokens(TableRowCodec.specialTokens(columnCount: schema.columns.count), kind: "table (of this schema)")
        fingerprints = try RecordFingerprints(data: bundle.data("fingerprints.bin"), path: directory + "/fingerprints.bin")
    }

    /// Parses `--where` conditions against the bundle's schema.
    public func conditions(_ texts: [String]) throws -> TableConditions {
        try TableConditions(parsing: texts, schema: schema)
    }

    /// Samples `options.rows` rows into `writer`, in order; returns the final progress.
    /// `shouldStop` is polled between chunks.
    @discardableResult
    public func sample(_ options: TableSampleOptions, into writer: TableRowWriter,
                       progress: (TableSampleProgress) -> Void = { _ in }) throws -> TableSampleProgress {
        let conditions = try self.conditions(options.conditions)
        let order = schema.samplingOrder(conditions: conditions)
        let grammar = try schema.rowGrammar(order: order, conditions: conditions)
        let batch = max(1, min(options.batch, options.rows))
        let generator = try Generator(model: bundle.model, tokenizer: bundle.tokenizer, maxBatch: batch, halfPrecision: options.halfPrecision)
        guard let endToken = generator.endToken else {
            throw JobError("\(bundle.directory)/tokenizer.json: no <|eos|> token")
        }
        let constraint = try GrammarConstraint(grammar: grammar, trie: bundle.vocabularyTrie(), endToken: endToken)
        let maxTokens = bundle.model.config.blockSize - 1
        let needed = constraint.minimumTokens(constraint.startState)
        guard needed <= maxTokens else {
            throw JobError("a row needs at least \(needed) tokens, but the model's context of \(bundle.model.config.blockSize) leaves \(maxTokens)")
        }
        let sampler = Sampler.standard(temperature: options.temperature)
        try sampler.validate()
        let codec = TableRowCodec(schema: schema)
        let maxAttempts = options.maxAttempts ?? max(1_000, options.rows * 10)
        let start = Date()
        var state = TableSampleProgress(written: 0, wanted: options.rows, copies: 0, attempts: 0, seconds: 0)
        while state.written < options.rows {
            let wanted = options.rows - state.written
            // A few batches at a time; near the end only what is missing, plus a margin for
            // the copies the guard will drop.
            let margin = state.attempts > 0 ? Int((Double(state.copies) / Double(state.attempts) * Double(wanted)).rounded(.up)) : 0
            let chunk = min(batch * 4, wanted + margin, maxAttempts - state.attempts)
            guard chunk > 0 else {
                throw JobError("""
                    gave up after \(state.attempts) samples: \(state.written) rows written, \(state.copies) samples were \
                    exact copies of training rows (the model memorised its data: fit with fewer steps, or sample with \
                    --allow-copies)
                    """)
            }
            let requests = (0..<chunk).map { offset in
                GenerationRequest(prompt: [endToken], maxTokens: maxTokens, constraint: constraint, sampler: sampler,
                                  seed: options.seed &+ UInt64(state.attempts + offset))
            }
            let results = try generator.generate(requests)
            state.attempts += chunk
            for result in results where state.written < options.rows {
                let values: [String?]
                do { values = try codec.decode(result.bytes) } catch {
                    throw JobError("internal error: a constrained sample is not a row (\(error)): \(result.text.debugDescription)")
                }
                if let (_, reason) = schema.firstViolation(in: values) {
                    throw JobError("internal error: a constrained sample breaks the schema (\(reason)): \(result.text.debugDescription)")
                }
                guard conditions.admits(values, schema: schema) else {
                    throw JobError("internal error: a constrained sample breaks the conditions: \(result.text.debugDescription)")
                }
                if !options.allowCopies && fingerprints.contains(values, schema: schema) {
                    state.copies += 1
                    continue
                }
                try writer.write(values)
                state.written += 1
            }
            state.seconds = Date().timeIntervalSince(start)
            progress(state)
        }
        try writer.finish()
        state.seconds = Date().timeIntervalSince(start)
        return state
    }
}

/// Sampled rows as CSV (header = the table's columns, RFC 4180 quoting) or JSONL (one
/// object per row, keys in column order, numbers as numbers, missing values null), to a
/// file — written beside it and renamed into place by ``finish()``, so the destination is
/// complete or untouched — or to standard output.
public final class TableRowWriter {
    public enum Format: String, Sendable { case csv, jsonl }

    public let format: Format
    public let schema: TableSynthesisSchema
    private let output: AtomicOutput
    public private(set) var rowCount = 0

    /// The destination, nil for standard output.
    public var path: String? { output.path }
    /// The file being written until ``finish()`` renames it (for a signal handler to remove).
    public var temporaryPath: String? { output.temporaryPath }

    public init(schema: TableSynthesisSchema, format: Format, path: String?) throws {
        self.schema = schema
        self.format = format
        output = try AtomicOutput(path: path)
        if format == .csv { try output.write(TableCSVWriter.record(schema.columnNames)) }
    }

    /// Appends a row (values in table order, nil for missing).
    public func write(_ values: [String?]) throws {
        switch format {
        case .csv:
            try output.write(TableCSVWriter.record(schema.outputCells(values)))
        case .jsonl:
            var line = "{"
            for (index, (column, value)) in zip(schema.columns, values).enumerated() {
                if index > 0 { line += "," }
                line += jsonString(column.name) + ":"
                guard let value else {
                    line += "null"
                    continue
                }
                switch column.domain {
                case .integer, .decimal: line += value
                default: line += jsonString(value)
                }
            }
            try output.write(line + "}\n")
        }
        rowCount += 1
    }

    /// Flushes and, for a file, syncs and renames it into place.
    public func finish() throws { try output.finish() }

    /// Drops a file not yet finished; the destination is untouched.
    public func discard() { output.discard() }
}
