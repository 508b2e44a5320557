@testable import BPE
import Foundation
import XCTest

final class EncoderTests: XCTestCase {
    static let tokenizer: Tokenizer = {
        try! Trainer.train(texts: TrainerTests.corpus, options: TrainingOptions(
            vocabularySize: 256 + 200 + 3, minimumFrequency: 1, specialTokens: ["<|eos|>", "<|row|>", "<|ro|>"]))
    }()

    /// tiktoken's educational encode: within each chunk, repeatedly merge the adjacent
    /// pair of byte strings whose concatenation has the lowest rank (leftmost on ties).
    func referenceEncode(_ tokenizer: Tokenizer, _ bytes: [UInt8]) -> [Int32] {
        var rank: [[UInt8]: Int32] = [:]
        for id in (0..<tokenizer.mergeableCount).reversed() { rank[try! tokenizer.bytes(of: Int32(id))] = Int32(id) }
        return PreTokenizer(pattern: tokenizer.pattern).chunks(bytes).flatMap { chunk -> [Int32] in
            var parts = chunk.map { [$0] }
            while parts.count > 1 {
                var best: (Int32, Int)? = nil
                for i in 0..<(parts.count - 1) {
                    if let r = rank[parts[i] + parts[i + 1]], best == nil || r < best!.0 { best = (r, i) }
                }
                guard let (_, i) = best else { break }
                parts[i] += parts[i + 1]
                parts.remove(at: i + 1)
            }
            return parts.map { rank[$0]! }
        }
    }

