/// Cross-entropy of softmax(logits) against target ids, one loss per row:
/// `losses[i] = logsumexp(logits[i, :]) - logits[i, targets[i]]`.
///
/// A negative target marks a row to ignore (padding): its loss is 0. Targets at or past
/// `vocabulary` stop the process with a message: check ids where they enter.
///
/// - Parameters:
///   - losses: (N) result.
///   - logits: (N, V), unchanged.
///   - targets: (N) ids.
public func crossEntropyForward(losses: UnsafeMutablePointer<Float>, logits: UnsafePointer<Float>,
                                targets: UnsafePointer<Int32>, rows: Int, vocabulary: Int,
                                pool: ThreadPool = .shared) {
    CrossEntropyForward(losses: losses, logits: logits, targets: targets, v: vocabulary)
        .run(count: rows, work: rows * vocabulary, pool: pool)
}

private struct CrossEntropyForward: RangeTask {
    let losses: UnsafeMutablePointer<Float>, logits: UnsafePointer<Float>, targets: UnsafePointer<Int32>
    let v: Int

    func run(_ range: Range<Int>) {
        for i in range {
            let target = Int(targets[i])
            precondition(target < v, "crossEntropyForward: target \(target) at row \(i) is not below the vocabulary size \(v)")
            if target < 0 { losses[i] = 0; continue }
            let row = logits + i * v
            losses[i] = logSumExpRow(row, count: v) - row[target]
        }
    }
}

/// Backward of ``crossEntropyForward(losses:logits:targets:rows:vocabulary:pool:)``: adds
/// `dlosses[i] * (softmax(logits[i]) - onehot(targets[i]))` to `dlogits` (N, V); with
/// `overwrite` it stores that instead of adding. Rows with a negative target get nothing
/// (zeros when overwriting). With `overwrite`, `dlogits` may be the same memory as
/// `logits`: the logits are replaced by their gradient, so training needs no second
/// (N, V) buffer.
public func crossEntropyBackward(dlogits: UnsafeMutablePointer<Float>, logits: UnsafePointer<Float>,
                                 targets: UnsafePointer<Int32>, dlosses: UnsafePointer<Float>,
                                 rows: Int, vocabulary: Int, overwrite: Bool = false,
                                 pool: ThreadPool = .shared) {
    CrossEntropyBackward(dlogits: dlogits, logits: logits, targets: targets, dlosses: dlosses, v: vocabulary,
                         overwrite: overwrite)
        .run(count: rows, work: rows * vocabulary, pool: pool)
}

private struct CrossEntropyBackward: RangeTask {
    let dlogits: UnsafeMutablePointer<Float>, logits: UnsafePointer<Float>, targets: UnsafePointer<Int32>
    let dlosses: UnsafePointer<Float>, v: Int, overwrite: Bool

    func run(_ range: Range<Int>) {
        let w = KernelVector.scalarCount, vectorEnd = v - v % w
        for i in range {
            let target = Int(targets[i])
            precondition(target < v, "crossEntropyBackward: target \(target) at row \(i) is not below the vocabulary size \(v)")
            let row = logits + i * v, grad = dlogits + i * v
            if target < 0 {
                if overwrite { grad.update(repeating: 0, count: v) }
                continue
            }
            let g = dlosses[i]
            // Recompute the softmax from the row's log-sum-exp: p = exp(x - lse).
            let lse = logSumExpRow(row, count: v)
            let shift = KernelVector(repeating: lse), scale = KernelVector(repeating: g)
            var j = 0
            while j < vectorEnd {
                let p = vectorExp(loadKernelVector(row + j) - shift) * scale
                storeKernelVector(overwrite ? p : loadKernelVector(grad + j) + p, grad + j)
                j += w
            }
            while j < v {
                let p = scalarExp(row[j] - lse) * g
                grad[j] = overwrite ? p : grad[j] + p
                j += 1
            }
            grad[target] -= g
        }
    }
}
