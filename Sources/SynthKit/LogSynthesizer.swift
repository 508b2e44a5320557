// `logs fit`: a log file in, a model bundle out.
//
//   read the lines (blank lines left out; UTF-8, no NUL, no `<|`)
//   ─► the header format: the given regex, checked against every line, or inferred
//   ─► split the lines into blocks of consecutive lines, ~5% of the blocks for validation
//   ─► windows of k consecutive lines inside each run of blocks (stride 1), each one record
//      `<|log|>line\n...\nline<|eos|>`, shuffled
//   ─► SequenceFitter: BPE on the lines (digits one by one), a model sized to the data,
//      training with early stopping
//   ─► bundle: model.safetensors, config.json, tokenizer.json, header.regex,
//      fingerprints.bin (the training lines, for the privacy guard), logs.json (the format
//      and how it was fitted), metrics.jsonl
//
// Why these choices:
// - Validation by blocks of consecutive lines when windows hold several lines: neighbouring
//   windows share lines, and a window split would measure memorisation. Single lines are
//   split one by one, like table rows: with blocks, the held-out lines' timestamps lie in
//   stretches of time the model never saw, and the validation loss rose (stopping training
//   early) while the events themselves were still being learned (Apache: 0.47 at best
//   with blocks, and an event distribution further from the held-out log's).
// - Stride 1: every line starts a window, so the model sees each line at every position of
//   a window (the first line of a sample has no context, the later ones have some).
// - Digits one by one: timestamps, pids and ids are digit strings whose ranges the header
//   grammar cuts at digit boundaries; single-digit tokens line up with them.

import Foundation
import GPT
import Records
import TensorCore

/// Settings of `logs fit`; every one has a default.
public struct LogFitOptions: Sendable {
    /// The model, its training and the time budget. Log corpora are small and repetitive:
    /// the model needs many passes over them (early stopping ends training when it starts
    /// to memorise), so the epoch cap is high and the time limit decides.
    public var model: ModelFitOptions = {
        var options = ModelFitOptions()
        options.maxEpochs = 100
        return options
    }()
    /// A header regex overriding inference, and where it came from (for errors).
    public var headerRegex: String?
    public var headerRegexSource = "--header-regex"
    /// Lines per record.
    public var window = 1
    /// Share of lines held out for validation (early stopping).
    public var validationFraction = 0.05

    public init() {}
}

/// What a fit produced.
public struct LogFitReport: Sendable {
    public var lines: Int
    public var window: Int
    public var trainingWindows: Int
    public var validationWindows: Int
    public var format: LogLineFormat
    /// True when the header was inferred (no regex given).
    public var inferred: Bool
    /// The tokenizer, the model and how training went.
    public var fit: SequenceFitReport
    public var seconds: Double
}

