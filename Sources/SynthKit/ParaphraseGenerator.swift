// `paraphrase generate`: k paraphrases of each input sentence from a fitted bundle.
//
// Each input is prompted as `<|eos|><|src|>sentence<|para|>` and the model writes one
// single-line text that `<|eos|>` ends (the LineText constraint: never blank, never a
// structure token, never longer than the model's context allows). Attempt r of input i is
// seeded by (seed, i, r) alone. An attempt is dropped when it equals the source, equals an
// earlier paraphrase of the same input (both after white space runs are made one space and
// letters lowercased), or — with the privacy guard on — forms a training pair. Inputs draw
// attempts in rounds (as many as are still missing) until they have k paraphrases or reach
// the attempt cap; an input left with fewer is reported. Inputs go to the generator a chunk
// at a time and are written in order (constant memory; the output does not depend on
// --batch).
//
// Diversity: one number D in [0, 1] sets the sampling — temperature 0.5 + 0.7 D and
// nucleus top-p 0.75 + 0.25 D (D = 0: 0.5 and 0.75, close to the model's likeliest
// rewording; D = 1: 1.2 and 1, free sampling, more varied and less faithful wording).
//
// Copy bias: a small model trained on a few thousand pairs learns fluent text long before
// it learns to follow its source, so the sampler adds a bias to the tokens that would
// continue a copy of the source from where the output last matched it (the sampling
// stage `copyBias`; a pointer, as copy mechanisms in sequence-to-sequence models have),
// twice as much inside a word as at a word's start, 1.5 times for content words (names,
// numbers, long words) and half for function words. The model still chooses: where it
// prefers other words the output leaves the source, and copying resumes at the next
// source token it writes. 0 turns it off. The default, 6.6, keeps BLEU to the source
// under the real paraphrases' on a development split of MRPC's training pairs.

import BPE
import Decoding
import Foundation
import GPT
import Records
import TensorCore

public struct ParaphraseOptions: Sendable {
    /// Paraphrases per input.
    public var k = 5
    /// 0 (faithful) ... 1 (varied); see the notes at the top of ParaphraseGenerator.swift.
    public var diversity: Double = 0.5
    /// Logit added to the tokens that continue a copy of the source (see the notes at the
    /// top of ParaphraseGenerator.swift); 0 is off.
    public var copyBias: Float = ParaphraseOptions.defaultCopyBias
    public static let defaultCopyBias: Float = 6.6
    public var seed: UInt64 = 0
    /// Sequences decoded together.
    public var batch = 32
    /// Keep paraphrases that form a training pair with their source (the privacy guard off).
    public var allowCopies = false
    /// Attempts per input at most; nil for max(3k, k + 8).
    public var maxAttempts: Int?
    public var halfPrecision = halfPrecisionAvailable

    public init() {}

    /// The sampling settings of diversity `d` (clamped to [0, 1]).
    public static func sampling(diversity d: Double) -> (temperature: Float, topP: Float) {
        let d = Float(min(1, max(0, d)))
        return (0.5 + 0.7 * d, 0.75 + 0.25 * d)
    }
}

/// A sentence to paraphrase: where it was read, its text as given and as the model sees it.
public struct ParaphraseInput: Sendable {
    public var line: Int
    public var text: String
    public var normalized: String
    /// `<|eos|><|src|>normalized<|para|>` as token ids.
    public var prompt: [Int32]
    /// Tokens of the sentence alone.
    public var sentence: [Int32]
}

/// Where a run stands.
public struct ParaphraseProgress: Sendable {
    public var inputsDone: Int
    public var inputs: Int
    public var written: Int
    /// Inputs that got fewer than k paraphrases, and the first few of their line numbers.
    public var shortInputs: Int
    public var shortLines: [Int]
    /// Attempts dropped: equal to the source, equal to an earlier paraphrase, a training pair.
    public var equalToSource: Int
    public var duplicates: Int
    public var copies: Int
    public var attempts: Int
    public var tokens: Int
    public var seconds: Double
}

/// A fitted bundle, ready to paraphrase with.
public final class ParaphraseGenerator {
    public let bundle: ModelBundle
    public let fingerprints: RecordFingerprints
    private let constraint: GrammarConstraint
    private let endToken: Int32

    /// Loads the bundle in `directory` (written by ``ParaphraseSynthesizer/fit(input:out:options:events:shouldStop:)``).
    public init(bundle directory: String, threads: Int? = nil) throws {
        bundle = try ModelBundle(directory: directory, extraFiles: ["paraphrase.json", "fingerprints.bin"],
                                 writer: "synth paraphrase fit", threads: threads)
        try bundle.requireSpecialTokens(ParaphraseCodec.specialTokens, kind: "paraphrase")
        fingerprints = try RecordFingerprints(data: bundle.data("fingerprints.bin"), path: directory + "/fingerprints.bin")
        endToken = bundle.tokenizer.specialTokens[ParaphraseCodec.endToken]!
        constraint = try GrammarConstraint(grammar: ParaphraseCodec.grammar, trie: bundle.vocabularyTrie(), endToken: endToken)
    }

