import Foundation
import Records

/// What `synth eval table` runs: fidelity (SDMetrics' quality report, default and all
/// pairs), validity, and — given a holdout — privacy and, given a target, utility; plus
/// what the report draws (each column's distributions, the association matrices).
public enum TableEvaluation {
    public struct Options: Sendable {
        /// The column TSTR predicts; nil skips utility.
        public var target: String?
        public var seed: UInt64 = 0
        /// Categories drawn per column (the most frequent in the real table; the rest
        /// are summed as "other").
        public var chartCategories = 12
        /// Bins of the numeric histograms.
        public var chartBins = 20

        public init(target: String? = nil) { self.target = target }
    }

    /// Runs every part on tables already read. The real `train` table defines the
    /// metadata (numbers numerical, everything else categorical, as `evaluate.py` does).
    public static func run(train: Table, holdout: Table?, synthetic: Table,
                           options: Options = Options()) throws -> TableEvaluationResult {
        var seconds: [String: Double] = [:]
        func timed<T>(_ part: String, _ body: () throws -> T) rethrows -> T {
            let start = Date()
            defer { seconds[part] = Date().timeIntervalSince(start) }
            return try body()
        }
        let metadata = QualityMetadata(schema: TableSchema(inferringFrom: train, detectsDates: false))
        if let holdout {
            let trainNames = Set(train.columnNames), holdoutNames = Set(holdout.columnNames)
            if trainNames != holdoutNames {
                throw EvaluationError.columnsDiffer(real: train.source, synthetic: holdout.source,
                                                   missing: train.columnNames.filter { !holdoutNames.contains($0) },
                                                   unexpected: holdout.columnNames.filter { !trainNames.contains($0) })
            }
        }
        if let target = options.target, train.columnIndex(named: target) == nil {
            throw EvaluationError.unknownColumn(file: train.source, column: target)
        }
        let encoded = try timed("encode") { try EncodedTables(real: train, synthetic: synthetic, metadata: metadata) }
        let quality = timed("quality") { QualityReport.evaluate(encoded) }
        let allPairs = timed("quality_all_pairs") { QualityReport.evaluate(encoded, options: .allPairs) }
        let validity = try timed("validity") { try ValidityEvaluation.evaluate(train: train, synthetic: synthetic, metadata: metadata) }
        let privacy = try holdout.map { holdout in
            try timed("privacy") {
                try PrivacyEvaluation.evaluate(train: train, holdout: holdout, synthetic: synthetic, metadata: metadata, seed: options.seed)
            }
        }
        var utility: UtilityReport?
        if let target = options.target, let holdout {
            utility = try timed("utility") {
                try UtilityEvaluation.evaluate(train: train, holdout: holdout, synthetic: synthetic, metadata: metadata,
                                               target: target, seed: options.seed)
            }
        }
        let distributions = timed("charts") { encoded.columns.map { ColumnDistribution($0, options: options) } }
        let real = timed("charts") { AssociationMatrix(encoded, side: .real) }
        let synth = timed("charts") { AssociationMatrix(encoded, side: .synthetic) }
        return TableEvaluationResult(
            trainFile: train.source, holdoutFile: holdout?.source, syntheticFile: synthetic.source,
            trainRows: train.rowCount, holdoutRows: holdout?.rowCount, syntheticRows: synthetic.rowCount,
            quality: quality, qualityAllPairs: allPairs, validity: validity, privacy: privacy, utility: utility,
            distributions: distributions, realAssociations: real, syntheticAssociations: synth, seconds: seconds)
    }
}

/// Everything one table evaluation found.
public struct TableEvaluationResult: Sendable {
    public var trainFile: String
    public var holdoutFile: String?
    public var syntheticFile: String
    public var trainRows: Int
    public var holdoutRows: Int?
    public var syntheticRows: Int
    /// SDMetrics' QualityReport with its default pair thresholds.
    public var quality: QualityScores
    /// The same with every pair scored.
    public var qualityAllPairs: QualityScores
    public var validity: ValidityReport
    /// Nil without a holdout.
    public var privacy: PrivacyReport?
    /// Nil without a target (or a holdout).
    public var utility: UtilityReport?
    public var distributions: [ColumnDistribution]
    public var realAssociations: AssociationMatrix
    public var syntheticAssociations: AssociationMatrix
    /// Seconds per part.
    public var seconds: [String: Double]
}

/// One column's distribution in both tables, as the report draws it: shares per bin of a
/// common range (numbers, dates) or per category (the most frequent, then "other").
public struct ColumnDistribution: Sendable {
    public var column: String
    /// Bin edges (continuous columns; one more than the shares), empty for categories.
    public var edges: [Double]
    /// Category labels (categorical columns), empty for continuous ones.
    public var categories: [String]
    public var realShares: [Double]
    public var syntheticShares: [Double]
    /// Shares of missing values.
    public var realMissing: Double
    public var syntheticMissing: Double

