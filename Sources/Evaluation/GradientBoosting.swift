import Foundation
import TensorCore

// Performance notes
// - A fit on 30,000 Adult rows x 14 features (8 categorical), 100 iterations: 0.44 s of
//   CPU over both threads, 1.0 to 1.2 s wall on 2 cores at a load average of about 10
//   (release). The histograms dominate (GradientBoosting+Tree.swift); gradients,
//   partitions and leaf updates are single passes over the rows.
// - Prediction walks one tree at a time over a block of rows (row-major values), rows
//   split across the pool: the tree's nodes stay in cache.
// - Gradients and hessians are stored as Float, as scikit-learn stores them (its
//   G_H_DTYPE); sums are Double. Keeping its precision is what makes the trees identical
//   rather than close.

/// Gradient-boosted decision trees for classification, the algorithm of scikit-learn's
/// `HistGradientBoostingClassifier` (1.9) with its default settings: 255 quantile bins
/// per feature, trees of at most 31 leaves grown best-first, at least 20 rows a leaf,
/// learning rate 0.1, 100 iterations, log-loss (one tree per iteration for two classes,
/// one per class otherwise), native categorical splits, missing values learnt a side, and
/// early stopping on a validation split above 10,000 rows.
///
/// It is written to give the same trees as scikit-learn on the same data (same bins,
/// same split order and tie-breaking, same float precision, same validation split), so
/// TSTR scores computed with it agree with `evaluate.py`'s.
///
/// ```swift
/// // Two features: a category code (0, 1, 2) and a number; NaN is missing.
/// let model = GradientBoostingClassifier(
///     features: [[0, 1, 2, 1], [3.5, .nan, 1, 2]], categoryCounts: [3, nil],
///     labels: [0, 1, 1, 0], classCount: 2)
/// let probabilities = model.probabilities(features: [[2], [1.5]])  // (rows, classes)
/// ```
public struct GradientBoostingClassifier: Sendable {
    /// The training settings; the defaults are scikit-learn's.
    public struct Parameters: Sendable, Equatable {
        public var learningRate = 0.1
        public var maxIterations = 100
        public var maxLeafNodes = 31
        public var minSamplesLeaf = 20
        public var l2Regularization = 0.0
        /// nil: on when there are more than 10,000 rows (scikit-learn's "auto").
        public var earlyStopping: Bool?
        public var validationFraction = 0.1
        /// Iterations without improvement before stopping.
        public var patience = 10
        public var tolerance = 1e-7

        public init() {}
    }

    /// The number of classes (labels are `0..<classCount`).
    public let classCount: Int
    /// Each feature's bins, fitted on the training rows.
    public let bins: [FeatureBins]
    /// The raw score before any tree (log-odds, or centred log-probabilities per class).
    public let baseline: [Double]
    /// `trees[iteration][k]`: one tree per iteration, or one per class and iteration.
    let trees: [[RegressionTree]]

    /// The number of boosting iterations run (fewer than the maximum after early stopping).
    public var iterationCount: Int { trees.count }
    /// Raw scores per row: 1 for two classes, `classCount` otherwise.
    public var scoresPerRow: Int { classCount == 2 ? 1 : classCount }

