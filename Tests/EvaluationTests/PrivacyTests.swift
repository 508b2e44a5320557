@testable import Evaluation
import Foundation
import Records
import XCTest

/// Every privacy figure on tables small enough to score by hand, and the errors.
final class PrivacyTests: XCTestCase {
    func table(_ csv: String, _ name: String) throws -> Table {
        try Table.read(data: Data(csv.utf8), name: name)
    }

    func metadata(_ table: Table) -> QualityMetadata {
        QualityMetadata(schema: TableSchema(inferringFrom: table, detectsDates: false))
    }

    // age: range 40 (20...60); score: range 4 (1...5), one train value missing; city: a
    // category; one: a constant train column (range 0), so compared as a category.
    let trainCSV = "age,score,city,one\n20,1.0,A,1\n30,,B,1\n40,3.0,A,1\n60,5.0,C,1\n"
    // Row 2 (line 3) copies train row 2; row 3 has a missing score and a new "one" value.
    let holdoutCSV = "age,score,city,one\n25,2.0,B,1\n40,3.0,A,1\n100,,C,2\n50,5.0,C,1\n"
    // s0 copies train row 0; s1 copies train row 1 (missing == missing); s2 lies far
    // outside the age range (term capped at 1) with an unseen city; s3 is as close to
    // train row 2 as to its holdout copy (a tie); s4 is near train row 3.
    let syntheticCSV = "age,score,city,one\n20,1.0,A,1\n30,,B,1\n200,1.0,D,1\n35,3.0,A,2\n58,5.0,C,1\n"

    func tables() throws -> (Table, Table, Table) {
        (try table(trainCSV, "train.csv"), try table(holdoutCSV, "holdout.csv"), try table(syntheticCSV, "synthetic.csv"))
    }

    func testDistanceByHand() throws {
        let (train, holdout, synthetic) = try tables()
        let space = try MixedDistanceSpace(train: train, holdout: holdout, synthetic: synthetic, metadata: metadata(train))
        XCTAssertEqual(space.rules.map(\.range), [40, 4, nil, nil])
        let s = space.synthetic, t = space.train, h = space.holdout
        XCTAssertEqual(space.distance(s, 0, t, 0), 0, "a copy")
        XCTAssertEqual(space.distance(s, 1, t, 1), 0, "missing matches missing")
        // |200 - 20| / 40 capped at 1, score equal, city D vs A, one equal.
        XCTAssertEqual(space.distance(s, 2, t, 0), 0.5)
        // capped age, a missing score against 1.0 (1), city, one.
        XCTAssertEqual(space.distance(s, 2, t, 1), 0.75)
        // 15/40 + 2/4 + 0 + (2 vs 1) = 1.875, over 4 columns.
        XCTAssertEqual(space.distance(s, 3, t, 0), 0.46875)
        XCTAssertEqual(space.distance(s, 3, t, 2), 0.28125)
        XCTAssertEqual(space.distance(s, 3, h, 1), 0.28125)
        XCTAssertEqual(space.distance(h, 2, t, 1), 0.75, "100 vs 30 capped, missing == missing, C vs B, 2 vs 1")
        XCTAssertEqual(space.distance(s, 4, t, 3), 0.0125)
        // Symmetric.
        XCTAssertEqual(space.distance(t, 2, s, 3), space.distance(s, 3, t, 2))
    }

    func testEveryFigureByHand() throws {
        let (train, holdout, synthetic) = try tables()
        let report = try PrivacyEvaluation.evaluate(train: train, holdout: holdout, synthetic: synthetic,
                                                    metadata: metadata(train))
        XCTAssertEqual(report.syntheticRows, 5)
        XCTAssertEqual(report.equalSizeRows, 4)
        XCTAssertEqual(report.dcrToTrain, [0, 0, 0.5, 0.28125, 0.0125])
        XCTAssertEqual(report.medianDCRToTrain, 0.0125)
        // To holdout: 0.25, 0.28125, 0.5625, 0.28125 (the tie), 0.05.
        XCTAssertEqual(report.medianDCRToHoldout, 0.28125)
        // Closer to train: s0, s1, s2, s4; s3 ties.
        XCTAssertEqual(report.shareCloserToTrain, 0.9)
        XCTAssertEqual(report.shareCloserToTrainStrict, 0.8)
        XCTAssertEqual(report.tieShare, 0.2)
        XCTAssertEqual(report.exactCopies, 2)
        XCTAssertEqual(report.exactCopyRate, 0.4)
        // NNDR: 0 / 0.25, 0 / 0.25, 0.5 / 0.625, 0.28125 / 0.46875, 0.0125 / 0.4875.
        XCTAssertEqual(report.medianNNDR, 0.0125 / 0.4875, accuracy: 1e-15)
        XCTAssertEqual(report.nndrBelowHalfShare, 0.6)
        // Holdout rows against train: 0.28125, 0 (a copy), 0.75, 0.0625.
        XCTAssertEqual(report.holdoutDCRToTrain, [0.28125, 0, 0.75, 0.0625])
        XCTAssertEqual(report.holdoutMedianDCRToTrain, (0.0625 + 0.28125) / 2)
        XCTAssertEqual(report.holdoutExactCopyRate, 0.25)
        // Members' distances to the closest synthetic row 0, 0, 0.25, 0.0125 against
        // non-members' 0.28125, 0.25, 0.75, 0.05: 4 + 4 + 2.5 + 4 wins of 16.
        XCTAssertEqual(report.membershipInferenceAUC, 14.5 / 16)
        // Codable, as the report writer stores it.
        let decoded = try JSONDecoder().decode(PrivacyReport.self, from: JSONEncoder().encode(report))
        XCTAssertEqual(decoded, report)
    }

