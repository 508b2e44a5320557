import BPE
import Foundation
import GPT
import TensorCore
import XCTest
@testable import Decoding

/// The batched generator with a random-weight model: constrained outputs are always valid,
/// batching does not change results, seeds reproduce them, and the stop rules hold.
final class GeneratorTests: XCTestCase {
    /// A BPE vocabulary learnt from text shaped like the outputs (so tokens span JSON
    /// punctuation and field boundaries), with an end token.
    static let tokenizer: Tokenizer = {
        var rng = SplitMix64(seed: 1)
        let words = ["alpha", "beta", "gamma", "Private", "State-gov", "\"age\":", "\"name\":\"", "\",\"", "},{", "GET /",
                     "HTTP/1.1", "12", "345", "(1+2)*3", "-0.5"]
        let texts = (0..<400).map { _ in
            Array((0..<12).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: rng.next() % 2 == 0 ? " " : "").utf8)
        }
        return try! Trainer.train(texts: texts, options: TrainingOptions(vocabularySize: 420, minimumFrequency: 2,
                                                                           specialTokens: ["<|eos|>"]))
    }()

    static func makeModel(threads: Int = 1, seed: UInt64 = 3) throws -> Model {
        let config = ModelConfig(layers: 2, heads: 2, channels: 32, blockSize: 96, vocabularySize: tokenizer.vocabularySize)
        let model = try Model(config: config, pool: ThreadPool(threadCount: threads))
        model.initializeWeights(seed: seed)
        // Larger embeddings than GPT-2's init give peaked, varied distributions, so sampling
        // takes many different paths through the grammars.
        scale(model.parameters.base, by: 12, count: config.vocabularySize * config.channels)
        return model
    }

    let schema = """
        {"type":"object","properties":{"age":{"type":"integer","minimum":17,"maximum":90},
         "work":{"enum":["Private","State-gov","Never-worked"]},"name":{"type":"string","maxLength":8},
         "tags":{"type":"array","items":{"type":"boolean"},"maxItems":3}},
         "required":["age","work","name"],"additionalProperties":false}
        """

    func constraintCases() throws -> [(String, Grammar)] {
        [
            ("regex", try compileRegex("\\d{1,3}(\\.\\d{1,3}){3} (GET|POST) /[a-z]{1,12} [1-5][0-9]{2}")),
            ("schema", try compileJSONSchema(Data(schema.utf8))),
            ("grammar", try compileGBNF("""
                root ::= expr
                expr ::= term (("+" | "-") term)*
                term ::= num | "(" expr ")"
                num ::= [1-9] [0-9]?
                """)),
        ]
    }

    func testEveryConstrainedOutputIsValid() throws {
        let model = try Self.makeModel()
        let generator = try Generator(model: model, tokenizer: Self.tokenizer, maxBatch: 16)
        let trie = TokenTrie(tokenizer: Self.tokenizer)
        for (name, grammar) in try constraintCases() {
            let constraint = try GrammarConstraint(grammar: grammar, trie: trie, endToken: generator.endToken)
            let reference = ReferenceGrammarMatcher(grammar)
            let requests = (0..<200).map {
                GenerationRequest(prompt: [], maxTokens: 60, constraint: constraint, sampler: .standard(temperature: 1.5),
                                  seed: UInt64($0))
            }
            let results = try generator.generate(requests)
            XCTAssertEqual(results.count, 200)
            for (index, result) in results.enumerated() {
                XCTAssertTrue(reference.matches(result.bytes), "\(name) sample \(index) is invalid: \(result.text)")
                XCTAssertTrue([.end, .constraintComplete].contains(result.finishReason), "\(name) sample \(index): \(result.finishReason)")
            }
            if name == "schema" {
                for result in results {
                    let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.bytes)) as? [String: Any], result.text)
                    let age = try XCTUnwrap(object["age"] as? Int)
                    XCTAssertTrue((17...90).contains(age), result.text)
                    XCTAssertLessThanOrEqual(try XCTUnwrap(object["name"] as? String).count, 8, result.text)
                }
            }
            XCTAssertGreaterThan(Set(results.map(\.text)).count, 50, "\(name): sampling should vary the outputs")
        }
    }

    func testTightBudgetsStillEndValid() throws {
        let model = try Self.makeModel()
        let generator = try Generator(model: model, tokenizer: Self.tokenizer, maxBatch: 8)
        let trie = TokenTrie(tokenizer: Self.tokenizer)
        for (name, grammar) in try constraintCases() {
            let constraint = try GrammarConstraint(grammar: grammar, trie: trie, endToken: generator.endToken)
            let minimum = constraint.minimumTokens(constraint.startState)
            let reference = ReferenceGrammarMatcher(grammar)
            for budget in [minimum, minimum + 1, minimum + 3] {
                let requests = (0..<24).map {
                    GenerationRequest(prompt: [], maxTokens: budget, constraint: constraint, sampler: .standard(temperature: 2),
                                      seed: UInt64($0))
                }
                for result in try generator.generate(requests) {
                    XCTAssertTrue(reference.matches(result.bytes), "\(name), budget \(budget): \(result.text)")
                    XCTAssertLessThanOrEqual(result.tokens.count, budget)
                }
            }
            XCTAssertThrowsError(try generator.generate([GenerationRequest(prompt: [], maxTokens: minimum - 1, constraint: constraint)])) {
                XCTAssertEqual($0 as? DecodingError, .budgetTooSmall(needed: minimum, budget: minimum - 1))
            }
        }
    }

    func testBatchingAndThreadsDoNotChangeResultsAndSeedsReproduce() throws {
        var rng = SplitMix64(seed: 9)
        let requests = (0..<7).map { index in
            GenerationRequest(prompt: (0..<(1 + index * 3)).map { _ in Int32(rng.next() % 256) }, maxTokens: 10 + index * 4,
                              sampler: index % 2 == 0 ? .greedy : .standard(temperature: 0.8, topK: 40), seed: UInt64(index))
        }
        let model = try Self.makeModel()
        // Three slots for seven requests: sequences leave and join mid-run.
        let batched = try Generator(model: model, tokenizer: Self.tokenizer, maxBatch: 3).generate(requests)
        let again = try Generator(model: model, tokenizer: Self.tokenizer, maxBatch: 3).generate(requests)
        let alone = try requests.map { try Generator(model: model, tokenizer: Self.tokenizer, maxBatch: 1).generate([$0])[0] }
        let twoThreads = try Generator(model: try Self.makeModel(threads: 2), tokenizer: Self.tokenizer, maxBatch: 3).generate(requests)
        for index in requests.indices {
            XCTAssertEqual(batched[index].tokens, again[index].tokens, "same seed, same output (request \(index))")
            XCTAssertEqual(batched[index].tokens, alone[index].tokens, "batched equals one by one (request \(index))")
            XCTAssertEqual(batched[index].tokens, twoThreads[index].tokens, "thread count (request \(index))")
        }
        var streamed = [[Int32]](repeating: [], count: requests.count)
        var finished: [Int] = []
        _ = try Generator(model: model, tokenizer: Self.tokenizer, maxBatch: 3).generate(requests, onToken: { index, token, _ in
            streamed[index].append(token)
        }, onFinish: { index, result in
            XCTAssertEqual(result.tokens, streamed[index], "finished after its last token")
            finished.append(index)
        })
        XCTAssertEqual(streamed, batched.map(\.tokens), "streaming reports every token in order")
        XCTAssertEqual(finished.sorted(), Array(requests.indices), "each sequence reports its end once")
    }

    func testStopRulesAndBadRequests() throws {
        let model = try Self.makeModel()
        let generator = try Generator(model: model, tokenizer: Self.tokenizer, maxBatch: 4)
        let free = try generator.generate([GenerationRequest(prompt: [5, 6], maxTokens: 12, sampler: .greedy)])[0]
        XCTAssertLessThanOrEqual(free.tokens.count, 12)
        if free.finishReason == .length { XCTAssertEqual(free.tokens.count, 12) }
        // A stop string taken from what greedy decoding produces ends the output there.
        if free.bytes.count >= 4 {
            let stop = Array(free.bytes[2..<4])
            let stopped = try generator.generate([GenerationRequest(prompt: [5, 6], maxTokens: 12, stopStrings: [stop], sampler: .greedy)])[0]
            XCTAssertEqual(stopped.finishReason, .stopString)
            // Cut at the stop's first occurrence, even where it begins inside a token.
            let first = (0...(free.bytes.count - 2)).first { free.bytes[$0..<($0 + 2)].elementsEqual(stop) }!
            XCTAssertEqual(stopped.bytes, Array(free.bytes[..<first]))
        }
        XCTAssertThrowsError(try generator.generate([GenerationRequest(prompt: Array(repeating: 1, count: 96), maxTokens: 4)])) {
            XCTAssertEqual($0 as? DecodingError, .promptTooLong(sequence: 0, length: 96, blockSize: 96))
        }
        XCTAssertThrowsError(try generator.generate([GenerationRequest(prompt: [9999], maxTokens: 4)]))
        XCTAssertThrowsError(try generator.generate([GenerationRequest(prompt: [1], maxTokens: 4, sampler: .standard(topP: 0))]))
    }

    func testSamplerStages() {
        var logits: [Float] = [1, 3, 2, 0.5, 2.9]
        var rng = SplitMix(seed: 1)
        func run(_ sampler: Sampler, history: [Int32] = []) -> Int32? {
            var copy = logits
            return copy.withUnsafeMutableBufferPointer { sampler.sample(logits: $0, history: history[...], rng: &rng) }
        }
        XCTAssertEqual(run(.greedy), 1)
        XCTAssertEqual(run(Sampler(stages: [.topK(1), .temperature(1)])), 1)
        XCTAssertEqual(run(Sampler(stages: [.logitBias([1: -.infinity]), .temperature(0)])), 4)
        XCTAssertEqual(run(Sampler(stages: [.repetitionPenalty(2), .temperature(0)]), history: [1]), 4, "3 / 2 < 2.9")
        XCTAssertEqual(run(Sampler(stages: [.presencePenalty(1.5), .temperature(0)]), history: [1, 4]), 2)
        XCTAssertEqual(run(Sampler(stages: [.noRepeatNGram(2), .temperature(0)]), history: [7, 1, 7]), 4, "7 1 would repeat")
        // top-p 0.5 keeps tokens 1 and 4 only; min-p 0.5 keeps those within log 2 of the best.
        for _ in 0..<200 {
            XCTAssertTrue([1, 4].contains(run(Sampler(stages: [.topP(0.5), .temperature(1)]))!))
            XCTAssertTrue([1, 4, 2].contains(run(Sampler(stages: [.minP(0.3), .temperature(1)]))!))
        }
        // Temperature 1 draws follow the softmax.
        logits = [0, log(2), log(3), log(4)]
        var counts = [Int](repeating: 0, count: 4)
        for _ in 0..<20_000 { counts[Int(run(.standard(temperature: 1))!)] += 1 }
        for (token, count) in counts.enumerated() {
            XCTAssertEqual(Double(count) / 20_000, Double(token + 1) / 10, accuracy: 0.015, "token \(token)")
        }
        logits = [-.infinity, -.infinity]
        XCTAssertNil(run(.greedy), "nothing to choose")
    }

    /// The copy bias raises the next source token after its pointer (and the one after,
    /// when the output just left the source) by that position's bias, and never revives a
    /// masked token.
    func testCopyBiasFollowsItsPointer() {
        // Marker 9, then the source 1 2 3 1 5 6 (positions 1-6).
        let source: [Int32] = [9, 1, 2, 3, 1, 5, 6]
        func positions(_ pair: (next: Int?, replacement: Int?)) -> [Int] { [pair.next, pair.replacement].compactMap { $0 } }
        func next(_ history: [Int32]) -> [Int] { positions(Sampler.copyContinuations(of: source, history: history[...])) }
        XCTAssertEqual(next([4, 4]), [], "before the marker, nothing")
        XCTAssertEqual(next([4, 9]), [1], "the marker leads to the first token")
        XCTAssertEqual(next([9, 1, 2, 3, 1]), [5], "the second 1 is the one after 3")
        XCTAssertEqual(next([9, 1, 2]), [3])
        XCTAssertEqual(next([9, 1, 3]), [4], "3 skips 2")
        XCTAssertEqual(next([9, 1, 8]), [2, 3], "a new word: the next token, or the one after it (a replacement)")
        XCTAssertEqual(next([9, 1, 8, 3]), [4], "back on the source after the replaced 2")
        XCTAssertEqual(next([9, 1, 2, 3, 1, 5, 6]), [], "the source is done")
        XCTAssertEqual(next([9, 1, 2, 3, 1, 5, 6, 9, 1]), [2], "the last marker restarts the copy")
        XCTAssertEqual(positions(Sampler.copyContinuations(of: [9, 1, 1, 2], history: [9, 1, 1][...])), [3])
        // Beyond the skip limit an occurrence counts as a new word.
        let long: [Int32] = [9, 1] + Array(repeating: 2, count: Sampler.copySkipLimit) + [7, 8]
        XCTAssertEqual(positions(Sampler.copyContinuations(of: long, history: [9, 1, 7][...])), [2], "7 is too far ahead; 2 2 repeat, raised once")

        var rng = SplitMix(seed: 3)
        // Marker 0, then the source 3 2; position 2 (token 2) may get its own bias.
        func greedy(_ logits: [Float], history: [Int32], bias: Float, second: Float? = nil) -> Int32? {
            var copy = logits
            let sampler = Sampler.standard(temperature: 0, copySource: [0, 3, 2], copyBias: [0, bias, second ?? bias])
            return copy.withUnsafeMutableBufferPointer { sampler.sample(logits: $0, history: history[...], rng: &rng) }
        }
        let logits: [Float] = [0, 2, 0.5, 1, 0]
        XCTAssertEqual(greedy(logits, history: [0], bias: 0), 1, "off: the model's choice")
        XCTAssertEqual(greedy(logits, history: [0], bias: 1.5), 3, "after 0 comes 3: 1 + 1.5 > 2")
        XCTAssertEqual(greedy(logits, history: [0, 3], bias: 1.6), 2, "after 3 comes 2: 0.5 + 1.6 > 2")
        XCTAssertEqual(greedy(logits, history: [0, 3], bias: 9, second: 1.4), 1, "position 2's own bias: 0.5 + 1.4 < 2")
        XCTAssertEqual(greedy(logits, history: [0, 3, 2], bias: 9), 1, "2 ends the source: nothing raised")
        XCTAssertEqual(greedy(logits, history: [0], bias: 0.5), 1, "a weak bias leaves the model's choice")
        XCTAssertEqual(greedy([0, 2, 0.5, -.infinity, 0], history: [0], bias: 50), 1, "a masked token stays masked")
        XCTAssertThrowsError(try Sampler.standard(copySource: [1, 2], copyBias: [1, .nan]).validate())
        XCTAssertThrowsError(try Sampler(stages: [.copyBias(tokens: [1, 2], bias: [1])]).validate(), "one bias per token")
        XCTAssertEqual(Sampler.standard(copySource: [], copyBias: []).stages, [.temperature(1)], "no source, no stage")
        XCTAssertEqual(Sampler.standard(copySource: [1, 2], copyBias: [0, 0]).stages, [.temperature(1)], "no bias, no stage")
    }
}
