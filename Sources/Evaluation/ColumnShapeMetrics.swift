// Performance notes
// - KSComplement sorts both samples once (O(n log n)) and walks them together; SciPy's
//   `ks_2samp` does the same with two `searchsorted` passes over the merged sample.
// - TVComplement counts integer codes in two arrays; SDMetrics builds two `Counter`s of
//   Python objects. The 30,000-row columns of the target take well under a
//   millisecond each here.

/// A metric that cannot be computed on these values (SDMetrics raises, and the report
/// shows NaN with the error's text).
public struct MetricError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// SDMetrics' KSComplement: 1 minus the two-sample Kolmogorov–Smirnov statistic, the
/// largest gap between the empirical CDFs of the real and the synthetic values.
///
/// As in SDMetrics 0.32: missing values (NaN) are dropped; values are rounded to 14
/// decimals first (`round(x * 1e14) / 1e14`, NumPy's `round`), so that floats that print
/// alike tie; an empty sample gives nil (SDMetrics' NaN).
public enum KSComplement {
    /// - Parameters:
    ///   - real: the real column's values, NaN for missing.
    ///   - synthetic: the synthetic column's values, NaN for missing.
    ///   - rounded: round to 14 decimals first (SDMetrics does for numbers; for dates,
    ///     integer nanoseconds there, rounding does nothing, so pass false).
    public static func compute(real: [Double], synthetic: [Double], rounded: Bool = true) -> Double? {
        let a = prepared(real, rounded: rounded), b = prepared(synthetic, rounded: rounded)
        guard !a.isEmpty, !b.isEmpty else { return nil }
        return 1 - statistic(sortedA: a, sortedB: b)
    }

    /// The KS statistic of two sorted samples: at each distinct value (after every copy
    /// of it in both samples), the gap between the CDFs, computed as SciPy does
    /// (`i / n1 - j / n2`), so the result matches to the last bit.
    static func statistic(sortedA a: [Double], sortedB b: [Double]) -> Double {
        let n1 = Double(a.count), n2 = Double(b.count)
        var i = 0, j = 0
        var d = 0.0
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                while i < a.count || j < b.count {
                    let x = j >= b.count || (i < a.count && a[i] <= b[j]) ? a[i] : b[j]
                    while i < a.count, a[i] == x { i += 1 }
                    while j < b.count, b[j] == x { j += 1 }
                    d = max(d, abs(Double(i) / n1 - Double(j) / n2))
                }
            }
        }
        return d
    }

    static func prepared(_ values: [Double], rounded: Bool) -> [Double] {
        var kept = values.filter { !$0.isNaN }
        if rounded {
            for k in kept.indices { kept[k] = roundedTo14Decimals(kept[k]) }
        }
        kept.sort()
        return kept
    }

    /// NumPy's `np.round(x, 14)`: multiply, round half to even, divide.
    @inline(__always) static func roundedTo14Decimals(_ x: Double) -> Double {
        (x * 1e14).rounded(.toNearestOrEven) / 1e14
    }
}

/// SDMetrics' TVComplement: 1 minus the total variation distance between the real and
/// the synthetic category frequencies, `1 - ½ Σ |f_synthetic(c) - f_real(c)|`.
///
/// As in SDMetrics 0.32: missing values are dropped; a category only the synthetic data
/// has gets a real count of 1e-6 (its "regularisation", which also adds 1e-6 to the real
/// total for each such category); an empty sample is an error.
public enum TVComplement {
    /// - Parameters:
    ///   - real: category codes of the real column, -1 for missing.
    ///   - synthetic: codes of the synthetic column, in the same code space.
    ///   - categoryCount: one more than the largest code.
    public static func compute(real: [Int32], synthetic: [Int32], categoryCount: Int) throws(MetricError) -> Double {
        var realCounts = [Int](repeating: 0, count: categoryCount)
        var syntheticCounts = [Int](repeating: 0, count: categoryCount)
        var realTotal = 0, syntheticTotal = 0
        for code in real where code >= 0 { realCounts[Int(code)] += 1; realTotal += 1 }
        for code in synthetic where code >= 0 { syntheticCounts[Int(code)] += 1; syntheticTotal += 1 }
        guard realTotal > 0, syntheticTotal > 0 else {
            throw MetricError("TVComplement needs at least one non-missing value in each table")
        }
        var regularisedTotal = Double(realTotal)
        for c in 0..<categoryCount where realCounts[c] == 0 && syntheticCounts[c] > 0 { regularisedTotal += 1e-6 }
        var variation = 0.0
        for c in 0..<categoryCount where realCounts[c] > 0 || syntheticCounts[c] > 0 {
            let expected = realCounts[c] > 0 ? Double(realCounts[c]) / regularisedTotal : 1e-6 / regularisedTotal
            variation += abs(Double(syntheticCounts[c]) / Double(syntheticTotal) - expected)
        }
        return 1 - 0.5 * variation
    }
}
