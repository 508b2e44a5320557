import TensorCore
import XCTest

/// Kernels run in hot loops: no heap allocation inside a call (Linux, where the test
/// binary can count them; see AllocationCounter.swift).
final class AllocationTests: XCTestCase {
    func testKernelsDoNotAllocate() throws {
        try XCTSkipUnless(heapAllocationCountingAvailable, "allocation counting needs Linux")
        let pool = ThreadPool(threadCount: 2)
        let rows = 64, c = 384, v = 512
        var random = Random(seed: 1)
        var owned: [UnsafeMutablePointer<Float>] = []
        defer { owned.forEach { $0.deallocate() } }
        func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
            for i in 0..<count { p[i] = random.floats(1)[0] }
            owned.append(p)
            return p
        }
        let pa = buffer(rows * 4 * c), pb = buffer(4 * c * c), pbias = buffer(4 * c)
        let po = buffer(rows * 4 * c), pg = buffer(rows * 4 * c), pl = buffer(rows * v)
        let mean = buffer(rows), rstd = buffer(rows), dweight = buffer(c), dbias = buffer(c), losses = buffer(rows)
        let wte = buffer(v * c), wpe = buffer(rows * c)
        let tokens = UnsafeMutablePointer<Int32>.allocate(capacity: rows)
        defer { tokens.deallocate() }
        for i in 0..<rows { tokens[i] = Int32(i % v) }
        do {
            let calls: [(String, () -> Void)] = [
                ("gemm blocked", { gemm(transA: false, transB: false, m: rows, n: c, k: 4 * c, a: pa, lda: 4 * c, b: pb, ldb: c, c: po, ldc: c, bias: pbias, pool: pool) }),
                ("gemm transposed", { gemm(transA: true, transB: true, m: rows, n: c, k: 4 * c, a: pa, lda: rows, b: pb, ldb: 4 * c, c: po, ldc: c, pool: pool) }),
                ("gemm decode", { gemm(transA: false, transB: false, m: 1, n: 4 * c, k: c, a: pa, lda: c, b: pb, ldb: 4 * c, c: po, ldc: 4 * c, pool: pool) }),
                ("gemm decode transposed", { gemm(transA: false, transB: true, m: 4, n: c, k: 4 * c, a: pa, lda: 4 * c, b: pb, ldb: 4 * c, c: po, ldc: c, pool: pool) }),
                ("layer norm", { layerNormForward(out: po, mean: mean, rstd: rstd, inp: pa, weight: pb, bias: pbias, rows: rows, channels: c, pool: pool) }),
                ("layer norm backward", { layerNormBackward(dinp: pg, dweight: dweight, dbias: dbias, dout: pa, inp: pb, weight: pbias, mean: mean, rstd: rstd, rows: rows, channels: c, pool: pool) }),
                ("gelu", { geluForward(out: po, inp: pa, count: rows * 4 * c, pool: pool) }),
                ("gelu backward", { geluBackward(dinp: pg, inp: pa, dout: pb, count: rows * 4 * c, pool: pool) }),
                ("softmax", { softmaxForward(out: po, inp: pa, rows: rows, channels: 4 * c, pool: pool) }),
                ("softmax backward", { softmaxBackward(dinp: pg, probs: pa, dout: pb, rows: rows, channels: 4 * c, pool: pool) }),
                ("cross-entropy", { crossEntropyForward(losses: losses, logits: pl, targets: tokens, rows: rows, vocabulary: v, pool: pool) }),
                ("cross-entropy backward", { crossEntropyBackward(dlogits: pg, logits: pl, targets: tokens, dlosses: pa, rows: rows, vocabulary: v, pool: pool) }),
                ("embedding", { embeddingForward(out: po, tokens: tokens, wte: wte, wpe: wpe, batch: 1, time: rows, channels: c, vocabulary: v, pool: pool) }),
                ("embedding backward", { embeddingBackward(dwte: wte, dwpe: wpe, dout: pa, tokens: tokens, batch: 1, time: rows, channels: c, vocabulary: v, pool: pool) }),
                ("residual", { addForward(out: po, pa, pb, count: rows * 4 * c, pool: pool) }),
                ("reduce", { _ = reduce(pa, count: rows * 4 * c, .squaredNorm, pool: pool) }),
            ]
            for (name, call) in calls {
                call()   // warm up: first use may initialise globals
                let before = heapAllocationCount
                for _ in 0..<5 { call() }
                XCTAssertEqual(heapAllocationCount - before, 0, "\(name) allocated on the heap")
            }
        }
    }
}
