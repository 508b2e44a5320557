import Evaluation
import Foundation
import Records
import XCTest

/// The report's aggregation on a table small enough to score by hand, and its errors.
final class QualityReportTests: XCTestCase {
    func table(_ csv: String, _ name: String) throws -> Table {
        try Table.read(data: Data(csv.utf8), name: name)
    }

    func metadata(_ table: Table) -> QualityMetadata {
        QualityMetadata(schema: TableSchema(inferringFrom: table, detectsDates: false))
    }

    /// Shapes: x and y keep their values (KS 1), c goes from a a b b to a b b b (TV 0.75).
    /// Pairs: (x, y) r goes from 1 to -1 (score 0); (x, c) bins 1 4 7 11 meet c with one
    /// cell moved (0.75); (y, c) with y reversed, six cells differ by ¼ (0.25).
    func testScoresByHand() throws {
        let real = try table("x,y,c\n1,2,a\n2,4,a\n3,6,b\n4,8,b\n", "real.csv")
        let synthetic = try table("x,y,c\n1,8,a\n2,6,b\n3,4,b\n4,2,b\n", "synthetic.csv")
        for options in [QualityReport.Options(), .allPairs] {
            let scores = try QualityReport.evaluate(real: real, synthetic: synthetic, metadata: metadata(real), options: options)
            XCTAssertEqual(scores.shapes.map(\.score), [1, 1, 0.75])
            XCTAssertEqual(scores.shapes.map(\.metric), [.ksComplement, .ksComplement, .tvComplement])
            XCTAssertEqual(scores.pairs.map(\.metric), [.correlationSimilarity, .contingencySimilarity, .contingencySimilarity])
            XCTAssertEqual(scores.pairs.map { "\($0.column1),\($0.column2)" }, ["x,y", "x,c", "y,c"])
            XCTAssertEqual(scores.pairs.map(\.score), [0, 0.75, 0.25])
            XCTAssertEqual(scores.pairs.map(\.meetsThreshold), [true, true, true], "real pairs fully associated")
            XCTAssertEqual(try XCTUnwrap(scores.columnShapes), 2.75 / 3, accuracy: 1e-15)
            XCTAssertEqual(try XCTUnwrap(scores.columnPairTrends), 1.0 / 3, accuracy: 1e-15)
            XCTAssertEqual(try XCTUnwrap(scores.overall), (2.75 / 3 + 1.0 / 3) / 2, accuracy: 1e-15)
        }
    }

    func testUnassociatedPairsDropOutOfTheDefaultScore() throws {
        // r = 1.5 / √33.75 ≈ 0.258 in the real table: scored with thresholds 0, not with
        // the default 0.5; no pair left means the overall is the shapes score.
        let real = try table("x,y\n1,1\n2,-1\n3,-1\n4,2\n", "real.csv")
        let synthetic = try table("x,y\n1,1\n2,2\n3,3\n4,4\n", "synthetic.csv")
        let strict = try QualityReport.evaluate(real: real, synthetic: synthetic, metadata: metadata(real))
        XCTAssertNil(strict.columnPairTrends)
        XCTAssertEqual(strict.overall, strict.columnShapes)
        XCTAssertFalse(strict.pairs[0].meetsThreshold)
        let all = try QualityReport.evaluate(real: real, synthetic: synthetic, metadata: metadata(real), options: .allPairs)
        XCTAssertEqual(try XCTUnwrap(all.columnPairTrends), 1 - (1 - 1.5 / 33.75.squareRoot()) / 2, accuracy: 1e-15)
        // A real r of exactly 0 is never scored: SDMetrics drops |r| <= threshold, and 0 <= 0.
        let flat = try table("x,y\n1,1\n2,-1\n3,-1\n4,1\n", "flat.csv")
        let none = try QualityReport.evaluate(real: flat, synthetic: synthetic, metadata: metadata(flat), options: .allPairs)
        XCTAssertNil(none.pairs[0].score)
    }

