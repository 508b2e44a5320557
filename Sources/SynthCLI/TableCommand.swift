// `synth table fit` and `synth table sample`: the table job end to end (SynthKit's
// TableSynthesizer and TableSampler); this file only reads options and shows progress.

import Dispatch
import Foundation
import Records
import SynthKit
import Synchronization

struct TableCommand: Command {
    static let name = "table"
    static let summary = "Fit a model to a CSV table, then sample valid synthetic rows"
    static let help = """
    usage: synth table fit --input FILE.csv --out DIR [--schema schema.json]
                           [--preset auto|tiny|char|small] [--steps N] [--time-limit MIN]
                           [--orders K] [--batch N] [--seed S] [--threads N]
           synth table sample --model DIR --rows N [--where COND]... [--out FILE]
                              [--format csv|jsonl] [--seed S] [--temperature T] [--batch B]
                              [--allow-copies] [--max-attempts N] [--threads N]

    fit     Reads the CSV (header first), infers each column's domain (schema.json
            overrides it), serializes every row in K column orders (the table order
            and shuffled ones; K sized to the data by default), trains a BPE tokenizer
            and a GPT sized to the data (at most 96 wide, for sampling speed; --preset
            char is 4 x 128), with 5% of the rows held out for validation:
            training stops when the validation loss has not improved for 6
            evaluations, and the best model is kept. --time-limit bounds the training
            (default 8 minutes; the step count is sized to it). DIR receives
            model.safetensors, config.json, tokenizer.json, schema.json,
            fingerprints.bin (the training rows' hashes, for the privacy guard),
            table.json and metrics.jsonl; it appears only when complete. Ctrl-C ends
            training early and still writes the bundle with the best model so far.
    sample  Writes N rows, every one inside the schema (values in their column's
            domain) and the conditions, as CSV with the original header (default) or
            JSONL (--format, or an --out name ending in .jsonl), to --out FILE (which
            appears only when complete) or standard output. --where 'income=>50K',
            'age>=30', 'workclass in (Private, State-gov)': =, !=, <, <=, >, >=, in
            (see the README); conditions are enforced while sampling, never by
            rejection. A sample identical to a training row is not written and another
            is drawn (--allow-copies turns this off); after --max-attempts samples
            (default 10 per row) the run fails. --temperature 1 samples the model's
            distribution; --seed S makes runs repeatable for a thread count.
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard let verb = arguments.next() else { throw UsageError("expected 'fit' or 'sample' after 'table'") }
        switch verb {
        case "fit": return try fit(&arguments)
        case "sample": return try sample(&arguments)
        default: throw UsageError("unknown table command '\(verb)' (expected fit or sample)")
        }
    }

    // MARK: fit

    static func fit(_ arguments: inout Arguments) throws -> Int32 {
        guard let input = try arguments.value("--input") else { throw UsageError("--input FILE.csv is required") }
        guard let out = try arguments.value("--out") else { throw UsageError("--out DIR is required") }
        var options = TableFitOptions()
        options.schemaPath = try arguments.value("--schema")
        options.permutationsPerRow = try arguments.integer("--orders", in: 1...1_000)
        options.model = try modelFitOptions(&arguments, defaults: options.model)
        try arguments.finish()
        var seconds = 0.0
        return try runFit(out: out, { events, shouldStop in
            let report = try TableSynthesizer.fit(input: input, out: out, options: options, events: events, shouldStop: shouldStop)
            seconds = report.seconds
            return report.fit
        }, seconds: { seconds })
    }

    // MARK: sample

    static func sample(_ arguments: inout Arguments) throws -> Int32 {
        guard let directory = try arguments.value("--model") else { throw UsageError("--model DIR is required") }
        guard let rows = try arguments.integer("--rows", in: 1...1_000_000_000) else { throw UsageError("--rows N is required") }
        var options = TableSampleOptions()
        options.rows = rows
        options.conditions = try arguments.values("--where")
        let out = try arguments.value("--out")
        let formatName = try arguments.value("--format") ?? (out?.hasSuffix(".jsonl") == true ? "jsonl" : "csv")
        options.seed = UInt64(try arguments.integer("--seed", default: 0, in: 0...Int.max)!)
        if let text = try arguments.value("--temperature") {
            guard let value = Float(text), value.isFinite, value >= 0 else {
                throw UsageError("--temperature expects a non-negative number, got '\(text)'")
            }
            options.temperature = value
        }
        options.batch = try arguments.integer("--batch", default: options.batch, in: 1...1024)!
        options.allowCopies = arguments.flag("--allow-copies")
        options.maxAttempts = try arguments.integer("--max-attempts", in: 1...Int.max)
        let threads = try arguments.integer("--threads", in: 1...256)
        try arguments.finish()
        guard let format = TableRowWriter.Format(rawValue: formatName) else {
            throw UsageError("--format expects csv or jsonl, got '\(formatName)'")
        }

        let sampler = try TableSampler(bundle: directory, threads: threads)
        _ = try sampler.conditions(options.conditions)  // errors before any output exists
        let writer = try TableRowWriter(schema: sampler.schema, format: format, path: out)
        defer { writer.discard() }
        if let temporary = writer.temporaryPath { removeOnInterrupt(temporary) }
        let progress = ProgressBar("sampling", unit: " rows")
        let showProgress = out != nil && isatty(2) != 0
        let result = try sampler.sample(options, into: writer) { state in
            if showProgress {
                progress.update(done: state.written, total: state.wanted,
                                note: String(format: " %.0f rows/s", Double(state.written) / max(state.seconds, 1e-9)))
            }
        }
        if showProgress { progress.finish() }
        let copies = options.allowCopies ? "" : ", \(result.copies) exact copies of training rows dropped"
        printError(String(format: "wrote %@: %d rows in %.1f s (%.0f rows/s), %d samples drawn%@", out ?? "standard output",
                          result.written, result.seconds, Double(result.written) / max(result.seconds, 1e-9),
                          result.attempts, copies))
        return ExitStatus.success
    }
}