    func randomBytes(_ state: inout UInt64, count: Int, alphabet: [UInt8]? = nil) -> [UInt8] {
        (0..<count).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let value = state >> 33
            if let alphabet { return alphabet[Int(value % UInt64(alphabet.count))] }
            return UInt8(truncatingIfNeeded: value)
        }
    }

    func testEncodingEqualsReferenceAndRoundTrips() throws {
        let tokenizer = Self.tokenizer
        var encoder = tokenizer.makeEncoder()
        var state: UInt64 = 1
        let alphabet = Array("the quick brown fox ab aaaa 123 'st\n\t!ü🙂".utf8)
        for round in 0..<3_000 {
            // Mostly text like the corpus, sometimes arbitrary (invalid UTF-8) bytes.
            let bytes = round % 3 == 0 ? randomBytes(&state, count: round % 50)
                                       : randomBytes(&state, count: round % 120, alphabet: alphabet)
            let ids = try encoder.encode(bytes)
            XCTAssertEqual(ids, referenceEncode(tokenizer, bytes), "bytes \(bytes)")
            XCTAssertEqual(try tokenizer.decode(ids), bytes)
        }
    }

    func testLongChunksUseTheHeapAndAgree() throws {
        let tokenizer = Self.tokenizer
        var state: UInt64 = 3
        for length in [65, 100, 1000, 5000] {
            let word = randomBytes(&state, count: length, alphabet: Array("ab".utf8))   // one chunk of letters
            let ids = try tokenizer.encode(word)
            XCTAssertEqual(ids, referenceEncode(tokenizer, word), "length \(length)")
        }
        // A 10 MB single line: round trip, and no quadratic blow-up (this would take hours).
        let huge = [UInt8](repeating: UInt8(ascii: "a"), count: 10_000_000)
        let ids = try tokenizer.encode(huge)
        XCTAssertLessThan(ids.count, huge.count / 2)
        XCTAssertEqual(try tokenizer.decode(ids), huge)
    }

    func testEmptyAndInvalidUTF8() throws {
        let tokenizer = Self.tokenizer
        XCTAssertEqual(try tokenizer.encode([UInt8]()), [])
        for bytes: [UInt8] in [[0xFF], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x99], [0xED, 0xA0, 0x80], [0x80, 0x80, 0x41]] {
            XCTAssertEqual(try tokenizer.decode(try tokenizer.encode(bytes)), bytes)
        }
    }

    func testSpecialTokensOnlyWhereAllowed() throws {
        let tokenizer = Self.tokenizer
        let eos = tokenizer.specialTokens["<|eos|>"]!, row = tokenizer.specialTokens["<|row|>"]!
        let text = Array("a<|row|>b<|eos|><|ro|>".utf8)
        let plain = try tokenizer.encode(text)
        XCTAssertFalse(plain.contains(eos) || plain.contains(row), "specials are ordinary text unless allowed")
        XCTAssertEqual(try tokenizer.decode(plain), text)
        let allowed = try tokenizer.encode(text, allowedSpecial: ["<|eos|>", "<|row|>", "<|ro|>"])
        XCTAssertEqual(allowed.filter { $0 >= tokenizer.mergeableCount }, [row, eos, tokenizer.specialTokens["<|ro|>"]!])
        XCTAssertEqual(try tokenizer.decode(allowed), text)
        let onlyEos = try tokenizer.encode(text, allowedSpecial: ["<|eos|>"])
        XCTAssertEqual(onlyEos.filter { $0 >= tokenizer.mergeableCount }, [eos])
        XCTAssertThrowsError(try tokenizer.encode(text, allowedSpecial: ["<|nope|>"]))
        XCTAssertThrowsError(try tokenizer.decode([Int32(tokenizer.vocabularySize)]))
    }

    func testBytesModeHasNoMerges() throws {
        let tokenizer = try Tokenizer.bytes(specialTokens: ["<|eos|>"])
        XCTAssertEqual(tokenizer.vocabularySize, 257)
        XCTAssertEqual(try tokenizer.encode("hé"), [104, 0xC3, 0xA9])
    }

    func testFileRoundTripAndCorruptFiles() throws {
        let tokenizer = Self.tokenizer
        let loaded = try Tokenizer.load(tokenizer.fileData(), path: "t.json")
        XCTAssertEqual(loaded.merges.map { [$0.0, $0.1] }, tokenizer.merges.map { [$0.0, $0.1] })
        XCTAssertEqual(loaded.specialTokens, tokenizer.specialTokens)
        XCTAssertEqual(loaded.pattern, tokenizer.pattern)
        let bad: [(String, String)] = [
            ("not json", "not JSON"),
            ("[]", "top level"),
            (#"{"format": "other", "version": 1}"#, "format"),
            (#"{"format": "synth-bpe", "version": 9, "pattern": "cl100k", "special_tokens": [], "merges": []}"#, "version"),
            (#"{"format": "synth-bpe", "version": 1, "pattern": "p50k", "special_tokens": [], "merges": []}"#, "pattern"),
            (#"{"format": "synth-bpe", "version": 1, "pattern": "cl100k", "special_tokens": [], "merges": [[1]]}"#, "merge 0"),
            (#"{"format": "synth-bpe", "version": 1, "pattern": "cl100k", "special_tokens": [], "merges": [[1, 300]]}"#, "merge 0"),
        ]
        for (text, expected) in bad {
            XCTAssertThrowsError(try Tokenizer.load(Data(text.utf8), path: "broken.json")) { error in
                XCTAssertTrue("\(error)".contains("broken.json") && "\(error)".contains(expected), "\(error)")
            }
        }
        // Truncated file.
        let data = tokenizer.fileData()
        XCTAssertThrowsError(try Tokenizer.load(data.prefix(data.count / 2), path: "cut.json"))
    }

    func testStreamingDecoderHoldsBackPartialCharacters() throws {
        let tokenizer = try Tokenizer.bytes()
        let text = Array("añ🙂日b".utf8)
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        var pieces: [[UInt8]] = []
        for byte in text { pieces.append(try decoder.push(Int32(byte))) }
        pieces.append(decoder.finish())
        XCTAssertEqual(pieces.flatMap { $0 }, text)
        for piece in pieces where !piece.isEmpty {
            XCTAssertNotNil(String(validating: piece, as: UTF8.self), "piece \(piece) is not whole characters")
        }
        XCTAssertEqual(pieces.filter { !$0.isEmpty }.count, 5)
    }
}
