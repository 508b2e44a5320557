@testable import BPE
import Foundation
import XCTest

/// Training against a naive trainer written here: recount every pair of every word after
/// each merge, take the most frequent (ties: smallest left id, then right id).
final class TrainerTests: XCTestCase {
    func naiveMerges(_ texts: [[UInt8]], pattern: SplitPattern, count: Int, minimumFrequency: Int) -> [(Int32, Int32)] {
        var words: [[Int32]: Int] = [:]
        let splitter = PreTokenizer(pattern: pattern)
        for text in texts {
            for chunk in splitter.chunks(text) { words[chunk.map { Int32($0) }, default: 0] += 1 }
        }
        var merges: [(Int32, Int32)] = []
        while merges.count < count {
            var counts: [[Int32]: Int] = [:]
            for (word, frequency) in words where word.count > 1 {
                for i in 0..<(word.count - 1) { counts[[word[i], word[i + 1]], default: 0] += frequency }
            }
            guard let best = counts.max(by: { a, b in
                a.value != b.value ? a.value < b.value : (a.key[0], a.key[1]) > (b.key[0], b.key[1])
            }), best.value >= minimumFrequency else { break }
            let (left, right) = (best.key[0], best.key[1])
            let id = Int32(256 + merges.count)
            var merged: [[Int32]: Int] = [:]
            for (word, frequency) in words {
                var out: [Int32] = []
                var i = 0
                while i < word.count {
                    if i + 1 < word.count && word[i] == left && word[i + 1] == right { out.append(id); i += 2 } else { out.append(word[i]); i += 1 }
                }
                merged[out, default: 0] += frequency
            }
            words = merged
            merges.append((left, right))
        }
        return merges
    }

    static let corpus: [[UInt8]] = {
        let lines = [
            "the quick brown fox jumps over the lazy dog", "The Quick Brown Fox!", "lazy dogs sleep; quick foxes don't.",
            "aaaaaaa bbbbbb aaaa abab abababab", "numbers 12345 67890 123 4567", "tabs\tand\nnewlines\n\n",
            "it's the fox's den, isn't it?", "ünïcödé wörds ünïcödé", "🙂🙂🙂 emoji runs 🙂",
        ]
        return (0..<6).flatMap { repetition in lines.map { Array(($0 + " \(repetition)").utf8) } }
    }()

    func testMergesEqualTheNaiveTrainer() throws {
        for pattern in [SplitPattern.cl100k, .cl100kSingleDigits] {
            for minimumFrequency in [1, 2, 5] {
                let tokenizer = try Trainer.train(texts: Self.corpus, options: TrainingOptions(
                    vocabularySize: 256 + 150, minimumFrequency: minimumFrequency, pattern: pattern))
                let expected = naiveMerges(Self.corpus, pattern: pattern, count: 150, minimumFrequency: minimumFrequency)
                XCTAssertEqual(tokenizer.merges.map { [$0.0, $0.1] }, expected.map { [$0.0, $0.1] },
                               "pattern \(pattern) minimum frequency \(minimumFrequency)")
            }
        }
    }

    func testTrainingIsDeterministicAndStreamedLikeInMemory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("synth-bpe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("corpus.txt")
        let text: [UInt8] = Self.corpus.flatMap { $0 + [UInt8(10)] }
        try Data(text).write(to: file)
        let options = TrainingOptions(vocabularySize: 400, specialTokens: ["<|eos|>", "<|col:0..3|>"])
        let a = try Trainer.train(files: [file.path], options: options)
        let b = try Trainer.train(files: [file.path], options: options)
        XCTAssertEqual(a.merges.map { [$0.0, $0.1] }, b.merges.map { [$0.0, $0.1] })
        XCTAssertEqual(a.specialTokenNames, ["<|eos|>", "<|col:0|>", "<|col:1|>", "<|col:2|>", "<|col:3|>"])
        XCTAssertLessThanOrEqual(a.vocabularySize, 400, "training stops early when pairs run out")
        XCTAssertEqual(a.vocabularySize, a.mergeableCount + 5)
        let inMemory = try Trainer.train(texts: [text], options: options)
        XCTAssertEqual(a.merges.map { [$0.0, $0.1] }, inMemory.merges.map { [$0.0, $0.1] })
    }

    func testBlockBoundariesDoNotChangeChunkCounts() {
        var state: UInt64 = 5
        let alphabet = Array("ab 'sT\n\r\t1234.,é🙂".utf8)
        let text = (0..<20_000).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return alphabet[Int((state >> 33) % UInt64(alphabet.count))]
        }
        var whole = ChunkCounter(pattern: .cl100k)
        text.withUnsafeBufferPointer { whole.add($0, final: true) }
        var blocks = ChunkCounter(pattern: .cl100k)
        var start = 0
        while start < text.count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let end = min(text.count, start + 1 + Int((state >> 33) % 97))
            text[start..<end].withUnsafeBufferPointer { blocks.add($0, final: false) }
            start = end
        }
        blocks.finishDocument()
        func counts(_ counter: ChunkCounter) -> [[UInt8]: Int] {
            var result: [[UInt8]: Int] = [:]
            for i in 0..<counter.table.count { result[Array(counter.table.key(i))] = counter.table.values[i] }
            return result
        }
        XCTAssertEqual(counts(whole), counts(blocks))
    }

    func testBadTrainingInputs() throws {
        XCTAssertThrowsError(try Trainer.train(texts: [Array("abc".utf8)], options: TrainingOptions(vocabularySize: 256, specialTokens: ["<|eos|>"]))) {
            XCTAssertTrue("\($0)".contains("at least 257"), "\($0)")
        }
        XCTAssertThrowsError(try Trainer.train(texts: [[]], options: TrainingOptions(vocabularySize: 300))) {
            XCTAssertTrue("\($0)".contains("empty"), "\($0)")
        }
        XCTAssertThrowsError(try Trainer.train(files: ["/nonexistent/corpus.txt"], options: TrainingOptions(vocabularySize: 300))) {
            XCTAssertTrue("\($0)".contains("/nonexistent/corpus.txt"), "\($0)")
        }
        XCTAssertThrowsError(try expandSpecialTokens(["<|col:5..2|>"]))
        XCTAssertThrowsError(try Tokenizer(pattern: .cl100k, merges: [], specialTokens: ["<|a|>", "<|a|>"]))
    }
}
