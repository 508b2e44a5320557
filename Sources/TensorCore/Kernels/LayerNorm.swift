// Performance notes
// - One pass for the mean, one for the variance around it (two-pass is as fast here:
//   the row is in L1 after the first pass, and it is exact where E[x²]-E[x]² cancels).
// - Backward splits dinp by rows and dweight/dbias by channels within one pool job, so
//   no partial sums are combined and results do not depend on the thread count.

/// The epsilon of GPT-2's layer norm.
public let layerNormEpsilon: Float = 1e-5

/// Layer norm over the last axis: `out = (inp - mean) * rstd * weight + bias`.
///
/// - Parameters:
///   - out: (N, C) result.
///   - mean: (N) per-row mean, kept for backward.
///   - rstd: (N) per-row 1 / sqrt(variance + eps), kept for backward.
///   - inp: (N, C) input. weight, bias: (C).
public func layerNormForward(out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                             rstd: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                             weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                             rows: Int, channels: Int, pool: ThreadPool = .shared) {
    LayerNormForward(out: out, mean: mean, rstd: rstd, inp: inp, weight: weight, bias: bias, c: channels)
        .run(count: rows, work: rows * channels, pool: pool)
}

private struct LayerNormForward: RangeTask {
    let out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>
    let inp: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>
    let c: Int

    func run(_ range: Range<Int>) {
        let w = KernelVector.scalarCount, vectorEnd = c - c % w
        for i in range {
            let x = inp + i * c, y = out + i * c
            var acc = KernelVector()
            var j = 0
            while j < vectorEnd { acc += loadKernelVector(x + j); j += w }
            var sum = laneSum(acc)
            while j < c { sum += x[j]; j += 1 }
            let m = sum / Float(c)
            let mv = KernelVector(repeating: m)
            acc = KernelVector()
            j = 0
            while j < vectorEnd { let d = loadKernelVector(x + j) - mv; acc = acc.addingProduct(d, d); j += w }
            var squares = laneSum(acc)
            while j < c { let d = x[j] - m; squares += d * d; j += 1 }
            let s = 1 / (squares / Float(c) + layerNormEpsilon).squareRoot()
            let sv = KernelVector(repeating: s)
            j = 0
            while j < vectorEnd {
                let normed = (loadKernelVector(x + j) - mv) * sv
                storeKernelVector(loadKernelVector(bias + j).addingProduct(normed, loadKernelVector(weight + j)), y + j)
                j += w
            }
            while j < c { y[j] = (x[j] - m) * s * weight[j] + bias[j]; j += 1 }
            mean[i] = m
            rstd[i] = s
        }
    }
}

/// Backward of ``layerNormForward(out:mean:rstd:inp:weight:bias:rows:channels:pool:)``:
/// adds to `dinp` (N, C), `dweight` (C) and `dbias` (C), given `dout` (N, C) and the
/// forward's `inp`, `weight`, `mean` and `rstd`.
public func layerNormBackward(dinp: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>,
                              dbias: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                              inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                              mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                              rows: Int, channels: Int, pool: ThreadPool = .shared) {
    let task = LayerNormBackward(dinp: dinp, dweight: dweight, dbias: dbias, dout: dout, inp: inp, weight: weight,
                                 mean: mean, rstd: rstd, rows: rows, c: channels)
    if rows * channels < parallelThreshold || pool.threadCount == 1 {
        task.run(thread: 0, threadCount: 1)
    } else {
        pool.run(task)
    }
}

private struct LayerNormBackward: ParallelTask {
    let dinp: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>, dbias: UnsafeMutablePointer<Float>
    let dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>
    let mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>
    let rows: Int, c: Int

    func run(thread: Int, threadCount: Int) {
        inputRows(splitRange(rows, parts: threadCount, part: thread))
        parameterColumns(splitRange(c, parts: threadCount, part: thread, granule: 16))
    }

    /// dinp for a range of rows: each row needs two reductions over its channels.
    private func inputRows(_ range: Range<Int>) {
        let w = KernelVector.scalarCount, vectorEnd = c - c % w
        for i in range {
            let x = inp + i * c, dy = dout + i * c, dx = dinp + i * c
            let mv = KernelVector(repeating: mean[i]), sv = KernelVector(repeating: rstd[i])
            var accMean = KernelVector(), accNorm = KernelVector()
            var j = 0
            while j < vectorEnd {
                let normed = (loadKernelVector(x + j) - mv) * sv
                let g = loadKernelVector(weight + j) * loadKernelVector(dy + j)
                accMean += g
                accNorm = accNorm.addingProduct(g, normed)
                j += w
            }
            var sumG = laneSum(accMean), sumGN = laneSum(accNorm)
            while j < c {
                let normed = (x[j] - mean[i]) * rstd[i]
                let g = weight[j] * dy[j]
                sumG += g; sumGN += g * normed
                j += 1
            }
            let gMean = sumG / Float(c), gnMean = sumGN / Float(c)
            let gMeanVector = KernelVector(repeating: gMean), gnMeanVector = KernelVector(repeating: gnMean)
            j = 0
            while j < vectorEnd {
                let normed = (loadKernelVector(x + j) - mv) * sv
                let g = loadKernelVector(weight + j) * loadKernelVector(dy + j)
                let delta = (g - gMeanVector - normed * gnMeanVector) * sv
                storeKernelVector(loadKernelVector(dx + j) + delta, dx + j)
                j += w
            }
            while j < c {
                let normed = (x[j] - mean[i]) * rstd[i]
                dx[j] += (weight[j] * dy[j] - gMean - normed * gnMean) * rstd[i]
                j += 1
            }
        }
    }

    /// dweight and dbias for a range of channels, summed over every row in row order.
    private func parameterColumns(_ range: Range<Int>) {
        let w = KernelVector.scalarCount
        for i in 0..<rows {
            let x = inp + i * c, dy = dout + i * c
            let m = mean[i], s = rstd[i]
            var j = range.lowerBound
            while j + w <= range.upperBound {
                let g = loadKernelVector(dy + j)
                let normed = (loadKernelVector(x + j) - m) * s
                storeKernelVector(loadKernelVector(dweight + j).addingProduct(normed, g), dweight + j)
                storeKernelVector(loadKernelVector(dbias + j) + g, dbias + j)
                j += w
            }
            while j < range.upperBound {
                dweight[j] += (x[j] - m) * s * dy[j]
                dbias[j] += dy[j]
                j += 1
            }
        }
    }
}
