extension Tensor {
    /// The tensor as a matrix: all leading axes flattened into rows, the last axis columns.
    var matrixShape: (rows: Int, columns: Int) {
        let columns = shape.last ?? 1
        return (columns == 0 ? 0 : count / columns, columns)
    }

    /// `c = alpha * op(a) * op(b) + beta * c (+ bias)` with shapes checked, where each tensor
    /// is read as a matrix (leading axes flattened). Throws
    /// ``TensorCoreError/shapeMismatch(operation:expected:got:)`` naming both operands'
    /// shapes when they do not fit.
    public static func matmul(_ a: Tensor, _ b: Tensor, transA: Bool = false, transB: Bool = false,
                              into c: Tensor, alpha: Float = 1, beta: Float = 0, bias: Tensor? = nil,
                              pool: ThreadPool = .shared) throws {
        let operation = "matmul of A \(formatShape(a.shape))\(transA ? "ᵀ" : "") and B \(formatShape(b.shape))\(transB ? "ᵀ" : "")"
        guard a.rank >= 1, b.rank >= 1 else {
            throw TensorCoreError.invalidShape(operation: operation, shape: a.rank == 0 ? a.shape : b.shape, reason: "needs a matrix")
        }
        let (aRows, aColumns) = a.matrixShape, (bRows, bColumns) = b.matrixShape
        let m = transA ? aColumns : aRows, k = transA ? aRows : aColumns
        let kB = transB ? bColumns : bRows, n = transB ? bRows : bColumns
        guard k == kB else {
            throw TensorCoreError.shapeMismatch(operation: operation + ": inner dimensions differ",
                                                expected: [k], got: [kB])
        }
        guard c.matrixShape == (m, n) else {
            throw TensorCoreError.shapeMismatch(operation: operation + " into C", expected: [m, n], got: c.shape)
        }
        if let bias, bias.count != n {
            throw TensorCoreError.shapeMismatch(operation: operation + ": bias", expected: [n], got: bias.shape)
        }
        gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
             a: a.pointer, lda: aColumns, b: b.pointer, ldb: bColumns,
             beta: beta, c: c.pointer, ldc: n, bias: bias.map { UnsafePointer($0.pointer) }, pool: pool)
    }
}
