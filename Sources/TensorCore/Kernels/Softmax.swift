// Performance notes
// - Three passes over a row (max, exp and sum, scale) with vector exp; the row is in L1
//   after the first, so the kernel streams memory once.

/// Row-wise softmax: `out[i, :] = exp(inp[i, :] - max) / sum`. (N, C) each; may alias.
public func softmaxForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                           rows: Int, channels: Int, pool: ThreadPool = .shared) {
    SoftmaxForward(out: out, inp: inp, c: channels).run(count: rows, work: rows * channels, pool: pool)
}

private struct SoftmaxForward: RangeTask {
    let out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, c: Int
    func run(_ range: Range<Int>) {
        for i in range { softmaxRow(out: out + i * c, inp: inp + i * c, count: c) }
    }
}

/// The largest of `count` values.
@inline(__always)
func rowMax(_ x: UnsafePointer<Float>, count: Int) -> Float {
    let w = KernelVector.scalarCount, vectorEnd = count - count % w
    var maxVector = KernelVector(repeating: -.infinity)
    var j = 0
    while j < vectorEnd { maxVector = elementMax(maxVector, loadKernelVector(x + j)); j += w }
    var m = laneMax(maxVector)
    while j < count { m = max(m, x[j]); j += 1 }
    return m
}

/// Softmax of one row of `count` values.
@inline(__always)
func softmaxRow(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
    let w = KernelVector.scalarCount, vectorEnd = count - count % w
    let m = rowMax(inp, count: count)
    let mv = KernelVector(repeating: m)
    var acc = KernelVector()
    var j = 0
    while j < vectorEnd {
        let e = vectorExp(loadKernelVector(inp + j) - mv)
        storeKernelVector(e, out + j)
        acc += e
        j += w
    }
    var sum = laneSum(acc)
    while j < count { let e = scalarExp(inp[j] - m); out[j] = e; sum += e; j += 1 }
    let scale = 1 / sum
    let sv = KernelVector(repeating: scale)
    j = 0
    while j < vectorEnd { storeKernelVector(loadKernelVector(out + j) * sv, out + j); j += w }
    while j < count { out[j] *= scale; j += 1 }
}

/// log Σ exp(inp[j]) over one row, stable (max subtracted), reading the row twice and
/// writing nothing.
@inline(__always)
func logSumExpRow(_ inp: UnsafePointer<Float>, count: Int) -> Float {
    let w = KernelVector.scalarCount, vectorEnd = count - count % w
    let m = rowMax(inp, count: count)
    let mv = KernelVector(repeating: m)
    var acc0 = KernelVector(), acc1 = KernelVector()
    var j = 0
    while j + 2 * w <= vectorEnd {
        acc0 += vectorExp(loadKernelVector(inp + j) - mv)
        acc1 += vectorExp(loadKernelVector(inp + j + w) - mv)
        j += 2 * w
    }
    while j < vectorEnd { acc0 += vectorExp(loadKernelVector(inp + j) - mv); j += w }
    var sum = laneSum(acc0 + acc1)
    while j < count { sum += scalarExp(inp[j] - m); j += 1 }
    return m + Float(_log(Double(sum)))
}

/// Backward of softmax given its output `probs`: adds `probs * (dout - dot(dout, probs))`
/// to `dinp`. All (N, C).
public func softmaxBackward(dinp: UnsafeMutablePointer<Float>, probs: UnsafePointer<Float>,
                            dout: UnsafePointer<Float>, rows: Int, channels: Int, pool: ThreadPool = .shared) {
    SoftmaxBackward(dinp: dinp, probs: probs, dout: dout, channels: channels)
        .run(count: rows, work: rows * channels, pool: pool)
}

private struct SoftmaxBackward: RangeTask {
    let dinp: UnsafeMutablePointer<Float>, probs: UnsafePointer<Float>, dout: UnsafePointer<Float>, channels: Int

    func run(_ range: Range<Int>) {
        let w = KernelVector.scalarCount, vectorEnd = channels - channels % w
        for i in range {
            let y = probs + i * channels, dy = dout + i * channels, dx = dinp + i * channels
            var acc = KernelVector()
            var j = 0
            while j < vectorEnd { acc = acc.addingProduct(loadKernelVector(y + j), loadKernelVector(dy + j)); j += w }
            var dot = laneSum(acc)
            while j < channels { dot += y[j] * dy[j]; j += 1 }
            let dv = KernelVector(repeating: dot)
            j = 0
            while j < vectorEnd {
                let g = loadKernelVector(y + j) * (loadKernelVector(dy + j) - dv)
                storeKernelVector(loadKernelVector(dx + j) + g, dx + j)
                j += w
            }
            while j < channels { dx[j] += y[j] * (dy[j] - dot); j += 1 }
        }
    }
}
