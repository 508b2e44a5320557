// The batched generator: continuous batching over a KV cache, as inference servers do.
// Sequences of different lengths decode together, one row each per step; a finished
// sequence frees its cache slot at once and a waiting prompt takes it (its prefill rows
// ride along with the others' decode rows in the same forward pass). Each sequence has
// its own random stream, seeded from its request, so what it generates does not depend
// on which others share its batches.

import BPE
import Foundation
import GPT
import TensorCore

/// What to generate for one prompt.
public struct GenerationRequest {
    /// Prompt token ids; at least one (the end token stands in for an empty prompt).
    public var prompt: [Int32]
    /// Most tokens to generate.
    public var maxTokens: Int
    /// Generation stops after any of these byte strings, which are removed from the output.
    public var stopStrings: [[UInt8]]
    /// Keeps the output inside a language (regex, JSON Schema, grammar); nil for free text.
    public var constraint: TokenConstraint?
    public var sampler: Sampler
    public var seed: UInt64

    public init(prompt: [Int32], maxTokens: Int, stopStrings: [[UInt8]] = [], constraint: TokenConstraint? = nil,
                sampler: Sampler = .standard(), seed: UInt64 = 0) {
        self.prompt = prompt
        self.maxTokens = maxTokens
        self.stopStrings = stopStrings
        self.constraint = constraint
        self.sampler = sampler
        self.seed = seed
    }
}

/// Why a sequence stopped.
public enum FinishReason: String, Sendable {
    /// The model chose the end token.
    case end
    /// The constraint's language allows nothing more.
    case constraintComplete = "constraint"
    /// A stop string appeared.
    case stopString = "stop"
    /// The token budget or the model's context ran out.
    case length
}

/// One generated sequence.
public struct GenerationResult: Sendable {
    /// Generated token ids (the end token excluded).
    public var tokens: [Int32]
    /// Their bytes (a stop string removed).
    public var bytes: [UInt8]
    public var finishReason: FinishReason
    /// The bytes as text (invalid UTF-8 replaced).
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Generates continuations of many prompts at once with a model and its tokenizer.
public final class Generator {
    public let model: Model
    public let tokenizer: Tokenizer
    /// The token that ends a sequence (`<|eos|>` when the vocabulary has it).
    public let endToken: Int32?
    /// Sequences decoded together.
    public let maxBatch: Int
    private let session: InferenceSession

    /// A generator decoding up to `maxBatch` sequences at once. `halfPrecision` keeps the
    /// weights in half precision for decoding (about twice as fast for one sequence; see
    /// ``InferenceSession/init(model:slots:maxRows:halfPrecision:)``, which rounds the
    /// model's weights).
    public init(model: Model, tokenizer: Tokenizer, maxBatch: Int = 32, halfPrecision: Bool = false) throws {
        guard tokenizer.vocabularySize <= model.config.vocabularySize else {
            throw DecodingError.invalidOption("the tokenizer has \(tokenizer.vocabularySize) tokens, the model only \(model.config.vocabularySize)")
        }
        self.model = model
        self.tokenizer = tokenizer
        self.maxBatch = max(1, maxBatch)
        endToken = tokenizer.specialTokens["<|eos|>"] ?? tokenizer.specialTokens["<|endoftext|>"]
        session = try InferenceSession(model: model, slots: self.maxBatch,
                                       maxRows: model.config.blockSize + self.maxBatch, halfPrecision: halfPrecision)
    }

    private final class Sequence {
        let index: Int
        let request: GenerationRequest
        let slot: Int
        var tokens: [Int32]
        var generated = 0
        var bytes: [UInt8] = []
        var state: Int32
        var rng: SplitMix
        var budget: Int
        var finish: FinishReason?
        init(index: Int, request: GenerationRequest, prompt: [Int32], slot: Int, budget: Int) {
            self.index = index
            self.request = request
            self.slot = slot
            tokens = prompt
            state = request.constraint?.startState ?? 0
            rng = SplitMix(seed: request.seed)
            self.budget = budget
        }
    }

    /// Generates a continuation for every request and returns them in order.
    ///
    /// `onToken(request index, token, its bytes)` streams each token as it is chosen (the
    /// end token is not streamed; a stop string is streamed, then cut from the result).
    /// `onFinish(request index, result)` reports each sequence as soon as it ends, so
    /// callers can write results while others are still decoding.
    public func generate(_ requests: [GenerationRequest],
                         onToken: ((Int, Int32, ArraySlice<UInt8>) -> Void)? = nil,
                         onFinish: ((Int, GenerationResult) -> Void)? = nil) throws -> [GenerationResult] {
        let config = model.config, V = config.vocabularySize
        var prompts: [[Int32]] = []
        for (index, request) in requests.enumerated() {
            try request.sampler.validate()
            var prompt = request.prompt
            if prompt.isEmpty {
                guard let endToken else {
                    throw DecodingError.promptRejected(sequence: index, reason: "empty prompt, and the vocabulary has no <|eos|> to start from")
                }
                prompt = [endToken]
            }
            guard prompt.count < config.blockSize else {
                throw DecodingError.promptTooLong(sequence: index, length: prompt.count, blockSize: config.blockSize)
            }
            if let bad = prompt.first(where: { $0 < 0 || Int($0) >= V }) {
                throw DecodingError.promptRejected(sequence: index, reason: "token \(bad) is outside the vocabulary of \(V)")
            }
            guard request.maxTokens >= 1 else {
                throw DecodingError.invalidOption("request \(index): max tokens must be at least 1")
            }
            if let constraint = request.constraint {
                let budget = min(request.maxTokens, config.blockSize - prompt.count)
                let needed = constraint.minimumTokens(constraint.startState)
                if needed > budget { throw DecodingError.budgetTooSmall(needed: needed, budget: budget) }
            }
            prompts.append(prompt)
        }

        var results = [GenerationResult?](repeating: nil, count: requests.count)
        var freeSlots = Array((0..<maxBatch).reversed())
        var active: [Sequence] = []
        var nextRequest = 0
        var mask = TokenMask(count: V)
        let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: V)
        defer { scratch.deallocate() }