public enum LogSynthesizer {
    /// Fits a model to the log file `input` and writes the bundle to `out` (replacing it).
    /// `shouldStop` is polled after every step (Ctrl-C): training then ends and the bundle
    /// is written with the best model so far.
    public static func fit(input: String, out: String, options: LogFitOptions = LogFitOptions(),
                           events: (FitEvent) -> Void = { _ in },
                           shouldStop: () -> Bool = { false }) throws -> LogFitReport {
        let start = Date()
        guard options.window >= 1 else { throw UsageError("--window expects at least 1 line, got \(options.window)") }

        // 1. The lines and their header.
        let file = try LogFile(contentsOf: input)
        let lines = file.lines
        let format: LogLineFormat
        if let regex = options.headerRegex {
            format = LogLineFormat(headerRegex: regex)
            try format.validate(source: options.headerRegexSource)
        } else {
            format = try LogHeaderInference.infer(lines, source: input)
        }
        let matcher = try LogLineMatcher(format: format)
        for (line, number) in zip(lines, file.lineNumbers) where !matcher.matches(line) {
            throw LogError.headerMismatch(file: input, line: number, text: line,
                                          pattern: options.headerRegex == nil ? "the inferred header" : options.headerRegexSource)
        }
        events(.message("read \(input): \(lines.count) lines"))
        let shown = format.headerRegex.count > 300 ? String(format.headerRegex.prefix(300)) + "... (\(format.headerRegex.count) characters)" : format.headerRegex
        events(.message("header \(options.headerRegex == nil ? "inferred" : "given"): \(shown)"))
        guard lines.count >= options.window else {
            throw JobError("\(input): \(lines.count) lines, fewer than one window of \(options.window)")
        }

        // 2. Blocks of consecutive lines, some for validation; windows inside runs of blocks.
        var (training, validation) = windows(lineCount: lines.count, window: options.window,
                                             validationFraction: options.validationFraction, seed: options.model.seed)
        // The model's context is sized to the longest record: a few freak lines (HDFS has two
        // of 2,500 bytes among lines of 140) would make every step 8 times as long. Windows
        // longer than 4 times the median and than 99.5% of them are left out of training
        // (their lines still count for the privacy guard).
        let lengths = lines.map { $0.utf8.count + 1 }
        func length(_ start: Int) -> Int { lengths[start..<(start + options.window)].reduce(0, +) }
        guard !training.isEmpty else { throw JobError("\(input): no window of \(options.window) lines to train on") }
        let sorted = (training + validation).map(length).sorted()
        let cap = max(4 * sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 995 / 1000)])
        let before = training.count + validation.count
        training.removeAll { length($0) > cap }
        validation.removeAll { length($0) > cap }
        if before > training.count + validation.count {
            events(.message("\(before - training.count - validation.count) windows longer than \(cap) bytes left out of training"))
        }
        var rng = SplitMix(seed: options.model.seed ^ 0x10C5)
        let codec = LogLineCodec(window: options.window)
        func sequences(_ starts: [Int]) -> [String] {
            var texts = starts.map { codec.encode(lines[$0..<($0 + options.window)]) }
            texts.shuffle(using: &rng)
            return texts
        }
        let bytes = lines.reduce(0) { $0 + $1.utf8.count }
        let corpus = SequenceCorpus(
            specialTokens: LogLineCodec.specialTokens, tokenizerTexts: lines.map { Array($0.utf8) },
            merges: min(2_000, max(64, bytes / 100)), pattern: .cl100kSingleDigits,
            training: sequences(training), validation: sequences(validation), viewsPerRecord: options.window, source: input)
        events(.message("\(training.count) training windows of \(options.window) line\(options.window == 1 ? "" : "s"), \(validation.count) for validation"))

        // 3. Tokenizer, model and training, in a working directory beside the bundle.
        let work = try makeWorkingDirectory(for: out)
        var finished = false
        defer { if !finished { try? FileManager.default.removeItem(atPath: work) } }
        let (fit, _) = try SequenceFitter.fit(corpus, into: work, options: options.model, events: events, shouldStop: shouldStop)

        // 4. The rest of the bundle, then the bundle into place.
        try writeAtomically(Data((format.headerRegex + "\n").utf8), to: work + "/header.regex")
        var fingerprints = RecordFingerprints()
        for line in lines { fingerprints.insert(text: line.utf8) }
        try writeAtomically(fingerprints.data(), to: work + "/fingerprints.bin")
        let report = LogFitReport(lines: lines.count, window: options.window, trainingWindows: training.count,
                                  validationWindows: validation.count, format: format, inferred: options.headerRegex == nil,
                                  fit: fit, seconds: Date().timeIntervalSince(start))
        try writeAtomically(summaryJSON(report, input: input, seed: options.model.seed), to: work + "/logs.json")
        try replaceDirectory(out, with: work)
        finished = true
        return report
    }

    /// The first line of every training and validation window: lines in blocks of
    /// consecutive lines (one line when windows are single lines, else 8 windows' worth), a
    /// seeded ~`fraction` of the blocks for validation (none under 100 lines), windows of
    /// `window` lines inside each run of blocks of one kind.
    static func windows(lineCount: Int, window: Int, validationFraction: Double, seed: UInt64) -> (training: [Int], validation: [Int]) {
        let blockSize = window == 1 ? 1 : 8 * window
        let blockCount = (lineCount + blockSize - 1) / blockSize
        var held = [Bool](repeating: false, count: blockCount)
        if lineCount >= 100 && blockCount >= 2 {
            var rng = SplitMix(seed: seed ^ 0x7E57)
            let count = max(1, Int((Double(blockCount) * validationFraction).rounded()))
            for block in Array(0..<blockCount).shuffled(using: &rng).prefix(count) { held[block] = true }
        }
        var training: [Int] = [], validation: [Int] = []
        var runStart = 0
        while runStart < lineCount {
            let kind = held[runStart / blockSize]
            var runEnd = runStart
            while runEnd < lineCount && held[runEnd / blockSize] == kind { runEnd += blockSize }
            runEnd = min(runEnd, lineCount)
            if runEnd - runStart >= window {
                let starts = Array(runStart...(runEnd - window))
                if kind { validation += starts } else { training += starts }
            }
            runStart = runEnd
        }
        return (training, validation)
    }

    static func summaryJSON(_ report: LogFitReport, input: String, seed: UInt64) -> Data {
        var object: [String: Any] = [
            "kind": "logs", "input": input, "lines": report.lines, "window": report.window,
            "header_regex": report.format.headerRegex, "header_inferred": report.inferred,
            "training_windows": report.trainingWindows, "validation_windows": report.validationWindows,
            "vocab_size": report.fit.vocabularySize, "parameters": report.fit.parameters,
            "planned_steps": report.fit.plannedSteps, "steps_run": report.fit.stepsRun, "best_step": report.fit.bestStep,
            "stop_reason": report.fit.stopReason, "fit_seconds": report.seconds, "seed": seed,
        ]
        if let bare = report.format.bareHeaderRegex { object["bare_header_regex"] = bare }
        if let loss = report.fit.bestValidationLoss { object["best_val_loss"] = Double(loss) }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }
}
