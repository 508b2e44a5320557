/// The quality metrics written the plain way, on texts and numbers, straight from their
/// definitions: the documentation of the fast versions, and what the tests compare them
/// with. Slow (quadratic KS), never used by the report.
public enum QualityMetricsReference {
    /// 1 − max over every observed value x of |F_real(x) − F_synthetic(x)|, the empirical
    /// CDFs counted directly (missing values dropped, values rounded to 14 decimals).
    public static func ksComplement(real: [Double], synthetic: [Double]) -> Double? {
        let a = real.filter { !$0.isNaN }.map(KSComplement.roundedTo14Decimals)
        let b = synthetic.filter { !$0.isNaN }.map(KSComplement.roundedTo14Decimals)
        guard !a.isEmpty, !b.isEmpty else { return nil }
        var d = 0.0
        for x in a + b {
            let fa = Double(a.filter { $0 <= x }.count) / Double(a.count)
            let fb = Double(b.filter { $0 <= x }.count) / Double(b.count)
            d = max(d, abs(fa - fb))
        }
        return 1 - d
    }

    /// 1 − ½ Σ_c |f_synthetic(c) − f_real(c)| over the categories of both (nil = missing),
    /// with SDMetrics' 1e-6 real count for categories only the synthetic data has.
    public static func tvComplement(real: [String?], synthetic: [String?]) -> Double? {
        let r = real.compactMap { $0 }, s = synthetic.compactMap { $0 }
        guard !r.isEmpty, !s.isEmpty else { return nil }
        var realCounts: [String: Double] = [:], syntheticCounts: [String: Double] = [:]
        for v in r { realCounts[v, default: 0] += 1 }
        for v in s { syntheticCounts[v, default: 0] += 1 }
        for v in syntheticCounts.keys where realCounts[v] == nil { realCounts[v] = 1e-6 }
        let realTotal = realCounts.values.reduce(0, +)
        let variation = realCounts.keys.reduce(0.0) { sum, v in
            sum + abs((syntheticCounts[v] ?? 0) / Double(s.count) - realCounts[v]! / realTotal)
        }
        return 1 - 0.5 * variation
    }

    /// Pearson's r by the textbook formula over complete rows; nil if undefined.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        let rows = zip(x, y).filter { !$0.0.isNaN && !$0.1.isNaN }
        guard rows.count >= 2 else { return nil }
        let n = Double(rows.count)
        let mx = rows.map(\.0).reduce(0, +) / n, my = rows.map(\.1).reduce(0, +) / n
        let sxy = rows.reduce(0.0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let sxx = rows.reduce(0.0) { $0 + ($1.0 - mx) * ($1.0 - mx) }
        let syy = rows.reduce(0.0) { $0 + ($1.1 - my) * ($1.1 - my) }
        guard sxx > 0, syy > 0 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }

    /// 1 − ½ Σ_(a,b) |p_real(a,b) − p_synthetic(a,b)| with missing (nil) a value of its own.
    public static func contingencySimilarity(real: [(String?, String?)], synthetic: [(String?, String?)]) -> Double {
        func key(_ pair: (String?, String?)) -> String {
            "\(pair.0.map { "v" + $0 } ?? "-")\u{1F}\(pair.1.map { "v" + $0 } ?? "-")"
        }
        var p: [String: Double] = [:], q: [String: Double] = [:]
        for pair in real { p[key(pair), default: 0] += 1 / Double(real.count) }
        for pair in synthetic { q[key(pair), default: 0] += 1 / Double(synthetic.count) }
        let cells = Set(p.keys).union(q.keys)
        return 1 - 0.5 * cells.reduce(0.0) { $0 + abs((p[$1] ?? 0) - (q[$1] ?? 0)) }
    }

    /// Cramér's V from χ² = Σ (O − E)² / E over the values that occur (nil = missing).
    public static func cramersV(_ pairs: [(String?, String?)]) -> Double? {
        func label(_ v: String?) -> String { v.map { "v" + $0 } ?? "-" }
        let rows = Set(pairs.map { label($0.0) }).sorted(), columns = Set(pairs.map { label($0.1) }).sorted()
        guard rows.count >= 2, columns.count >= 2 else { return nil }
        var observed: [String: Double] = [:], rowTotals: [String: Double] = [:], columnTotals: [String: Double] = [:]
        for pair in pairs {
            observed["\(label(pair.0))\u{1F}\(label(pair.1))", default: 0] += 1
            rowTotals[label(pair.0), default: 0] += 1
            columnTotals[label(pair.1), default: 0] += 1
        }
        let n = Double(pairs.count)
        var chi2 = 0.0
        for r in rows {
            for c in columns {
                let expected = rowTotals[r]! * columnTotals[c]! / n
                let o = observed["\(r)\u{1F}\(c)"] ?? 0
                chi2 += (o - expected) * (o - expected) / expected
            }
        }
        return (chi2 / n / Double(min(rows.count, columns.count) - 1)).squareRoot()
    }

    /// SDMetrics' bin of each value: 1 + the index of its tenth of [min, max], the
    /// maximum and missing values in bin 11.
    public static func bins(_ values: [Double]) -> [Int] {
        let present = values.filter { !$0.isNaN }
        var low = present.min() ?? 0, high = present.max() ?? 1
        if low == high { low -= 0.5; high += 0.5 }
        let edges = (0...10).map { $0 == 10 ? high : Double($0) * ((high - low) / 10) + low }
        return values.map { v in v.isNaN ? 11 : edges.filter { $0 <= v }.count }
    }
}
