// `paraphrase fit`: a JSONL file of {"source", "paraphrase"} pairs in, a model bundle out.
//
//   read + normalise (both sentences to single lines) ─► split by pair train / validation
//   ─► two sequences per pair, one per direction: <|src|>a<|para|>b<|eos|> and
//      <|src|>b<|para|>a<|eos|>
//   ─► SequenceFitter: BPE on the sentences, a model sized to the data, training with
//      early stopping
//   ─► bundle: model.safetensors, config.json, tokenizer.json, paraphrase.json,
//      fingerprints.bin (both directions of every pair), metrics.jsonl
//
// Why these choices (paraphrase corpora are small: MRPC has 2,753 training pairs):
// - Both directions double the data and make the relation symmetric, as paraphrase is.
// - Pairs whose sides are equal (after white space and case) are left out: they only
//   teach copying, and generation drops a paraphrase equal to its source anyway.
// - A small vocabulary (by default one merge per 600 bytes of text, 256 to 2,000): a
//   paraphrase mostly copies words of its source, and copying works best when the pieces
//   are frequent enough for the model to learn every one of them; rare whole-word tokens
//   would be copied poorly.
// - More passes over the data (40 at most, early stopping decides): the model must learn
//   to copy and to rephrase from few examples.

import Foundation
import GPT
import Records
import TensorCore

/// Settings of `paraphrase fit`; every one has a default sized from the data.
public struct ParaphraseFitOptions: Sendable {
    /// The model, its training and the time budget (`maxEpochs` 40 by default here).
    public var model: ModelFitOptions = {
        var options = ModelFitOptions()
        options.maxEpochs = 40
        return options
    }()
    /// Share of pairs held out for validation (early stopping).
    public var validationFraction = 0.05
    /// BPE merges; nil sizes them to the text.
    public var merges: Int?

    public init() {}
}

/// What a fit produced.
public struct ParaphraseFitReport: Sendable {
    public var pairs: Int
    /// Pairs left out: a side empty after normalisation, or both sides equal.
    public var skippedPairs: Int
    public var trainingPairs: Int
    public var validationPairs: Int
    /// The tokenizer, the model and how training went.
    public var fit: SequenceFitReport
    public var seconds: Double
}

public enum ParaphraseSynthesizer {
    /// Fits a model to the JSONL pairs in `input` and writes the bundle to `out` (replacing
    /// it). `shouldStop` is polled after every step (Ctrl-C): training then ends and the
    /// bundle is written with the best model so far.
    public static func fit(input: String, out: String, options: ParaphraseFitOptions = ParaphraseFitOptions(),
                           events: (FitEvent) -> Void = { _ in },
                           shouldStop: () -> Bool = { false }) throws -> ParaphraseFitReport {
        let start = Date()

        // 1. Read and normalise.
        let read = try ParaphrasePair.read(jsonLinesAt: input)
        guard !read.isEmpty else { throw JobError("\(input): no pairs (the file has no JSON lines)") }
        var pairs: [ParaphrasePair] = []
        var skipped = 0
        for (line, pair) in read {
            let source = LineText.normalized(pair.source), paraphrase = LineText.normalized(pair.paraphrase)
            guard !source.isEmpty, !paraphrase.isEmpty, LineText.comparisonKey(source) != LineText.comparisonKey(paraphrase) else {
                skipped += 1
                continue
            }
            for (name, text) in [("source", source), ("paraphrase", paraphrase)] {
                if let problem = LineText.problem(text) { throw RecordFileError(file: input, line: line, "\(name): \(problem)") }
            }
            pairs.append(ParaphrasePair(source: source, paraphrase: paraphrase))
        }
        guard !pairs.isEmpty else {
            throw JobError("\(input): no usable pairs (\(skipped) had an empty side or two equal sides)")
        }
        events(.message("read \(input): \(read.count) pairs, \(pairs.count) used (\(skipped) with an empty side or two equal sides left out)"))

        // 2. Split by pair; both directions of a pair stay on the same side.
        var rng = SplitMix(seed: options.model.seed ^ 0x9A4A_F4A5)
        let order = Array(pairs.indices).shuffled(using: &rng)
        let validationCount = pairs.count >= 40 ? max(2, Int((Double(pairs.count) * options.validationFraction).rounded())) : 0
        func sequences(_ indices: ArraySlice<Int>) -> [String] {
            var sequences: [String] = []
            for index in indices {
                let pair = pairs[index]
                sequences.append(ParaphraseCodec.encode(source: pair.source, paraphrase: pair.paraphrase))
                sequences.append(ParaphraseCodec.encode(source: pair.paraphrase, paraphrase: pair.source))
            }
            sequences.shuffle(using: &rng)
            return sequences
        }
        let validation = sequences(order.prefix(validationCount))
        let training = sequences(order.dropFirst(validationCount))
        var texts: [[UInt8]] = []
        var textBytes = 0
        for pair in pairs {
            texts.append(Array(pair.source.utf8))
            texts.append(Array(pair.paraphrase.utf8))
            textBytes += pair.source.utf8.count + pair.paraphrase.utf8.count
        }
        let merges = options.merges ?? min(2_000, max(256, textBytes / 600))
        let corpus = SequenceCorpus(specialTokens: ParaphraseCodec.specialTokens, tokenizerTexts: texts, merges: merges,
                                    training: training, validation: validation, source: input)
        events(.message("\(pairs.count - validationCount) training pairs, \(validationCount) validation pairs, both directions each"))

        // 3. Tokenizer, model and training, in a working directory beside the bundle.
        let work = try makeWorkingDirectory(for: out)
        var finished = false
        defer { if !finished { try? FileManager.default.removeItem(atPath: work) } }
        let (fit, _) = try SequenceFitter.fit(corpus, into: work, options: options.model, events: events, shouldStop: shouldStop)

        // 4. The rest of the bundle, then the bundle into place.
        var fingerprints = RecordFingerprints()
        for pair in pairs {
            fingerprints.insert(text: ParaphraseCodec.encode(source: pair.source, paraphrase: pair.paraphrase).utf8)
            fingerprints.insert(text: ParaphraseCodec.encode(source: pair.paraphrase, paraphrase: pair.source).utf8)
        }
        try writeAtomically(fingerprints.data(), to: work + "/fingerprints.bin")
        let report = ParaphraseFitReport(
            pairs: read.count, skippedPairs: skipped, trainingPairs: pairs.count - validationCount, validationPairs: validationCount,
            fit: fit, seconds: Date().timeIntervalSince(start))
        var object: [String: Any] = [
            "kind": "paraphrase", "input": input, "pairs": report.pairs, "skipped_pairs": skipped,
            "training_pairs": report.trainingPairs, "validation_pairs": report.validationPairs, "merges": merges,
            "vocab_size": fit.vocabularySize, "parameters": fit.parameters, "planned_steps": fit.plannedSteps,
            "steps_run": fit.stepsRun, "best_step": fit.bestStep, "stop_reason": fit.stopReason,
            "fit_seconds": report.seconds, "seed": options.model.seed,
        ]
        if let loss = fit.bestValidationLoss { object["best_val_loss"] = Double(loss) }
        let summary = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        try writeAtomically(summary, to: work + "/paraphrase.json")
        try replaceDirectory(out, with: work)
        finished = true
        return report
    }
}
