// Sampling as a chain of small stages, as llama.cpp does: each stage edits the logits
// (penalties, bias, truncation, temperature), and a final draw picks the token. A
// constraint's mask is applied before the chain, so every stage sees only valid tokens.

import Foundation
import TensorCore

/// One stage of a ``Sampler`` chain.
public enum SamplingStage: Sendable, Equatable {
    /// Adds a value to given tokens' logits (-infinity bans a token).
    case logitBias([Int32: Float])
    /// Divides positive and multiplies negative logits of tokens already in the sequence
    /// (CTRL's penalty, as in Hugging Face and llama.cpp); 1 is off.
    case repetitionPenalty(Float)
    /// Subtracts the value times the number of times a token occurred.
    case frequencyPenalty(Float)
    /// Subtracts the value from every token that occurred.
    case presencePenalty(Float)
    /// Bans tokens that would repeat an n-gram already in the sequence.
    case noRepeatNGram(Int)
    /// Adds `bias[i]` to `tokens[i]` when it is the next token of a copy of `tokens` (a
    /// pointer, as copy mechanisms have; one bias per position, so that, say, the rest of a
    /// word can be held closer than the start of the next). `tokens[0]` is the token the
    /// copy starts after (a prompt's last token); the pointer follows the output from there: a token equal to the next source token
    /// advances it, one found a little further on skips it ahead, any other leaves it —
    /// and then the source token after the next is raised too, so a word may be replaced.
    /// The output keeps to the source's wording and order where the model is unsure, and
    /// the model is free to leave it. Nothing is added before `tokens[0]` appears.
    case copyBias(tokens: [Int32], bias: [Float])
    /// Keeps the k most likely tokens.
    case topK(Int)
    /// Keeps the most likely tokens whose probabilities sum to at least p (nucleus).
    case topP(Float)
    /// Keeps tokens at least p times as likely as the most likely one.
    case minP(Float)
    /// Divides the logits by t; 0 means greedy (always the most likely token).
    case temperature(Float)
}

/// A chain of ``SamplingStage``s and the final draw.
public struct Sampler: Sendable, Equatable {
    public var stages: [SamplingStage]

    public init(stages: [SamplingStage]) { self.stages = stages }

    /// How far ahead of its pointer ``SamplingStage/copyBias(tokens:bias:)`` looks for a
    /// token the output wrote (further occurrences count as new words).
    public static let copySkipLimit = 6

    /// Always the most likely token.
    public static let greedy = Sampler(stages: [.temperature(0)])

    /// The usual chain: penalties, bias, copy bias, top-k, top-p, min-p, then temperature
    /// (llama.cpp's order). Stages left at their neutral value are omitted.
    public static func standard(temperature: Float = 1, topK: Int? = nil, topP: Float? = nil, minP: Float? = nil,
                                repetitionPenalty: Float? = nil, frequencyPenalty: Float? = nil,
                                presencePenalty: Float? = nil, noRepeatNGram: Int? = nil,
                                logitBias: [Int32: Float] = [:], copySource: [Int32] = [], copyBias: [Float] = []) -> Sampler {
        var stages: [SamplingStage] = []
        // Out-of-range values are kept, so that ``validate()`` reports them.
        if let repetitionPenalty, repetitionPenalty != 1 { stages.append(.repetitionPenalty(repetitionPenalty)) }
        if let frequencyPenalty, frequencyPenalty != 0 { stages.append(.frequencyPenalty(frequencyPenalty)) }
        if let presencePenalty, presencePenalty != 0 { stages.append(.presencePenalty(presencePenalty)) }
        if let noRepeatNGram { stages.append(.noRepeatNGram(noRepeatNGram)) }
        if !logitBias.isEmpty { stages.append(.logitBias(logitBias)) }
        if !copySource.isEmpty && copyBias.contains(where: { $0 != 0 }) { stages.append(.copyBias(tokens: copySource, bias: copyBias)) }
        if let topK { stages.append(.topK(topK)) }
        if let topP, topP != 1 { stages.append(.topP(topP)) }
        if let minP, minP != 0 { stages.append(.minP(minP)) }
        stages.append(.temperature(temperature))
        return Sampler(stages: stages)
    }