    /// Fits the model.
    ///
    /// - Parameters:
    ///   - features: one array per feature (all of the same length): numbers, or for a
    ///     categorical feature its category code `0..<categoryCounts[f]`; NaN is missing.
    ///   - categoryCounts: for each feature, nil if it is numerical, or its number of
    ///     categories (at most 255).
    ///   - labels: each row's class in `0..<classCount`.
    ///   - seed: scikit-learn's `random_state` (it only decides the validation split).
    public init(features: [[Double]], categoryCounts: [Int?], labels: [Int], classCount: Int,
                parameters: Parameters = Parameters(), seed: UInt32 = 0, pool: ThreadPool = .shared) {
        precondition(classCount >= 2, "a classifier needs two classes")
        precondition(features.count == categoryCounts.count, "one category count (or nil) per feature")
        precondition(features.allSatisfy { $0.count == labels.count }, "one label per row")
        self.classCount = classCount
        let rowCount = labels.count
        let perRow = classCount == 2 ? 1 : classCount

        var trainRows: [Int]? = nil
        var validationRows: [Int] = []
        let early = parameters.earlyStopping ?? (rowCount > 10_000)
        if early {
            var random = LegacyRandomState(seed: seed)
            let splitSeed = random.seedDraw()
            let split = stratifiedSplit(labels: labels, classCount: classCount,
                                        validationFraction: parameters.validationFraction, seed: splitSeed)
            trainRows = split.train
            validationRows = split.validation
        }
        let trainLabels = trainRows.map { $0.map { labels[$0] } } ?? labels
        let bins: [FeatureBins] = zip(features, categoryCounts).map { values, categories in
            if let categories { return FeatureBins(categories: categories) }
            return FeatureBins(numbers: trainRows.map { $0.map { values[$0] } } ?? values)
        }
        self.bins = bins
        let binned = BinnedFeatures(columns: features, bins: bins, rows: trainRows)
        let validation = early ? BinnedFeatures(columns: features, bins: bins, rows: validationRows) : nil
        let validationLabels = validationRows.map { labels[$0] }

        let baseline = Self.baseline(trainLabels, classCount: classCount)
        self.baseline = baseline
        let n = trainLabels.count
        var raw = [Double](repeating: 0, count: n * perRow)  // (N, K)
        for i in 0..<n { for k in 0..<perRow { raw[i * perRow + k] = baseline[k] } }
        var validationRaw = [Double](repeating: 0, count: validationRows.count * perRow)
        for i in 0..<validationRows.count { for k in 0..<perRow { validationRaw[i * perRow + k] = baseline[k] } }
        var scores: [Double] = []
        if early { scores.append(-Self.meanLoss(validationRaw, validationLabels, perRow: perRow)) }

        var settings = TreeSettings()
        settings.maxLeafNodes = parameters.maxLeafNodes
        settings.minSamplesLeaf = parameters.minSamplesLeaf
        settings.l2Regularization = parameters.l2Regularization
        settings.learningRate = parameters.learningRate

        var gradients = [[Float]](repeating: [Float](repeating: 0, count: n), count: perRow)
        var hessians = gradients
        var trees: [[RegressionTree]] = []
        for _ in 0..<parameters.maxIterations {
            Self.gradients(raw, trainLabels, perRow: perRow, gradients: &gradients, hessians: &hessians)
            var iteration: [RegressionTree] = []
            for k in 0..<perRow {
                var grower = TreeGrower(binned: binned, bins: bins, settings: settings, pool: pool)
                let tree = raw.withUnsafeMutableBufferPointer { raw in
                    grower.grow(gradients: gradients[k], hessians: hessians[k], raw: raw.baseAddress! + k, rawStride: perRow)
                }
                iteration.append(tree)
            }
            trees.append(iteration)
            if let validation {
                for (k, tree) in iteration.enumerated() {
                    for i in 0..<validation.rowCount {
                        validationRaw[i * perRow + k] += tree.predict { validation.column($0)[i] }
                    }
                }
                scores.append(-Self.meanLoss(validationRaw, validationLabels, perRow: perRow))
                if shouldStop(scores, patience: parameters.patience, tolerance: parameters.tolerance) { break }
            }
        }
        self.trees = trees
    }

    // MARK: Prediction

