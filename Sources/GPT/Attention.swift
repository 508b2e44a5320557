// Performance notes
// - The fused kernel works on tiles of 64 queries by 64 keys within one (batch, head):
//   scores, an online softmax (running max and sum per row, the accumulator rescaled
//   when the max grows) and the weighted sum of values, every product a small GEMM on
//   the packed micro-kernel; only each row's log-sum-exp is kept for backward, which
//   recomputes the probabilities. Memory is one tile, never T x T. (A first version
//   went row by row with dot products of length HS: 2-3x slower, bound by horizontal
//   sums.)
// - (batch, head) pairs are split across the pool's threads in a fixed way; each pair
//   writes only its own slices of the output and gradients, so there are no races and
//   results do not depend on the thread count.

import Foundation
import TensorCore

/// Keys per tile in the fused kernels.
let attentionTile = 64

@inline(__always)
func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
    let w = KernelVector.scalarCount
    var acc = KernelVector()
    var i = 0
    while i + w <= count {
        acc = acc.addingProduct(UnsafeRawPointer(a + i).loadUnaligned(as: KernelVector.self),
                                UnsafeRawPointer(b + i).loadUnaligned(as: KernelVector.self))
        i += w
    }
    var sum = laneSum(acc)
    while i < count { sum += a[i] * b[i]; i += 1 }
    return sum
}

/// `y += alpha * x` over `count` values.
@inline(__always)
func axpy(_ y: UnsafeMutablePointer<Float>, _ alpha: Float, _ x: UnsafePointer<Float>, _ count: Int) {
    let w = KernelVector.scalarCount
    var i = 0
    while i + w <= count {
        let value = UnsafeRawPointer(y + i).loadUnaligned(as: KernelVector.self)
            .addingProduct(KernelVector(repeating: alpha), UnsafeRawPointer(x + i).loadUnaligned(as: KernelVector.self))
        UnsafeMutableRawPointer(y + i).storeBytes(of: value, as: KernelVector.self)
        i += w
    }
    while i < count { y[i] += alpha * x[i]; i += 1 }
}

/// `values[i] = exp(values[i] - shift)` for `count` values, eight at a time.
@inline(__always)
func expShifted(_ values: UnsafeMutablePointer<Float>, count: Int, shift: Float) -> Float {
    let w = KernelVector.scalarCount
    var sum = KernelVector()
    var i = 0
    let shiftVector = KernelVector(repeating: shift)
    while i + w <= count {
        let e = vectorExp(UnsafeRawPointer(values + i).loadUnaligned(as: KernelVector.self) - shiftVector)
        UnsafeMutableRawPointer(values + i).storeBytes(of: e, as: KernelVector.self)
        sum += e
        i += w
    }
    var total = laneSum(sum)
    while i < count { values[i] = scalarExp(values[i] - shift); total += values[i]; i += 1 }
    return total
}

/// Shapes of one attention call.
public struct AttentionShape: Sendable {
    public var batch: Int, time: Int, channels: Int, heads: Int
    public init(batch: Int, time: Int, channels: Int, heads: Int) {
        precondition(channels % heads == 0, "channels \(channels) must divide into \(heads) heads")
        self.batch = batch; self.time = time; self.channels = channels; self.heads = heads
    }
    var headSize: Int { channels / heads }
    var scale: Float { 1 / Float(headSize).squareRoot() }
}

/// Fused causal self-attention.
///
/// - Parameters:
///   - out: (B, T, C) result, heads side by side.
///   - logSumExp: (B, NH, T) per query row, kept for backward.
///   - qkv: (B, T, 3C): queries, keys and values of each position, heads side by side.
public func attentionForward(out: UnsafeMutablePointer<Float>, logSumExp: UnsafeMutablePointer<Float>,
                             qkv: UnsafePointer<Float>, shape: AttentionShape, pool: ThreadPool = .shared) {
    let task = AttentionTiles(backward: false, out: out, logSumExp: logSumExp, qkv: qkv, dqkv: nil, dout: nil, shape: shape)
    if shape.batch * shape.heads == 1 || pool.threadCount == 1 { task.run(thread: 0, threadCount: 1) } else { pool.run(task) }
}