    func testMissingValuesAndConstantColumns() throws {
        let real = try table("n,k,one\n1,a,1\nNA,,1\n3,b,1\n", "real.csv")
        let synthetic = try table("n,k,one\n1,a,1\n2,NA,1\n,b,1\n", "synthetic.csv")
        let scores = try QualityReport.evaluate(real: real, synthetic: synthetic, metadata: metadata(real), options: .allPairs)
        // n: {1, 3} vs {1, 2}: gap ½ at 1 < x < 3. k: {a, b} vs {a, b}: 1.
        XCTAssertEqual(scores.shapes.map(\.score), [0.5, 1, 1])
        let constantPair = try XCTUnwrap(scores.pairs.first { $0.column1 == "n" && $0.column2 == "one" })
        XCTAssertNil(constantPair.score)
        XCTAssertNotNil(constantPair.error, "a constant column has no correlation")
        XCTAssertFalse(constantPair.meetsThreshold)
    }

    func testErrorsNameFileColumnAndLine() throws {
        let real = try table("a,b\n1,x\n\"2\",y\nthree,z\n", "real.csv")
        let numeric = QualityMetadata(columns: [.init(name: "a", type: .numerical), .init(name: "b", type: .categorical)])
        XCTAssertThrowsError(try QualityReport.evaluate(real: real, synthetic: real, metadata: numeric)) { error in
            XCTAssertEqual(error as? EvaluationError,
                           .unparseableCell(file: "real.csv", column: "a", line: 4, text: "three", expected: "a number"))
            XCTAssertEqual("\(error)", "real.csv:4: column 'a': 'three' is not a number")
        }
        let other = try table("a,c\n1,2\n", "synthetic.csv")
        XCTAssertThrowsError(try QualityReport.evaluate(real: real, synthetic: other, metadata: metadata(real))) { error in
            XCTAssertEqual(error as? EvaluationError,
                           .columnsDiffer(real: "real.csv", synthetic: "synthetic.csv", missing: ["b"], unexpected: ["c"]))
        }
        let empty = try table("a,b\n", "empty.csv")
        XCTAssertThrowsError(try QualityReport.evaluate(real: real, synthetic: empty, metadata: metadata(real))) { error in
            XCTAssertEqual(error as? EvaluationError, .noRows(file: "empty.csv"))
        }
        let unknown = QualityMetadata(columns: [.init(name: "zz", type: .categorical)])
        XCTAssertThrowsError(try QualityReport.evaluate(real: real, synthetic: real, metadata: unknown)) { error in
            XCTAssertEqual(error as? EvaluationError, .unknownColumn(file: "real.csv", column: "zz"))
        }
    }

    func testUnparseableSyntheticCellsBecomeMissingAndAreCounted() throws {
        let real = try table("a\n1\n2\n", "real.csv")
        let synthetic = try table("a\n1\nabc\n2\n", "synthetic.csv")
        let encoded = try EncodedTables(real: real, synthetic: synthetic, metadata: metadata(real))
        XCTAssertEqual(encoded.columns[0].coercedSyntheticCells, 1)
        XCTAssertEqual(QualityReport.evaluate(encoded).shapes[0].score, 1)
    }

    func testDatetimeColumnsUseKS() throws {
        let real = try table("d\n2024-01-01\n2024-01-03\n", "real.csv")
        let synthetic = try table("d\n2024-01-02\n2024-01-03\n", "synthetic.csv")
        let meta = QualityMetadata(schema: TableSchema(inferringFrom: real))
        XCTAssertEqual(meta.columns, [.init(name: "d", type: .datetime, dateFormat: .isoDate)])
        let scores = try QualityReport.evaluate(real: real, synthetic: synthetic, metadata: meta)
        XCTAssertEqual(scores.shapes.map(\.metric), [.ksComplement])
        XCTAssertEqual(scores.shapes.map(\.score), [0.5])
    }
}