    /// The raw scores of each row, `(rows, scoresPerRow)` row-major; `features` as in `init`.
    public func rawScores(features: [[Double]], pool: ThreadPool = .shared) -> [Double] {
        let n = features.first?.count ?? 0
        let featureCount = features.count
        let perRow = scoresPerRow
        var raw = [Double](repeating: 0, count: n * perRow)
        for i in 0..<n { for k in 0..<perRow { raw[i * perRow + k] = baseline[k] } }
        // Row-major values, so that a row's walk down a tree stays in a few cache lines.
        var values = [Double](repeating: 0, count: n * featureCount)
        for f in 0..<featureCount { for i in 0..<n { values[i * featureCount + f] = features[f][i] } }
        // A category code at or above this is unknown, i.e. missing (infinite: numerical).
        let limits = bins.map { $0.isCategorical ? Double($0.binCount) : .infinity }
        values.withUnsafeBufferPointer { values in
            limits.withUnsafeBufferPointer { limits in
                raw.withUnsafeMutableBufferPointer { raw in
                    let task = PredictionTask(trees: trees, values: values.baseAddress!, limits: limits.baseAddress!,
                                              featureCount: featureCount, rowCount: n, perRow: perRow, raw: raw.baseAddress!)
                    if n * trees.count < 20_000 || pool.threadCount == 1 {
                        task.run(0..<n)
                    } else {
                        pool.run(task)
                    }
                }
            }
        }
        return raw
    }

    /// Class probabilities, `(rows, classCount)` row-major.
    public func probabilities(features: [[Double]], pool: ThreadPool = .shared) -> [Double] {
        Self.probabilities(raw: rawScores(features: features, pool: pool), classCount: classCount)
    }

    /// The predicted class of each row: the most probable (the first on a tie).
    public func predict(features: [[Double]], pool: ThreadPool = .shared) -> [Int] {
        Self.predictions(raw: rawScores(features: features, pool: pool), classCount: classCount)
    }

    /// Classes from raw scores: score > 0 for two classes, else the largest (the first on a tie).
    static func predictions(raw: [Double], classCount: Int) -> [Int] {
        if classCount == 2 { return raw.map { $0 > 0 ? 1 : 0 } }
        return stride(from: 0, to: raw.count, by: classCount).map { start in
            var best = 0
            for k in 1..<classCount where raw[start + k] > raw[start + best] { best = k }
            return best
        }
    }

    static func probabilities(raw: [Double], classCount: Int) -> [Double] {
        if classCount == 2 {
            var out = [Double](repeating: 0, count: raw.count * 2)
            for (i, score) in raw.enumerated() {
                let p = 1 / (1 + exp(-score))
                out[2 * i + 1] = p
                out[2 * i] = 1 - p
            }
            return out
        }
        var out = raw
        for start in stride(from: 0, to: raw.count, by: classCount) {
            var top = raw[start]
            for k in 1..<classCount { top = max(top, raw[start + k]) }
            var sum = 0.0
            for k in 0..<classCount {
                out[start + k] = exp(raw[start + k] - top)
                sum += out[start + k]
            }
            for k in 0..<classCount { out[start + k] /= sum }
        }
        return out
    }

    // MARK: Log-loss

    /// The intercept-only raw score: log-odds of class 1, or log p_k minus the mean of the
    /// log p's (scikit-learn's symmetric multinomial logit), probabilities clipped off 0 and 1.
    static func baseline(_ labels: [Int], classCount: Int) -> [Double] {
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels { counts[label] += 1 }
        let n = Double(labels.count)
        if classCount == 2 {
            let epsilon = 10 * Double.ulpOfOne
            let p = min(max(Double(counts[1]) / n, epsilon), 1 - epsilon)
            return [logit(p)]
        }
        let p = counts.map { min(max(Double($0) / n, Double.ulpOfOne), 1 - Double.ulpOfOne) }
        let logs = p.map { log($0) }
        let geometricMean = exp(numpySum(logs) / Double(classCount))
        return p.map { log($0 / geometricMean) }
    }

    /// scipy's `logit`: log(p / (1 - p)), with log1p near 1/2 for precision.
    static func logit(_ p: Double) -> Double {
        if p < 0.3 || p > 0.65 { return log(p / (1 - p)) }
        let s = 2 * (p - 0.5)
        return log1p(s) - log1p(-s)
    }

