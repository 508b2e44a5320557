// Performance notes
// - The fused kernel works row by row within one (batch, head): scores for a tile of
//   64 keys at a time, an online softmax (running max and sum, the accumulator rescaled
//   when the max grows), and the weighted sum of values; only the row's log-sum-exp is
//   kept for backward, which recomputes the probabilities. Memory is O(T) per head,
//   never T x T.
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
    let task = AttentionForward(out: out, logSumExp: logSumExp, qkv: qkv, shape: shape)
    if shape.batch * shape.time * shape.time * shape.channels < 1 << 16 { task.run(0..<(shape.batch * shape.heads)) }
    else { task.run(count: shape.batch * shape.heads, work: Int.max, pool: pool) }
}

private struct AttentionForward: RangeTask {
    let out: UnsafeMutablePointer<Float>, logSumExp: UnsafeMutablePointer<Float>, qkv: UnsafePointer<Float>
    let shape: AttentionShape

    func run(_ range: Range<Int>) {
        let (T, C, NH, HS) = (shape.time, shape.channels, shape.heads, shape.headSize)
        let scale = shape.scale
        withUnsafeTemporaryAllocation(of: Float.self, capacity: attentionTile + HS) { scratch in
            let scores = scratch.baseAddress!, acc = scores + attentionTile
            for pair in range {
                let b = pair / NH, h = pair % NH
                let base = qkv + b * T * 3 * C
                for t in 0..<T {
                    let q = base + t * 3 * C + h * HS
                    var runningMax = -Float.infinity, runningSum: Float = 0
                    acc.update(repeating: 0, count: HS)
                    var start = 0
                    while start <= t {
                        let end = min(t + 1, start + attentionTile)
                        var tileMax = -Float.infinity
                        for j in start..<end {
                            let s = dot(q, base + j * 3 * C + C + h * HS, HS) * scale
                            scores[j - start] = s
                            tileMax = max(tileMax, s)
                        }
                        let newMax = max(runningMax, tileMax)
                        let correction = scalarExp(runningMax - newMax)
                        if correction != 1 {
                            runningSum *= correction
                            for i in 0..<HS { acc[i] *= correction }
                        }
                        runningSum += expShifted(scores, count: end - start, shift: newMax)
                        for j in start..<end {
                            axpy(acc, scores[j - start], base + j * 3 * C + 2 * C + h * HS, HS)
                        }
                        runningMax = newMax
                        start = end
                    }
                    let y = out + (b * T + t) * C + h * HS
                    let inverse = 1 / runningSum
                    for i in 0..<HS { y[i] = acc[i] * inverse }
                    logSumExp[(b * NH + h) * T + t] = runningMax + log(runningSum)
                }
            }
        }
    }
}

/// Backward of ``attentionForward(out:logSumExp:qkv:shape:pool:)``: adds to `dqkv` (B, T, 3C)
/// given `dout` (B, T, C), the forward's `out` and `logSumExp`, and `qkv`. Probabilities
/// are recomputed from the scores and the log-sum-exp.
public func attentionBackward(dqkv: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                              out: UnsafePointer<Float>, logSumExp: UnsafePointer<Float>,
                              qkv: UnsafePointer<Float>, shape: AttentionShape, pool: ThreadPool = .shared) {
    let task = AttentionBackward(dqkv: dqkv, dout: dout, out: out, logSumExp: logSumExp, qkv: qkv, shape: shape)
    if shape.batch * shape.time * shape.time * shape.channels < 1 << 16 { task.run(0..<(shape.batch * shape.heads)) }
    else { task.run(count: shape.batch * shape.heads, work: Int.max, pool: pool) }
}

private struct AttentionBackward: RangeTask {
    let dqkv: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, out: UnsafePointer<Float>
    let logSumExp: UnsafePointer<Float>, qkv: UnsafePointer<Float>
    let shape: AttentionShape

    func run(_ range: Range<Int>) {
        let (T, C, NH, HS) = (shape.time, shape.channels, shape.heads, shape.headSize)
        let scale = shape.scale
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * attentionTile) { scratch in
            let probabilities = scratch.baseAddress!, dscores = probabilities + attentionTile
            for pair in range {
                let b = pair / NH, h = pair % NH
                let base = qkv + b * T * 3 * C, dbase = dqkv + b * T * 3 * C
                for t in 0..<T {
                    let q = base + t * 3 * C + h * HS, dq = dbase + t * 3 * C + h * HS
                    let dy = dout + (b * T + t) * C + h * HS, y = out + (b * T + t) * C + h * HS
                    let lse = logSumExp[(b * NH + h) * T + t]
                    let rowDot = dot(dy, y, HS)   // Σ_j p_j (dy · v_j)
                    var start = 0
                    while start <= t {
                        let end = min(t + 1, start + attentionTile), n = end - start
                        for j in start..<end { probabilities[j - start] = dot(q, base + j * 3 * C + C + h * HS, HS) * scale }
                        _ = expShifted(probabilities, count: n, shift: lse)
                        for j in start..<end {
                            let p = probabilities[j - start]
                            dscores[j - start] = p * (dot(dy, base + j * 3 * C + 2 * C + h * HS, HS) - rowDot) * scale
                        }
                        for j in start..<end {
                            let ds = dscores[j - start]
                            axpy(dq, ds, base + j * 3 * C + C + h * HS, HS)
                            axpy(dbase + j * 3 * C + C + h * HS, ds, q, HS)
                            axpy(dbase + j * 3 * C + 2 * C + h * HS, probabilities[j - start], dy, HS)
                        }
                        start = end
                    }
                }
            }
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
