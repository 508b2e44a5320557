// `dialogue sample`: whole dialogues, or continuations of given openings, from a fitted
// bundle, well-formed by construction.
//
// Every output dialogue is a *slot*: slot i is dialogue i (or continuation j of opening
// o). A slot's attempt r is one generation seeded by (seed, i, r) alone; the slot takes its
// first attempt that the privacy guard lets through. So the output depends on the seed
// only — not on --batch, nor on how attempts were grouped — and the slots are written in
// order as soon as the ones before them are done, a few batches at a time (constant
// memory).
//
// Turn counts: a whole dialogue's turn count is drawn from the training dialogues' counts,
// stratified — within each block of 4,096 slots the slots take evenly spaced quantiles of
// the training distribution, in a seeded order — so the counts of N dialogues follow
// training's as closely as N allows (an order-2 Markov chain, copying the turn pattern of
// a random training dialogue, matches it only up to sampling noise), and the model writes
// the turns. `freeTurns` lets the model end a dialogue where it likes instead (within the
// training's fewest and most); continuations always do.
//
// The constraint is the dialogue grammar of DialogueGrammar.swift (compiled once per turn
// count for whole dialogues, once per (turn count, last speaker) for continuations), with
// the token budget of the model's context: a dialogue always ends, well-formed, before the
// block runs out.
// Each decoded dialogue is checked again against the rules; a violation is a bug and stops
// the run (never written).

import BPE
import Decoding
import Foundation
import GPT
import Records
import TensorCore

public struct DialogueSampleOptions: Sendable {
    /// Dialogues to write; with openings, continuations per opening.
    public var dialogues = 100
    public var seed: UInt64 = 0
    public var temperature: Float = 1
    /// Nucleus sampling (1 is off).
    public var topP: Float = 1
    /// Sequences decoded together.
    public var batch = 32
    /// Write dialogues identical to a training dialogue (the privacy guard off).
    public var allowCopies = false
    /// Attempts per dialogue before the run gives up (every one a training copy).
    public var maxAttempts = 20
    /// Let the model choose each whole dialogue's turn count (within training's fewest and
    /// most) instead of drawing it from training's distribution.
    public var freeTurns = false
    public var halfPrecision = halfPrecisionAvailable

    public init() {}
}

/// Where a run stands.
public struct DialogueSampleProgress: Sendable {
    public var written: Int
    public var wanted: Int
    /// Samples dropped because they copied a training dialogue.
    public var copies: Int
    public var attempts: Int
    /// Generated tokens so far.
    public var tokens: Int
    public var seconds: Double
}

/// An opening to continue: where it was read and its prompt.
public struct DialogueOpening: Sendable {
    public var line: Int
    public var dialogue: Dialogue
    /// `<|eos|>` then the opening's sequence (without `<|eos|>`), as token ids.
    public var prompt: [Int32]
}

/// A fitted bundle, ready to sample dialogues from.
public final class DialogueSampler {
    public let bundle: ModelBundle
    public let rules: DialogueRules
    /// The turn count of every training dialogue, ascending.
    public let trainingTurnCounts: [Int]
    public let codec: DialogueCodec
    public let fingerprints: RecordFingerprints
    private let trie: TokenTrie
    private let endToken: Int32
    /// The speaker tokens: each also ends a dialogue once it has its turns (see
    /// ``EndingAliasConstraint``), so the last turn ends where the model would open another.
    private let speakerTokens: [Int32]
    private var constraints: [String: EndingAliasConstraint] = [:]

    /// Loads the bundle in `directory` (written by ``DialogueSynthesizer/fit(input:out:options:events:shouldStop:)``).
    public init(bundle directory: String, threads: Int? = nil) throws {
        bundle = try ModelBundle(directory: directory, extraFiles: ["dialogue.json", "fingerprints.bin"],
                                 writer: "synth dialogue fit", threads: threads)
        (rules, trainingTurnCounts) = try DialogueSynthesizer.rules(fromSummary: bundle.data("dialogue.json"), path: directory + "/dialogue.json")
        codec = DialogueCodec(speakers: rules.speakers)
        try bundle.requireSpecialTokens(codec.specialTokens, kind: "dialogue")
        fingerprints = try RecordFingerprints(data: bundle.data("fingerprints.bin"), path: directory + "/fingerprints.bin")
        trie = bundle.vocabularyTrie()
        endToken = bundle.tokenizer.specialTokens[DialogueCodec.endToken]!
        let specialTokens = bundle.tokenizer.specialTokens
        speakerTokens = rules.speakers.map { specialTokens[DialogueCodec.speakerToken($0)]! }
    }

