// `dialogue fit`: a JSONL file of dialogues in, a model bundle out.
//
//   read + clean (texts to single lines, empty turns dropped, a speaker's consecutive turns
//   joined) ─► learn the rules (speakers, opening speakers, turn counts)
//   ─► split by dialogue train / validation (seeded) ─► one sequence per dialogue
//   ─► SequenceFitter: BPE on the turn texts (speaker tokens kept whole), a model sized to
//      the data, training with early stopping
//   ─► bundle: model.safetensors, config.json, tokenizer.json, dialogue.json (the rules,
//      the training turn counts and how it was fitted), fingerprints.bin (privacy guard),
//      metrics.jsonl
//
// Batch: 8 sequences per step by default (32 elsewhere). A dialogue is hundreds of tokens,
// so 8 sequences already make a step of thousands of tokens; with a few minutes of
// training, more steps of fewer tokens learn faster (SGD, 8 minutes on 2 shared cores:
// validation loss 3.56 with 8 sequences per step, 5.04 with 32).
//
// Long dialogues: a sampled dialogue must fit the model's context (the block, at most 1024
// tokens, sized by SequenceFitter from the longest training sequence), so training
// sequences are kept under `maxSequenceBytes` (3,072 bytes by default, counting each
// structure token as 4: about 800 tokens of English with a few thousand merges). A longer
// dialogue is cut after its last turn that fits (at least two turns are kept) and its
// sequence is left without `<|eos|>`: the model sees its opening in full but is never
// taught that a dialogue ends there. Sampling ends a dialogue in time by construction
// (the constraint counts the tokens left), so nothing longer than the block is written.

import Foundation
import GPT
import Records
import TensorCore

/// Settings of `dialogue fit`; every one has a default sized from the data.
public struct DialogueFitOptions: Sendable {
    /// The model, its training and the time budget; 8 sequences per step by default
    /// (see the notes at the top of DialogueSynthesizer.swift).
    public var model: ModelFitOptions = {
        var options = ModelFitOptions()
        options.batch = 8
        return options
    }()
    /// Share of dialogues held out for validation (early stopping).
    public var validationFraction = 0.05
    /// Longest training sequence in bytes, structure tokens counted as 4 (see the notes
    /// at the top of DialogueSynthesizer.swift).
    public var maxSequenceBytes = 3_072
    /// BPE merges; nil sizes them to the text.
    public var merges: Int?

    public init() {}
}

/// What a fit produced.
public struct DialogueFitReport: Sendable {
    /// Dialogues read, and those kept (two turns or more after cleaning).
    public var dialogues: Int
    public var keptDialogues: Int
    public var trainingDialogues: Int
    public var validationDialogues: Int
    /// Dialogues cut to `maxSequenceBytes`.
    public var truncatedDialogues: Int
    public var cleaning: Dialogue.Cleaning
    public var rules: DialogueRules
    /// How many kept dialogues have each turn count (sampling draws turn counts from it).
    public var turnCounts: [Int: Int]
    /// The tokenizer, the model and how training went.
    public var fit: SequenceFitReport
    public var seconds: Double
}

