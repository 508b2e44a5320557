import Records

// Performance notes
// - Measured once (2026-11-23, -O build, one core, load average about 3 from other
//   builds): Adult-shaped 30,000 x 15 real vs 30,000 x 15 synthetic, reading both CSV
//   files 0.21 s, inferring kinds 0.06 s, encoding 0.16 s (string hashing of categories
//   and missing-value markers), each report 0.05 s; 0.52 s in all. SDMetrics 0.32 takes
//   1.6 s for the default report and 2.3 s for the all-pairs one on the same tables.
// - Everything is single-threaded: at these sizes a second core is not worth its wake-up,
//   and the later DCR (quadratic) is where threads will pay.

/// Table fidelity as SDMetrics' single-table `QualityReport` (0.32) computes it: how well
/// each column's distribution (Column Shapes) and each pair's relationship (Column Pair
/// Trends) is kept, and their mean (the overall score).
///
/// - Column Shapes: ``KSComplement`` for numerical and datetime columns,
///   ``TVComplement`` for categorical ones; the property is the mean of the scores that
///   exist.
/// - Column Pair Trends, for every two columns in metadata order:
///   ``CorrelationSimilarity`` (Pearson) when both are continuous;
///   ``ContingencySimilarity`` when both are categorical, or when one is, with the
///   continuous one cut into SDMetrics' ten bins (``DiscreteCodes/init(binning:)``).
///   Since SDMetrics 0.2x a pair counts only if the real pair is associated: |r| above
///   ``Options/realCorrelationThreshold`` (0.5) or Cramér's V above
///   ``Options/realAssociationThreshold`` (0.3). Thresholds of 0 score every pair
///   (``Options/allPairs``, older SDMetrics and most papers).
/// - Overall: the mean of the two properties that have a score.
///
/// One difference: SDMetrics samples 50,000 rows at random for contingency tables when a
/// table is larger; this report always uses every row (the same result up to 50,000 rows).
///
/// ```swift
/// let real = try Table.read(contentsOf: trainURL)
/// let synthetic = try Table.read(contentsOf: syntheticURL)
/// let metadata = QualityMetadata(schema: TableSchema(inferringFrom: real, detectsDates: false))
/// let scores = try QualityReport.evaluate(real: real, synthetic: synthetic, metadata: metadata)
/// print(scores.overall ?? .nan, scores.columnShapes ?? .nan, scores.columnPairTrends ?? .nan)
/// ```
public enum QualityReport {
    /// How pairs are selected and which cells are missing.
    public struct Options: Sendable, Equatable {
        /// A numerical pair counts when the real |Pearson r| exceeds this (0: every pair).
        public var realCorrelationThreshold: Double
        /// A pair with a categorical column counts when the real Cramér's V exceeds this.
        public var realAssociationThreshold: Double
        /// Cell texts read as missing.
        public var missing: MissingValues

        public init(realCorrelationThreshold: Double = 0.5, realAssociationThreshold: Double = 0.3,
                    missing: MissingValues = .pandasDefault) {
            self.realCorrelationThreshold = realCorrelationThreshold
            self.realAssociationThreshold = realAssociationThreshold
            self.missing = missing
        }

        /// Every pair scored (both thresholds 0).
        public static let allPairs = Options(realCorrelationThreshold: 0, realAssociationThreshold: 0)
    }

    /// Reads and encodes both tables (see ``EncodedTables``), then scores them.
    public static func evaluate(real: Table, synthetic: Table, metadata: QualityMetadata,
                                options: Options = Options()) throws(EvaluationError) -> QualityScores {
        let tables = try EncodedTables(real: real, synthetic: synthetic, metadata: metadata, missing: options.missing)
        return evaluate(tables, options: options)
    }

    /// Scores tables already encoded (encode once to run several option sets).
    public static func evaluate(_ tables: EncodedTables, options: Options = Options()) -> QualityScores {
        let shapes = tables.columns.map(columnShape)
        let discrete = tables.columns.map(discreteCodes)
        var pairIndices: [(Int, Int)] = []
        for i in tables.columns.indices {
            for j in (i + 1)..<tables.columns.count { pairIndices.append((i, j)) }
        }
        let pairs = pairIndices.map { i, j in
            pairTrend(tables.columns[i], tables.columns[j], discrete[i], discrete[j], options: options)
        }
        let shapeScore = mean(shapes.compactMap(\.score))
        let trendScore = mean(pairs.filter(\.meetsThreshold).compactMap(\.score))
        return QualityScores(overall: mean([shapeScore, trendScore].compactMap { $0 }),
                             columnShapes: shapeScore, columnPairTrends: trendScore, shapes: shapes, pairs: pairs)
    }

