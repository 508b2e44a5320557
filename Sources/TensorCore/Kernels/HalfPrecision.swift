// Performance notes
// - Decoding one sequence streams every weight from memory once per token: the time is
//   bytes over bandwidth (the small preset's 55 MB at ~25 GB/s on two cores here). Weights
//   stored in half precision halve the bytes; widening eight halves to floats is one
//   instruction (F16C's vcvtph2ps on x86-64, a native conversion on arm64), so the products
//   below run at memory speed with twice the weights per byte. At 27 MB the small preset
//   also fits the 32 MB L3.
// - `halfRowProduct` splits K in two fixed halves (as the fp32 GEMM's split-depth path):
//   two threads each stream one contiguous half of W. `halfDotProducts` gives each thread
//   a contiguous block of W's rows, four independent FMA chains per row so the loop is not
//   bound by FMA latency.
// - Half-precision storage needs `Float16`, which Swift lacks on macOS x86-64; there
//   ``halfPrecisionAvailable`` is false and callers keep float weights.

#if !(os(macOS) && arch(x86_64))

/// Whether this platform has the half-precision kernels.
public let halfPrecisionAvailable = true

/// Storage type of half-precision weights.
public typealias HalfWeight = Float16

@inline(__always)
private func loadWidened(_ p: UnsafePointer<Float16>) -> KernelVector {
    KernelVector(UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float16>.self))
}

/// Converts `count` floats to half precision (round to nearest even).
public func convertToHalf(_ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float16>, count: Int) {
    for i in 0..<count { target[i] = Float16(source[i]) }
}

/// `y = x · W + bias` for one or two rows, W (k, n) stored in half precision with row
/// stride `ldw`: x (m, k) with stride `ldx`, y (m, n) with stride `ldy`, bias (n) or nil.
/// Results do not depend on the pool's thread count. Uses thread 0's scratch memory.
public func halfRowProduct(m: Int, n: Int, k: Int, x: UnsafePointer<Float>, ldx: Int,
                           w: UnsafePointer<Float16>, ldw: Int, y: UnsafeMutablePointer<Float>, ldy: Int,
                           bias: UnsafePointer<Float>?, pool: ThreadPool) {
    precondition(m >= 1 && m <= 2, "halfRowProduct takes one or two rows, got \(m)")
    precondition(m * n * MemoryLayout<Float>.stride <= ThreadPool.scratchBytesPerThread, "halfRowProduct: n \(n) too large")
    let upper = pool.scratch(thread: 0).assumingMemoryBound(to: Float.self)
    let task = HalfRowProduct(m: m, n: n, k: k, x: x, ldx: ldx, w: w, ldw: ldw, y: y, ldy: ldy, bias: bias, upper: upper)
    if pool.threadCount == 1 || n * k < 65_536 {
        task.run(thread: 0, threadCount: 1)
    } else {
        pool.run(task)
    }
    for i in 0..<m { addInPlace(y + i * ldy, upper + i * n, count: n) }
}

private struct HalfRowProduct: ParallelTask {
    let m: Int, n: Int, k: Int
    let x: UnsafePointer<Float>, ldx: Int
    let w: UnsafePointer<Float16>, ldw: Int
    let y: UnsafeMutablePointer<Float>, ldy: Int
    let bias: UnsafePointer<Float>?
    /// (m, n) sums over the upper half of K.
    let upper: UnsafeMutablePointer<Float>

    func run(thread: Int, threadCount: Int) {
        let half = k / 2
        if threadCount == 1 {
            accumulate(depth: 0..<half, columns: 0..<n, into: y, ld: ldy, bias: bias)
            accumulate(depth: half..<k, columns: 0..<n, into: upper, ld: n, bias: nil)
            return
        }
        let lowerHalf = thread % 2 == 0
        let groupSize = lowerHalf ? (threadCount + 1) / 2 : threadCount / 2
        let columns = splitRange(n, parts: groupSize, part: thread / 2, granule: 64)
        guard !columns.isEmpty else { return }
        if lowerHalf {
            accumulate(depth: 0..<half, columns: columns, into: y, ld: ldy, bias: bias)
        } else {
            accumulate(depth: half..<k, columns: columns, into: upper, ld: n, bias: nil)
        }
    }

