// `synth paraphrase fit` and `synth paraphrase generate`: the paraphrase job end to end
// (SynthKit's ParaphraseSynthesizer and ParaphraseGenerator); this file only reads options
// and shows progress.

import Foundation
import Records
import SynthKit

struct ParaphraseCommand: Command {
    static let name = "paraphrase"
    static let summary = "Fit a model to paraphrase pairs, then paraphrase sentences"
    static let help = """
    usage: synth paraphrase fit --input PAIRS.jsonl --out DIR [--merges N]
                                [--preset auto|tiny|char|small] [--steps N] [--time-limit MIN]
                                [--batch N] [--seed S] [--threads N]
           synth paraphrase generate --model DIR --input FILE [--k K] [--diversity D]
                                     [--copy-bias B] [--out FILE.jsonl] [--seed S] [--batch B]
                                     [--allow-copies] [--max-attempts N] [--threads N]

    fit       Reads one pair per line, {"source": "...", "paraphrase": "..."} (other
              members are ignored), and trains on both directions of every pair
              (source to paraphrase and paraphrase to source). Sentences become single
              lines (line breaks and control characters to spaces, trimmed); pairs with
              an empty side or two equal sides are left out. The tokenizer is kept
              small (one merge per 600 bytes of text, 256 to 2,000; --merges N sets it)
              so that copying words from the source is easy to learn. 5% of the pairs
              are held out for validation: training stops when their loss has not
              improved for 6 evaluations (at most 40 passes over the data), and the
              best model is kept; --time-limit bounds the training (default 8
              minutes). DIR receives model.safetensors, config.json, tokenizer.json,
              paraphrase.json, fingerprints.bin (the training pairs' hashes, both
              directions) and metrics.jsonl; it appears only when complete.
    generate  Paraphrases every sentence of --input: text, one sentence per line, or
              JSONL with a "source" member when the name ends in .jsonl. Writes K
              {"source", "paraphrase"} lines per sentence (default 5), in input order,
              to --out FILE (which appears only when complete) or standard output. A
              paraphrase is one non-blank line, never equal to its source and never
              equal to another paraphrase of it (white space and letter case aside),
              and with the privacy guard never a training pair (--allow-copies turns
              that check off). Each sentence gets --max-attempts samples at most
              (default max(3K, K + 8)); sentences left with fewer than K are reported.
              --diversity D from 0 to 1 (default 0.5) sets the sampling: temperature
              0.5 + 0.7 D and top-p 0.75 + 0.25 D, so 0 stays close to the model's
              likeliest rewording and 1 samples freely (more varied, less faithful).
              --copy-bias B (default \(ParaphraseOptions.defaultCopyBias)) adds about B to the logit of the
              token that would continue a copy of the source from where the output
              last matched it (twice that inside a word, 1.5 times for names, numbers
              and long words, half for short function words): a small model learns
              fluent text long before it learns to follow its source, and this keeps
              it on the source's meaning while it rewords; higher copies more, 0
              turns it off.
              --seed S makes runs repeatable.

    Model options of fit:
    \(modelFitHelp)
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard let verb = arguments.next() else { throw UsageError("expected 'fit' or 'generate' after 'paraphrase'") }
        switch verb {
        case "fit": return try fit(&arguments)
        case "generate": return try generate(&arguments)
        default: throw UsageError("unknown paraphrase command '\(verb)' (expected fit or generate)")
        }
    }

    // MARK: fit

    static func fit(_ arguments: inout Arguments) throws -> Int32 {
        guard let input = try arguments.value("--input") else { throw UsageError("--input PAIRS.jsonl is required") }
        guard let out = try arguments.value("--out") else { throw UsageError("--out DIR is required") }
        var options = ParaphraseFitOptions()
        options.merges = try arguments.integer("--merges", in: 0...100_000)
        options.model = try modelFitOptions(&arguments, defaults: options.model)
        try arguments.finish()
        var seconds = 0.0
        return try runFit(out: out, { events, shouldStop in
            let report = try ParaphraseSynthesizer.fit(input: input, out: out, options: options, events: events, shouldStop: shouldStop)
            seconds = report.seconds
            return report.fit
        }, seconds: { seconds })
    }

    // MARK: generate

    static func generate(_ arguments: inout Arguments) throws -> Int32 {
        guard let directory = try arguments.value("--model") else { throw UsageError("--model DIR is required") }
        guard let input = try arguments.value("--input") else { throw UsageError("--input FILE is required") }
        var options = ParaphraseOptions()
        options.k = try arguments.integer("--k", default: options.k, in: 1...1_000)!
        if let text = try arguments.value("--diversity") {
            guard let value = Double(text), value >= 0, value <= 1 else {
                throw UsageError("--diversity expects a number from 0 to 1, got '\(text)'")
            }
            options.diversity = value
        }
        if let text = try arguments.value("--copy-bias") {
            guard let value = Float(text), value.isFinite, value >= 0, value <= 100 else {
                throw UsageError("--copy-bias expects a number from 0 to 100, got '\(text)'")
            }
            options.copyBias = value
        }
        let out = try arguments.value("--out")
        options.seed = UInt64(try arguments.integer("--seed", default: 0, in: 0...Int.max)!)
        options.batch = try arguments.integer("--batch", default: options.batch, in: 1...1024)!
        options.allowCopies = arguments.flag("--allow-copies")
        options.maxAttempts = try arguments.integer("--max-attempts", in: 1...1_000_000)
        let threads = try arguments.integer("--threads", in: 1...256)
        try arguments.finish()

        let generator = try ParaphraseGenerator(bundle: directory, threads: threads)
        let inputs = try generator.inputs(from: input)  // errors before any output exists
        let writer = try AtomicOutput(path: out)
        defer { writer.discard() }
        if let temporary = writer.temporaryPath { removeOnInterrupt(temporary) }
        let progress = ProgressBar("paraphrasing", unit: " sentences")
        let showProgress = out != nil && isatty(2) != 0
        let result = try generator.generate(inputs, options: options, into: writer) { state in
            if showProgress {
                progress.update(done: state.inputsDone, total: state.inputs,
                                note: String(format: " %.0f tokens/s", Double(state.tokens) / max(state.seconds, 1e-9)))
            }
        }
        if showProgress { progress.finish() }
        let copies = options.allowCopies ? "" : ", \(result.copies) training pairs"
        printError(String(format: "wrote %@: %d paraphrases of %d sentences in %.1f s (%.0f tokens/s); %d samples drawn, dropped %d equal to the source, %d repeated%@",
                          out ?? "standard output", result.written, result.inputs, result.seconds,
                          Double(result.tokens) / max(result.seconds, 1e-9), result.attempts, result.equalToSource, result.duplicates, copies))
        if result.shortInputs > 0 {
            let lines = result.shortLines.map(String.init).joined(separator: ", ") + (result.shortInputs > result.shortLines.count ? ", ..." : "")
            printError("\(result.shortInputs) sentences got fewer than \(options.k) distinct paraphrases within \(options.maxAttempts ?? max(3 * options.k, options.k + 8)) attempts (lines \(lines)); raise --diversity or --max-attempts for more")
        }
        return ExitStatus.success
    }
}
