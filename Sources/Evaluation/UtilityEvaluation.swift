import Foundation
import Records
import TensorCore

// Performance notes
// - Measured (release, 2 cores shared with other jobs at a load average of about 10):
//   Adult, 5,000 train + 5,000 synthetic rows, 6,513 holdout rows, 14 features: one
//   evaluation (parsing, both settings, both models) costs 0.45 s of CPU, 1.1 to 1.5 s
//   wall at that load. With the full 26,049-row train table (early stopping on) it is
//   about 2 s wall.
// - Histogram building (GradientBoosting+Tree.swift) is the largest item, then the
//   holdout predictions (100 trees per row, rows split across threads) and the string
//   hashing of the encoders; logistic regression (Newton) is under 5%.

/// A classifier's scores on the real holdout table.
public struct ClassifierScores: Sendable, Equatable, Codable {
    /// The share of holdout rows classified right.
    public var accuracy: Double
    /// The mean F1 over the classes of the real train table (a class never predicted
    /// scores 0).
    public var macroF1: Double
    /// For a two-class target, the F1 of the positive class (SDGym's "adult/f1");
    /// nil otherwise.
    public var positiveF1: Double?
    /// ROC AUC of the positive class's probability (two classes), or the mean one-vs-rest
    /// AUC (more); nil where scikit-learn cannot compute it (the holdout has one class, or
    /// a class the train table lacks).
    public var rocAUC: Double?

    public init(accuracy: Double, macroF1: Double, positiveF1: Double?, rocAUC: Double?) {
        self.accuracy = accuracy
        self.macroF1 = macroF1
        self.positiveF1 = positiveF1
        self.rocAUC = rocAUC
    }
}

/// One model's scores trained on the synthetic table (TSTR) and on the real one (TRTR).
public struct ModelUtility: Sendable, Codable {
    /// "gradient_boosting" or "logistic_regression".
    public var model: String
    /// Trained on synthetic, tested on real: what the synthetic table is worth.
    public var tstr: ClassifierScores
    /// Trained on real, tested on real: the ceiling.
    public var trtr: ClassifierScores

    public init(model: String, tstr: ClassifierScores, trtr: ClassifierScores) {
        self.model = model
        self.tstr = tstr
        self.trtr = trtr
    }
}

/// The utility part of an evaluation: which target, its classes, and each model's scores.
public struct UtilityReport: Sendable, Codable {
    public var target: String
    /// The target's values in the real train table, in code-point order.
    public var classes: [String]
    /// For a two-class target, the class whose F1 and AUC are reported (the last one).
    public var positiveClass: String?
    /// Gradient boosting, then logistic regression.
    public var models: [ModelUtility]

    public init(target: String, classes: [String], positiveClass: String?, models: [ModelUtility]) {
        self.target = target
        self.classes = classes
        self.positiveClass = positiveClass
        self.models = models
    }
}

/// Machine-learning utility, as `evaluate.py` measures it: classifiers predicting
/// `target` from the other columns, trained on the synthetic table (TSTR) and on the real
/// train table (TRTR), both scored on the real holdout table.
///
/// The two models and their inputs are scikit-learn's, rebuilt here (see
/// ``GradientBoostingClassifier`` and ``LogisticRegression``): gradient-boosted trees with
/// native categories, and logistic regression on one-hot categories and standardised
/// numbers. Rows whose target is missing are left out of training; a holdout row whose
/// target is missing (or a value the train table lacks) counts as misclassified.
///
/// ```swift
/// let train = try Table.read(contentsOf: trainURL)
/// let metadata = QualityMetadata(schema: TableSchema(inferringFrom: train, detectsDates: false))
/// let report = try UtilityEvaluation.evaluate(
///     train: train, holdout: try Table.read(contentsOf: holdoutURL),
///     synthetic: try Table.read(contentsOf: syntheticURL), metadata: metadata, target: "income")
/// print(report.models[0].tstr.accuracy, report.models[0].trtr.accuracy)
/// ```
public enum UtilityEvaluation {
    /// Scores `synthetic` against `train` and `holdout`.
    ///
    /// The features are `metadata`'s columns other than `target` (numerical and datetime
    /// columns as numbers, categorical ones as categories); `target` need not be in
    /// `metadata`. `seed` is scikit-learn's `random_state` (`--seed` of evaluate.py; only
    /// its low 32 bits are used); it matters only above 10,000 training rows, where it
    /// draws the early-stopping split.
    ///
    /// Throws ``EvaluationError`` when a table has no rows or other columns than the train
    /// table, when the target is absent or constant in the train table, when a training
    /// table (train, or synthetic) has fewer than two target classes, when a category
    /// column has more than 255 categories (scikit-learn's limit for native categories),
    /// or when a train or holdout cell of a numerical column is not a number.
    public static func evaluate(train: Table, holdout: Table, synthetic: Table, metadata: QualityMetadata,
                                target: String, seed: UInt64 = 0) throws -> UtilityReport {
        try evaluate(train: train, holdout: holdout, synthetic: synthetic, metadata: metadata, target: target,
                     seed: seed, missing: .pandasDefault, pool: .shared)
    }