    /// Values closer than Float32 can tell apart: the copy is found, and only the copy.
    func testExactCopiesDoNotDependOnFloat32() throws {
        let train = try table("x,c\n0,a\n1,a\n0.5000000001,a\n0.5,a\n", "train.csv")
        let holdout = try table("x,c\n0.25,a\n", "holdout.csv")
        let synthetic = try table("x,c\n0.5000000001,a\n0.5000000003,a\n", "synthetic.csv")
        let report = try PrivacyEvaluation.evaluate(train: train, holdout: holdout, synthetic: synthetic,
                                                    metadata: metadata(train))
        XCTAssertEqual(report.exactCopies, 1)
        XCTAssertEqual(report.dcrToTrain[0], 0)
        // Float32 sees 0.5 three times; the row it picks is then measured in double
        // precision: 2e-10 or 3e-10 away in x, over 2 columns.
        XCTAssertGreaterThan(report.dcrToTrain[1], 0)
        XCTAssertEqual(report.dcrToTrain[1], 1.25e-10, accuracy: 0.3e-10)
    }

    /// The equal-size cut: the larger table is subsampled, reproducibly from the seed.
    func testEqualSizeCut() throws {
        var generator = SplitMixForTests.make(7)
        let sample = PrivacyEvaluation.sortedSample(of: 10, count: 4, using: &generator)
        XCTAssertEqual(sample.count, 4)
        XCTAssertEqual(Set(sample).count, 4)
        XCTAssertEqual(sample, sample.sorted())
        XCTAssertTrue(sample.allSatisfy { (0..<10).contains($0) })
        var again = SplitMixForTests.make(7)
        XCTAssertEqual(PrivacyEvaluation.sortedSample(of: 10, count: 4, using: &again), sample)
        XCTAssertEqual(PrivacyEvaluation.sortedSample(of: 5, count: 5, using: &again), [0, 1, 2, 3, 4])

        let (train, holdout, _) = try tables()
        let longer = try table(syntheticCSV, "synthetic.csv")
        let report = try PrivacyEvaluation.evaluate(train: train, holdout: longer, synthetic: holdout,
                                                    metadata: metadata(train), seed: 3)
        XCTAssertEqual(report.equalSizeRows, 4)
        let same = try PrivacyEvaluation.evaluate(train: train, holdout: longer, synthetic: holdout,
                                                  metadata: metadata(train), seed: 3)
        XCTAssertEqual(report, same)
    }

    func testAreaUnderCurve() {
        XCTAssertEqual(PrivacyEvaluation.areaUnderCurve(positives: [3, 4], negatives: [1, 2]), 1)
        XCTAssertEqual(PrivacyEvaluation.areaUnderCurve(positives: [1, 2], negatives: [3, 4]), 0)
        XCTAssertEqual(PrivacyEvaluation.areaUnderCurve(positives: [1, 1], negatives: [1, 1]), 0.5)
        XCTAssertEqual(PrivacyEvaluation.areaUnderCurve(positives: [2, 0], negatives: [1, 2, 3]), 1.5 / 6)
        XCTAssertEqual(PrivacyEvaluation.median([3, 1, 2]), 2)
        XCTAssertEqual(PrivacyEvaluation.median([4, 1, 2, 3]), 2.5)
    }

    func testErrorsNameTheFileAndTheCell() throws {
        let (train, holdout, synthetic) = try tables()
        let extra = try table("age,score,city,one,more\n1,2,A,1,x\n", "wide.csv")
        XCTAssertThrowsError(try PrivacyEvaluation.evaluate(train: train, holdout: extra, synthetic: synthetic,
                                                            metadata: metadata(train))) { error in
            XCTAssertEqual("\(error)", "wide.csv: columns differ from train.csv; unexpected 'more'")
        }
        let empty = try table("age,score,city,one\n", "empty.csv")
        XCTAssertThrowsError(try PrivacyEvaluation.evaluate(train: train, holdout: holdout, synthetic: empty,
                                                            metadata: metadata(train))) { error in
            XCTAssertEqual(error as? EvaluationError, .noRows(file: "empty.csv"))
        }
        XCTAssertThrowsError(try PrivacyEvaluation.evaluate(train: train, holdout: empty, synthetic: synthetic,
                                                            metadata: metadata(train))) { error in
            XCTAssertEqual(error as? EvaluationError, .noRows(file: "empty.csv"))
        }
        let bad = try table("age,score,city,one\n25,2.0,B,1\n4O,3.0,A,1\n", "holdout.csv")
        XCTAssertThrowsError(try PrivacyEvaluation.evaluate(train: train, holdout: bad, synthetic: synthetic,
                                                            metadata: metadata(train))) { error in
            XCTAssertEqual("\(error)", "holdout.csv:3: column 'age': '4O' is not a number")
        }
        // In the synthetic table an unparseable number is missing, as in evaluate.py.
        let odd = try table("age,score,city,one\n20,oops,A,1\n", "synthetic.csv")
        let report = try PrivacyEvaluation.evaluate(train: train, holdout: holdout, synthetic: odd, metadata: metadata(train))
        XCTAssertEqual(report.dcrToTrain, [0.25], "train row 0 but for the score, missing against 1.0")
    }
}

/// A seeded generator for the tests, without importing TensorCore.
enum SplitMixForTests {
    static func make(_ seed: UInt64) -> PrivacyEvaluation.Generator { PrivacyEvaluation.Generator(seed: seed) }
}