    /// Gradients and hessians of the half log-loss at the current raw scores, per tree.
    static func gradients(_ raw: [Double], _ labels: [Int], perRow: Int,
                          gradients: inout [[Float]], hessians: inout [[Float]]) {
        let n = labels.count
        if perRow == 1 {
            for i in 0..<n {
                let y = Double(labels[i]), score = raw[i]
                if score > -37 {
                    let e = exp(-score)
                    gradients[0][i] = Float(((1 - y) - y * e) / (1 + e))
                    hessians[0][i] = Float(e / ((1 + e) * (1 + e)))
                } else {
                    let e = exp(score)
                    gradients[0][i] = Float(e - y)
                    hessians[0][i] = Float(e)
                }
            }
            return
        }
        var p = [Double](repeating: 0, count: perRow)
        for i in 0..<n {
            var top = raw[i * perRow]
            for k in 1..<perRow where top < raw[i * perRow + k] { top = raw[i * perRow + k] }
            var sum = 0.0
            for k in 0..<perRow {
                p[k] = exp(raw[i * perRow + k] - top)
                sum += p[k]
            }
            for k in 0..<perRow {
                p[k] /= sum
                gradients[k][i] = Float(p[k] - (labels[i] == k ? 1 : 0))
                hessians[k][i] = Float(p[k] * (1 - p[k]))
            }
        }
    }

    /// The mean half log-loss (what early stopping watches).
    static func meanLoss(_ raw: [Double], _ labels: [Int], perRow: Int) -> Double {
        var losses = [Double](repeating: 0, count: labels.count)
        if perRow == 1 {
            for (i, label) in labels.enumerated() {
                losses[i] = log1pExp(raw[i]) - Double(label) * raw[i]
            }
        } else {
            for (i, label) in labels.enumerated() {
                var top = raw[i * perRow]
                for k in 1..<perRow where top < raw[i * perRow + k] { top = raw[i * perRow + k] }
                var sum = 0.0
                for k in 0..<perRow { sum += exp(raw[i * perRow + k] - top) }
                losses[i] = log(sum) + top - raw[i * perRow + label]
            }
        }
        return numpySum(losses) / Double(max(labels.count, 1))
    }

    /// log(1 + e^x) without overflow, in scikit-learn's pieces.
    static func log1pExp(_ x: Double) -> Double {
        if x <= -37 { return exp(x) }
        if x <= -2 { return log1p(exp(x)) }
        if x <= 18 { return log(1 + exp(x)) }
        if x <= 33.3 { return x + exp(-x) }
        return x
    }
}

/// Adds every tree's output to the raw scores of a range of rows; rows are split across
/// the pool's threads (each row's sum is taken in tree order whatever the split).
struct PredictionTask: ParallelTask {
    let trees: [[RegressionTree]]
    let values: UnsafePointer<Double>     // (N, F) row-major
    let limits: UnsafePointer<Double>     // (F)
    let featureCount: Int
    let rowCount: Int
    let perRow: Int
    let raw: UnsafeMutablePointer<Double> // (N, perRow)

    func run(thread: Int, threadCount: Int) {
        run(splitRange(rowCount, parts: threadCount, part: thread))
    }

    func run(_ rows: Range<Int>) {
        for iteration in trees {
            for (k, tree) in iteration.enumerated() {
                tree.nodes.withUnsafeBufferPointer { nodes in
                    for i in rows {
                        raw[i * perRow + k] += Self.walk(nodes, values + i * featureCount, limits)
                    }
                }
            }
        }
    }

    @inline(__always)
    static func walk(_ nodes: UnsafeBufferPointer<TreeNode>, _ row: UnsafePointer<Double>,
                     _ limits: UnsafePointer<Double>) -> Double {
        var index = 0
        while !nodes[index].isLeaf {
            let node = nodes[index]
            let value = row[node.feature]
            let goesLeft: Bool
            if value.isNaN {
                goesLeft = node.missingGoesLeft
            } else if node.isCategorical {
                // Negative or unknown codes count as missing, as scikit-learn's predictor has it.
                goesLeft = value < 0 || value >= limits[node.feature]
                    ? node.missingGoesLeft : node.leftCategories.contains(UInt8(value))
            } else {
                goesLeft = value <= node.threshold
            }
            index = goesLeft ? node.left : node.right
        }
        return nodes[index].value
    }
}