    init(_ column: EncodedColumn, options: TableEvaluation.Options) {
        self.column = column.name
        switch (column.real, column.synthetic) {
        case let (.continuous(real), .continuous(synthetic)):
            let present = real.filter { !$0.isNaN && $0.isFinite }
            var low = present.min() ?? 0, high = present.max() ?? 1
            if low == high { (low, high) = (low - 0.5, high + 0.5) }
            let bins = options.chartBins
            edges = (0...bins).map { low + (high - low) * Double($0) / Double(bins) }
            categories = []
            func shares(_ values: [Double]) -> ([Double], Double) {
                var counts = [Double](repeating: 0, count: bins)
                var missing = 0.0
                for v in values {
                    guard !v.isNaN else { missing += 1; continue }
                    let bin = Int(((v - low) / (high - low) * Double(bins)).rounded(.down))
                    counts[min(bins - 1, max(0, bin))] += 1
                }
                let n = Double(max(1, values.count))
                return (counts.map { $0 / n }, missing / n)
            }
            (realShares, realMissing) = shares(real)
            (syntheticShares, syntheticMissing) = shares(synthetic)
        case let (.categorical(real), .categorical(synthetic)):
            edges = []
            let count = column.categories.count
            func counts(_ codes: [Int32]) -> ([Double], Double) {
                var counts = [Double](repeating: 0, count: count)
                var missing = 0.0
                for code in codes { if code < 0 { missing += 1 } else { counts[Int(code)] += 1 } }
                let n = Double(max(1, codes.count))
                return (counts.map { $0 / n }, missing / n)
            }
            let (realAll, realMissing) = counts(real), (syntheticAll, syntheticMissing) = counts(synthetic)
            let top = Array(realAll.indices.sorted { realAll[$0] > realAll[$1] || (realAll[$0] == realAll[$1] && $0 < $1) }
                .prefix(options.chartCategories))
            categories = top.map { column.categories[$0] }
            realShares = top.map { realAll[$0] }
            syntheticShares = top.map { syntheticAll[$0] }
            let realOther = realAll.reduce(0, +) - realShares.reduce(0, +)
            let syntheticOther = syntheticAll.reduce(0, +) - syntheticShares.reduce(0, +)
            if realOther > 1e-12 || syntheticOther > 1e-12 {
                categories.append("other")
                realShares.append(realOther)
                syntheticShares.append(syntheticOther)
            }
            self.realMissing = realMissing
            self.syntheticMissing = syntheticMissing
        default:
            preconditionFailure("a column is encoded the same way in both tables")
        }
    }
}

/// How strongly each two columns of one table go together: Pearson's r for two numeric
/// columns, Cramér's V (numbers cut into SDMetrics' ten bins) otherwise; 1 on the
/// diagonal, nil where undefined (a constant column).
public struct AssociationMatrix: Sendable {
    public enum Side: Sendable { case real, synthetic }
    public var columns: [String]
    public var values: [[Double?]]

    init(_ tables: EncodedTables, side: Side) {
        columns = tables.columns.map(\.name)
        let n = columns.count
        let data = tables.columns.map { side == .real ? $0.real : $0.synthetic }
        let discrete: [DiscreteCodes?] = zip(tables.columns, data).map { column, values in
            switch values {
            case let .categorical(codes): return DiscreteCodes(categories: codes, categoryCount: column.categories.count)
            case let .continuous(numbers): return DiscreteCodes(binning: numbers)
            }
        }
        var values = [[Double?]](repeating: [Double?](repeating: nil, count: n), count: n)
        for i in 0..<n {
            values[i][i] = 1
            for j in (i + 1)..<max(i + 1, n) {
                var value: Double?
                if case let .continuous(x) = data[i], case let .continuous(y) = data[j] {
                    value = AssociationMatrix.pearson(x, y)
                } else if let a = discrete[i], let b = discrete[j] {
                    value = JointCounts(a.codes, b.codes, levelsB: b.levels, cells: a.levels * b.levels)
                        .cramersV(levelsA: a.levels, levelsB: b.levels)
                }
                values[i][j] = value
                values[j][i] = value
            }
        }
        self.values = values
    }

    /// Pearson's r over the rows where both are present; nil when either is constant.
    static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        var n = 0.0, sx = 0.0, sy = 0.0
        for k in x.indices where !x[k].isNaN && !y[k].isNaN {
            n += 1; sx += x[k]; sy += y[k]
        }
        guard n > 1 else { return nil }
        let mx = sx / n, my = sy / n
        var sxx = 0.0, syy = 0.0, sxy = 0.0
        for k in x.indices where !x[k].isNaN && !y[k].isNaN {
            let dx = x[k] - mx, dy = y[k] - my
            sxx += dx * dx; syy += dy * dy; sxy += dx * dy
        }
        guard sxx > 0, syy > 0 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }
}
