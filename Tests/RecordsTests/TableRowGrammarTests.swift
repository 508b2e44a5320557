import Decoding
import Foundation
import Records
import XCTest

/// The row grammar run as a token constraint: it accepts every training row in its order,
/// its value languages are exact, and walks through its masks give only valid rows.
final class TableRowGrammarTests: XCTestCase {
    func testAcceptsEveryTrainingRowInItsOrder() throws {
        for seed in 0..<3 as Range<UInt64> {
            var rng = TableTestRNG(seed: 100 + seed)
            let table = RandomTables.make(rows: 40, rng: &rng)
            let schema = try TableSynthesisSchema(inferringFrom: table)
            let codec = TableRowCodec(schema: schema)
            let vocabulary = RowVocabulary(columnCount: schema.columns.count)
            var constraints: [[Int]: GrammarConstraint] = [:]
            try codec.forEachTrainingSequence(of: table, permutationsPerRow: 2, seed: seed) { text in
                let order = try codec.decodeOrder(text)
                if constraints[order] == nil {
                    constraints[order] = try GrammarConstraint(grammar: schema.rowGrammar(order: order), trie: vocabulary.trie,
                                                               endToken: vocabulary.endToken)
                }
                XCTAssertTrue(vocabulary.accepts(constraints[order]!, text), text)
            }
            // A row in another order than the grammar's is rejected.
            let text = codec.encode(row: 0, of: table, order: Array(0..<8))
            XCTAssertFalse(try vocabulary.accepts(schema.rowGrammar(order: Array((0..<8).reversed())), text))
        }
    }

    func testIntegerRangesAreExact() throws {
        let vocabulary = RowVocabulary(columnCount: 1)
        for (low, high) in [(0, 0), (7, 7), (-15, 130), (17, 90), (-1000, -3), (95, 1005), (0, 99)] {
            let schema = TableSynthesisSchema(columns: [SynthesisColumn(name: "n", domain: .integer(IntegerDomain(minimum: low, maximum: high)))])
            let constraint = try GrammarConstraint(grammar: Grammar(schema.valueExpression(column: 0)), trie: vocabulary.trie, endToken: nil)
            var candidates = (-1200...1200).map(String.init)
            candidates += ["-0", "00", "007", "+5", "1.0", "", "-", "1e2"]
            for text in candidates {
                let expected = Int(text).map { String($0) == text && $0 >= low && $0 <= high } ?? false
                XCTAssertEqual(vocabulary.acceptsValue(constraint, text), expected, "\(text) in \(low)...\(high)")
            }
        }
    }