        while nextRequest < requests.count || !active.isEmpty {
            var rows: [InferenceRow] = []
            var withLogits: [Sequence] = []
            for sequence in active {
                rows.append(InferenceRow(slot: sequence.slot, position: sequence.tokens.count - 1,
                                         token: sequence.tokens.last!, wantsLogits: true))
                withLogits.append(sequence)
            }
            // Admit waiting prompts while slots and row room remain (one always fits alone).
            while nextRequest < requests.count, let slot = freeSlots.last,
                  rows.isEmpty || rows.count + prompts[nextRequest].count <= session.maxRows {
                freeSlots.removeLast()
                let prompt = prompts[nextRequest], request = requests[nextRequest]
                let budget = min(request.maxTokens, config.blockSize - prompt.count)
                let sequence = Sequence(index: nextRequest, request: request, prompt: prompt, slot: slot, budget: budget)
                for (position, token) in prompt.enumerated() {
                    rows.append(InferenceRow(slot: slot, position: position, token: token,
                                             wantsLogits: position == prompt.count - 1))
                }
                active.append(sequence)
                withLogits.append(sequence)
                nextRequest += 1
            }
            let logits = try session.run(rows)
            for (row, sequence) in withLogits.enumerated() {
                scratch.baseAddress!.update(from: logits.baseAddress! + row * V, count: V)
                try choose(sequence, logits: scratch, mask: &mask, onToken: onToken)
            }
            active.removeAll { sequence in
                guard let finish = sequence.finish else { return false }
                let result = GenerationResult(tokens: Array(sequence.tokens.dropFirst(prompts[sequence.index].count)),
                                              bytes: sequence.bytes, finishReason: finish)
                results[sequence.index] = result
                onFinish?(sequence.index, result)
                freeSlots.append(sequence.slot)
                return true
            }
        }
        return results.map { $0! }
    }

    /// Masks, samples and appends one token to `sequence`, deciding whether it finished.
    private func choose(_ sequence: Sequence, logits: UnsafeMutableBufferPointer<Float>, mask: inout TokenMask,
                        onToken: ((Int, Int32, ArraySlice<UInt8>) -> Void)?) throws {
        let request = sequence.request
        let remaining = sequence.budget - sequence.generated
        if let constraint = request.constraint {
            constraint.fillMask(&mask, state: sequence.state, remainingTokens: remaining)
            mask.apply(to: logits.baseAddress!)
        }
        guard let token = request.sampler.sample(logits: logits, history: sequence.tokens[...], rng: &sequence.rng) else {
            throw DecodingError.deadEnd(sequence: sequence.index, text: String(decoding: sequence.bytes, as: UTF8.self))
        }
        if token == endToken {
            sequence.finish = .end
            return
        }
        if let constraint = request.constraint {
            guard let next = constraint.advance(sequence.state, token: token) else {
                throw DecodingError.deadEnd(sequence: sequence.index, text: String(decoding: sequence.bytes, as: UTF8.self))
            }
            sequence.state = next
        }
        sequence.tokens.append(token)
        sequence.generated += 1
        let start = sequence.bytes.count
        sequence.bytes.append(contentsOf: try tokenizer.bytes(of: token))
        onToken?(sequence.index, token, sequence.bytes[start...])
        // A stop string may end inside this token's bytes: search from where it could
        // have begun, and cut the output at the earliest match.
        var cut: Int?
        for stop in request.stopStrings where !stop.isEmpty && sequence.bytes.count >= stop.count {
            var position = max(0, start - stop.count + 1)
            while position + stop.count <= sequence.bytes.count {
                if sequence.bytes[position..<(position + stop.count)].elementsEqual(stop) {
                    cut = min(cut ?? position, position)
                    break
                }
                position += 1
            }
        }
        if let cut {
            sequence.bytes.removeSubrange(cut...)
            sequence.finish = .stopString
            return
        }
        if let constraint = request.constraint, constraint.mustFinish(sequence.state) {
            sequence.finish = .constraintComplete
        } else if sequence.generated >= sequence.budget {
            if let constraint = request.constraint, !constraint.canFinish(sequence.state) {
                throw DecodingError.deadEnd(sequence: sequence.index, text: String(decoding: sequence.bytes, as: UTF8.self))
            }
            sequence.finish = .length
        }
    }
}
