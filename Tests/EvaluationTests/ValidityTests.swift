import Evaluation
import Foundation
import Records
import XCTest

/// Validity (`evaluate.py`'s rules) on tables small enough to check by hand; agreement
/// with evaluate.py itself is in PrivacyAgreementTests.
final class ValidityTests: XCTestCase {
    func table(_ csv: String, _ name: String) throws -> Table {
        try Table.read(data: Data(csv.utf8), name: name)
    }

    func metadata(_ table: Table) -> QualityMetadata {
        QualityMetadata(schema: TableSchema(inferringFrom: table, detectsDates: false))
    }

    // age: whole numbers 30...50, never missing; height: 1.5...1.9, missing once;
    // city: A or B, never missing; when: x, y or z.
    let train = "age,height,city,when\n30,1.5,A,x\n40,,B,y\n50,1.9,A,z\n"

    func testEveryRuleByHand() throws {
        let synthetic = try table("""
            age,height,city,when
            35,1.6,A,x
            35.5,1.6,B,y
            60,,A,x
            ,1.7,C,x
            45,abc,A,x
            29,2.0,NA,z
            30,1.5,B,w
            50, 1.9 ,A,y

            """, "synthetic.csv")
        let real = try table(train, "train.csv")
        let report = try ValidityEvaluation.evaluate(train: real, synthetic: synthetic, metadata: metadata(real))
        XCTAssertEqual(report.rows, 8)
        XCTAssertEqual(report.validRows, 2, "lines 2 and 9 (spaces around a number are allowed)")
        XCTAssertEqual(report.validShare, 0.25)
        XCTAssertEqual(report.columns.map(\.name), ["age", "height", "city", "when"])
        XCTAssertEqual(report.columns.map(\.validCount), [4, 6, 6, 7])
        XCTAssertEqual(report.columns.map(\.validShare), [0.5, 0.75, 0.75, 0.875])
        typealias Cell = ColumnValidity.InvalidCell
        XCTAssertEqual(report.columns[0].invalidExamples, [
            Cell(line: 3, text: "35.5", reason: "not a whole number (the train column has only whole numbers)"),
            Cell(line: 4, text: "60", reason: "above the train maximum 50"),
            Cell(line: 5, text: "", reason: "missing (the train column has no missing value)"),
            Cell(line: 7, text: "29", reason: "below the train minimum 30"),
        ])
        XCTAssertEqual(report.columns[1].invalidExamples, [
            Cell(line: 6, text: "abc", reason: "not a number"),
            Cell(line: 7, text: "2.0", reason: "above the train maximum 1.9"),
        ], "a missing height is valid: the train column has one")
        XCTAssertEqual(report.columns[2].invalidExamples, [
            Cell(line: 5, text: "C", reason: "not a value of the train column"),
            Cell(line: 7, text: "NA", reason: "missing (the train column has no missing value)"),
        ])
        XCTAssertEqual(report.columns[3].invalidExamples, [Cell(line: 8, text: "w", reason: "not a value of the train column")])
        let decoded = try JSONDecoder().decode(ValidityReport.self, from: JSONEncoder().encode(report))
        XCTAssertEqual(decoded, report)
    }

    /// At most five examples a column, with the line each row starts on (a quoted field
    /// may span lines).
    func testExamplesAreCappedAndNameTheirLines() throws {
        let synthetic = try table("city\n\"X\nY\"\nC\nD\nE\nF\nG\nA\n", "synthetic.csv")
        let real = try table("city\nA\nB\n", "train.csv")
        let report = try ValidityEvaluation.evaluate(train: real, synthetic: synthetic, metadata: metadata(real))
        XCTAssertEqual(report.columns[0].validCount, 1)
        XCTAssertEqual(report.columns[0].invalidExamples.map(\.line), [2, 4, 5, 6, 7])
        XCTAssertEqual(report.columns[0].invalidExamples.first?.text, "X\nY")
        XCTAssertEqual(ValidityEvaluation.examplesPerColumn, 5)
    }

    /// Dates (ours; evaluate.py reads them as categories): parse in the layout, within
    /// the train column's earliest...latest.
    func testDates() throws {
        let real = try table("day\n2020-01-01\n2020-06-30\n", "train.csv")
        let synthetic = try table("day\n2019-12-31\n2020-02-30\n2020-03-01\n2020-07-01\n", "synthetic.csv")
        let dates = QualityMetadata(columns: [.init(name: "day", type: .datetime, dateFormat: .isoDate)])
        let report = try ValidityEvaluation.evaluate(train: real, synthetic: synthetic, metadata: dates)
        XCTAssertEqual(report.columns[0].invalidExamples.map(\.reason), [
            "below the train minimum 2020-01-01", "not a date in the layout %Y-%m-%d", "above the train maximum 2020-06-30",
        ])
        XCTAssertEqual(report.validRows, 1)
    }

    func testErrors() throws {
        let real = try table(train, "train.csv")
        XCTAssertThrowsError(try ValidityEvaluation.evaluate(train: real, synthetic: try table("age,height\n1,2\n", "s.csv"),
                                                             metadata: metadata(real))) { error in
            XCTAssertEqual("\(error)", "s.csv: columns differ from train.csv; missing 'city', 'when'")
        }
        XCTAssertThrowsError(try ValidityEvaluation.evaluate(train: real, synthetic: try table("age,height,city,when\n", "s.csv"),
                                                             metadata: metadata(real))) { error in
            XCTAssertEqual(error as? EvaluationError, .noRows(file: "s.csv"))
        }
        // A real cell that is not a number (the metadata says numerical) names its line.
        let bad = try table("age,height,city,when\n30,1.5,A,x\n4O,1.6,B,y\n", "train.csv")
        XCTAssertThrowsError(try ValidityEvaluation.evaluate(train: bad, synthetic: real, metadata: metadata(real))) { error in
            XCTAssertEqual("\(error)", "train.csv:3: column 'age': '4O' is not a number")
        }
    }
}