    static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    static func columnShape(_ column: EncodedColumn) -> ColumnShapeScore {
        switch (column.real, column.synthetic) {
        case let (.continuous(real), .continuous(synthetic)):
            let score = KSComplement.compute(real: real, synthetic: synthetic, rounded: column.type == .numerical)
            return ColumnShapeScore(column: column.name, metric: .ksComplement, score: score, error: nil)
        case let (.categorical(real), .categorical(synthetic)):
            do throws(MetricError) {
                let score = try TVComplement.compute(real: real, synthetic: synthetic, categoryCount: column.categories.count)
                return ColumnShapeScore(column: column.name, metric: .tvComplement, score: score, error: nil)
            } catch {
                return ColumnShapeScore(column: column.name, metric: .tvComplement, score: nil, error: error.description)
            }
        default:
            preconditionFailure("a column is encoded the same way in both tables")
        }
    }

    /// Each table's discrete view of a column, or the reason there is none.
    static func discreteCodes(_ column: EncodedColumn) -> Result<(DiscreteCodes, DiscreteCodes), MetricError> {
        switch (column.real, column.synthetic) {
        case let (.categorical(real), .categorical(synthetic)):
            let count = column.categories.count
            return .success((DiscreteCodes(categories: real, categoryCount: count),
                             DiscreteCodes(categories: synthetic, categoryCount: count)))
        case let (.continuous(real), .continuous(synthetic)):
            guard let r = DiscreteCodes(binning: real), let s = DiscreteCodes(binning: synthetic) else {
                return .failure(MetricError("column '\(column.name)' has an infinite value and cannot be binned"))
            }
            return .success((r, s))
        default:
            preconditionFailure("a column is encoded the same way in both tables")
        }
    }

    static func pairTrend(_ a: EncodedColumn, _ b: EncodedColumn,
                          _ discreteA: Result<(DiscreteCodes, DiscreteCodes), MetricError>,
                          _ discreteB: Result<(DiscreteCodes, DiscreteCodes), MetricError>,
                          options: Options) -> ColumnPairTrendScore {
        var result = ColumnPairTrendScore(column1: a.name, column2: b.name, metric: .contingencySimilarity)
        if case let (.continuous(realX), .continuous(syntheticX)) = (a.real, a.synthetic),
           case let (.continuous(realY), .continuous(syntheticY)) = (b.real, b.synthetic) {
            result.metric = .correlationSimilarity
            do throws(MetricError) {
                let breakdown = try CorrelationSimilarity.compute(
                    realX: realX, realY: realY, syntheticX: syntheticX, syntheticY: syntheticY,
                    realCorrelationThreshold: options.realCorrelationThreshold)
                result.score = breakdown.score
                result.realCorrelation = breakdown.real
                result.syntheticCorrelation = breakdown.synthetic
                let threshold = options.realCorrelationThreshold
                result.meetsThreshold = threshold <= 0 || (breakdown.real.map { abs($0) > threshold } ?? false)
            } catch {
                result.error = error.description
            }
            return result
        }
        switch (discreteA, discreteB) {
        case let (.success(codesA), .success(codesB)):
            let breakdown = ContingencySimilarity.compute(
                real: (codesA.0, codesB.0), synthetic: (codesA.1, codesB.1),
                realAssociationThreshold: options.realAssociationThreshold)
            result.score = breakdown.score
            result.realAssociation = breakdown.realAssociation
            let threshold = options.realAssociationThreshold
            result.meetsThreshold = threshold <= 0 || (breakdown.realAssociation.map { $0 > threshold } ?? false)
        case let (.failure(error), _), let (_, .failure(error)):
            result.error = error.description
        }
        return result
    }
}

/// Which metric scored a column.
public enum ColumnShapeMetric: String, Sendable, Codable {
    case ksComplement = "KSComplement"
    case tvComplement = "TVComplement"
}

/// Which metric scored a pair.
public enum ColumnPairMetric: String, Sendable, Codable {
    case correlationSimilarity = "CorrelationSimilarity"
    case contingencySimilarity = "ContingencySimilarity"
}

/// One row of SDMetrics' "Column Shapes" details.
public struct ColumnShapeScore: Sendable, Equatable {
    public var column: String
    public var metric: ColumnShapeMetric
    /// Nil where SDMetrics shows NaN (an empty column, or an error).
    public var score: Double?
    public var error: String?
}

/// One row of SDMetrics' "Column Pair Trends" details.
public struct ColumnPairTrendScore: Sendable, Equatable {
    public var column1: String
    public var column2: String
    public var metric: ColumnPairMetric
    public var score: Double?
    /// Pearson's r of the real pair (numerical pairs).
    public var realCorrelation: Double?
    /// Pearson's r of the synthetic pair (numerical pairs).
    public var syntheticCorrelation: Double?
    /// Cramér's V of the real pair (other pairs, when a threshold is set).
    public var realAssociation: Double?
    /// Whether the pair counts in the Column Pair Trends score.
    public var meetsThreshold: Bool = false
    public var error: String?
}

/// The scores of a quality report, with the per-column and per-pair details behind them.
public struct QualityScores: Sendable, Equatable {
    /// The mean of ``columnShapes`` and ``columnPairTrends`` (of those that exist).
    public var overall: Double?
    /// The mean column-shape score.
    public var columnShapes: Double?
    /// The mean score of the pairs that meet the threshold; nil when none does.
    public var columnPairTrends: Double?
    public var shapes: [ColumnShapeScore]
    public var pairs: [ColumnPairTrendScore]
}