    /// The openings in the JSONL file `path`, cleaned as training dialogues are, each
    /// checked against the rules and the model's context.
    public func openings(from path: String) throws -> [DialogueOpening] {
        var openings: [DialogueOpening] = []
        var encoder = bundle.tokenizer.makeEncoder()
        let allowed = Set(codec.specialTokens)
        for (line, dialogue) in try Dialogue.read(jsonLinesAt: path) {
            let (opening, _) = dialogue.cleaned()
            if let problem = rules.openingViolation(opening) { throw RecordFileError(file: path, line: line, problem) }
            let prompt = [endToken] + (try encoder.encode(Array(codec.encode(opening, ended: false).utf8), allowedSpecial: allowed))
            let constraint = try self.constraint(after: opening)
            let needed = constraint.minimumTokens(constraint.startState)
            let block = bundle.model.config.blockSize
            guard prompt.count + needed <= block else {
                throw RecordFileError(file: path, line: line, "the opening is \(prompt.count - 1) tokens; with the \(needed) a new turn needs at least, it does not fit the model's context of \(block) tokens")
            }
            openings.append(DialogueOpening(line: line, dialogue: opening, prompt: prompt))
        }
        guard !openings.isEmpty else { throw RecordFileError(file: path, line: 0, "no openings (the file has no JSON lines)") }
        return openings
    }

    /// The constraint of a whole dialogue (`after: nil`; of exactly `turns` turns, or any
    /// count the rules allow) or of a continuation of `opening`.
    func constraint(after opening: Dialogue?, turns: Int? = nil) throws -> EndingAliasConstraint {
        let key = opening.map { "\($0.turns.count) \($0.turns.last!.speaker)" } ?? "whole \(turns ?? 0)"
        if let constraint = constraints[key] { return constraint }
        var rules = self.rules
        if let turns { (rules.minTurns, rules.maxTurns) = (turns, turns) }
        let grammar = opening.map { rules.continuationGrammar(after: $0) } ?? rules.grammar()
        let constraint = EndingAliasConstraint(base: try GrammarConstraint(grammar: grammar, trie: trie, endToken: endToken),
                                               aliases: speakerTokens)
        constraints[key] = constraint
        return constraint
    }

