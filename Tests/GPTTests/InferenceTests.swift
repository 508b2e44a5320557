import TensorCore
import XCTest
@testable import GPT

/// The cached path must compute what a full forward over the whole prefix computes.
final class InferenceTests: XCTestCase {
    var config = ModelConfig(layers: 2, heads: 4, channels: 32, blockSize: 24, vocabularySize: 50)
    /// Head sizes 8 (the generic path), 80 (two 32-wide register blocks and a remainder)
    /// and 15 (odd: the scores' last channel on its own); block sizes not a multiple of the
    /// cache's eight-position key blocks.
    let configs = [ModelConfig(layers: 2, heads: 4, channels: 32, blockSize: 24, vocabularySize: 50),
                   ModelConfig(layers: 1, heads: 2, channels: 160, blockSize: 21, vocabularySize: 40),
                   ModelConfig(layers: 2, heads: 3, channels: 45, blockSize: 23, vocabularySize: 30)]

    /// Logits of every position of `tokens` from a plain forward, (T, V).
    func fullLogits(_ model: Model, _ tokens: [Int32]) throws -> [Float] {
        try model.forward(tokens: tokens, targets: nil, batch: 1, time: tokens.count)
        return Array(UnsafeBufferPointer(start: model.logits!, count: tokens.count * config.vocabularySize))
    }

    func testCachedLogitsEqualFullForwardForPrefillAndDecodeInOneBatch() throws {
        for (threads, config) in [(1, configs[0]), (2, configs[0]), (2, configs[1]), (1, configs[2]), (2, configs[2])] {
            self.config = config
            let model = try Model(config: config, pool: ThreadPool(threadCount: threads))
            model.initializeWeights(seed: 7)
            var rng = SplitMix(seed: 3)
            // Three sequences of different lengths decoded together; the third joins late.
            let sequences: [[Int32]] = (0..<3).map { s in
                (0..<(10 + 5 * s)).map { _ in Int32(rng.next() % UInt64(config.vocabularySize)) }
            }
            let expected = try sequences.map { try fullLogits(model, $0) }
            let session = try InferenceSession(model: model, slots: 3, maxRows: 16)
            let V = config.vocabularySize
            // Prefill 4 tokens of sequence 0 and 6 of sequence 1 in one call.
            var rows: [InferenceRow] = []
            for t in 0..<4 { rows.append(InferenceRow(slot: 0, position: t, token: sequences[0][t], wantsLogits: t == 3)) }
            for t in 0..<6 { rows.append(InferenceRow(slot: 1, position: t, token: sequences[1][t], wantsLogits: true)) }
            var logits = Array(try session.run(rows))
            XCTAssertEqual(logits.count, 7 * V)
            assertClose(Array(logits[0..<V]), Array(expected[0][(3 * V)..<(4 * V)]), "prefill of sequence 0")
            for t in 0..<6 {
                assertClose(Array(logits[((t + 1) * V)..<((t + 2) * V)]), Array(expected[1][(t * V)..<((t + 1) * V)]),
                            "prefill of sequence 1, position \(t)")
            }
            var next = [4, 6, 0]
            for step in 0..<9 {
                rows = []
                for s in 0..<3 where next[s] < sequences[s].count && (s < 2 || step >= 3) {
                    if s == 2 && next[2] == 0 {
                        // The late sequence joins with its whole prompt of 5 tokens.
                        for t in 0..<5 { rows.append(InferenceRow(slot: 2, position: t, token: sequences[2][t], wantsLogits: t == 4)) }
                        next[2] = 5
                        continue
                    }
                    rows.append(InferenceRow(slot: s, position: next[s], token: sequences[s][next[s]], wantsLogits: true))
                    next[s] += 1
                }
                logits = Array(try session.run(rows))
                var index = 0
                for row in rows where row.wantsLogits {
                    let want = expected[row.slot][(row.position * V)..<((row.position + 1) * V)]
                    assertClose(Array(logits[(index * V)..<((index + 1) * V)]), Array(want),
                                "threads \(threads), step \(step), slot \(row.slot), position \(row.position)")
                    index += 1
                }
            }
        }
    }

    func testRowsOutsideTheCacheAreRefused() throws {
        let model = try Model(config: config, pool: ThreadPool(threadCount: 1))
        let session = try InferenceSession(model: model, slots: 1, maxRows: 2)
        XCTAssertThrowsError(try session.run([InferenceRow(slot: 0, position: 24, token: 1, wantsLogits: true)]))
        XCTAssertThrowsError(try session.run([InferenceRow(slot: 1, position: 0, token: 1, wantsLogits: true)]))
        XCTAssertThrowsError(try session.run([InferenceRow(slot: 0, position: 0, token: 50, wantsLogits: true)]))
        XCTAssertThrowsError(try session.run(Array(repeating: InferenceRow(slot: 0, position: 0, token: 1, wantsLogits: true), count: 3)))
    }

    func assertClose(_ actual: [Float], _ expected: [Float], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, message, file: file, line: line)
        let worst = zip(actual, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
        XCTAssertLessThan(worst, 1e-5, message, file: file, line: line)
    }
}

#if !(os(macOS) && arch(x86_64))
extension InferenceTests {
    /// Half-precision decoding (one or two rows) computes with the rounded weights that the
    /// float path (three rows or more) then also uses: both agree, so batching does not
    /// change results.
    func testHalfPrecisionRowsAgreeWithFloatRowsOnTheRoundedWeights() throws {
        let model = try Model(config: config, pool: ThreadPool(threadCount: 2))
        model.initializeWeights(seed: 9)
        let original = try model.copy()
        let half = try InferenceSession(model: model, slots: 3, maxRows: 8, halfPrecision: true)
        let reference = try InferenceSession(model: model, slots: 3, maxRows: 8)
        let tokens: [Int32] = [3, 14, 15, 9, 26, 5]
        var rows: [InferenceRow] = []
        for (t, token) in tokens.enumerated() { rows.append(InferenceRow(slot: 0, position: t, token: token, wantsLogits: t == 5)) }
        _ = try half.run(Array(rows[0..<5]))
        let single = Array(try half.run([rows[5]]))  // one row: the half-precision kernels
        let batched = Array(try reference.run(rows))   // six rows: the float GEMM
        assertClose(single, batched, "half-precision decode against float rows")
        // The rounding changed the weights, by about half precision's resolution.
        try original.forward(tokens: tokens, targets: nil, batch: 1, time: 6)
        let unrounded = Array(UnsafeBufferPointer(start: original.logits! + 5 * config.vocabularySize, count: config.vocabularySize))
        let difference = zip(single, unrounded).map { abs($0 - $1) }.max()!
        XCTAssertGreaterThan(difference, 0)
        XCTAssertLessThan(difference, 1e-2)
    }
}
#endif
