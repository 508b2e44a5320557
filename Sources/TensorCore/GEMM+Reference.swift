/// The plain triple loop GEMM, accumulating in Double: the documentation of what
/// ``gemm(transA:transB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:bias:pool:)`` computes, and its
/// reference in tests. Same arguments, same meaning.
public func gemmReference(transA: Transpose, transB: Transpose, m: Int, n: Int, k: Int,
                          alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                          b: UnsafePointer<Float>, ldb: Int,
                          beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int,
                          bias: UnsafePointer<Float>? = nil) {
    for i in 0..<m {
        for j in 0..<n {
            var sum = 0.0
            for p in 0..<k {
                let x = transA ? a[p * lda + i] : a[i * lda + p]
                let y = transB ? b[j * ldb + p] : b[p * ldb + j]
                sum += Double(x) * Double(y)
            }
            var value = Double(alpha) * sum
            if beta != 0 { value += Double(beta) * Double(c[i * ldc + j]) }
            if let bias { value += Double(bias[j]) }
            c[i * ldc + j] = Float(value)
        }
    }
}