    /// The seed of attempt `attempt` of slot `slot`: a SplitMix finaliser over all three, so
    /// nearby slots and attempts get unrelated streams.
    static func seed(_ seed: UInt64, slot: Int, attempt: Int) -> UInt64 {
        var z = seed &+ UInt64(truncatingIfNeeded: slot) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(truncatingIfNeeded: attempt) &* 0xD1B5_4A32_D192_ED03
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The turn count of whole dialogue `slot` of `total`: a training count taken at an
    /// evenly spaced quantile, in an order that `seed` scatters within each block of 4,096
    /// slots (x → (a·x + c) mod L, with a ≈ 0.618 L coprime with L).
    static func turnCount(slot: Int, of total: Int, seed: UInt64, counts: [Int]) -> Int {
        let blockSize = 4_096
        let block = slot / blockSize, length = min(blockSize, total - block * blockSize)
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        var a = max(1, Int(Double(length) * 0.618_034))
        while gcd(a, length) != 1 { a += 1 }
        let c = Int(DialogueSampler.seed(seed, slot: block, attempt: -1) % UInt64(length))
        let position = (a * (slot % blockSize) + c) % length
        return counts[min(counts.count - 1, Int((Double(position) + 0.5) / Double(length) * Double(counts.count)))]
    }

    /// Samples `options.dialogues` whole dialogues, or as many continuations of each of
    /// `openings`, into `writer` in order; returns the final progress.
    @discardableResult
    public func sample(_ options: DialogueSampleOptions, openings: [DialogueOpening]? = nil, into writer: AtomicOutput,
                       progress: (DialogueSampleProgress) -> Void = { _ in }) throws -> DialogueSampleProgress {
        let perOpening = max(1, options.dialogues)
        let total = openings.map { $0.count * perOpening } ?? options.dialogues
        let batch = max(1, min(options.batch, total))
        let generator = try Generator(model: bundle.model, tokenizer: bundle.tokenizer, maxBatch: batch, halfPrecision: options.halfPrecision)
        let sampler = Sampler.standard(temperature: options.temperature, topP: options.topP)
        try sampler.validate()
        let block = bundle.model.config.blockSize
        let whole = try constraint(after: nil)
        let needed = whole.minimumTokens(whole.startState)
        guard needed <= block - 1 else {
            throw JobError("a dialogue needs at least \(needed) tokens, but the model's context of \(block) leaves \(block - 1)")
        }
        /// The turn count slot `slot` must have, nil when the model chooses.
        func turns(_ slot: Int) -> Int? {
            guard openings == nil, !options.freeTurns else { return nil }
            let turns = DialogueSampler.turnCount(slot: slot, of: total, seed: options.seed, counts: trainingTurnCounts)
            // A count whose shortest dialogue does not fit the context is left to the model.
            return 2 * turns + 2 <= block - 1 ? turns : nil
        }

        let start = Date()
        var state = DialogueSampleProgress(written: 0, wanted: total, copies: 0, attempts: 0, tokens: 0, seconds: 0)
        var retries: [(slot: Int, attempt: Int)] = []
        var nextSlot = 0
        var done: [Int: Dialogue] = [:]
        while state.written < total {
            // A chunk: the retries (earliest slots first), then new slots.
            var chunk = retries
            retries.removeAll()
            while chunk.count < batch * 4 && nextSlot < total {
                chunk.append((nextSlot, 0))
                nextSlot += 1
            }
            var requests: [GenerationRequest] = []
            for (slot, attempt) in chunk {
                let opening = openings.map { $0[slot / perOpening] }
                requests.append(GenerationRequest(
                    prompt: opening?.prompt ?? [endToken], maxTokens: block - (opening?.prompt.count ?? 1),
                    constraint: try constraint(after: opening?.dialogue, turns: turns(slot)), sampler: sampler,
                    seed: DialogueSampler.seed(options.seed, slot: slot, attempt: attempt)))
            }
            let results = try generator.generate(requests)
            state.attempts += chunk.count
            for ((slot, attempt), result) in zip(chunk, results) {
                state.tokens += result.tokens.count
                let opening = openings.map { $0[slot / perOpening] }
                // A speaker token that ended the dialogue (the alias) is not part of it.
                var bytes = result.bytes[...]
                if let last = result.tokens.last, speakerTokens.contains(last) {
                    bytes = bytes.dropLast(try bundle.tokenizer.bytes(of: last).count)
                }
                let dialogue: Dialogue
                do {
                    if let opening {
                        dialogue = Dialogue(turns: opening.dialogue.turns + (try codec.decodeTurns(bytes)))
                    } else {
                        dialogue = try codec.decode(bytes)
                    }
                } catch {
                    throw JobError("internal error: a constrained sample is not a dialogue (\(error)): \(result.text.debugDescription)")
                }
                if let problem = rules.violation(in: dialogue) ?? turns(slot).flatMap({ $0 == dialogue.turns.count ? nil : "\(dialogue.turns.count) turns, not \($0)" }) {
                    throw JobError("internal error: a constrained sample is not well-formed (\(problem)): \(result.text.debugDescription)")
                }
                if !options.allowCopies && fingerprints.contains(text: codec.encode(dialogue).utf8) {
                    state.copies += 1
                    guard attempt + 1 < options.maxAttempts else {
                        throw JobError("""
                            gave up after \(options.maxAttempts) samples for dialogue \(slot + 1): every one was an exact copy \
                            of a training dialogue (the model memorised its data: fit with fewer steps, or sample with \
                            --allow-copies)
                            """)
                    }
                    retries.append((slot, attempt + 1))
                    continue
                }
                done[slot] = dialogue
            }
            while let dialogue = done.removeValue(forKey: state.written) {
                try writer.write(dialogue.jsonLine + "\n")
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
