// Performance notes
// - Swift never reassociates float `+=`, so a scalar loop stays a scalar dependency chain
//   (about 2.4 GFLOP/s). Four vector accumulators break the chain; each thread's partial
//   is combined in Double in thread order, so a result is fixed for a given thread count.

/// Which reduction ``reduce(_:count:_:pool:)`` computes.
public enum Reduction: Sendable {
    /// Σ x
    case sum
    /// Σ x²
    case squaredNorm
    /// max x (−∞ for an empty input)
    case max
}

/// Reduces `count` elements to one value.
public func reduce(_ x: UnsafePointer<Float>, count: Int, _ kind: Reduction, pool: ThreadPool = .shared) -> Float {
    if count < parallelThreshold || pool.threadCount == 1 {
        return Float(reducePart(x, 0..<count, kind))
    }
    // Partials live on the stack of this call: one slot per thread.
    return withUnsafeTemporaryAllocation(of: Double.self, capacity: pool.threadCount) { partials in
        pool.run(ReduceShare(x: x, count: count, kind: kind, partials: partials.baseAddress!))
        var total = kind == .max ? -Double.infinity : 0
        for value in partials {
            total = kind == .max ? Swift.max(total, value) : total + value
        }
        return Float(total)
    }
}

private struct ReduceShare: ParallelTask {
    let x: UnsafePointer<Float>, count: Int, kind: Reduction
    let partials: UnsafeMutablePointer<Double>

    func run(thread: Int, threadCount: Int) {
        partials[thread] = reducePart(x, splitRange(count, parts: threadCount, part: thread, granule: 64), kind)
    }
}

@inline(__always)
private func reducePart(_ x: UnsafePointer<Float>, _ range: Range<Int>, _ kind: Reduction) -> Double {
    let w = KernelVector.scalarCount
    let start = KernelVector(repeating: kind == .max ? -.infinity : 0)
    var a0 = start, a1 = start, a2 = start, a3 = start
    var i = range.lowerBound
    let end = range.upperBound
    switch kind {
    case .sum:
        while i + 4 * w <= end {
            a0 += loadKernelVector(x + i); a1 += loadKernelVector(x + i + w)
            a2 += loadKernelVector(x + i + 2 * w); a3 += loadKernelVector(x + i + 3 * w)
            i += 4 * w
        }
    case .squaredNorm:
        while i + 4 * w <= end {
            let v0 = loadKernelVector(x + i), v1 = loadKernelVector(x + i + w)
            let v2 = loadKernelVector(x + i + 2 * w), v3 = loadKernelVector(x + i + 3 * w)
            a0 = a0.addingProduct(v0, v0); a1 = a1.addingProduct(v1, v1)
            a2 = a2.addingProduct(v2, v2); a3 = a3.addingProduct(v3, v3)
            i += 4 * w
        }
    case .max:
        while i + 4 * w <= end {
            a0 = elementMax(a0, loadKernelVector(x + i)); a1 = elementMax(a1, loadKernelVector(x + i + w))
            a2 = elementMax(a2, loadKernelVector(x + i + 2 * w)); a3 = elementMax(a3, loadKernelVector(x + i + 3 * w))
            i += 4 * w
        }
    }
    if kind == .max {
        var m = Double(laneMax(elementMax(elementMax(a0, a1), elementMax(a2, a3))))
        while i < end { m = Swift.max(m, Double(x[i])); i += 1 }
        return m
    }
    var total = Double(laneSum(a0)) + Double(laneSum(a1)) + Double(laneSum(a2)) + Double(laneSum(a3))
    while i < end {
        let v = Double(x[i])
        total += kind == .sum ? v : v * v
        i += 1
    }
    return total
}
