import Foundation
import Records
import XCTest

/// Rows as record sequences: encoding, shuffled training orders, decoding and its errors.
final class TableRowCodecTests: XCTestCase {
    func testEncodeShape() {
        let codec = TableRowCodec(columnCount: 3)
        XCTAssertEqual(codec.encode(["39", nil, "a, b"], order: [2, 0, 1]),
                       "<|row|><|col:2|>a, b<|col:0|>39<|col:1|><|null|><|eos|>")
        XCTAssertEqual(TableRowCodec.specialTokens(columnCount: 2), ["<|eos|>", "<|row|>", "<|null|>", "<|col:0|>", "<|col:1|>"])
    }

    func testRoundTripOnRandomTables() throws {
        for seed in 0..<5 as Range<UInt64> {
            var rng = TableTestRNG(seed: seed)
            let table = RandomTables.make(rows: 40, rng: &rng)
            let schema = try TableSynthesisSchema(inferringFrom: table)
            let codec = TableRowCodec(schema: schema)
            var count = 0
            try codec.forEachTrainingSequence(of: table, permutationsPerRow: 3, seed: seed) { text in
                let row = count / 3
                count += 1
                let decoded = try codec.decode(text)
                let expected: [String?] = table.columns.map { schema.missing.contains($0[row]) ? nil : $0[row] }
                XCTAssertEqual(decoded, expected, text)
                XCTAssertNil(schema.firstViolation(in: decoded))
                // Without the end token, as the generator returns it.
                XCTAssertEqual(try codec.decode(String(text.dropLast(TableRowCodec.endToken.count))), expected)
            }
            XCTAssertEqual(count, 120)
        }
    }

    func testShuffledOrdersArePermutationsAndVary() {
        var seen = Set<[Int]>()
        for row in 0..<50 {
            for permutation in 0..<4 {
                let order = TableRowCodec.shuffledOrder(columnCount: 6, seed: 42, row: row, permutation: permutation)
                XCTAssertEqual(order.sorted(), Array(0..<6))
                XCTAssertEqual(order, TableRowCodec.shuffledOrder(columnCount: 6, seed: 42, row: row, permutation: permutation))
                seen.insert(order)
            }
        }
        XCTAssertGreaterThan(seen.count, 150)  // 200 draws from 720 orders
        XCTAssertNotEqual(TableRowCodec.shuffledOrder(columnCount: 6, seed: 1, row: 0, permutation: 0),
                          TableRowCodec.shuffledOrder(columnCount: 6, seed: 2, row: 0, permutation: 0))
    }

    func testMalformedRows() {
        let codec = TableRowCodec(columnCount: 2)
        func reason(_ text: String) -> String? {
            do { _ = try codec.decode(text); return nil } catch { return "\(error)" }
        }
        XCTAssertEqual(try codec.decode("<|row|><|col:1|>b<|col:0|><|null|>"), [nil, "b"])
        XCTAssertEqual(reason("<|col:0|>a<|col:1|>b"), "generated row, byte 0: expected <|row|> at the start, found '<|col:0|>a<|col:1|>b'")
        XCTAssertEqual(reason("<|row|><|col:0|>a<|col:0|>b"), "generated row, byte 17: column 0 appears twice")
        XCTAssertEqual(reason("<|row|><|col:0|>a<|col:5|>b"), "generated row, byte 17: column 5 does not exist (the table has 2 columns)")
        XCTAssertEqual(reason("<|row|><|col:0|>a"), "generated row, byte 17: no value for column 1 (every column must appear once)")
        XCTAssertEqual(reason("<|row|><|col:0|><|col:1|>b"), "generated row, byte 16: column 0 has no value (expected its text or <|null|>)")
        XCTAssertEqual(reason("<|row|><|col:0|>a<|col:1|>b<|eos|>x"), "generated row, byte 34: bytes after <|eos|>: 'x'")
        XCTAssertEqual(reason("<|row|><|col:0|><|null|>x<|col:1|>b"),
                       "generated row, byte 24: expected a column token <|col:N|> or <|eos|>, found 'x<|col:1|>b'")
        XCTAssertEqual(reason("<|row|><|col:x|>a"), "generated row, byte 7: malformed column token '<|col:x|>a'")
        XCTAssertEqual(try? codec.decode(Array("<|row|><|col:0|>".utf8) + [0xFF] + Array("<|col:1|>b".utf8)), nil)
    }
}