public enum DialogueSynthesizer {
    /// Fits a model to the JSONL dialogues in `input` and writes the bundle to `out`
    /// (replacing it). `shouldStop` is polled after every step (Ctrl-C): training then ends
    /// and the bundle is written with the best model so far.
    public static func fit(input: String, out: String, options: DialogueFitOptions = DialogueFitOptions(),
                           events: (FitEvent) -> Void = { _ in },
                           shouldStop: () -> Bool = { false }) throws -> DialogueFitReport {
        let start = Date()

        // 1. Read and clean.
        let read = try Dialogue.read(jsonLinesAt: input)
        guard !read.isEmpty else { throw JobError("\(input): no dialogues (the file has no JSON lines)") }
        var cleaning = Dialogue.Cleaning()
        var dialogues: [Dialogue] = []
        for (line, dialogue) in read {
            let (clean, changes) = dialogue.cleaned()
            cleaning.add(changes)
            for (index, turn) in clean.turns.enumerated() {
                if let problem = DialogueCodec.speakerProblem(turn.speaker) {
                    throw RecordFileError(file: input, line: line, "turn \(index + 1): \(problem)")
                }
                if let problem = LineText.problem(turn.text) {
                    throw RecordFileError(file: input, line: line, "turn \(index + 1): \(problem)")
                }
            }
            if clean.turns.count >= 2 { dialogues.append(clean) }
        }
        let rules: DialogueRules
        do { rules = try DialogueRules(learningFrom: dialogues) } catch { throw JobError("\(input): \(error.message)") }
        let codec = DialogueCodec(speakers: rules.speakers)
        events(.message("read \(input): \(read.count) dialogues, \(dialogues.count) with two turns or more; speakers \(rules.speakers.joined(separator: ", ")) (opening: \(rules.openingSpeakers.joined(separator: ", "))); \(rules.minTurns) to \(rules.maxTurns) turns"))
        if cleaning != Dialogue.Cleaning() {
            events(.message("cleaned: \(cleaning.normalizedTurns) turns normalised to one line, \(cleaning.emptyTurns) empty turns dropped, \(cleaning.mergedTurns) turns joined to the same speaker's previous turn"))
        }

        // 2. Split by dialogue.
        var rng = SplitMix(seed: options.model.seed ^ 0xD1A1_0C)
        let order = Array(dialogues.indices).shuffled(using: &rng)
        let validationCount = dialogues.count >= 40 ? max(2, Int((Double(dialogues.count) * options.validationFraction).rounded())) : 0

        // 3. Sequences (long dialogues cut at a turn boundary) and the tokenizer's texts.
        var truncated = 0
        func sequence(_ dialogue: Dialogue) -> String {
            var size = 4 + 4, kept = 0
            for turn in dialogue.turns {
                size += 4 + turn.text.utf8.count
                if size > options.maxSequenceBytes && kept >= 2 { break }
                kept += 1
            }
            guard kept < dialogue.turns.count else { return codec.encode(dialogue) }
            truncated += 1
            return codec.encode(Dialogue(turns: Array(dialogue.turns.prefix(kept))), ended: false)
        }
        let validation = order.prefix(validationCount).map { sequence(dialogues[$0]) }
        let training = order.dropFirst(validationCount).map { sequence(dialogues[$0]) }
        var texts: [[UInt8]] = []
        var textBytes = 0
        for dialogue in dialogues {
            for turn in dialogue.turns {
                texts.append(Array(turn.text.utf8))
                textBytes += turn.text.utf8.count
            }
        }
        let merges = options.merges ?? min(4_000, max(256, textBytes / 400))
        let corpus = SequenceCorpus(specialTokens: codec.specialTokens, tokenizerTexts: texts, merges: merges,
                                    training: training, validation: validation, source: input)
        events(.message("\(training.count) training dialogues, \(validation.count) validation dialogues; \(truncated) cut to \(options.maxSequenceBytes) bytes"))

        // 4. Tokenizer, model and training, in a working directory beside the bundle.
        let work = try makeWorkingDirectory(for: out)
        var finished = false
        defer { if !finished { try? FileManager.default.removeItem(atPath: work) } }
        let (fit, _) = try SequenceFitter.fit(corpus, into: work, options: options.model, events: events, shouldStop: shouldStop)

        // 5. The rest of the bundle, then the bundle into place.
        var fingerprints = RecordFingerprints()
        for dialogue in dialogues { fingerprints.insert(text: codec.encode(dialogue).utf8) }
        try writeAtomically(fingerprints.data(), to: work + "/fingerprints.bin")
        let report = DialogueFitReport(
            dialogues: read.count, keptDialogues: dialogues.count, trainingDialogues: training.count,
            validationDialogues: validation.count, truncatedDialogues: truncated, cleaning: cleaning, rules: rules,
            turnCounts: Dictionary(dialogues.map { ($0.turns.count, 1) }, uniquingKeysWith: +), fit: fit,
            seconds: Date().timeIntervalSince(start))
        try writeAtomically(summaryJSON(report, input: input, options: options, merges: merges), to: work + "/dialogue.json")
        try replaceDirectory(out, with: work)
        finished = true
        return report
    }

    static func summaryJSON(_ report: DialogueFitReport, input: String, options: DialogueFitOptions, merges: Int) -> Data {
        var object: [String: Any] = [
            "kind": "dialogue", "input": input,
            "speakers": report.rules.speakers, "opening_speakers": report.rules.openingSpeakers,
            "min_turns": report.rules.minTurns, "max_turns": report.rules.maxTurns,
            "turn_counts": Dictionary(uniqueKeysWithValues: report.turnCounts.map { (String($0.key), $0.value) }),
            "dialogues": report.dialogues, "kept_dialogues": report.keptDialogues,
            "training_dialogues": report.trainingDialogues, "validation_dialogues": report.validationDialogues,
            "truncated_dialogues": report.truncatedDialogues, "max_sequence_bytes": options.maxSequenceBytes,
            "merges": merges, "vocab_size": report.fit.vocabularySize, "parameters": report.fit.parameters,
            "planned_steps": report.fit.plannedSteps, "steps_run": report.fit.stepsRun, "best_step": report.fit.bestStep,
            "stop_reason": report.fit.stopReason, "fit_seconds": report.seconds, "seed": options.model.seed,
        ]
        if let loss = report.fit.bestValidationLoss { object["best_val_loss"] = Double(loss) }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }

    /// The rules and the training turn counts (ascending, one per dialogue) stored in a
    /// bundle's `dialogue.json`; `path` names it in errors.
    static func rules(fromSummary data: Data, path: String) throws -> (DialogueRules, [Int]) {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw JobError("\(path): not a JSON object")
        }
        guard let speakers = object["speakers"] as? [String], let openers = object["opening_speakers"] as? [String],
              let minTurns = object["min_turns"] as? Int, let maxTurns = object["max_turns"] as? Int,
              speakers.count >= 2, !openers.isEmpty, Set(openers).isSubset(of: speakers), minTurns >= 2, maxTurns >= minTurns else {
            throw JobError("\(path): expected \"speakers\" (two or more), \"opening_speakers\", \"min_turns\" and \"max_turns\" as written by 'synth dialogue fit'")
        }
        var counts: [Int] = []
        for (text, count) in (object["turn_counts"] as? [String: Int]) ?? [:] {
            guard let turns = Int(text), (minTurns...maxTurns).contains(turns), count > 0 else {
                throw JobError("\(path): \"turn_counts\" holds \(text): \(count), outside \(minTurns)...\(maxTurns) turns")
            }
            counts += Array(repeating: turns, count: count)
        }
        guard !counts.isEmpty else { throw JobError("\(path): expected \"turn_counts\" (how many training dialogues have each turn count)") }
        return (DialogueRules(speakers: speakers, openingSpeakers: openers, minTurns: minTurns, maxTurns: maxTurns), counts.sorted())
    }
}