/// Backward of ``attentionForward(out:logSumExp:qkv:shape:pool:)``: adds to `dqkv` (B, T, 3C)
/// given `dout` (B, T, C), the forward's `out` and `logSumExp`, and `qkv`. Probabilities
/// are recomputed from the scores and the log-sum-exp.
public func attentionBackward(dqkv: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                              out: UnsafePointer<Float>, logSumExp: UnsafePointer<Float>,
                              qkv: UnsafePointer<Float>, shape: AttentionShape, pool: ThreadPool = .shared) {
    let task = AttentionTiles(backward: true, out: UnsafeMutablePointer(mutating: out),
                              logSumExp: UnsafeMutablePointer(mutating: logSumExp), qkv: qkv, dqkv: dqkv, dout: dout, shape: shape)
    if shape.batch * shape.heads == 1 || pool.threadCount == 1 { task.run(thread: 0, threadCount: 1) } else { pool.run(task) }
}

/// Tiles of 64 queries against tiles of 64 keys, every product a small GEMM: scores
/// S = Q Kᵀ, then (forward) an online softmax and O += P V, or (backward) P from the
/// log-sum-exp, dV += Pᵀ dO, dP = dO Vᵀ, dS = P (dP - D), dQ += dS K, dK += dSᵀ Q.
/// Each thread takes whole (batch, head) pairs and calls the GEMM on its own
/// single-thread pool, so no two threads share scratch memory or outputs.
private struct AttentionTiles: ParallelTask {
    let backward: Bool
    let out: UnsafeMutablePointer<Float>, logSumExp: UnsafeMutablePointer<Float>
    let qkv: UnsafePointer<Float>
    let dqkv: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>?
    let shape: AttentionShape

