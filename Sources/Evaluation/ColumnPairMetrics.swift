// Performance notes
// - Pearson is two passes over the complete rows (means, then centred sums) in Double.
// - ContingencySimilarity counts joint codes in a flat array when the table of cells is
//   small (up to 2^22 cells, every pair of Adult), in a dictionary otherwise (two
//   high-cardinality text columns), instead of pandas' `groupby(...).size()` on objects.
//   The 105 pairs of a 15-column table at 30,000 rows take a few milliseconds in all.

/// SDMetrics' CorrelationSimilarity (Pearson): `1 - |r_real - r_synthetic| / 2`.
///
/// As in SDMetrics 0.32: a column with a single distinct value (missing aside) in either
/// table is an error; rows where either value is missing are dropped; fewer than two
/// complete rows is an error; a constant column after dropping gives no correlation
/// (SciPy warns and returns NaN), and then no score.
public enum CorrelationSimilarity {
    /// The score and the two correlations it compares.
    public struct Breakdown: Sendable, Equatable {
        public var score: Double?
        public var real: Double?
        public var synthetic: Double?

        public init(score: Double?, real: Double?, synthetic: Double?) {
            (self.score, self.real, self.synthetic) = (score, real, synthetic)
        }
    }

    /// - Parameter realCorrelationThreshold: when above 0, a pair whose real |r| does not
    ///   exceed it gets no score (QualityReport's default is 0.5).
    public static func compute(realX: [Double], realY: [Double], syntheticX: [Double], syntheticY: [Double],
                               realCorrelationThreshold: Double = 0) throws(MetricError) -> Breakdown {
        for (values, table) in [(realX, "real"), (realY, "real"), (syntheticX, "synthetic"), (syntheticY, "synthetic")]
        where distinctCountIsOne(values) {
            throw MetricError("the \(table) data has a constant column: correlation is undefined")
        }
        let real = try pearson(realX, realY)
        if let real, abs(real) <= realCorrelationThreshold {
            return Breakdown(score: nil, real: real, synthetic: nil)
        }
        let synthetic = try pearson(syntheticX, syntheticY)
        guard let real, let synthetic else { return Breakdown(score: nil, real: real, synthetic: synthetic) }
        return Breakdown(score: 1 - abs(real - synthetic) / 2, real: real, synthetic: synthetic)
    }

    /// pandas' `nunique() == 1`: exactly one distinct non-missing value.
    static func distinctCountIsOne(_ values: [Double]) -> Bool {
        var first: Double?
        for v in values where !v.isNaN {
            guard let f = first else { first = v; continue }
            if v != f { return false }
        }
        return first != nil
    }

    /// Pearson's r over the rows where both values are present, computed as SciPy does
    /// (centre, scale by the largest deviation, normalise, dot, clip to [-1, 1]); nil
    /// when either column is constant over those rows or a value is infinite.
    static func pearson(_ x: [Double], _ y: [Double]) throws(MetricError) -> Double? {
        var xs: [Double] = [], ys: [Double] = []
        xs.reserveCapacity(x.count)
        ys.reserveCapacity(y.count)
        for k in x.indices where !x[k].isNaN && !y[k].isNaN {
            xs.append(x[k])
            ys.append(y[k])
        }
        guard xs.count >= 2 else { throw MetricError("correlation needs at least 2 rows where both values are present") }
        if xs.allSatisfy({ $0 == xs[0] }) || ys.allSatisfy({ $0 == ys[0] }) { return nil }
        let n = Double(xs.count)
        let meanX = xs.reduce(0, +) / n, meanY = ys.reduce(0, +) / n
        var scaleX = 0.0, scaleY = 0.0
        for k in xs.indices {
            scaleX = max(scaleX, abs(xs[k] - meanX))
            scaleY = max(scaleY, abs(ys[k] - meanY))
        }
        var sxx = 0.0, syy = 0.0, sxy = 0.0
        for k in xs.indices {
            let dx = (xs[k] - meanX) / scaleX, dy = (ys[k] - meanY) / scaleY
            sxx += dx * dx
            syy += dy * dy
            sxy += dx * dy
        }
        let r = sxy / (sxx.squareRoot() * syy.squareRoot())
        return r.isNaN ? nil : min(1, max(-1, r))
    }
}

/// SDMetrics' ContingencySimilarity: 1 minus the total variation distance between the
/// real and the synthetic joint frequencies of two discrete columns,
/// `1 - ½ Σ_(a,b) |p_real(a,b) - p_synthetic(a,b)|`.
///
/// Missing is a value like any other here (pandas' `groupby(dropna=False)`), and the
/// frequencies are over all rows. The inputs are codes in `0..<levels`, the same code
/// meaning the same value in both tables; use ``DiscreteCodes`` to build them.
public enum ContingencySimilarity {
    /// The score and, when a threshold was given, the real table's Cramér's V.
    public struct Breakdown: Sendable, Equatable {
        public var score: Double?
        public var realAssociation: Double?

        public init(score: Double?, realAssociation: Double?) {
            (self.score, self.realAssociation) = (score, realAssociation)
        }
    }