    /// ``evaluate(train:holdout:synthetic:metadata:target:seed:)`` with the missing-value
    /// markers and thread pool given.
    public static func evaluate(train: Table, holdout: Table, synthetic: Table, metadata: QualityMetadata,
                                target: String, seed: UInt64, missing: MissingValues,
                                pool: ThreadPool) throws(EvaluationError) -> UtilityReport {
        for table in [train, holdout, synthetic] where table.rowCount == 0 { throw .noRows(file: table.source) }
        guard train.columnIndex(named: target) != nil else {
            throw .noTargetColumn(file: train.source, column: target)
        }
        let trainNames = Set(train.columnNames)
        for other in [holdout, synthetic] where Set(other.columnNames) != trainNames {
            let names = Set(other.columnNames)
            throw .columnsDiffer(real: train.source, synthetic: other.source,
                                 missing: train.columnNames.filter { !names.contains($0) },
                                 unexpected: other.columnNames.filter { !trainNames.contains($0) })
        }
        for column in metadata.columns where !trainNames.contains(column.name) {
            throw .unknownColumn(file: train.source, column: column.name)
        }
        let features = metadata.columns.filter { $0.name != target }
        let categorical = features.filter { $0.type == .categorical }
        let numerical = features.filter { $0.type != .categorical }
        let targetColumn = metadata.columns.first { $0.name == target }

        func parse(_ table: Table, strict: Bool) throws(EvaluationError) -> UtilityTable {
            func cells(_ name: String) -> [String] { table.columns[table.columnIndex(named: name)!] }
            func number(_ column: QualityMetadata.Column, _ cell: String, row: Int) throws(EvaluationError) -> Double {
                if missing.contains(cell) { return .nan }
                let value = column.type == .datetime ? column.dateFormat!.seconds(cell) : CellParser.number(cell)
                if let value { return value }
                guard !strict else {
                    throw .unparseableCell(file: table.source, column: column.name, line: table.rowLines[row], text: cell,
                                           expected: column.type == .datetime ? "a date in the layout \(column.dateFormat!.pattern)" : "a number")
                }
                return .nan
            }
            var numbers: [[Double]] = []
            for column in numerical {
                var values: [Double] = []
                values.reserveCapacity(table.rowCount)
                for (row, cell) in cells(column.name).enumerated() { values.append(try number(column, cell, row: row)) }
                numbers.append(values)
            }
            var labels: [String?] = []
            labels.reserveCapacity(table.rowCount)
            for (row, cell) in cells(target).enumerated() {
                if let targetColumn, targetColumn.type != .categorical {
                    let value = try number(targetColumn, cell, row: row)
                    labels.append(value.isNaN ? nil : pythonFloatText(value))
                } else {
                    labels.append(missing.contains(cell) ? nil : cell)
                }
            }
            return UtilityTable(source: table.source,
                                categorical: categorical.map { column in cells(column.name).map { missing.contains($0) ? nil : $0 } },
                                numerical: numbers, target: labels)
        }

        let realTrain = try parse(train, strict: true)
        let realHoldout = try parse(holdout, strict: true)
        let syntheticTable = try parse(synthetic, strict: false)

        // evaluate.py's labels: every target text of the train table, missing as "nan".
        let labels = Set(realTrain.target.map { $0 ?? "nan" }).sorted(by: codePointOrder)
        guard labels.count >= 2 else {
            throw .constantTarget(file: train.source, column: target, value: labels.first ?? "")
        }
        let positive = labels.count == 2 ? labels[1] : nil
        var codes = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        func code(_ text: String) -> Int {
            if let known = codes[text] { return known }
            codes[text] = codes.count
            return codes.count - 1
        }
        let truth = realHoldout.target.map { code($0 ?? "nan") }
        let labelCodes = Array(labels.indices)
        let featureNames = categorical.map(\.name)

        var results: [[ClassifierScores]] = []  // [setting][model]
        for table in [realTrain, syntheticTable] {
            let rows = table.target.indices.filter { table.target[$0] != nil }
            let fit = table.subset(rows)
            let classes = Set(fit.target.map { $0! }).sorted(by: codePointOrder)
            guard classes.count >= 2 else {
                throw .tooFewClasses(file: table.source, column: target, classes: classes)
            }
            let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
            let y = fit.target.map { classIndex[$0!]! }
            let encoders = try UtilityEncoders(fitting: fit, names: featureNames)

            func scores(predicted: [Int], probabilities: [Double]) -> ClassifierScores {
                let predictedCodes = predicted.map { code(classes[$0]) }
                // Probabilities of the train table's labels (0 for a label the model lacks).
                let k = classes.count, n = truth.count
                var full = [Double](repeating: 0, count: n * labels.count)
                for (j, label) in labels.enumerated() {
                    guard let column = classIndex[label] else { continue }
                    for row in 0..<n { full[row * labels.count + j] = probabilities[row * k + column] }
                }
                let accuracy = ClassificationMetrics.accuracy(truth: truth, predicted: predictedCodes)
                let macroF1 = ClassificationMetrics.macroF1(truth: truth, predicted: predictedCodes, labels: labelCodes)
                if labels.count == 2 {
                    let positiveF1 = ClassificationMetrics.f1(truth: truth, predicted: predictedCodes, label: 1)
                    let auc = ClassificationMetrics.rocAUC(positive: truth.map { $0 == 1 },
                                                           scores: (0..<n).map { full[$0 * 2 + 1] })
                    return ClassifierScores(accuracy: accuracy, macroF1: macroF1, positiveF1: positiveF1, rocAUC: auc)
                }
                // Multi-class: the labels present in the holdout, probabilities renormalised.
                let present = labelCodes.filter { label in truth.contains(label) }
                var sub = [Double](repeating: 0, count: n * present.count)
                for row in 0..<n {
                    var sum = 0.0
                    for (j, label) in present.enumerated() {
                        sub[row * present.count + j] = full[row * labels.count + label]
                        sum += sub[row * present.count + j]
                    }
                    let divisor = max(sum, 1e-12)
                    for j in present.indices { sub[row * present.count + j] /= divisor }
                }
                let auc = ClassificationMetrics.rocAUCOneVsRest(truth: truth, probabilities: sub, classes: present)
                return ClassifierScores(accuracy: accuracy, macroF1: macroF1, positiveF1: nil, rocAUC: auc)
            }

            let treeTrain = encoders.treeInputs(fit), treeHoldout = encoders.treeInputs(realHoldout)
            let boosting = GradientBoostingClassifier(
                features: treeTrain.columns, categoryCounts: treeTrain.categoryCounts, labels: y,
                classCount: classes.count, seed: UInt32(truncatingIfNeeded: seed), pool: pool)
            let raw = boosting.rawScores(features: treeHoldout.columns, pool: pool)
            let boostingScores = scores(
                predicted: GradientBoostingClassifier.predictions(raw: raw, classCount: classes.count),
                probabilities: GradientBoostingClassifier.probabilities(raw: raw, classCount: classes.count))
            let designTrain = encoders.linearDesign(fit), designHoldout = encoders.linearDesign(realHoldout)
            let linear = LogisticRegression(design: designTrain, labels: y, classCount: classes.count)
            let decision = linear.decision(design: designHoldout)
            let linearScores = scores(predicted: GradientBoostingClassifier.predictions(raw: decision, classCount: classes.count),
                                      probabilities: LogisticRegression.probabilities(raw: decision, classCount: classes.count))
            results.append([boostingScores, linearScores])
        }
        let models = ["gradient_boosting", "logistic_regression"].enumerated().map { m, name in
            ModelUtility(model: name, tstr: results[1][m], trtr: results[0][m])
        }
        return UtilityReport(target: target, classes: labels, positiveClass: positive, models: models)
    }
}
