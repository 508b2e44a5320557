import Evaluation
import Foundation
import XCTest

/// Classification metrics against values computed by hand on tiny inputs, and against
/// scikit-learn on the cases of Fixtures/utility/expected.json.
final class UtilityMetricsTests: XCTestCase {
    func testAccuracyAndMacroF1WithAClassNeverPredicted() {
        // class 0: TP 2, FP 1, FN 0 -> 4/5; class 1: TP 1, FP 1, FN 1 -> 2/4; class 2: never
        // predicted, TP 0 -> 0. Macro = (0.8 + 0.5 + 0) / 3.
        let truth = [0, 0, 1, 1, 2], predicted = [0, 0, 1, 0, 1]
        XCTAssertEqual(ClassificationMetrics.accuracy(truth: truth, predicted: predicted), 0.6)
        XCTAssertEqual(ClassificationMetrics.f1(truth: truth, predicted: predicted, label: 0), 0.8, accuracy: 1e-15)
        XCTAssertEqual(ClassificationMetrics.f1(truth: truth, predicted: predicted, label: 2), 0)
        XCTAssertEqual(ClassificationMetrics.macroF1(truth: truth, predicted: predicted, labels: [0, 1, 2]),
                       1.3 / 3, accuracy: 1e-15)
        // A class neither true nor predicted anywhere scores 0 (zero_division=0), and counts in the mean.
        XCTAssertEqual(ClassificationMetrics.macroF1(truth: [0, 0], predicted: [0, 0], labels: [0, 1]), 0.5)
    }

    func testROCAUCCountsTiesAsHalf() {
        // Pairs (positive, negative): 0.8 vs 0.8 tie (1/2), 0.8 vs 0.1 (1), 0.4 vs 0.8 (0),
        // 0.4 vs 0.1 (1): 2.5 of 4.
        XCTAssertEqual(ClassificationMetrics.rocAUC(positive: [true, false, true, false], scores: [0.8, 0.8, 0.4, 0.1]), 0.625)
        // All scores tied: 1/2 whatever the labels.
        XCTAssertEqual(ClassificationMetrics.rocAUC(positive: [true, false, false], scores: [1, 1, 1]), 0.5)
        XCTAssertEqual(ClassificationMetrics.rocAUC(positive: [false, true, true], scores: [0.1, 0.2, 0.3]), 1)
        // One class only: undefined, as scikit-learn raises.
        XCTAssertNil(ClassificationMetrics.rocAUC(positive: [true, true], scores: [0.1, 0.2]))
    }

    func testOneVsRestIsUndefinedWhereScikitLearnRaises() {
        let probabilities = [0.2, 0.3, 0.5, 0.6, 0.2, 0.2, 0.1, 0.8, 0.1]
        XCTAssertNotNil(ClassificationMetrics.rocAUCOneVsRest(truth: [0, 1, 2], probabilities: probabilities, classes: [0, 1, 2]))
        // A true label outside the classes, rows that are not probabilities, two classes.
        XCTAssertNil(ClassificationMetrics.rocAUCOneVsRest(truth: [0, 1, 3], probabilities: probabilities, classes: [0, 1, 2]))
        var zeros = probabilities
        zeros[0] = 0; zeros[1] = 0; zeros[2] = 0
        XCTAssertNil(ClassificationMetrics.rocAUCOneVsRest(truth: [0, 1, 2], probabilities: zeros, classes: [0, 1, 2]))
        XCTAssertNil(ClassificationMetrics.rocAUCOneVsRest(truth: [0, 1], probabilities: [0.5, 0.5, 0.3, 0.7], classes: [0, 1]))
    }

    struct Metric: Decodable {
        let name: String
        let truth: [Int]
        let predicted: [Int]?
        let scores: [Double]?
        let probabilities: [[Double]]?
        let accuracy: Double?
        let macro_f1: Double?
        let f1_positive: Double?
        let roc_auc: Double?
    }

    struct Expected: Decodable { let metrics: [Metric] }

    func testMetricsAgreeWithScikitLearn() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/utility/expected.json")
        let cases = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: url)).metrics
        XCTAssertEqual(cases.map(\.name), ["binary_ties", "never_predicted", "one_vs_rest"])
        for c in cases {
            if let predicted = c.predicted {
                XCTAssertEqual(ClassificationMetrics.accuracy(truth: c.truth, predicted: predicted), c.accuracy!, accuracy: 1e-12, c.name)
                let labels = c.name == "binary_ties" ? [0, 1] : [0, 1, 2]  // as the fixture script scores them
                XCTAssertEqual(ClassificationMetrics.macroF1(truth: c.truth, predicted: predicted, labels: labels),
                               c.macro_f1!, accuracy: 1e-12, c.name)
            }
            if let f1 = c.f1_positive {
                XCTAssertEqual(ClassificationMetrics.f1(truth: c.truth, predicted: c.predicted!, label: 1), f1, accuracy: 1e-12)
            }
            if let scores = c.scores {
                XCTAssertEqual(ClassificationMetrics.rocAUC(positive: c.truth.map { $0 == 1 }, scores: scores)!,
                               c.roc_auc!, accuracy: 1e-12, c.name)
            }
            if let probabilities = c.probabilities {
                let auc = ClassificationMetrics.rocAUCOneVsRest(truth: c.truth, probabilities: probabilities.flatMap { $0 },
                                                                classes: [0, 1, 2])
                XCTAssertEqual(auc!, c.roc_auc!, accuracy: 1e-12, c.name)
            }
        }
    }
}