    /// Checks every stage's parameter is in range.
    public func validate() throws {
        for stage in stages {
            switch stage {
            case let .repetitionPenalty(value) where !(value > 0):
                throw DecodingError.invalidOption("repetition penalty must be positive, got \(value)")
            case let .noRepeatNGram(n) where n < 1: throw DecodingError.invalidOption("no-repeat n-gram size must be at least 1, got \(n)")
            case let .topK(k) where k < 1: throw DecodingError.invalidOption("top-k must be at least 1, got \(k)")
            case let .topP(p) where !(p > 0 && p <= 1): throw DecodingError.invalidOption("top-p must be in (0, 1], got \(p)")
            case let .minP(p) where !(p >= 0 && p <= 1): throw DecodingError.invalidOption("min-p must be in [0, 1], got \(p)")
            case let .copyBias(tokens, bias) where bias.count != tokens.count:
                throw DecodingError.invalidOption("copy bias: \(bias.count) biases for \(tokens.count) tokens")
            case let .copyBias(_, bias) where !bias.allSatisfy(\.isFinite):
                throw DecodingError.invalidOption("copy biases must be finite")
            case let .temperature(t) where !(t >= 0 && t.isFinite):
                throw DecodingError.invalidOption("temperature must be 0 or more, got \(t)")
            default: break
            }
        }
    }

    /// Runs the chain on `logits` (V values, edited in place) for a sequence whose tokens so
    /// far are `history`, and draws a token with `rng`. Returns nil when every logit is
    /// minus infinity (nothing can be chosen).
    public func sample(logits: UnsafeMutableBufferPointer<Float>, history: ArraySlice<Int32>,
                       rng: inout SplitMix) -> Int32? {
        var greedy = false
        for stage in stages {
            switch stage {
            case let .logitBias(bias):
                for (token, value) in bias where token >= 0 && Int(token) < logits.count { logits[Int(token)] += value }
            case let .repetitionPenalty(penalty):
                for token in Set(history) where Int(token) < logits.count {
                    let value = logits[Int(token)]
                    logits[Int(token)] = value > 0 ? value / penalty : value * penalty
                }
            case let .frequencyPenalty(penalty):
                for token in history where Int(token) < logits.count { logits[Int(token)] -= penalty }
            case let .presencePenalty(penalty):
                for token in Set(history) where Int(token) < logits.count { logits[Int(token)] -= penalty }
            case let .noRepeatNGram(n):
                banRepeatedNGrams(logits, history: history, n: n)
            case let .copyBias(tokens, bias):
                let (next, replacement) = Sampler.copyContinuations(of: tokens, history: history)
                func raise(_ position: Int?) {
                    guard let position, position < bias.count, Int(tokens[position]) < logits.count else { return }
                    logits[Int(tokens[position])] += bias[position]
                }
                raise(next)
                raise(replacement)
            case let .topK(k):
                keepTopK(logits, k: k)
            case let .topP(p):
                keepNucleus(logits, p: p)
            case let .minP(p):
                guard let maximum = logits.max(), maximum > -.infinity else { break }
                let floor = maximum + log(p)
                for i in logits.indices where logits[i] < floor { logits[i] = -.infinity }
            case let .temperature(t):
                if t == 0 { greedy = true } else if t != 1 {
                    let inverse = 1 / t
                    for i in logits.indices { logits[i] *= inverse }
                }
            }
        }
        var best = 0
        for i in logits.indices where logits[i] > logits[best] { best = i }
        guard logits[best] > -.infinity else { return nil }
        if greedy { return Int32(best) }
        // The draw: probabilities in place (one vectorised softmax), then the first token
        // whose cumulative probability passes a uniform number.
        softmaxForward(out: logits.baseAddress!, inp: logits.baseAddress!, rows: 1, channels: logits.count, pool: .serial(0))
        var target = Float(rng.nextDouble())
        var last = best
        for i in logits.indices where logits[i] > 0 {
            target -= logits[i]
            last = i
            if target < 0 { return Int32(i) }
        }
        return Int32(last)
    }