    /// The sentences of `path` (text lines, or JSONL with `source` when the name ends in
    /// `.jsonl`), normalised and checked against the model's context.
    public func inputs(from path: String) throws -> [ParaphraseInput] {
        var inputs: [ParaphraseInput] = []
        var encoder = bundle.tokenizer.makeEncoder()
        let allowed = Set(ParaphraseCodec.specialTokens)
        let block = bundle.model.config.blockSize
        let needed = constraint.minimumTokens(constraint.startState)
        for (line, text) in try ParaphrasePair.readSources(at: path) {
            let normalized = LineText.normalized(text)
            if let problem = LineText.problem(normalized) { throw RecordFileError(file: path, line: line, problem) }
            let sentence = try encoder.encode(Array(normalized.utf8), allowedSpecial: [])
            let prompt = [endToken] + (try encoder.encode(Array(ParaphraseCodec.prompt(source: normalized).utf8), allowedSpecial: allowed))
            guard prompt.count + needed <= block else {
                throw RecordFileError(file: path, line: line, "the sentence is \(sentence.count) tokens; the model's context of \(block) tokens leaves room for sentences of at most \(block - 3 - needed)")
            }
            inputs.append(ParaphraseInput(line: line, text: text, normalized: normalized, prompt: prompt, sentence: sentence))
        }
        guard !inputs.isEmpty else { throw RecordFileError(file: path, line: 0, "no sentences to paraphrase") }
        return inputs
    }

    /// How much closer than a word's start the copy holds the rest of a word: the model is
    /// free to choose its own next word, not to leave one half-written (a small model's
    /// half-words are invented ones). 2 was best of 1, 1.6, 2 and 3 on a development split
    /// of MRPC (BENCHMARKS.md).
    static let wordContinuationFactor: Float = 2
    /// How much closer the copy holds a content word (one with a digit or a capital letter,
    /// or of five letters or more: names, numbers, the words that carry the meaning), and
    /// how much looser a function word, which the model may reword. 1.5 and 0.5 were best
    /// of the pairs tried on the development split (BENCHMARKS.md).
    static let contentWordFactor: Float = 1.5
    static let functionWordFactor: Float = 0.5

