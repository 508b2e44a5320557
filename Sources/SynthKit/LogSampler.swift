// `logs sample`: log lines from a fitted bundle, each with a valid header by construction.
//
// One grammar per run — `<|log|>`, then k lines separated by line feeds, each a header
// (the bundle's regex) and a message (any UTF-8 text without a line break) — compiled once
// for the vocabulary; every sample starts from the <|eos|> prompt (a window follows <|eos|>
// in the training stream) and writes its k lines, in request order, in chunks (constant
// memory; the same output for a given seed and thread count).
//
// Each line is checked again against the format before it is written: the grammar makes a
// bad header impossible, so one is a bug and stops the run. The privacy guard drops a window
// if any of its lines is identical to a training line (whole lines, header included: log
// messages repeat by nature — a template without parameters has a single message — so
// refusing every training message would remove those events from the output and distort
// the event distribution; timestamps make a copied line rare but the guard still catches
// it), and draws another, up to a cap on attempts.

import BPE
import Decoding
import Foundation
import GPT
import Records
import TensorCore

public struct LogSampleOptions: Sendable {
    public var lines = 1000
    public var seed: UInt64 = 0
    public var temperature: Float = 1
    /// Tokens less likely than this share of the likeliest one are never drawn (0: off).
    /// The default cuts the far tail, where a small model's broken lines come from: on HDFS
    /// (4 minutes of training) 0.02 took the lines matching an event template from 82% to
    /// 98% without narrowing the choice between events.
    public var minP: Float = 0.02
    /// Windows decoded together.
    public var batch = 64
    /// Write lines identical to a training line (the privacy guard off).
    public var allowCopies = false
    /// Windows drawn at most; nil for 10 per wanted window (at least 1,000).
    public var maxAttempts: Int?
    public var halfPrecision = halfPrecisionAvailable

    public init() {}
}

/// Where a run stands.
public struct LogSampleProgress: Sendable {
    public var written: Int
    public var wanted: Int
    /// Windows dropped because one of their lines copied a training line.
    public var copies: Int
    /// Windows drawn.
    public var attempts: Int
    public var seconds: Double
}

/// A fitted bundle, ready to sample from.
public final class LogSampler {
    public let bundle: ModelBundle
    public let format: LogLineFormat
    /// Lines per sample.
    public let window: Int
    public let fingerprints: RecordFingerprints

    /// Loads the bundle in `directory` (written by ``LogSynthesizer/fit(input:out:options:events:shouldStop:)``).
    public init(bundle directory: String, threads: Int? = nil) throws {
        bundle = try ModelBundle(directory: directory, extraFiles: ["logs.json", "fingerprints.bin"],
                                 writer: "synth logs fit", threads: threads)
        try bundle.requireSpecialTokens(LogLineCodec.specialTokens, kind: "logs")
        let path = directory + "/logs.json"
        guard let object = try? JSONSerialization.jsonObject(with: bundle.data("logs.json")) as? [String: Any],
              object["kind"] as? String == "logs", let header = object["header_regex"] as? String,
              let window = object["window"] as? Int, window >= 1 else {
            throw JobError("\(path): not a logs bundle summary (expected kind \"logs\", header_regex and window)")
        }
        format = LogLineFormat(headerRegex: header, bareHeaderRegex: object["bare_header_regex"] as? String)
        try format.validate(source: path)
        self.window = window
        fingerprints = try RecordFingerprints(data: bundle.data("fingerprints.bin"), path: directory + "/fingerprints.bin")
    }

    /// Samples `options.lines` lines into `writer`, in order; returns the final progress.
    @discardableResult
    public func sample(_ options: LogSampleOptions, into writer: AtomicOutput,
                       progress: (LogSampleProgress) -> Void = { _ in }) throws -> LogSampleProgress {
        let grammar = try format.windowGrammar(lines: window)
        let matcher = try LogLineMatcher(format: format)
        let codec = LogLineCodec(window: window)
        let windowsWanted = (options.lines + window - 1) / window
        let batch = max(1, min(options.batch, windowsWanted))
        let generator = try Generator(model: bundle.model, tokenizer: bundle.tokenizer, maxBatch: batch, halfPrecision: options.halfPrecision)
        guard let endToken = generator.endToken else {
            throw JobError("\(bundle.directory)/tokenizer.json: no <|eos|> token")
        }
        let constraint = try GrammarConstraint(grammar: grammar, trie: bundle.vocabularyTrie(), endToken: endToken)
        let maxTokens = bundle.model.config.blockSize - 1
        let needed = constraint.minimumTokens(constraint.startState)
        guard needed <= maxTokens else {
            throw JobError("a window needs at least \(needed) tokens, but the model's context of \(bundle.model.config.blockSize) leaves \(maxTokens)")
        }
        let sampler = Sampler.standard(temperature: options.temperature, minP: options.minP)
        try sampler.validate()
        let maxAttempts = options.maxAttempts ?? max(1_000, windowsWanted * 10)
        let start = Date()
        var state = LogSampleProgress(written: 0, wanted: options.lines, copies: 0, attempts: 0, seconds: 0)
        while state.written < options.lines {
            let wanted = (options.lines - state.written + window - 1) / window
            let margin = state.attempts > 0 ? Int((Double(state.copies) / Double(state.attempts) * Double(wanted)).rounded(.up)) : 0
            let chunk = min(batch * 4, wanted + margin, maxAttempts - state.attempts)
            guard chunk > 0 else {
                throw JobError("""
                    gave up after \(state.attempts) samples: \(state.written) lines written, \(state.copies) samples held \
                    exact copies of training lines (the model memorised its data: fit with fewer steps, or sample with \
                    --allow-copies)
                    """)
            }
            let requests = (0..<chunk).map { offset in
                GenerationRequest(prompt: [endToken], maxTokens: maxTokens, constraint: constraint, sampler: sampler,
                                  seed: options.seed &+ UInt64(state.attempts + offset))
            }
            let results = try generator.generate(requests)
            state.attempts += chunk
            for result in results where state.written < options.lines {
                let lines: [String]
                do { lines = try codec.decode(result.bytes) } catch {
                    throw JobError("internal error: a constrained sample is not a log window (\(error)): \(result.text.debugDescription)")
                }
                for line in lines where !matcher.matches(line) {
                    throw JobError("internal error: a constrained sample has a line outside the header format: \(line.debugDescription)")
                }
                if !options.allowCopies && lines.contains(where: { fingerprints.contains(text: $0.utf8) }) {
                    state.copies += 1
                    continue
                }
                for line in lines.prefix(options.lines - state.written) {
                    try writer.write(line + "\n")
                    state.written += 1
                }
            }
            state.seconds = Date().timeIntervalSince(start)
            progress(state)
        }
        try writer.finish()
        state.seconds = Date().timeIntervalSince(start)
        return state
    }
}
