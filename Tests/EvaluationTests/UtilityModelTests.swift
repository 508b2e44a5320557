@testable import Evaluation
import Foundation
import Records
import TensorCore
import XCTest

/// The two utility models on cases whose answer is known (closed forms, single splits,
/// leaf sizes) and against scikit-learn 1.9 on the matrices of Fixtures/utility
/// (written by Tools/reference/make_utility_fixtures.py).
final class UtilityModelTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/utility")

    struct TreeCase: Decodable {
        let name: String
        let train: String
        let test: String
        let categorical: [Bool]
        let category_counts: [Int?]
        let classes: [String]
        let iterations: Int
        let probabilities: [[Double]]
        let thresholds: [String: [Double]]
    }

    struct EarlyStoppingCase: Decodable {
        let name: String
        let seed: UInt64
        let rows: Int
        let test_seed: UInt64
        let test_rows: Int
        let classes: Int
        let iterations: Int
        let probabilities: [[Double]]
    }

    struct LinearCase: Decodable {
        let name: String
        let data: String
        let classes: Int
        let coefficients: [[Double]]
        let intercepts: [Double]
        let probabilities_default: [[Double]]
    }

    struct RandomCase: Decodable {
        let seed: UInt32
        let seed_draw: UInt32
        let permutation_10: [Int]
        let permutation_1000_head: [Int]
    }

    struct Expected: Decodable {
        let trees: [TreeCase]
        let early_stopping: [EarlyStoppingCase]
        let linear: [LinearCase]
        let legacy_random_state: RandomCase
    }

    func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("expected.json")))
    }

    /// A numeric CSV as columns (empty cells are NaN).
    func matrix(_ name: String) throws -> (names: [String], columns: [[Double]]) {
        let table = try Table.read(contentsOf: Self.fixtures.appendingPathComponent(name))
        return (table.columnNames, table.columns.map { $0.map { $0.isEmpty ? .nan : CellParser.number($0)! } })
    }

    // MARK: Logistic regression

    func testInterceptOnlyModelsHaveTheirClosedForm() {
        // No features: the unpenalised intercept is the log-odds of the class shares.
        let binary = LogisticRegression(design: LinearDesign(rows: Array(repeating: [], count: 4)), labels: [1, 1, 1, 0], classCount: 2)
        XCTAssertEqual(binary.intercepts[0], log(3.0), accuracy: 1e-9)
        let three = LogisticRegression(design: LinearDesign(rows: Array(repeating: [], count: 6)),
                                       labels: [0, 1, 1, 2, 2, 2], classCount: 3)
        let logs = [log(1.0 / 6), log(2.0 / 6), log(3.0 / 6)]
        let mean = logs.reduce(0, +) / 3
        for k in 0..<3 { XCTAssertEqual(three.intercepts[k], logs[k] - mean, accuracy: 1e-9) }
    }

    func testSeparableDataReachTheRegularisedOptimum() {
        // x = +1 -> class 1, x = -1 -> class 0: separable, so only the L2 term keeps w finite.
        // By symmetry b = 0, and the gradient -2σ(-w) + w = 0 gives w = 2 / (1 + e^w).
        let model = LogisticRegression(design: LinearDesign(rows: [[1], [-1]]), labels: [1, 0], classCount: 2)
        var low = 0.0, high = 2.0
        for _ in 0..<200 {
            let w = (low + high) / 2
            if w - 2 / (1 + exp(w)) > 0 { high = w } else { low = w }
        }
        XCTAssertEqual(model.coefficients[0], low, accuracy: 1e-9)
        XCTAssertEqual(model.intercepts[0], 0, accuracy: 1e-9)
        XCTAssertEqual(model.predict(design: LinearDesign(rows: [[0.5], [-0.5]])), [1, 0])
    }

    func testSparseOneHotDesignEqualsTheDenseOne() {
        // Two categorical slots (columns 0-2 and 3-4) and one number, as sparse and as dense rows.
        let hot: [[Int32]] = [[0, 3], [1, 4], [2, 3], [0, -1], [1, 3], [2, 4], [0, 4], [1, -1]]
        let numbers = [0.5, -1.0, 2.0, 0.1, -0.3, 1.2, -2.0, 0.7]
        let labels = [1, 0, 1, 1, 0, 1, 0, 0]
        let sparse = LinearDesign(rowCount: 8, oneHotColumns: 5, hotPerRow: 2, hot: hot.flatMap { $0 },
                                  denseCount: 1, dense: numbers)
        let dense = LinearDesign(rows: zip(hot, numbers).map { slots, number in
            (0..<5).map { column in slots.contains(Int32(column)) ? 1.0 : 0.0 } + [number]
        })
        let a = LogisticRegression(design: sparse, labels: labels, classCount: 2)
        let b = LogisticRegression(design: dense, labels: labels, classCount: 2)
        for (x, y) in zip(a.coefficients, b.coefficients) { XCTAssertEqual(x, y, accuracy: 1e-9) }
        XCTAssertEqual(a.intercepts[0], b.intercepts[0], accuracy: 1e-9)
    }

    func testLogisticRegressionMatchesScikitLearnsOptimum() throws {
        for fixture in try expected().linear {
            let (names, columns) = try matrix(fixture.data)
            let labels = columns[names.firstIndex(of: "label")!].map { Int($0) }
            let features = Array(columns[0..<4])
            let rows = (0..<labels.count).map { r in features.map { $0[r] } }
            let model = LogisticRegression(design: LinearDesign(rows: rows), labels: labels, classCount: fixture.classes)
            let outputs = fixture.coefficients.count
            XCTAssertEqual(model.outputs, outputs, fixture.name)
            for t in 0..<outputs {
                for j in 0..<4 {
                    XCTAssertEqual(model.coefficients[t * 4 + j], fixture.coefficients[t][j], accuracy: 1e-7, "\(fixture.name) w[\(t), \(j)]")
                }
                XCTAssertEqual(model.intercepts[t], fixture.intercepts[t], accuracy: 1e-7, "\(fixture.name) b[\(t)]")
            }
            // evaluate.py's LogisticRegression() (lbfgs, tol 1e-4) stops short of the optimum:
            // its probabilities here are up to 6e-4 from it.
            let probabilities = model.probabilities(design: LinearDesign(rows: Array(rows.prefix(20))))
            for (r, expected) in fixture.probabilities_default.enumerated() {
                for (k, p) in expected.enumerated() {
                    XCTAssertEqual(probabilities[r * fixture.classes + k], p, accuracy: 2e-3, "\(fixture.name) p[\(r), \(k)]")
                }
            }
        }
    }

    // MARK: Trees

    func testSingleSplitIsLearntExactly() {
        // y = [x >= 50]: one split at the midpoint 49.5; with learning rate 1 and one tree the
        // leaves are -G/H = ±0.5 / 0.25 = ±2 from a baseline of 0 (scikit-learn adds 1e-15 to
        // H, hence the tolerance).
        var parameters = GradientBoostingClassifier.Parameters()
        parameters.maxIterations = 1
        parameters.learningRate = 1
        let x = (0..<100).map(Double.init)
        let model = GradientBoostingClassifier(features: [x], categoryCounts: [nil], labels: x.map { $0 >= 50 ? 1 : 0 },
                                               classCount: 2, parameters: parameters)
        XCTAssertEqual(model.baseline, [0])
        let raw = model.rawScores(features: [[-5, 49, 49.5, 49.6, 50, 1000]])
        for (score, expected) in zip(raw, [-2.0, -2, -2, 2, 2, 2]) { XCTAssertEqual(score, expected, accuracy: 1e-14) }
        XCTAssertEqual(model.probabilities(features: [[70]])[1], 1 / (1 + exp(-2)), accuracy: 1e-14)
        XCTAssertEqual(model.bins[0].thresholds.count, 99)
    }

    func testLeavesKeepAtLeastMinSamplesLeafRows() {
        // Only the 5 largest of 100 values are positive; no leaf may hold fewer than 20 rows,
        // so those 5 share a leaf with 15 negatives and score as x = 80 does.
        var parameters = GradientBoostingClassifier.Parameters()
        parameters.maxIterations = 1
        let x = (0..<100).map(Double.init)
        let labels = x.map { $0 >= 95 ? 1 : 0 }
        let model = GradientBoostingClassifier(features: [x], categoryCounts: [nil], labels: labels, classCount: 2,
                                               parameters: parameters)
        let raw = model.rawScores(features: [[80, 99, 79]])
        XCTAssertEqual(raw[0], raw[1])
        XCTAssertNotEqual(raw[0], raw[2])
        parameters.minSamplesLeaf = 5
        let finer = GradientBoostingClassifier(features: [x], categoryCounts: [nil], labels: labels, classCount: 2,
                                               parameters: parameters)
        let rawFiner = finer.rawScores(features: [[94, 95]])
        XCTAssertLessThan(rawFiner[0], rawFiner[1])
    }

    func testCategoriesAndMissingValuesAreSplitNatively() {
        // Categories 0 and 2 (and missing) are class 1; a split on code order could not do it
        // in one cut, a categorical split can.
        var parameters = GradientBoostingClassifier.Parameters()
        parameters.maxIterations = 20
        let codes: [Double] = (0..<200).map { i in i % 4 == 3 ? .nan : Double(i % 4) }
        let labels = codes.map { $0.isNaN || $0 == 0 || $0 == 2 ? 1 : 0 }
        let model = GradientBoostingClassifier(features: [codes], categoryCounts: [3], labels: labels, classCount: 2,
                                               parameters: parameters)
        XCTAssertEqual(model.predict(features: [[0, 1, 2, .nan, 7, -1]]), [1, 0, 1, 1, 1, 1])
    }

    func testTreesMatchScikitLearn() throws {
        for fixture in try expected().trees {
            let (names, train) = try matrix(fixture.train)
            let (_, test) = try matrix(fixture.test)
            let labels = train[names.firstIndex(of: "label")!].map { Int($0) }
            let features = Array(train[0..<fixture.categorical.count])
            let model = GradientBoostingClassifier(features: features, categoryCounts: fixture.category_counts,
                                                   labels: labels, classCount: fixture.classes.count)
            XCTAssertEqual(model.iterationCount, fixture.iterations, fixture.name)
            for (column, thresholds) in fixture.thresholds {
                let f = names.firstIndex(of: column)!
                XCTAssertEqual(model.bins[f].thresholds, thresholds, "\(fixture.name) \(column) bins")
            }
            let probabilities = model.probabilities(features: test)
            let k = fixture.classes.count
            var largest = 0.0
            for (r, row) in fixture.probabilities.enumerated() {
                for (j, p) in row.enumerated() { largest = max(largest, abs(probabilities[r * k + j] - p)) }
            }
            XCTAssertLessThan(largest, 1e-12, "\(fixture.name): largest probability difference")
        }
    }

    /// SplitMix64 rows, generated exactly as make_utility_fixtures.py's `splitmix_rows`.
    func splitMixRows(seed: UInt64, count: Int, classes: Int) -> (columns: [[Double]], labels: [Int]) {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var columns = [[Double]](repeating: [], count: 4)
        var labels: [Int] = []
        for _ in 0..<count {
            let a = Double(next() % 1000) / 10, b = Double(next() % 50), c = Double(next() % 100_000) / 1000
            let k = next() % 9
            let noise = Double(next() >> 11) / Double(UInt64(1) << 53)
            let s = a / 100 + ([1, 4, 6].contains(k) ? 0.3 : 0) + b / 200 + noise
            columns[0].append(k == 8 ? .nan : Double(k))
            columns[1].append(a)
            columns[2].append(b)
            columns[3].append(c)
            labels.append(classes == 2 ? (s > 0.95 ? 1 : 0) : (s < 0.8 ? 0 : (s < 1.2 ? 1 : 2)))
        }
        return (columns, labels)
    }

    func testEarlyStoppingMatchesScikitLearnAbove10000Rows() throws {
        for fixture in try expected().early_stopping {
            let train = splitMixRows(seed: fixture.seed, count: fixture.rows, classes: fixture.classes)
            let test = splitMixRows(seed: fixture.test_seed, count: fixture.test_rows, classes: fixture.classes)
            let model = GradientBoostingClassifier(features: train.columns, categoryCounts: [8, nil, nil, nil],
                                                   labels: train.labels, classCount: fixture.classes)
            XCTAssertEqual(model.iterationCount, fixture.iterations, fixture.name)
            let probabilities = model.probabilities(features: test.columns)
            var largest = 0.0
            for (r, row) in fixture.probabilities.enumerated() {
                for (j, p) in row.enumerated() { largest = max(largest, abs(probabilities[r * fixture.classes + j] - p)) }
            }
            XCTAssertLessThan(largest, 1e-12, "\(fixture.name): largest probability difference")
        }
    }

    func testTreesDoNotDependOnTheThreadCount() {
        // Features are split across threads, each summing whole features in row order.
        let data = splitMixRows(seed: 5, count: 3000, classes: 3)
        var parameters = GradientBoostingClassifier.Parameters()
        parameters.maxIterations = 20
        let fits = [ThreadPool(threadCount: 1), ThreadPool(threadCount: 3)].map { pool in
            GradientBoostingClassifier(features: data.columns, categoryCounts: [8, nil, nil, nil], labels: data.labels,
                                       classCount: 3, parameters: parameters, pool: pool)
                .rawScores(features: data.columns, pool: pool)
        }
        XCTAssertEqual(fits[0], fits[1])
    }

    func testLegacyRandomStateMatchesNumpy() throws {
        let fixture = try expected().legacy_random_state
        var random = LegacyRandomState(seed: fixture.seed)
        XCTAssertEqual(random.seedDraw(), fixture.seed_draw)
        var ten = LegacyRandomState(seed: 0)
        XCTAssertEqual(ten.permutation(10), fixture.permutation_10)
        var thousand = LegacyRandomState(seed: 12345)
        XCTAssertEqual(Array(thousand.permutation(1000).prefix(20)), fixture.permutation_1000_head)
    }

    func testHelpersFollowNumpyAndGlibc() {
        // Pairwise summation differs from a running sum on these values; numpy's gives 0.
        var values = [Double](repeating: 0, count: 256)
        values[0] = 1e16; values[1] = 1; values[8] = -1e16; values[9] = -1
        XCTAssertEqual(numpySum(values), 0)
        // Equal keys: glibc's merge sort with scikit-learn's comparator takes the later run first.
        let sorted = glibcMergeSort([(1, "a"), (0, "b"), (1, "c"), (1, "d")]) { $0.0 < $1.0 }
        XCTAssertEqual(sorted.map(\.1), ["b", "d", "c", "a"])
        XCTAssertTrue(shouldStop([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], patience: 10, tolerance: 1e-7))
        XCTAssertFalse(shouldStop([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2], patience: 10, tolerance: 1e-7))
    }
}