    func run(thread: Int, threadCount: Int) {
        let pairs = splitRange(shape.batch * shape.heads, parts: threadCount, part: thread)
        guard !pairs.isEmpty else { return }
        let pool = ThreadPool.serial(thread)
        let tile = attentionTile, HS = shape.headSize
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * tile * tile + tile * HS + 3 * tile) { scratch in
            let scores = scratch.baseAddress!, second = scores + tile * tile, accumulator = second + tile * tile
            let rowMax = accumulator + tile * HS, rowSum = rowMax + tile, rowDelta = rowSum + tile
            for pair in pairs {
                if backward {
                    backwardPair(pair, scores, second, rowDelta, pool)
                } else {
                    forwardPair(pair, scores, accumulator, rowMax, rowSum, pool)
                }
            }
        }
    }

    /// Sets `scores` (rows x cols, stride tile) to scale · Q[t0...] K[s0...]ᵀ with the causal
    /// mask (-inf where key > query).
    @inline(__always)
    private func computeScores(_ scores: UnsafeMutablePointer<Float>, base: UnsafePointer<Float>, h: Int,
                               t0: Int, rows: Int, s0: Int, cols: Int, pool: ThreadPool) {
        let (C, HS) = (shape.channels, shape.headSize)
        gemm(transA: false, transB: true, m: rows, n: cols, k: HS, alpha: shape.scale,
             a: base + t0 * 3 * C + h * HS, lda: 3 * C, b: base + s0 * 3 * C + C + h * HS, ldb: 3 * C,
             c: scores, ldc: attentionTile, pool: pool)
        if s0 + cols > t0 + 1 {
            for r in 0..<rows {
                let row = scores + r * attentionTile
                var j = max(0, t0 + r + 1 - s0)
                while j < cols { row[j] = -.infinity; j += 1 }
            }
        }
    }

    private func forwardPair(_ pair: Int, _ scores: UnsafeMutablePointer<Float>, _ accumulator: UnsafeMutablePointer<Float>,
                             _ rowMax: UnsafeMutablePointer<Float>, _ rowSum: UnsafeMutablePointer<Float>, _ pool: ThreadPool) {
        let (T, C, NH, HS) = (shape.time, shape.channels, shape.heads, shape.headSize)
        let tile = attentionTile
        let b = pair / NH, h = pair % NH
        let base = qkv + b * T * 3 * C
        var t0 = 0
        while t0 < T {
            let rows = min(tile, T - t0)
            for r in 0..<rows { rowMax[r] = -.infinity; rowSum[r] = 0 }
            accumulator.update(repeating: 0, count: rows * HS)
            var s0 = 0
            while s0 < t0 + rows {
                let cols = min(tile, t0 + rows - s0)
                computeScores(scores, base: base, h: h, t0: t0, rows: rows, s0: s0, cols: cols, pool: pool)
                for r in 0..<rows {
                    let row = scores + r * tile
                    var m = rowMax[r]
                    for j in 0..<cols where row[j] > m { m = row[j] }
                    let correction = scalarExp(rowMax[r] - m)
                    rowSum[r] = rowSum[r] * correction + expShifted(row, count: cols, shift: m)
                    if correction != 1 { for i in 0..<HS { accumulator[r * HS + i] *= correction } }
                    rowMax[r] = m
                }
                gemm(transA: false, transB: false, m: rows, n: HS, k: cols, a: scores, lda: tile,
                     b: base + s0 * 3 * C + 2 * C + h * HS, ldb: 3 * C, beta: 1, c: accumulator, ldc: HS, pool: pool)
                s0 += cols
            }
            for r in 0..<rows {
                let y = out + (b * T + t0 + r) * C + h * HS, inverse = 1 / rowSum[r]
                for i in 0..<HS { y[i] = accumulator[r * HS + i] * inverse }
                logSumExp[(b * NH + h) * T + t0 + r] = rowMax[r] + log(rowSum[r])
            }
            t0 += rows
        }
    }

    private func backwardPair(_ pair: Int, _ probabilities: UnsafeMutablePointer<Float>, _ dscores: UnsafeMutablePointer<Float>,
                              _ rowDelta: UnsafeMutablePointer<Float>, _ pool: ThreadPool) {
        let (T, C, NH, HS) = (shape.time, shape.channels, shape.heads, shape.headSize)
        let tile = attentionTile
        let b = pair / NH, h = pair % NH
        let base = qkv + b * T * 3 * C, dbase = dqkv! + b * T * 3 * C
        let dy = dout! + b * T * C + h * HS
        var t0 = 0
        while t0 < T {
            let rows = min(tile, T - t0)
            for r in 0..<rows {
                rowDelta[r] = dot(dy + (t0 + r) * C, out + (b * T + t0 + r) * C + h * HS, HS)   // Σ_j p_j (dy · v_j)
            }
            var s0 = 0
            while s0 < t0 + rows {
                let cols = min(tile, t0 + rows - s0)
                computeScores(probabilities, base: base, h: h, t0: t0, rows: rows, s0: s0, cols: cols, pool: pool)
                for r in 0..<rows {
                    _ = expShifted(probabilities + r * tile, count: cols, shift: logSumExp[(b * NH + h) * T + t0 + r])
                }
                // dV[s0...] += Pᵀ dO[t0...]
                gemm(transA: true, transB: false, m: cols, n: HS, k: rows, a: probabilities, lda: tile,
                     b: dy + t0 * C, ldb: C, beta: 1, c: dbase + s0 * 3 * C + 2 * C + h * HS, ldc: 3 * C, pool: pool)
                // dP = dO Vᵀ, then dS = P (dP - D) · scale, in place.
                gemm(transA: false, transB: true, m: rows, n: cols, k: HS, a: dy + t0 * C, lda: C,
                     b: base + s0 * 3 * C + 2 * C + h * HS, ldb: 3 * C, c: dscores, ldc: tile, pool: pool)
                for r in 0..<rows {
                    let p = probabilities + r * tile, ds = dscores + r * tile, delta = rowDelta[r]
                    for j in 0..<cols { ds[j] = p[j] * (ds[j] - delta) * shape.scale }
                }
                // dQ[t0...] += dS K[s0...];  dK[s0...] += dSᵀ Q[t0...]
                gemm(transA: false, transB: false, m: rows, n: HS, k: cols, a: dscores, lda: tile,
                     b: base + s0 * 3 * C + C + h * HS, ldb: 3 * C, beta: 1, c: dbase + t0 * 3 * C + h * HS, ldc: 3 * C, pool: pool)
                gemm(transA: true, transB: false, m: cols, n: HS, k: rows, a: dscores, lda: tile,
                     b: base + t0 * 3 * C + h * HS, ldb: 3 * C, beta: 1, c: dbase + s0 * 3 * C + C + h * HS, ldc: 3 * C, pool: pool)
                s0 += cols
            }
            t0 += rows
        }
    }
}