    /// - Parameter realAssociationThreshold: when above 0, the real table's Cramér's V
    ///   (without continuity correction) is computed, and a pair whose V does not exceed
    ///   the threshold, or whose real table has fewer than two values in a column, gets
    ///   no score (QualityReport's default is 0.3).
    public static func compute(real: (DiscreteCodes, DiscreteCodes), synthetic: (DiscreteCodes, DiscreteCodes),
                               realAssociationThreshold: Double = 0) -> Breakdown {
        let levelsA = max(real.0.levels, synthetic.0.levels), levelsB = max(real.1.levels, synthetic.1.levels)
        let realCounts = JointCounts(real.0.codes, real.1.codes, levelsB: levelsB, cells: levelsA * levelsB)
        let syntheticCounts = JointCounts(synthetic.0.codes, synthetic.1.codes, levelsB: levelsB, cells: levelsA * levelsB)
        var association: Double?
        if realAssociationThreshold > 0 {
            association = realCounts.cramersV(levelsA: levelsA, levelsB: levelsB)
            guard let v = association, v > realAssociationThreshold else {
                return Breakdown(score: nil, realAssociation: association)
            }
        }
        let nReal = Double(real.0.codes.count), nSynthetic = Double(synthetic.0.codes.count)
        var variation = 0.0
        realCounts.forEachCell(union: syntheticCounts) { r, s in
            variation += abs(Double(r) / nReal - Double(s) / nSynthetic)
        }
        return Breakdown(score: 1 - variation / 2, realAssociation: association)
    }
}

/// A discrete view of one column of one table: a code per row in `0..<levels`.
public struct DiscreteCodes: Sendable, Equatable {
    public let codes: [Int32]
    public let levels: Int

    public init(codes: [Int32], levels: Int) {
        self.codes = codes
        self.levels = levels
    }

    /// Category codes (-1 missing) shifted so that missing is level 0.
    public init(categories: [Int32], categoryCount: Int) {
        codes = categories.map { $0 + 1 }
        levels = categoryCount + 1
    }

    /// SDMetrics' binning of a continuous column for contingency tables: ten equal-width
    /// bins over this table's own range (`np.histogram_bin_edges(x.dropna())`, 11 edges),
    /// then `np.digitize`: the number of edges ≤ x, so the minimum is 1, values in the
    /// last bin are 10, and the maximum and missing values are both 11. Each table is
    /// binned by its own edges, as SDMetrics does. Nil when a value is infinite (NumPy
    /// raises; the pair is then not scored).
    public init?(binning values: [Double]) {
        guard let edges = Self.histogramEdges(values) else { return nil }
        codes = values.map { x in
            if x.isNaN { return 11 }
            var count: Int32 = 0
            for edge in edges where edge <= x { count += 1 }
            return count
        }
        levels = 12
    }

    /// `np.histogram_bin_edges(values, bins=10)` on the non-missing values: `linspace`
    /// from the minimum to the maximum (`k * step + min`, the last edge exactly the
    /// maximum); a range of ±0.5 around a constant; [0, 1] when there is no value.
    static func histogramEdges(_ values: [Double]) -> [Double]? {
        var low = Double.infinity, high = -Double.infinity, any = false
        for v in values where !v.isNaN {
            guard v.isFinite else { return nil }
            low = min(low, v)
            high = max(high, v)
            any = true
        }
        if !any { (low, high) = (0, 1) }
        if low == high { (low, high) = (low - 0.5, high + 0.5) }
        let delta = high - low, step = delta / 10
        var edges = (0..<11).map { k in step == 0 ? Double(k) / 10 * delta + low : Double(k) * step + low }
        edges[10] = high
        return edges
    }
}

/// Counts of (a, b) code pairs: a flat array for small tables, a dictionary for large.
struct JointCounts {
    private var flat: [Int32] = []
    private var sparse: [Int: Int32] = [:]
    private let isFlat: Bool
    private let levelsB: Int

    static let flatLimit = 1 << 22

    init(_ a: [Int32], _ b: [Int32], levelsB: Int, cells: Int) {
        self.levelsB = levelsB
        isFlat = cells <= Self.flatLimit
        if isFlat {
            flat = [Int32](repeating: 0, count: cells)
            flat.withUnsafeMutableBufferPointer { counts in
                for k in a.indices { counts[Int(a[k]) * levelsB + Int(b[k])] += 1 }
            }
        } else {
            for k in a.indices { sparse[Int(a[k]) * levelsB + Int(b[k]), default: 0] += 1 }
        }
    }

    /// Calls `body` with this table's and `other`'s count of every cell either has.
    func forEachCell(union other: JointCounts, _ body: (Int32, Int32) -> Void) {
        if isFlat {
            for k in flat.indices where flat[k] != 0 || other.flat[k] != 0 { body(flat[k], other.flat[k]) }
        } else {
            for (cell, count) in sparse { body(count, other.sparse[cell] ?? 0) }
            for (cell, count) in other.sparse where sparse[cell] == nil { body(0, count) }
        }
    }

    /// Cramér's V of the table restricted to the values that occur, from
    /// χ² = n (Σ O²/(R·C) − 1) without continuity correction (SciPy's `association`);
    /// nil when fewer than two values occur in either column.
    func cramersV(levelsA: Int, levelsB: Int) -> Double? {
        var rows = [Int](repeating: 0, count: levelsA), columns = [Int](repeating: 0, count: levelsB)
        var n = 0
        forEachNonZero { cell, count in
            rows[cell / levelsB] += Int(count)
            columns[cell % levelsB] += Int(count)
            n += Int(count)
        }
        let r = rows.filter { $0 > 0 }.count, c = columns.filter { $0 > 0 }.count
        guard n > 0, min(r, c) >= 2 else { return nil }
        var sum = 0.0
        forEachNonZero { cell, count in
            let o = Double(count)
            sum += o * o / (Double(rows[cell / levelsB]) * Double(columns[cell % levelsB]))
        }
        let chi2 = Double(n) * (sum - 1)
        return max(0, chi2 / Double(n) / Double(min(r, c) - 1)).squareRoot()
    }

    private func forEachNonZero(_ body: (Int, Int32) -> Void) {
        if isFlat {
            for k in flat.indices where flat[k] != 0 { body(k, flat[k]) }
        } else {
            for (cell, count) in sparse { body(cell, count) }
        }
    }
}
