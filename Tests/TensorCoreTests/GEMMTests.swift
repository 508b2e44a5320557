import TensorCore
import XCTest

final class GEMMTests: XCTestCase {
    /// Runs `gemm` and `gemmReference` on the same seeded operands (with padded leading
    /// dimensions, so strides are exercised) and returns both C's.
    private func compute(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0,
                         withBias: Bool = false, pool: ThreadPool, seed: UInt64) -> (fast: [Float], reference: [Float]) {
        var random = Random(seed: seed)
        let lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 1, ldc = n + 2
        let a = random.floats((transA ? k : m) * lda), b = random.floats((transB ? n : k) * ldb)
        let initial = random.floats(m * ldc), bias = random.floats(n)
        var fast = initial, reference = initial
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                bias.withUnsafeBufferPointer { pbias in
                    fast.withUnsafeMutableBufferPointer { pc in
                        gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: pa.baseAddress!, lda: lda,
                             b: pb.baseAddress!, ldb: ldb, beta: beta, c: pc.baseAddress!, ldc: ldc,
                             bias: withBias ? pbias.baseAddress! : nil, pool: pool)
                    }
                    reference.withUnsafeMutableBufferPointer { pc in
                        gemmReference(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: pa.baseAddress!,
                                      lda: lda, b: pb.baseAddress!, ldb: ldb, beta: beta, c: pc.baseAddress!, ldc: ldc,
                                      bias: withBias ? pbias.baseAddress! : nil)
                    }
                }
            }
        }
        // Padding columns of C must be untouched.
        for i in 0..<m { for j in n..<ldc { XCTAssertEqual(fast[i * ldc + j], initial[i * ldc + j], "padding of C written") } }
        return (fast, reference)
    }

    private func check(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0,
                       withBias: Bool = false, pool: ThreadPool = .shared, seed: UInt64 = 7) {
        let (fast, reference) = compute(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta,
                                        withBias: withBias, pool: pool, seed: seed)
        // Inputs are in [-1, 1]: rounding error grows at most like k * eps.
        let tolerance = 1e-6 * Double(k + 10)
        assertClose(fast, reference.doubles, absolute: tolerance, relative: 1e-5,
                    "gemm tA \(transA) tB \(transB) m \(m) n \(n) k \(k) alpha \(alpha) beta \(beta) bias \(withBias)")
    }

    func testAllTransposesOnOddShapes() {
        // 1, primes, sizes that are not multiples of the vector width or the tile, and
        // shapes that take each path: small M (decode), blocked, and more than one K slice.
        let shapes = [(1, 1, 1), (1, 17, 3), (2, 5, 7), (3, 31, 29), (5, 64, 1), (7, 13, 300), (8, 97, 33),
                      (9, 40, 8), (13, 37, 41), (31, 1, 19), (61, 67, 71), (6, 16, 256), (12, 48, 257), (1, 3000, 5)]
        for transA in [false, true] {
            for transB in [false, true] {
                for (index, (m, n, k)) in shapes.enumerated() {
                    check(transA: transA, transB: transB, m: m, n: n, k: k, seed: UInt64(index))
                }
            }
        }
    }

    func testLargeKAndWideN() {
        for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
            check(transA: transA, transB: transB, m: 11, n: 19, k: 1537)
            check(transA: transA, transB: transB, m: 3, n: 23, k: 2049)
        }
        // More columns than one packed block of B (2048).
        check(transA: false, transB: false, m: 7, n: 2100, k: 9)
        check(transA: false, transB: true, m: 13, n: 2100, k: 9)
    }

    func testAlphaBetaAndBias() {
        for (m, n, k) in [(1, 70, 9), (4, 33, 17), (8, 20, 300), (9, 45, 260), (40, 3, 5)] {
            for transB in [false, true] {
                check(transA: false, transB: transB, m: m, n: n, k: k, alpha: 0.5, beta: -1.25, withBias: true)
                check(transA: true, transB: transB, m: m, n: n, k: k, alpha: 2, beta: 1)
                check(transA: false, transB: transB, m: m, n: n, k: k, beta: 0, withBias: true)
            }
        }
        // k == 0 and alpha == 0 leave beta * C + bias.
        check(transA: false, transB: false, m: 5, n: 7, k: 0, beta: 0.5, withBias: true)
        check(transA: false, transB: false, m: 5, n: 7, k: 4, alpha: 0, beta: 0.5, withBias: true)
    }

    func testBetaZeroNeverReadsC() {
        for (m, n, k) in [(1, 40, 8), (3, 40, 8), (20, 40, 8)] {
            var c = [Float](repeating: .nan, count: m * n)
            let a = [Float](repeating: 1, count: m * k), b = [Float](repeating: 2, count: k * n)
            gemm(transA: false, transB: false, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, beta: 0, c: &c, ldc: n)
            XCTAssertEqual(c, [Float](repeating: Float(2 * k), count: m * n), "shape \(m)x\(n)x\(k)")
        }
    }

    func testResultsIdenticalForAnyThreadCount() {
        let pools = [ThreadPool(threadCount: 1), ThreadPool(threadCount: 2), ThreadPool(threadCount: 3)]
        for (m, n, k) in [(1, 700, 64), (8, 300, 100), (100, 90, 300), (30, 400, 70)] {
            for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
                let results = pools.map {
                    compute(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1.5, beta: 0.5, withBias: true,
                            pool: $0, seed: 3).fast
                }
                XCTAssertEqual(results[0], results[1], "1 vs 2 threads, \(m)x\(n)x\(k) tA \(transA) tB \(transB)")
                XCTAssertEqual(results[0], results[2], "1 vs 3 threads, \(m)x\(n)x\(k) tA \(transA) tB \(transB)")
            }
        }
    }

    func testTensorMatmulChecksShapes() throws {
        let a = try Tensor(zeros: [4, 3]), b = try Tensor(zeros: [5, 6]), c = try Tensor(zeros: [4, 6])
        XCTAssertThrowsError(try Tensor.matmul(a, b, into: c)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("(4, 3)") && text.contains("(5, 6)"), text)
        }
        let good = try Tensor(shape: [5, 3], values: (0..<15).map(Float.init))
        XCTAssertThrowsError(try Tensor.matmul(a, good, transB: true, into: try Tensor(zeros: [4, 4]))) { error in
            XCTAssertTrue("\(error)".contains("(4, 4)"), "\(error)")
        }
        let x = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let y = try Tensor(zeros: [2, 5])
        let bias = try Tensor(shape: [5], values: [1, 1, 1, 1, 1])
        try Tensor.matmul(x, good, transB: true, into: y, bias: bias)
        // Row 0 of x · row 1 of good = 1*3 + 2*4 + 3*5 = 26, plus the bias.
        XCTAssertEqual(y[0, 1], 27)
        XCTAssertEqual(y[1, 4], 198)  // 4*12 + 5*13 + 6*14 + 1
    }
}