    /// The copy bias of each position of a copy source — `spellings` are its tokens' bytes,
    /// the first (the marker the copy starts after) and the last (the end) left at `bias`:
    /// `bias` times ``wordContinuationFactor`` inside a word, times ``contentWordFactor`` or
    /// ``functionWordFactor`` by the word a token's first letter or digit belongs to.
    static func copyBiases(spellings: [[UInt8]], bias: Float) -> [Float] {
        // Which bytes of the whole spelling belong to content words.
        var text: [UInt8] = [], starts: [Int] = []
        for bytes in spellings { starts.append(text.count); text += bytes }
        var inContentWord = [Bool](repeating: false, count: text.count)
        var i = 0
        while i < text.count {
            guard isWordByte(text[i]) else { i += 1; continue }
            var j = i
            while j < text.count && isWordByte(text[j]) { j += 1 }
            let content = j - i >= 5 || text[i..<j].contains { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) }
            for k in i..<j { inContentWord[k] = content }
            i = j
        }
        var biases: [Float] = []
        var previousEndsInWord = false
        for (index, bytes) in spellings.enumerated() {
            var value = bias
            if index > 0 && index < spellings.count - 1, let offset = bytes.firstIndex(where: isWordByte) {
                if offset == 0 && previousEndsInWord { value *= wordContinuationFactor }
                value *= inContentWord[starts[index] + offset] ? contentWordFactor : functionWordFactor
            }
            biases.append(value)
            previousEndsInWord = bytes.last.map(isWordByte) ?? false
        }
        return biases
    }

    /// The copy bias of each position of `source` (token ids; see ``copyBiases(spellings:bias:)``).
    private func copyBiases(of source: [Int32], bias: Float) throws -> [Float] {
        ParaphraseGenerator.copyBiases(spellings: try source.map { try bundle.tokenizer.bytes(of: $0) }, bias: bias)
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte >= 0x80
    }

    /// Writes up to `options.k` paraphrases of each input into `writer`, in input order;
    /// returns the final progress.
    @discardableResult
    public func generate(_ inputs: [ParaphraseInput], options: ParaphraseOptions, into writer: AtomicOutput,
                         progress: (ParaphraseProgress) -> Void = { _ in }) throws -> ParaphraseProgress {
        let k = max(1, options.k)
        let maxAttempts = options.maxAttempts ?? max(3 * k, k + 8)
        let batch = max(1, min(options.batch, inputs.count * k))
        let generator = try Generator(model: bundle.model, tokenizer: bundle.tokenizer, maxBatch: batch, halfPrecision: options.halfPrecision)
        let (temperature, topP) = ParaphraseOptions.sampling(diversity: options.diversity)
        guard options.copyBias.isFinite, options.copyBias >= 0 else {
            throw JobError("the copy bias must be a number 0 or more, got \(options.copyBias)")
        }
        let paraToken = bundle.tokenizer.specialTokens[ParaphraseCodec.paraphraseToken]!
        let block = bundle.model.config.blockSize
        let inputsPerChunk = max(1, batch * 4 / k)

        let start = Date()
        var state = ParaphraseProgress(inputsDone: 0, inputs: inputs.count, written: 0, shortInputs: 0, shortLines: [],
                                       equalToSource: 0, duplicates: 0, copies: 0, attempts: 0, tokens: 0, seconds: 0)
        var chunkStart = 0
        while chunkStart < inputs.count {
            let chunk = chunkStart..<min(inputs.count, chunkStart + inputsPerChunk)
            var accepted = [[String]](repeating: [], count: chunk.count)
            var keys = chunk.map { Set([LineText.comparisonKey(inputs[$0].normalized)]) }
            var attempts = [Int](repeating: 0, count: chunk.count)
            // Each input's sampler, its copy source as the copy sees it: after <|para|> comes
            // the sentence's first token, after its last token the end.
            let samplers = try chunk.map { index in
                let copySource = [paraToken] + inputs[index].sentence + [endToken]
                return Sampler.standard(temperature: temperature, topP: topP, copySource: copySource,
                                        copyBias: try copyBiases(of: copySource, bias: options.copyBias))
            }
            while true {
                var requests: [GenerationRequest] = [], owners: [Int] = []
                for (offset, index) in chunk.enumerated() {
                    let missing = min(k - accepted[offset].count, maxAttempts - attempts[offset])
                    guard missing > 0 else { continue }
                    let input = inputs[index]
                    let budget = min(block - input.prompt.count, 2 * input.sentence.count + 16)
                    for attempt in attempts[offset]..<(attempts[offset] + missing) {
                        requests.append(GenerationRequest(prompt: input.prompt, maxTokens: budget, constraint: constraint,
                                                          sampler: samplers[offset], seed: DialogueSampler.seed(options.seed, slot: index, attempt: attempt)))
                        owners.append(offset)
                    }
                    attempts[offset] += missing
                }
                guard !requests.isEmpty else { break }
                let results = try generator.generate(requests)
                state.attempts += requests.count
                for (offset, result) in zip(owners, results) {
                    state.tokens += result.tokens.count
                    let text: String
                    do { text = try ParaphraseCodec.decode(result.bytes) } catch {
                        throw JobError("internal error: a constrained sample is not a paraphrase (\(error)): \(result.text.debugDescription)")
                    }
                    if let problem = LineText.problem(text) {
                        throw JobError("internal error: a constrained paraphrase breaks the text rules (\(problem)): \(text.debugDescription)")
                    }
                    let input = inputs[chunk.lowerBound + offset]
                    let key = LineText.comparisonKey(text)
                    if key == LineText.comparisonKey(input.normalized) {
                        state.equalToSource += 1
                    } else if keys[offset].contains(key) {
                        state.duplicates += 1
                    } else if !options.allowCopies
                                && fingerprints.contains(text: ParaphraseCodec.encode(source: input.normalized, paraphrase: text).utf8) {
                        state.copies += 1
                    } else if accepted[offset].count < k {
                        accepted[offset].append(text)
                        keys[offset].insert(key)
                    }
                }
            }
            for (offset, index) in chunk.enumerated() {
                for paraphrase in accepted[offset] {
                    try writer.write(ParaphrasePair(source: inputs[index].text, paraphrase: paraphrase).jsonLine + "\n")
                    state.written += 1
                }
                if accepted[offset].count < k {
                    state.shortInputs += 1
                    if state.shortLines.count < 10 { state.shortLines.append(inputs[index].line) }
                }
            }
            state.inputsDone = chunk.upperBound
            state.seconds = Date().timeIntervalSince(start)
            progress(state)
            chunkStart = chunk.upperBound
        }
        try writer.finish()
        state.seconds = Date().timeIntervalSince(start)
        return state
    }
}