/// The plain attention: the full (T, T) scores and probabilities of every head, then their
/// weighted sum. The test reference and benchmark baseline for the fused kernel.
///
/// - Parameters:
///   - out: (B, T, C). probabilities: (B, NH, T, T), kept for backward (zero above the diagonal).
public func attentionForwardMaterialized(out: UnsafeMutablePointer<Float>, probabilities: UnsafeMutablePointer<Float>,
                                         qkv: UnsafePointer<Float>, shape: AttentionShape) {
    let (B, T, C, NH, HS) = (shape.batch, shape.time, shape.channels, shape.heads, shape.headSize)
    for b in 0..<B {
        for h in 0..<NH {
            let base = qkv + b * T * 3 * C
            for t in 0..<T {
                let row = probabilities + ((b * NH + h) * T + t) * T
                let q = base + t * 3 * C + h * HS
                var m = -Float.infinity
                for j in 0...t { row[j] = dot(q, base + j * 3 * C + C + h * HS, HS) * shape.scale; m = max(m, row[j]) }
                var sum: Float = 0
                for j in 0...t { row[j] = scalarExp(row[j] - m); sum += row[j] }
                for j in 0...t { row[j] /= sum }
                for j in (t + 1)..<T { row[j] = 0 }
                let y = out + (b * T + t) * C + h * HS
                y.update(repeating: 0, count: HS)
                for j in 0...t { axpy(y, row[j], base + j * 3 * C + 2 * C + h * HS, HS) }
            }
        }
    }
}

/// Backward of ``attentionForwardMaterialized(out:probabilities:qkv:shape:)``: adds to `dqkv`.
/// `scratch` holds T floats.
public func attentionBackwardMaterialized(dqkv: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                                          probabilities: UnsafePointer<Float>, qkv: UnsafePointer<Float>,
                                          shape: AttentionShape, scratch: UnsafeMutablePointer<Float>) {
    let (B, T, C, NH, HS) = (shape.batch, shape.time, shape.channels, shape.heads, shape.headSize)
    for b in 0..<B {
        for h in 0..<NH {
            let base = qkv + b * T * 3 * C, dbase = dqkv + b * T * 3 * C
            for t in 0..<T {
                let row = probabilities + ((b * NH + h) * T + t) * T
                let dy = dout + (b * T + t) * C + h * HS
                // dP_j = dy · v_j; dS_j = P_j (dP_j - Σ_k P_k dP_k)
                var weighted: Float = 0
                for j in 0...t { scratch[j] = dot(dy, base + j * 3 * C + 2 * C + h * HS, HS); weighted += row[j] * scratch[j] }
                let q = base + t * 3 * C + h * HS
                for j in 0...t {
                    let ds = row[j] * (scratch[j] - weighted) * shape.scale
                    axpy(dbase + t * 3 * C + h * HS, ds, base + j * 3 * C + C + h * HS, HS)
                    axpy(dbase + j * 3 * C + C + h * HS, ds, q, HS)
                    axpy(dbase + j * 3 * C + 2 * C + h * HS, row[j], dy, HS)
                }
            }
        }
    }
}