    func testDecimalRangesAreExact() throws {
        let vocabulary = RowVocabulary(columnCount: 1)
        for (low, high, digits) in [(-125, 1050, 2), (5, 5, 1), (-30, -1, 1), (0, 999, 3), (1234, 5678, 2)] {
            let domain = DecimalDomain(fractionDigits: digits, minimum: low, maximum: high)
            let schema = TableSynthesisSchema(columns: [SynthesisColumn(name: "x", domain: .decimal(domain))])
            let constraint = try GrammarConstraint(grammar: Grammar(schema.valueExpression(column: 0)), trie: vocabulary.trie, endToken: nil)
            var candidates: [String] = []
            for integer in -60...60 {
                let sign = integer < 0 ? "-" : ""
                let magnitude = String(abs(integer))
                candidates.append(sign + magnitude)
                for fraction in ["0", "5", "05", "25", "50", "99", "001", "125", "9999"] {
                    candidates.append(sign + magnitude + "." + fraction)
                }
            }
            candidates += ["-0", "-0.0", "0.", ".5", "00.5", "1.", "-"]
            for text in candidates {
                // Reference: a canonical spelling with at most `digits` fraction digits, value in range.
                let parts = text.split(separator: ".", omittingEmptySubsequences: false)
                let canonical = text.range(of: #"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$"#, options: .regularExpression) != nil
                    && (parts.count == 1 || parts[1].count <= digits)
                    && !(text.hasPrefix("-") && Double(text) == 0)
                var expected = false
                if canonical, let value = Double(text) {
                    let units = (value * pow(10, Double(digits))).rounded()
                    expected = units >= Double(low) && units <= Double(high)
                }
                XCTAssertEqual(vocabulary.acceptsValue(constraint, text), expected, "\(text) in \(domain)")
            }
        }
    }

    func testDatesAreCalendarValid() throws {
        let vocabulary = RowVocabulary(columnCount: 1)
        func constraint(_ domain: DatetimeDomain) throws -> GrammarConstraint {
            let schema = TableSynthesisSchema(columns: [SynthesisColumn(name: "d", domain: .datetime(domain))])
            return try GrammarConstraint(grammar: Grammar(schema.valueExpression(column: 0)), trie: vocabulary.trie, endToken: nil)
        }
        let iso = try constraint(DatetimeDomain(format: .isoDate, minimum: "1999-05-01", maximum: "2024-01-01"))
        for good in ["1999-01-01", "2000-02-29", "2024-02-29", "2023-12-31", "2010-04-30", "2024-11-30"] {
            XCTAssertTrue(vocabulary.acceptsValue(iso, good), good)
        }
        for bad in ["2023-02-29", "1900-01-01", "2025-01-01", "2010-04-31", "2010-13-01", "2010-00-10", "2010-01-00", "2010-1-01", "2010-01-01 "] {
            XCTAssertFalse(vocabulary.acceptsValue(iso, bad), bad)
        }
        let us = try constraint(DatetimeDomain(format: .usDate, minimum: "01/01/2001", maximum: "12/31/2004"))
        XCTAssertTrue(vocabulary.acceptsValue(us, "02/29/2004"))
        XCTAssertFalse(vocabulary.acceptsValue(us, "02/29/2003"))
        let stamp = try constraint(DatetimeDomain(format: .isoDateTimeTFraction, minimum: "2020-01-01T00:00:00.1",
                                                  maximum: "2020-12-31T23:59:59.999", fractionDigits: 3))
        XCTAssertTrue(vocabulary.acceptsValue(stamp, "2020-06-30T23:59:59.5"))
        XCTAssertTrue(vocabulary.acceptsValue(stamp, "2020-06-30T00:00:00.125"))
        XCTAssertFalse(vocabulary.acceptsValue(stamp, "2020-06-30T24:00:00.1"))
        XCTAssertFalse(vocabulary.acceptsValue(stamp, "2020-06-30T10:60:00.1"))
        XCTAssertFalse(vocabulary.acceptsValue(stamp, "2020-06-30T10:00:00.1234"))
        XCTAssertFalse(vocabulary.acceptsValue(stamp, "2020-06-30T10:00:00"))
    }

    func testFreeTextCannotSpellStructure() throws {
        let vocabulary = RowVocabulary(columnCount: 1)
        let schema = TableSynthesisSchema(columns: [SynthesisColumn(name: "t", domain: .text(TextDomain(maxLength: 6)))])
        let constraint = try GrammarConstraint(grammar: Grammar(schema.valueExpression(column: 0)), trie: vocabulary.trie, endToken: nil)
        for good in ["a", "a<b", "<<x", "x<", "<", "été 🙂", "a|b", "123456", "<<<<<<<<"] {
            XCTAssertTrue(vocabulary.acceptsValue(constraint, good), good)
            XCTAssertTrue(schema.columns[0].domain.contains(good), good)
        }
        for bad in ["", "a<|b", "<|", "<<|", "a\nb", "a\rb", "1234567", "<<<<<<<<<"] {
            XCTAssertFalse(vocabulary.acceptsValue(constraint, bad), bad)
            XCTAssertFalse(schema.columns[0].domain.contains(bad), bad)
        }
    }

    func testMaskWalksGiveValidRows() throws {
        var rng = TableTestRNG(seed: 9)
        let table = RandomTables.make(rows: 60, rng: &rng)
        let schema = try TableSynthesisSchema(inferringFrom: table)
        let codec = TableRowCodec(schema: schema)
        let vocabulary = RowVocabulary(columnCount: schema.columns.count)
        let conditionSets: [[String]] = [
            [],
            ["kind in (Private, \"a, b\")", "id>=100", "id<120", "flag=yes"],
            ["amount>-1.5", "amount<=0.25", "sparse!=5", "note=\"the cat\""],
            ["day=2001-02-03", "id!=0", "kind!=?"],
        ]
        for texts in conditionSets {
            let conditions = try TableConditions(parsing: texts, schema: schema)
            let order = schema.samplingOrder(conditions: conditions)
            let constraint = try GrammarConstraint(grammar: schema.rowGrammar(order: order, conditions: conditions),
                                                   trie: vocabulary.trie, endToken: vocabulary.endToken)
            for _ in 0..<25 {
                let bytes = vocabulary.sample(constraint, rng: &rng)
                let row = try codec.decode(bytes)
                XCTAssertNil(schema.firstViolation(in: row), "\(String(decoding: bytes, as: UTF8.self))")
                XCTAssertTrue(conditions.admits(row, schema: schema), "\(texts): \(row)")
                XCTAssertEqual(try codec.decodeOrder(String(decoding: bytes, as: UTF8.self)), order)
            }
        }
    }

    func testRejectsRowsViolatingConditions() throws {
        let table = Table(columnNames: ["age", "income"], columns: [["25", "40", "61"], ["<=50K", ">50K", ">50K"]])
        let schema = try TableSynthesisSchema(inferringFrom: table)
        let conditions = try TableConditions(parsing: ["income=>50K", "age>=30"], schema: schema)
        let order = schema.samplingOrder(conditions: conditions)
        XCTAssertEqual(order, [1, 0])
        let vocabulary = RowVocabulary(columnCount: 2)
        let grammar = try schema.rowGrammar(order: order, conditions: conditions)
        let codec = TableRowCodec(schema: schema)
        XCTAssertTrue(try vocabulary.accepts(grammar, codec.encode([ "30", ">50K"], order: order)))
        XCTAssertTrue(try vocabulary.accepts(grammar, codec.encode([ "61", ">50K"], order: order)))
        XCTAssertFalse(try vocabulary.accepts(grammar, codec.encode(["29", ">50K"], order: order)))
        XCTAssertFalse(try vocabulary.accepts(grammar, codec.encode(["62", ">50K"], order: order)))
        XCTAssertFalse(try vocabulary.accepts(grammar, codec.encode(["40", "<=50K"], order: order)))
        XCTAssertFalse(try vocabulary.accepts(grammar, codec.encode(["40", nil], order: order)))
        XCTAssertThrowsError(try schema.rowGrammar(order: [0, 0]))
    }
}

extension TableRowCodec {
    /// The column order of an encoded row (test helper).
    func decodeOrder(_ text: String) throws -> [Int] {
        _ = try decode(text)
        return text.components(separatedBy: "<|col:").dropFirst().map { Int($0.prefix { $0.isNumber })! }
    }
}
