import Evaluation
import Foundation
import Records
import XCTest

/// `UtilityEvaluation.evaluate` against the utility scores of ../shared/eval/tabular/evaluate.py:
/// on the small tables of Fixtures/utility (two and three classes, missing values and
/// targets, unseen categories, a synthetic table lacking a class), and on Adult with
/// SDV's synthetic tables (read from ../shared, skipped when it is absent).
final class UtilityAgreementTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/utility")
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardized

    struct Scores: Decodable {
        let accuracy: Double?
        let macro_f1: Double?
        let f1_positive: Double?
        let roc_auc: Double?
    }

    struct Case: Decodable {
        let name: String
        let train: String
        let holdout: String
        let synthetic: String
        let target: String
        let labels: [String]
        let positive: String?
        let kinds: [String: String]
        let tstr: [String: Scores]
        let trtr: [String: Scores]
    }

    struct Expected: Decodable { let utility: [Case] }

    struct Adult: Decodable {
        struct Run: Decodable {
            let synthetic: String
            let scores: [String: Scores]
        }
        struct FullTrain: Decodable {
            let train: String
            let synthetic: String
            let trtr: [String: Scores]
            let tstr: [String: Scores]
        }
        let train: String
        let holdout: String
        let target: String
        let labels: [String]
        let positive: String
        let trtr: [String: Scores]
        let tstr: [String: Run]
        let full_train: FullTrain
    }

    /// evaluate.py's model names for ours.
    static let sklearnName = ["gradient_boosting": "hist_gradient_boosting", "logistic_regression": "logistic_regression"]

    func url(_ path: String) -> URL {
        path.hasPrefix("../") ? Self.repository.appendingPathComponent(path).standardized
            : Self.fixtures.appendingPathComponent(path)
    }

    func evaluate(train: String, holdout: String, synthetic: String, target: String) throws -> UtilityReport {
        let trainTable = try Table.read(contentsOf: url(train))
        let metadata = QualityMetadata(schema: TableSchema(inferringFrom: trainTable, detectsDates: false))
        return try UtilityEvaluation.evaluate(train: trainTable, holdout: try Table.read(contentsOf: url(holdout)),
                                              synthetic: try Table.read(contentsOf: url(synthetic)),
                                              metadata: metadata, target: target)
    }

    /// The largest difference between our scores and evaluate.py's (nil must match nil).
    func difference(_ ours: ClassifierScores, _ theirs: Scores, _ label: String) -> Double {
        XCTAssertEqual(ours.positiveF1 == nil, theirs.f1_positive == nil, "\(label) positive F1 presence")
        XCTAssertEqual(ours.rocAUC == nil, theirs.roc_auc == nil, "\(label) AUC presence")
        let pairs: [(Double?, Double?)] = [(ours.accuracy, theirs.accuracy), (ours.macroF1, theirs.macro_f1),
                                           (ours.positiveF1, theirs.f1_positive), (ours.rocAUC, theirs.roc_auc)]
        return pairs.compactMap { a, b in a.flatMap { a in b.map { abs(a - $0) } } }.max() ?? 0
    }

    func testSmallTablesAgreeWithEvaluatePy() throws {
        let cases = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("expected.json"))).utility
        XCTAssertEqual(cases.map(\.name), ["binary", "three_classes", "synthetic_lacks_a_class"])
        for fixture in cases {
            let train = try Table.read(contentsOf: url(fixture.train))
            let schema = TableSchema(inferringFrom: train, detectsDates: false)
            for column in schema.columns {
                let kind = if case .numerical = column.kind { "numerical" } else { "categorical" }
                XCTAssertEqual(kind, fixture.kinds[column.name], "\(fixture.name) \(column.name): evaluate.py's kind")
            }
            let report = try evaluate(train: fixture.train, holdout: fixture.holdout, synthetic: fixture.synthetic,
                                      target: fixture.target)
            XCTAssertEqual(report.classes, fixture.labels, fixture.name)
            XCTAssertEqual(report.positiveClass, fixture.positive, fixture.name)
            XCTAssertEqual(report.models.map(\.model), ["gradient_boosting", "logistic_regression"])
            for model in report.models {
                let theirs = Self.sklearnName[model.model]!
                // The trees are scikit-learn's own; logistic regression differs only by where
                // scikit-learn's lbfgs stops (its probabilities move by ~1e-5).
                let tolerance = model.model == "gradient_boosting" ? 1e-12 : 1e-4
                for (setting, ours, expected) in [("TSTR", model.tstr, fixture.tstr[theirs]!), ("TRTR", model.trtr, fixture.trtr[theirs]!)] {
                    let label = "\(fixture.name) \(model.model) \(setting)"
                    XCTAssertLessThanOrEqual(difference(ours, expected, label), tolerance, label)
                }
            }
        }
    }

    /// Adult: TSTR and TRTR within 0.02 of evaluate.py (the target; the trees agree
    /// exactly); prints the differences and the time per evaluation.
    func testAdultAgreesWithEvaluatePy() throws {
        let adult = try JSONDecoder().decode(Adult.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("adult.json")))
        try XCTSkipUnless(FileManager.default.fileExists(atPath: url(adult.train).path), "../shared is absent")
        XCTAssertEqual(adult.tstr.keys.sorted(), ["ctgan", "gaussian_copula", "tvae"])
        for (name, run) in adult.tstr.sorted(by: { $0.key < $1.key }) {
            let start = Date()
            let report = try evaluate(train: adult.train, holdout: adult.holdout, synthetic: run.synthetic, target: adult.target)
            let seconds = Date().timeIntervalSince(start)
            XCTAssertEqual(report.classes, adult.labels)
            XCTAssertEqual(report.positiveClass, adult.positive)
            for model in report.models {
                let theirs = Self.sklearnName[model.model]!
                let tstr = difference(model.tstr, run.scores[theirs]!, "\(name) \(model.model) TSTR")
                let trtr = difference(model.trtr, adult.trtr[theirs]!, "\(name) \(model.model) TRTR")
                print(String(format: "Adult %@ %@: TSTR acc %.4f F1 %.4f AUC %.4f (max |diff| %.1e); TRTR acc %.4f (max |diff| %.1e); %.2f s",
                             name, model.model, model.tstr.accuracy, model.tstr.positiveF1 ?? .nan, model.tstr.rocAUC ?? .nan,
                             tstr, model.trtr.accuracy, trtr, seconds))
                // The issue asks for 0.02; the trees are scikit-learn's own and agree exactly.
                let tolerance = model.model == "gradient_boosting" ? 1e-12 : 0.02
                XCTAssertLessThanOrEqual(tstr, tolerance, "\(name) \(model.model) TSTR")
                XCTAssertLessThanOrEqual(trtr, tolerance, "\(name) \(model.model) TRTR")
            }
        }
    }

    /// The full Adult train table (26,049 rows): above 10,000 rows the trees stop early on a
    /// validation split, which we draw as scikit-learn does; the scores agree exactly.
    func testAdultFullTrainTableAgreesWithEvaluatePy() throws {
        let adult = try JSONDecoder().decode(Adult.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("adult.json")))
        let full = adult.full_train
        try XCTSkipUnless(FileManager.default.fileExists(atPath: url(full.train).path), "../shared is absent")
        let start = Date()
        let report = try evaluate(train: full.train, holdout: adult.holdout, synthetic: full.synthetic, target: adult.target)
        let seconds = Date().timeIntervalSince(start)
        for model in report.models {
            let theirs = Self.sklearnName[model.model]!
            let trtr = difference(model.trtr, full.trtr[theirs]!, "full \(model.model) TRTR")
            let tstr = difference(model.tstr, full.tstr[theirs]!, "full \(model.model) TSTR")
            print(String(format: "Adult full train %@: TRTR acc %.4f AUC %.4f (max |diff| %.1e); TSTR max |diff| %.1e; %.2f s",
                         model.model, model.trtr.accuracy, model.trtr.rocAUC ?? .nan, trtr, tstr, seconds))
            let tolerance = model.model == "gradient_boosting" ? 1e-12 : 0.02
            XCTAssertLessThanOrEqual(trtr, tolerance, "\(model.model) TRTR")
            XCTAssertLessThanOrEqual(tstr, tolerance, "\(model.model) TSTR")
        }
    }

    // MARK: Errors

    func table(_ name: String, _ header: [String], _ rows: [[String]]) -> Table {
        Table(source: name, columnNames: header, columns: header.indices.map { c in rows.map { $0[c] } })
    }

    func assertThrows(_ expected: EvaluationError, _ body: () throws -> UtilityReport, line: UInt = #line) {
        XCTAssertThrowsError(try body(), line: line) { error in
            XCTAssertEqual(error as? EvaluationError, expected, line: line)
            XCTAssertTrue((error as? EvaluationError)?.description.contains(".csv") ?? false, "\(error)", line: line)
        }
    }

    func testErrorsNameTheFileAndColumn() {
        let header = ["a", "x", "y"]
        let good = table("train.csv", header, [["p", "1", "yes"], ["q", "2", "no"], ["p", "3", "yes"]])
        let metadata = QualityMetadata(columns: [.init(name: "a", type: .categorical), .init(name: "x", type: .numerical),
                                                 .init(name: "y", type: .categorical)])
        func run(_ train: Table = good, _ holdout: Table = good, _ synthetic: Table = good,
                 target: String = "y") -> () throws -> UtilityReport {
            { try UtilityEvaluation.evaluate(train: train, holdout: holdout, synthetic: synthetic, metadata: metadata, target: target) }
        }
        assertThrows(.noTargetColumn(file: "train.csv", column: "income"), run(target: "income"))
        let constant = table("train.csv", header, [["p", "1", "yes"], ["q", "2", "yes"]])
        assertThrows(.constantTarget(file: "train.csv", column: "y", value: "yes"), run(constant))
        let oneClass = table("synthetic.csv", header, [["p", "1", "no"], ["q", "2", ""], ["p", "5", "no"]])
        assertThrows(.tooFewClasses(file: "synthetic.csv", column: "y", classes: ["no"]), run(good, good, oneClass))
        let badNumber = table("holdout.csv", header, [["p", "1", "yes"], ["q", "two", "no"]])
        assertThrows(.unparseableCell(file: "holdout.csv", column: "x", line: 3, text: "two", expected: "a number"),
                     run(good, badNumber))
        let otherColumns = table("synthetic.csv", ["a", "x", "z"], [["p", "1", "yes"]])
        assertThrows(.columnsDiffer(real: "train.csv", synthetic: "synthetic.csv", missing: ["y"], unexpected: ["z"]),
                     run(good, good, otherColumns))
        let wide = table("train.csv", header, (0..<300).map { ["c\($0)", "\($0)", $0 % 2 == 0 ? "yes" : "no"] })
        assertThrows(.tooManyCategories(file: "train.csv", column: "a", count: 300, limit: 255), run(wide))
        let empty = table("holdout.csv", header, [])
        assertThrows(.noRows(file: "holdout.csv"), run(good, empty))
    }

    func testUnparseableSyntheticNumbersAndMissingTargetsAreTolerated() throws {
        // As evaluate.py: a synthetic cell that is not a number is missing, and rows without
        // a target are not trained on.
        let header = ["a", "x", "y"]
        let rows = (0..<60).map { i in [i % 3 == 0 ? "p" : "q", "\(i)", i % 3 == 0 ? "yes" : "no"] }
        let train = table("train.csv", header, rows)
        var syntheticRows = rows
        syntheticRows[0][1] = "n/a?"
        syntheticRows[1][2] = "NA"
        let metadata = QualityMetadata(columns: [.init(name: "a", type: .categorical), .init(name: "x", type: .numerical),
                                                 .init(name: "y", type: .categorical)])
        let report = try UtilityEvaluation.evaluate(train: train, holdout: train, synthetic: table("synthetic.csv", header, syntheticRows),
                                                    metadata: metadata, target: "y")
        XCTAssertEqual(report.classes, ["no", "yes"])
        XCTAssertEqual(report.positiveClass, "yes")
        // The category decides the class: both models get every holdout row right.
        for model in report.models {
            XCTAssertEqual(model.tstr, ClassifierScores(accuracy: 1, macroF1: 1, positiveF1: 1, rocAUC: 1), model.model)
        }
    }
}
