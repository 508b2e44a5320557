import Foundation
import TensorCore

/// One GEMM shape as the benchmark names it: (M, K, N) with transposes.
struct GEMMShape {
    var name: String
    var m: Int, k: Int, n: Int
    var transA = false, transB = false
}

/// The shapes of issue 2: the square reference, every linear layer of the GPT presets in
/// forward and in both backward products, and the decode shapes.
func gemmShapes(quick: Bool) -> [GEMMShape] {
    var shapes = [GEMMShape(name: "square", m: 1024, k: 1024, n: 1024)]
    for c in [128, 384, 768] {
        if !quick {
            for m in [768, 2048] {
                for (label, k, n) in [("qkv", c, 3 * c), ("fc", c, 4 * c), ("proj", 4 * c, c)] {
                    // Forward Y = X W; backward dX = dY Wᵀ (transB) and dW = Xᵀ dY (transA).
                    shapes.append(GEMMShape(name: "\(label)-fwd", m: m, k: k, n: n))
                    shapes.append(GEMMShape(name: "\(label)-dx", m: m, k: n, n: k, transB: true))
                    shapes.append(GEMMShape(name: "\(label)-dw", m: k, k: m, n: n, transA: true))
                }
            }
        }
        shapes.append(GEMMShape(name: "decode1", m: 1, k: c, n: 4 * c))
        shapes.append(GEMMShape(name: "decode8", m: 8, k: c, n: 4 * c))
        // A 64-sequence decode step: a block's widest product and the logits (B = the
        // token embeddings, stored (V, C); V = 8C stands in for a small vocabulary).
        shapes.append(GEMMShape(name: "decode64", m: 64, k: c, n: 4 * c))
        shapes.append(GEMMShape(name: "logits64", m: 64, k: c, n: 8 * c, transB: true))
    }
    return shapes
}

func runGEMMSuite(threads: [Int], quick: Bool, reporter: inout Reporter) {
    var rng = SplitMix(seed: 1)
    for count in threads {
        let pool = ThreadPool(threadCount: count)
        for shape in gemmShapes(quick: quick) {
            let aCount = shape.m * shape.k, bCount = shape.k * shape.n
            let a = (0..<aCount).map { _ in rng.nextFloat() - 0.5 }
            let b = (0..<bCount).map { _ in rng.nextFloat() - 0.5 }
            var c = [Float](repeating: 0, count: shape.m * shape.n)
            let lda = shape.transA ? shape.m : shape.k, ldb = shape.transB ? shape.k : shape.n
            let seconds = a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        medianSeconds {
                            gemm(transA: shape.transA, transB: shape.transB, m: shape.m, n: shape.n, k: shape.k,
                                 a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb,
                                 c: pc.baseAddress!, ldc: shape.n, pool: pool)
                        }
                    }
                }
            }
            let flops = 2.0 * Double(shape.m) * Double(shape.n) * Double(shape.k)
            let label = "\(shape.name) \(shape.m)x\(shape.k)x\(shape.n)\(shape.transA ? " tA" : "")\(shape.transB ? " tB" : "")"
            reporter.emit(BenchRecord(
                suite: "gemm", caseName: label, threads: count, metric: "gflops",
                value: flops / seconds / 1e9, unit: "GFLOP/s",
                extra: [("m", String(shape.m)), ("k", String(shape.k)), ("n", String(shape.n)),
                        ("transA", String(shape.transA)), ("transB", String(shape.transB)),
                        ("seconds", String(format: "%.6g", seconds))]))
        }
    }
}
