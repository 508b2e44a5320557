// Binning for the gradient-boosted trees, as scikit-learn 1.9's `_BinMapper` does it.
//
// - A numerical feature with at most 255 distinct values gets one bin per value, cut at
//   the midpoints between neighbours; with more, at 254 quantiles (numpy's
//   "averaged_inverted_cdf" percentiles of the sorted values, duplicates removed).
// - A categorical feature's bin is its code (0..<categories); at most 255 categories.
// - Missing values (NaN, or a negative category code) go to the last bin, 255, whatever
//   the feature.
// - One difference: scikit-learn computes the quantiles on a random subsample of 200,000
//   rows when there are more; we always use every row.

/// The bins of one feature: how a value maps to a bin number.
public struct FeatureBins: Sendable, Equatable {
    /// For a numerical feature, the increasing upper bounds of the bins: a value `x` is in
    /// bin `i` when `thresholds[i - 1] < x <= thresholds[i]`. Empty for categorical features.
    public let thresholds: [Double]
    /// Whether the feature is categorical (its values are category codes).
    public let isCategorical: Bool
    /// The number of bins used by present values (the missing bin is not counted).
    public let binCount: Int

    /// The bin of each missing value, for every feature.
    public static let missingBin: UInt8 = 255
    /// The most bins present values may use.
    public static let maxBins = 255

    /// A categorical feature with `categories` codes.
    public init(categories: Int) {
        precondition(categories <= Self.maxBins, "at most 255 categories")
        thresholds = []
        isCategorical = true
        binCount = categories
    }

    /// A numerical feature's bins, from the (training) values of the feature; NaN is missing.
    public init(numbers values: [Double]) {
        thresholds = Self.thresholds(values.filter { !$0.isNaN })
        isCategorical = false
        binCount = thresholds.count + 1
    }

    /// The bin of one value.
    @inlinable
    public func bin(_ value: Double) -> UInt8 {
        if value.isNaN { return Self.missingBin }
        if isCategorical {
            return value < 0 ? Self.missingBin : UInt8(value)
        }
        // The first threshold at or above the value (binary search).
        var low = 0, high = thresholds.count
        while low < high {
            let middle = low + (high - low - 1) / 2
            if value <= thresholds[middle] { high = middle } else { low = middle + 1 }
        }
        return UInt8(low)
    }

    static func thresholds(_ present: [Double]) -> [Double] {
        let sorted = present.sorted()
        var distinct: [Double] = []
        distinct.reserveCapacity(min(sorted.count, 1024))
        for value in sorted where distinct.last != value { distinct.append(value) }
        if distinct.count <= 1 { return [] }
        var cuts: [Double]
        if distinct.count <= maxBins {
            cuts = (1..<distinct.count).map { (distinct[$0 - 1] + distinct[$0]) / 2 }
        } else {
            cuts = quantileCuts(sorted)
            var unique: [Double] = []
            for cut in cuts where unique.last != cut { unique.append(cut) }
            cuts = unique
        }
        return cuts.map { min($0, 1e300) }
    }

    /// numpy's `percentile(values, linspace(0, 100, 256)[1:-1], method="averaged_inverted_cdf")`,
    /// with the same floating-point steps so that the cuts are bit-identical.
    static func quantileCuts(_ sorted: [Double]) -> [Double] {
        let n = sorted.count
        let step = 100.0 / Double(maxBins)
        return (1..<maxBins).map { k in
            let quantile = (Double(k) * step) / 100
            let virtual = Double(n) * quantile - 1
            if virtual < 0 { return sorted[0] }
            if virtual >= Double(n - 1) { return sorted[n - 1] }
            let previous = virtual.rounded(.down)
            let lower = sorted[Int(previous)], upper = sorted[Int(previous) + 1]
            // gamma is 1/2 where the virtual index is a whole number, 1 elsewhere; numpy's
            // lerp computes b - (b - a) * (1 - gamma) for gamma >= 1/2.
            let gamma = virtual - previous == 0 ? 0.5 : 1.0
            return upper - (upper - lower) * (1 - gamma)
        }
    }
}

/// A feature matrix binned for the trees: one contiguous column of bin numbers per
/// feature, in memory the histogram loops can read through pointers.
final class BinnedFeatures: @unchecked Sendable {
    let rowCount: Int
    let featureCount: Int
    /// Whether each feature has a missing value in these rows.
    let hasMissing: [Bool]
    private let storage: UnsafeMutablePointer<UInt8>  // (F, N)

    /// Bins `features` (columns of values, NaN missing), taking the rows `rows` in that
    /// order (all rows when nil).
    init(columns features: [[Double]], bins: [FeatureBins], rows: [Int]? = nil) {
        let count = rows?.count ?? features.first?.count ?? 0
        rowCount = count
        featureCount = features.count
        storage = .allocate(capacity: max(1, count * features.count))
        var missing: [Bool] = []
        for (f, values) in features.enumerated() {
            let column = storage + f * count
            var hasMissing = false
            for i in 0..<count {
                let bin = bins[f].bin(values[rows?[i] ?? i])
                column[i] = bin
                hasMissing = hasMissing || bin == FeatureBins.missingBin
            }
            missing.append(hasMissing)
        }
        hasMissing = missing
    }

    deinit { storage.deallocate() }

    /// The bins of feature `f`, one per row.
    @inline(__always)
    func column(_ f: Int) -> UnsafeMutablePointer<UInt8> { storage + f * rowCount }
}

/// numpy's pairwise summation (`np.sum` of a float64 array): eight running sums in
/// blocks of up to 128 values, halves above that. scikit-learn takes a tree's root
/// gradient sums this way, and matching it bit for bit keeps split choices identical.
func numpySum(_ values: UnsafeBufferPointer<Double>) -> Double {
    let n = values.count
    if n < 8 {
        var sum = 0.0
        for value in values { sum += value }
        return sum
    }
    if n <= 128 {
        var r = (values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7])
        var i = 8
        while i < n - n % 8 {
            r.0 += values[i]; r.1 += values[i + 1]; r.2 += values[i + 2]; r.3 += values[i + 3]
            r.4 += values[i + 4]; r.5 += values[i + 5]; r.6 += values[i + 6]; r.7 += values[i + 7]
            i += 8
        }
        var sum = ((r.0 + r.1) + (r.2 + r.3)) + ((r.4 + r.5) + (r.6 + r.7))
        while i < n { sum += values[i]; i += 1 }
        return sum
    }
    var half = n / 2
    half -= half % 8
    return numpySum(UnsafeBufferPointer(rebasing: values[..<half]))
        + numpySum(UnsafeBufferPointer(rebasing: values[half...]))
}

func numpySum(_ values: [Double]) -> Double {
    values.withUnsafeBufferPointer { numpySum($0) }
}