    /// The positions of the source tokens ``SamplingStage/copyBias(tokens:bias:)`` raises
    /// after `history` (the pointer replayed over the output since the last `source[0]`):
    /// the next one, and after a token the source lacks the one after it.
    static func copyContinuations(of source: [Int32], history: ArraySlice<Int32>) -> (next: Int?, replacement: Int?) {
        guard source.count > 1, let start = history.lastIndex(of: source[0]) else { return (nil, nil) }
        var pointer = 0, onSource = true
        for token in history[(start + 1)...] {
            let ahead = (pointer + 1)..<min(source.count, pointer + 1 + copySkipLimit)
            if let found = ahead.first(where: { source[$0] == token }) {
                pointer = found
                onSource = true
            } else {
                onSource = false
            }
        }
        let next = pointer + 1 < source.count ? pointer + 1 : nil
        let replacement = !onSource && pointer + 2 < source.count && source[pointer + 2] != source[pointer + 1] ? pointer + 2 : nil
        return (next, replacement)
    }

    private func banRepeatedNGrams(_ logits: UnsafeMutableBufferPointer<Float>, history: ArraySlice<Int32>, n: Int) {
        let tokens = Array(history)
        guard tokens.count >= n else { return }
        if n == 1 {
            for token in tokens where Int(token) < logits.count { logits[Int(token)] = -.infinity }
            return
        }
        let suffix = tokens[(tokens.count - n + 1)...]
        for start in 0...(tokens.count - n) where tokens[start..<(start + n - 1)].elementsEqual(suffix) {
            let banned = Int(tokens[start + n - 1])
            if banned < logits.count { logits[banned] = -.infinity }
        }
    }

    private func keepTopK(_ logits: UnsafeMutableBufferPointer<Float>, k: Int) {
        guard k < logits.count else { return }
        // The k-th largest value by a bounded min-heap; ties at the boundary are all kept.
        var heap: [Float] = []
        heap.reserveCapacity(k)
        for value in logits where value > -.infinity {
            if heap.count < k { heap.append(value); siftUp(&heap, heap.count - 1) } else if value > heap[0] {
                heap[0] = value; siftDown(&heap, 0)
            }
        }
        guard heap.count == k else { return }
        let threshold = heap[0]
        for i in logits.indices where logits[i] < threshold { logits[i] = -.infinity }
    }

    private func keepNucleus(_ logits: UnsafeMutableBufferPointer<Float>, p: Float) {
        guard let maximum = logits.max(), maximum > -.infinity else { return }
        var total: Double = 0
        for value in logits where value > -.infinity { total += Double(scalarExp(value - maximum)) }
        // Sort only the head: tokens within 12 nats of the best hold all but a sliver of the
        // mass in practice; fall back to every token when they do not reach p.
        for margin: Float in [12, .infinity] {
            var head = logits.indices.filter { logits[$0] > -.infinity && logits[$0] >= maximum - margin }
            head.sort { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
            var cumulative: Double = 0
            for index in head {
                cumulative += Double(scalarExp(logits[index] - maximum)) / total
                if cumulative >= Double(p) {
                    let threshold = logits[index]
                    for i in logits.indices where logits[i] < threshold { logits[i] = -.infinity }
                    return
                }
            }
        }
    }

    private func siftUp(_ heap: inout [Float], _ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child] < heap[parent] else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func siftDown(_ heap: inout [Float], _ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count && heap[left] < heap[smallest] { smallest = left }
            if right < heap.count && heap[right] < heap[smallest] { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
