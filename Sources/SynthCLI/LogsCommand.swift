// `synth logs fit` and `synth logs sample`: the log job end to end (SynthKit's
// LogSynthesizer and LogSampler); this file only reads options and shows progress.

import Foundation
import Records
import SynthKit

struct LogsCommand: Command {
    static let name = "logs"
    static let summary = "Fit a model to a log file, then sample lines with valid headers"
    static let help = """
    usage: synth logs fit --input FILE.log --out DIR [--header-regex REGEX | --header-regex-file FILE]
                          [--window K] [--preset auto|tiny|char|small] [--steps N] [--time-limit MIN]
                          [--batch N] [--seed S] [--threads N]
           synth logs sample --model DIR --lines N [--out FILE] [--seed S] [--temperature T]
                             [--min-p P] [--batch B] [--allow-copies] [--max-attempts N]
                             [--threads N]

    fit     Reads the log file (one record per line; blank lines are left out) and
            finds each line's header: the part before the message (timestamp, level,
            component...). With --header-regex (or --header-regex-file, the regex on
            its first line) every line must begin with a match of the regex, the
            separator before the message included (for example
            '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} (INFO|WARN) [a-zA-Z.]+: '); the
            first line that does not is an error. Without it the header is inferred:
            fixed text, closed sets (levels, components, hosts), digit fields with the
            widths and ranges seen, and dates and times written so that only real ones
            exist (weekdays consistent with their dates). The model learns windows of K
            consecutive lines (default 1) as records; 5% of the lines (in blocks of
            8 windows when K > 1) are held out for validation and early stopping; long
            freak lines are left out of training. DIR receives
            model.safetensors, config.json, tokenizer.json, header.regex (the header,
            reusable with --header-regex-file), fingerprints.bin (hashes of the training
            lines), logs.json and metrics.jsonl; it appears only when complete.
            Ctrl-C ends training early and still writes the bundle.
    sample  Writes N lines, K at a time (the window the model was fitted with), each
            one a header matching the bundle's format followed by a message, to --out
            FILE (which appears only when complete) or standard output. A window with
            a line identical to a training line (header and message) is not written
            and another is drawn (--allow-copies turns this off); after
            --max-attempts windows (default 10 per window wanted) the run fails.
            --temperature 1 samples the model's distribution, without the tokens
            less likely than --min-p times the likeliest one (default 0.02: the tail
            where broken lines come from; 0 keeps everything); --seed S makes runs
            repeatable for a thread count.

    fit options:
    \(modelFitHelp)
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard let verb = arguments.next() else { throw UsageError("expected 'fit' or 'sample' after 'logs'") }
        switch verb {
        case "fit": return try fit(&arguments)
        case "sample": return try sample(&arguments)
        default: throw UsageError("unknown logs command '\(verb)' (expected fit or sample)")
        }
    }

    // MARK: fit

    static func fit(_ arguments: inout Arguments) throws -> Int32 {
        guard let input = try arguments.value("--input") else { throw UsageError("--input FILE.log is required") }
        guard let out = try arguments.value("--out") else { throw UsageError("--out DIR is required") }
        var options = LogFitOptions()
        let regex = try arguments.value("--header-regex")
        let regexFile = try arguments.value("--header-regex-file")
        options.window = try arguments.integer("--window", default: 1, in: 1...64)!
        options.model = try modelFitOptions(&arguments, defaults: options.model)
        try arguments.finish()
        switch (regex, regexFile) {
        case (let regex?, nil):
            guard !regex.isEmpty else { throw UsageError("--header-regex is empty") }
            options.headerRegex = regex
        case (nil, let file?):
            options.headerRegex = try readRegexFile(file)
            options.headerRegexSource = file
        case (nil, nil):
            break
        default:
            throw UsageError("give --header-regex or --header-regex-file, not both")
        }
        var seconds = 0.0
        return try runFit(out: out, { events, shouldStop in
            let report = try LogSynthesizer.fit(input: input, out: out, options: options, events: events, shouldStop: shouldStop)
            seconds = report.seconds
            return report.fit
        }, seconds: { seconds })
    }

    /// The first line of `path` (a trailing line end is not part of the regex).
    static func readRegexFile(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JobError("\(path): cannot read: no such file or not readable")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw JobError("\(path): not UTF-8 text") }
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let regex = line.hasSuffix("\r") ? String(line.dropLast()) : line
        guard !regex.isEmpty else { throw JobError("\(path): the first line is empty (expected the header regex)") }
        return regex
    }

    // MARK: sample

    static func sample(_ arguments: inout Arguments) throws -> Int32 {
        guard let directory = try arguments.value("--model") else { throw UsageError("--model DIR is required") }
        guard let lines = try arguments.integer("--lines", in: 1...1_000_000_000) else { throw UsageError("--lines N is required") }
        var options = LogSampleOptions()
        options.lines = lines
        let out = try arguments.value("--out")
        options.seed = UInt64(try arguments.integer("--seed", default: 0, in: 0...Int.max)!)
        if let text = try arguments.value("--temperature") {
            guard let value = Float(text), value.isFinite, value >= 0 else {
                throw UsageError("--temperature expects a non-negative number, got '\(text)'")
            }
            options.temperature = value
        }
        if let text = try arguments.value("--min-p") {
            guard let value = Float(text), value >= 0, value < 1 else {
                throw UsageError("--min-p expects a number from 0 up to (not including) 1, got '\(text)'")
            }
            options.minP = value
        }
        options.batch = try arguments.integer("--batch", default: options.batch, in: 1...1024)!
        options.allowCopies = arguments.flag("--allow-copies")
        options.maxAttempts = try arguments.integer("--max-attempts", in: 1...Int.max)
        let threads = try arguments.integer("--threads", in: 1...256)
        try arguments.finish()

        let sampler = try LogSampler(bundle: directory, threads: threads)
        let writer = try AtomicOutput(path: out)
        defer { writer.discard() }
        if let temporary = writer.temporaryPath { removeOnInterrupt(temporary) }
        let progress = ProgressBar("sampling", unit: " lines")
        let showProgress = out != nil && isatty(2) != 0
        let result = try sampler.sample(options, into: writer) { state in
            if showProgress {
                progress.update(done: state.written, total: state.wanted,
                                note: String(format: " %.0f lines/s", Double(state.written) / max(state.seconds, 1e-9)))
            }
        }
        if showProgress { progress.finish() }
        let copies = options.allowCopies ? "" : ", \(result.copies) with a copy of a training line dropped"
        printError(String(format: "wrote %@: %d lines in %.1f s (%.0f lines/s), %d windows of %d drawn%@", out ?? "standard output",
                          result.written, result.seconds, Double(result.written) / max(result.seconds, 1e-9),
                          result.attempts, sampler.window, copies))
        return ExitStatus.success
    }
}
