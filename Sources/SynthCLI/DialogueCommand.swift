// `synth dialogue fit` and `synth dialogue sample`: the dialogue job end to end (SynthKit's
// DialogueSynthesizer and DialogueSampler); this file only reads options and shows progress.

import Foundation
import Records
import SynthKit

struct DialogueCommand: Command {
    static let name = "dialogue"
    static let summary = "Fit a model to JSONL dialogues, then sample well-formed dialogues or continuations"
    static let help = """
    usage: synth dialogue fit --input FILE.jsonl --out DIR [--merges N]
                              [--preset auto|tiny|char|small] [--steps N] [--time-limit MIN]
                              [--batch N] [--seed S] [--threads N]
           synth dialogue sample --model DIR --dialogues N [--opening FILE.jsonl] [--out FILE.jsonl]
                                 [--seed S] [--temperature T] [--top-p P] [--batch B]
                                 [--free-turns] [--allow-copies] [--max-attempts N] [--threads N]

    fit     Reads one dialogue per line, {"turns": [{"speaker": "USER", "text": "..."}, ...]}
            (other members are ignored). Texts become single lines (line breaks and
            control characters to spaces, trimmed), empty turns are dropped and a
            speaker's consecutive turns joined; dialogues left with fewer than two turns
            are not used. Every speaker becomes a token (<|speaker:USER|>); the speakers,
            the opening speakers and the turn counts seen are the rules sampling keeps.
            Dialogues longer than 3,072 bytes are cut after the last turn that fits (the
            model's context is at most 1,024 tokens). 5% of the dialogues are held out
            for validation: training stops when their loss has not improved for 6
            evaluations, and the best model is kept; --time-limit bounds the training
            (default 8 minutes). DIR receives model.safetensors, config.json,
            tokenizer.json, dialogue.json, fingerprints.bin (the training dialogues'
            hashes, for the privacy guard) and metrics.jsonl; it appears only when
            complete. Ctrl-C ends training early and still writes the bundle.
    sample  Writes N dialogues as JSONL in the input format, to --out FILE (which appears
            only when complete) or standard output. Every dialogue is well-formed by
            construction: it opens with an opening speaker of training, speakers seen in
            training alternate (never one twice in a row), every text is one non-blank
            line without structure tokens, and the turn count lies within training's
            (at least 2). The turn counts of the N dialogues follow the training
            dialogues' distribution (evenly spaced quantiles, in a seeded order;
            where the model opens a turn past the count, the dialogue ends);
            --free-turns lets the model end each dialogue where it likes instead. With
            --opening FILE.jsonl, each line is an opening dialogue
            and N continuations of each are written (N defaults to 1 then): the opening
            followed by at least one new turn. A dialogue identical to a training
            dialogue is not written and another is drawn (the count is reported;
            --allow-copies turns this off); after --max-attempts (default 20) copies for
            one dialogue the run fails. --temperature 1 and --top-p 1 (the defaults)
            sample the model's distribution; --seed S makes runs repeatable.

    Model options of fit (--batch defaults to 8 here: dialogues are long sequences):
    \(modelFitHelp)
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard let verb = arguments.next() else { throw UsageError("expected 'fit' or 'sample' after 'dialogue'") }
        switch verb {
        case "fit": return try fit(&arguments)
        case "sample": return try sample(&arguments)
        default: throw UsageError("unknown dialogue command '\(verb)' (expected fit or sample)")
        }
    }

    // MARK: fit

    static func fit(_ arguments: inout Arguments) throws -> Int32 {
        guard let input = try arguments.value("--input") else { throw UsageError("--input FILE.jsonl is required") }
        guard let out = try arguments.value("--out") else { throw UsageError("--out DIR is required") }
        var options = DialogueFitOptions()
        options.merges = try arguments.integer("--merges", in: 0...100_000)
        options.model = try modelFitOptions(&arguments, defaults: options.model)
        try arguments.finish()
        var seconds = 0.0
        return try runFit(out: out, { events, shouldStop in
            let report = try DialogueSynthesizer.fit(input: input, out: out, options: options, events: events, shouldStop: shouldStop)
            seconds = report.seconds
            return report.fit
        }, seconds: { seconds })
    }

    // MARK: sample

    static func sample(_ arguments: inout Arguments) throws -> Int32 {
        guard let directory = try arguments.value("--model") else { throw UsageError("--model DIR is required") }
        let openingPath = try arguments.value("--opening")
        var options = DialogueSampleOptions()
        guard let count = try arguments.integer("--dialogues", default: openingPath == nil ? nil : 1, in: 1...100_000_000) else {
            throw UsageError("--dialogues N is required")
        }
        options.dialogues = count
        let out = try arguments.value("--out")
        options.seed = UInt64(try arguments.integer("--seed", default: 0, in: 0...Int.max)!)
        options.temperature = try number(&arguments, "--temperature", default: options.temperature, valid: { $0 >= 0 },
                                         expected: "a non-negative number")
        options.topP = try number(&arguments, "--top-p", default: options.topP, valid: { $0 > 0 && $0 <= 1 },
                                  expected: "a number in (0, 1]")
        options.batch = try arguments.integer("--batch", default: options.batch, in: 1...1024)!
        options.allowCopies = arguments.flag("--allow-copies")
        options.freeTurns = arguments.flag("--free-turns")
        options.maxAttempts = try arguments.integer("--max-attempts", default: options.maxAttempts, in: 1...1_000_000)!
        let threads = try arguments.integer("--threads", in: 1...256)
        try arguments.finish()

        let sampler = try DialogueSampler(bundle: directory, threads: threads)
        let openings = try openingPath.map { try sampler.openings(from: $0) }  // errors before any output exists
        let writer = try AtomicOutput(path: out)
        defer { writer.discard() }
        if let temporary = writer.temporaryPath { removeOnInterrupt(temporary) }
        let progress = ProgressBar("sampling", unit: " dialogues")
        let showProgress = out != nil && isatty(2) != 0
        let result = try sampler.sample(options, openings: openings, into: writer) { state in
            if showProgress {
                progress.update(done: state.written, total: state.wanted,
                                note: String(format: " %.0f tokens/s", Double(state.tokens) / max(state.seconds, 1e-9)))
            }
        }
        if showProgress { progress.finish() }
        let copies = options.allowCopies ? "" : ", \(result.copies) exact copies of training dialogues dropped"
        printError(String(format: "wrote %@: %d dialogues in %.1f s (%.0f tokens/s), %d samples drawn%@", out ?? "standard output",
                          result.written, result.seconds, Double(result.tokens) / max(result.seconds, 1e-9), result.attempts, copies))
        return ExitStatus.success
    }

    /// A Float option checked by `valid`, or `defaultValue` when absent.
    static func number(_ arguments: inout Arguments, _ name: String, default defaultValue: Float,
                       valid: (Float) -> Bool, expected: String) throws -> Float {
        guard let text = try arguments.value(name) else { return defaultValue }
        guard let value = Float(text), value.isFinite, valid(value) else { throw UsageError("\(name) expects \(expected), got '\(text)'") }
        return value
    }
}
