import Records

// How evaluate.py turns a table into model inputs, step for step:
// - Features are the metadata's columns except the target, categorical ones first, then
//   numerical ones (its ColumnTransformer order), each group in metadata order.
// - Trees (its OrdinalEncoder + HistGradientBoostingClassifier): a category's code is its
//   rank among the training table's categories sorted by code point. A missing cell
//   reaches the encoder as Python's None, which is not NaN, so scikit-learn makes it a
//   category of its own, coded after the others, when the training table has one; an
//   unseen category (or a missing cell the training table never had) is NaN, i.e.
//   missing for the trees. Numbers pass through, missing as NaN.
// - Logistic regression (SimpleImputer + OneHotEncoder + StandardScaler): one column per
//   training category, an unseen one sets none. A missing cell is None there too, which
//   the imputer's "__missing__" fill does not catch (it looks for NaN), so the one-hot
//   encoder gives None a column of its own. Numbers take the training median where
//   missing, then are standardised with the training mean and (population) standard
//   deviation; a number column missing everywhere in training is dropped, as
//   SimpleImputer drops it.

/// A table's feature and target cells, parsed once.
struct UtilityTable {
    let source: String
    /// `categorical[f][r]`: the text of categorical feature `f`, nil when missing.
    var categorical: [[String?]]
    /// `numerical[f][r]`: the number, NaN when missing.
    var numerical: [[Double]]
    /// The target of each row as evaluate.py spells it (`astype(str)`), nil when missing.
    var target: [String?]
    var rowCount: Int { target.count }

    /// The rows `rows`, in that order.
    func subset(_ rows: [Int]) -> UtilityTable {
        UtilityTable(source: source, categorical: categorical.map { c in rows.map { c[$0] } },
                     numerical: numerical.map { c in rows.map { c[$0] } }, target: rows.map { target[$0] })
    }
}

/// Python's string order (by code point), which is UTF-8 byte order.
func codePointOrder(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}

/// Python's `str(float)` for the numbers Python prints without an exponent the same way
/// Swift does ("1.0", "0.5", "1e-05"); used when a numerical target becomes labels.
func pythonFloatText(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    return "\(value)"
}

/// What the tree model sees: codes and numbers by column, NaN missing.
struct TreeInputs {
    var columns: [[Double]]
    var categoryCounts: [Int?]
}

/// The encoders fitted on one training table (train or synthetic).
struct UtilityEncoders {
    /// Per categorical feature: sorted training categories and their codes.
    let treeCodes: [[String: Int]]
    /// Per categorical feature: the code of a missing cell (after the categories), when
    /// the training table has missing cells.
    let treeMissingCodes: [Int?]
    /// Per categorical feature: the one-hot column of each category.
    let oneHotColumns: [[String: Int32]]
    /// Per categorical feature: the one-hot column of a missing cell, when training had one.
    let oneHotMissing: [Int32?]
    let oneHotWidth: Int
    /// Per numerical feature: (median, mean, scale), or nil when the column is dropped.
    let scaling: [(median: Double, mean: Double, scale: Double)?]

    init(fitting table: UtilityTable, names: [String]) throws(EvaluationError) {
        var treeCodes: [[String: Int]] = []
        var treeMissingCodes: [Int?] = []
        var oneHot: [[String: Int32]] = []
        var oneHotMissing: [Int32?] = []
        var width = 0
        for (f, cells) in table.categorical.enumerated() {
            let present = Set(cells.compactMap { $0 }).sorted(by: codePointOrder)
            let hasMissing = cells.contains { $0 == nil }
            let count = present.count + (hasMissing ? 1 : 0)
            if count > FeatureBins.maxBins {
                throw .tooManyCategories(file: table.source, column: names[f], count: count, limit: FeatureBins.maxBins)
            }
            treeCodes.append(Dictionary(uniqueKeysWithValues: present.enumerated().map { ($1, $0) }))
            treeMissingCodes.append(hasMissing ? present.count : nil)
            var columns: [String: Int32] = [:]
            for category in present {
                columns[category] = Int32(width)
                width += 1
            }
            oneHot.append(columns)
            oneHotMissing.append(hasMissing ? Int32(width) : nil)
            if hasMissing { width += 1 }
        }
        self.treeCodes = treeCodes
        self.treeMissingCodes = treeMissingCodes
        oneHotColumns = oneHot
        self.oneHotMissing = oneHotMissing
        oneHotWidth = width
        scaling = table.numerical.map { values in
            let present = values.filter { !$0.isNaN }.sorted()
            guard !present.isEmpty else { return nil }
            let middle = present.count / 2
            let median = present.count % 2 == 1 ? present[middle] : (present[middle - 1] + present[middle]) / 2
            let imputed = values.map { $0.isNaN ? median : $0 }
            let n = Double(imputed.count)
            let mean = numpySum(imputed) / n
            let variance = numpySum(imputed.map { ($0 - mean) * ($0 - mean) }) / n
            // scikit-learn's test for a constant feature, whose scale is then 1.
            let epsilon = Double.ulpOfOne
            let bound = n * epsilon * variance + (n * mean * epsilon) * (n * mean * epsilon)
            return (median, mean, variance <= bound ? 1 : variance.squareRoot())
        }
    }

    func treeInputs(_ table: UtilityTable) -> TreeInputs {
        var columns: [[Double]] = []
        var counts: [Int?] = []
        for (f, cells) in table.categorical.enumerated() {
            let codes = treeCodes[f], missingCode = treeMissingCodes[f]
            columns.append(cells.map { cell in (cell.map { codes[$0] } ?? missingCode).map(Double.init) ?? .nan })
            counts.append(codes.count + (missingCode == nil ? 0 : 1))
        }
        for values in table.numerical {
            columns.append(values)
            counts.append(nil)
        }
        return TreeInputs(columns: columns, categoryCounts: counts)
    }

    func linearDesign(_ table: UtilityTable) -> LinearDesign {
        let n = table.rowCount
        let slots = table.categorical.count
        var hot = [Int32](repeating: -1, count: n * slots)
        for (f, cells) in table.categorical.enumerated() {
            let columns = oneHotColumns[f], missingColumn = oneHotMissing[f]
            for (r, cell) in cells.enumerated() {
                hot[r * slots + f] = (cell.map { columns[$0] } ?? missingColumn) ?? -1
            }
        }
        let kept = scaling.indices.filter { scaling[$0] != nil }
        var dense = [Double](repeating: 0, count: n * kept.count)
        for (j, f) in kept.enumerated() {
            let (median, mean, scale) = scaling[f]!
            for (r, value) in table.numerical[f].enumerated() {
                dense[r * kept.count + j] = ((value.isNaN ? median : value) - mean) / scale
            }
        }
        return LinearDesign(rowCount: n, oneHotColumns: oneHotWidth, hotPerRow: slots, hot: hot,
                            denseCount: kept.count, dense: dense)
    }
}
