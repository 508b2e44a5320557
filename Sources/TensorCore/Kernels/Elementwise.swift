/// `out = a + b` elementwise (the residual connection). Any two of the three may alias.
public func addForward(out: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                       count: Int, pool: ThreadPool = .shared) {
    Elementwise(operation: .add, target: out, a: a, b: b, factor: 0).run(count: count, work: count, granule: 64, pool: pool)
}

/// `target += source` elementwise across the pool: the backward of
/// ``addForward(out:_:_:count:pool:)`` for each input, and gradient accumulation.
public func accumulate(_ target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, count: Int,
                       pool: ThreadPool = .shared) {
    Elementwise(operation: .add, target: target, a: target, b: source, factor: 0)
        .run(count: count, work: count, granule: 64, pool: pool)
}

/// `target *= factor` elementwise (gradient clipping, loss scaling).
public func scale(_ target: UnsafeMutablePointer<Float>, by factor: Float, count: Int, pool: ThreadPool = .shared) {
    Elementwise(operation: .scale, target: target, a: target, b: target, factor: factor)
        .run(count: count, work: count, granule: 64, pool: pool)
}

/// Copies `count` elements (the STREAM-like copy the bandwidth benchmark compares with).
public func copyElements(_ target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, count: Int,
                         pool: ThreadPool = .shared) {
    Elementwise(operation: .copy, target: target, a: source, b: source, factor: 0)
        .run(count: count, work: count, granule: 64, pool: pool)
}

/// `target += source` on the calling thread (for rows inside other kernels).
@inline(__always)
public func addInPlace(_ target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, count: Int) {
    Elementwise(operation: .add, target: target, a: target, b: source, factor: 0).run(0..<count)
}

/// The simple streaming kernels: one output, up to two inputs.
private struct Elementwise: RangeTask {
    enum Operation { case add, scale, copy }
    let operation: Operation
    let target: UnsafeMutablePointer<Float>, a: UnsafePointer<Float>, b: UnsafePointer<Float>
    let factor: Float

    @inline(__always)
    func run(_ range: Range<Int>) {
        let w = KernelVector.scalarCount
        var i = range.lowerBound
        switch operation {
        case .add:
            while i + w <= range.upperBound {
                storeKernelVector(loadKernelVector(a + i) + loadKernelVector(b + i), target + i)
                i += w
            }
            while i < range.upperBound { target[i] = a[i] + b[i]; i += 1 }
        case .scale:
            while i + w <= range.upperBound { storeKernelVector(loadKernelVector(a + i) * factor, target + i); i += w }
            while i < range.upperBound { target[i] = a[i] * factor; i += 1 }
        case .copy:
            (target + range.lowerBound).update(from: a + range.lowerBound, count: range.count)
        }
    }
}

/// `target[j] += Σ_i source[i, j]` for a (rows, columns) `source`: the bias gradient of a
/// linear layer. Threads own column ranges, so the sum order is fixed.
public func addColumnSums(into target: UnsafeMutablePointer<Float>, from source: UnsafePointer<Float>,
                          rows: Int, columns: Int, pool: ThreadPool = .shared) {
    ColumnSums(target: target, source: source, rows: rows, columns: columns)
        .run(count: columns, work: rows * columns, granule: 64, pool: pool)
}

private struct ColumnSums: RangeTask {
    let target: UnsafeMutablePointer<Float>, source: UnsafePointer<Float>
    let rows: Int, columns: Int

    func run(_ range: Range<Int>) {
        for i in 0..<rows {
            addInPlace(target + range.lowerBound, source + i * columns + range.lowerBound, count: range.count)
        }
    }
}