    /// out[i, columns] = bias + Σ_{p in depth} x[i, p] W[p, columns], four rows of W at a time.
    private func accumulate(depth: Range<Int>, columns: Range<Int>, into out: UnsafeMutablePointer<Float>, ld: Int,
                            bias: UnsafePointer<Float>?) {
        let v = KernelVector.scalarCount
        let blockWidth = 2048
        var jb = columns.lowerBound
        while jb < columns.upperBound {
            let width = min(blockWidth, columns.upperBound - jb)
            for i in 0..<m {
                let row = out + i * ld + jb
                if let bias { row.update(from: bias + jb, count: width) } else { row.update(repeating: 0, count: width) }
            }
            let vectorEnd = width - width % v
            var p = depth.lowerBound
            while p < depth.upperBound {
                let count = min(4, depth.upperBound - p)
                let w0 = w + p * ldw + jb
                let w1 = count > 1 ? w0 + ldw : w0, w2 = count > 2 ? w0 + 2 * ldw : w0, w3 = count > 3 ? w0 + 3 * ldw : w0
                for i in 0..<m {
                    let xi = x + i * ldx + p
                    // Depths past the range get a zero weight and re-read row p.
                    let a0 = xi[0], a1 = count > 1 ? xi[1] : 0, a2 = count > 2 ? xi[2] : 0, a3 = count > 3 ? xi[3] : 0
                    let v0 = KernelVector(repeating: a0), v1 = KernelVector(repeating: a1)
                    let v2 = KernelVector(repeating: a2), v3 = KernelVector(repeating: a3)
                    let row = out + i * ld + jb
                    var j = 0
                    while j < vectorEnd {
                        let even = loadKernelVector(row + j).addingProduct(v0, loadWidened(w0 + j)).addingProduct(v2, loadWidened(w2 + j))
                        let odd = (v1 * loadWidened(w1 + j)).addingProduct(v3, loadWidened(w3 + j))
                        storeKernelVector(even + odd, row + j)
                        j += v
                    }
                    while j < width {
                        let even = row[j].addingProduct(a0, Float(w0[j])).addingProduct(a2, Float(w2[j]))
                        let odd = (a1 * Float(w1[j])).addingProduct(a3, Float(w3[j]))
                        row[j] = even + odd
                        j += 1
                    }
                }
                p += 4
            }
            jb += width
        }
    }
}

/// `y[i, j] = x[i] · E[j]` for one or two rows: E (n, k) in half precision with row stride
/// `lde` (the LM head: logits from the tied token embedding). x (m, k), y (m, n).
public func halfDotProducts(m: Int, n: Int, k: Int, x: UnsafePointer<Float>, ldx: Int,
                            e: UnsafePointer<Float16>, lde: Int, y: UnsafeMutablePointer<Float>, ldy: Int,
                            pool: ThreadPool) {
    precondition(m >= 1 && m <= 2, "halfDotProducts takes one or two rows, got \(m)")
    let task = HalfDotProducts(m: m, n: n, k: k, x: x, ldx: ldx, e: e, lde: lde, y: y, ldy: ldy)
    if pool.threadCount == 1 || n * k < 65_536 {
        task.run(thread: 0, threadCount: 1)
    } else {
        pool.run(task)
    }
}

private struct HalfDotProducts: ParallelTask {
    let m: Int, n: Int, k: Int
    let x: UnsafePointer<Float>, ldx: Int
    let e: UnsafePointer<Float16>, lde: Int
    let y: UnsafeMutablePointer<Float>, ldy: Int

    func run(thread: Int, threadCount: Int) {
        let v = KernelVector.scalarCount
        let unrolledEnd = k - k % (4 * v), vectorEnd = k - k % v
        for j in splitRange(n, parts: threadCount, part: thread, granule: 16) {
            let row = e + j * lde
            for i in 0..<m {
                let xi = x + i * ldx
                var s0 = KernelVector(), s1 = KernelVector(), s2 = KernelVector(), s3 = KernelVector()
                var p = 0
                while p < unrolledEnd {
                    s0 = s0.addingProduct(loadKernelVector(xi + p), loadWidened(row + p))
                    s1 = s1.addingProduct(loadKernelVector(xi + p + v), loadWidened(row + p + v))
                    s2 = s2.addingProduct(loadKernelVector(xi + p + 2 * v), loadWidened(row + p + 2 * v))
                    s3 = s3.addingProduct(loadKernelVector(xi + p + 3 * v), loadWidened(row + p + 3 * v))
                    p += 4 * v
                }
                while p < vectorEnd {
                    s0 = s0.addingProduct(loadKernelVector(xi + p), loadWidened(row + p))
                    p += v
                }
                var total = laneSum((s0 + s1) + (s2 + s3))
                while p < k { total = total.addingProduct(xi[p], Float(row[p])); p += 1 }
                y[i * ldy + j] = total
            }
        }
    }
}

#else

/// Whether this platform has the half-precision kernels (Swift has no `Float16` on macOS x86-64).
public let halfPrecisionAvailable = false

#endif
