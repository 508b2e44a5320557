import TensorCore

/// Twelve independent FMA chains per thread: enough in flight to hide the FMA latency
/// (4 cycles, 2 pipes), so this measures the issue rate, the machine's FMA peak.
@inline(never)
func fmaChains(iterations: Int, seed: Float) -> Float {
    typealias V = SIMD8<Float>
    let x = V(repeating: 0.999_999), y = V(repeating: seed * 1e-7)
    var a0 = V(repeating: seed), a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3, a4 = a0 + 4, a5 = a0 + 5
    var a6 = a0 + 6, a7 = a0 + 7, a8 = a0 + 8, a9 = a0 + 9, a10 = a0 + 10, a11 = a0 + 11
    for _ in 0..<iterations {
        a0 = a0.addingProduct(a0, x); a1 = a1.addingProduct(a1, x); a2 = a2.addingProduct(a2, x)
        a3 = a3.addingProduct(a3, x); a4 = a4.addingProduct(a4, x); a5 = a5.addingProduct(a5, x)
        a6 = a6.addingProduct(a6, y); a7 = a7.addingProduct(a7, y); a8 = a8.addingProduct(a8, y)
        a9 = a9.addingProduct(a9, y); a10 = a10.addingProduct(a10, y); a11 = a11.addingProduct(a11, y)
    }
    let sum = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11
    return sum.sum()
}

func runPeakSuite(threads: [Int], reporter: inout Reporter) {
    let iterations = 2_000_000
    let flopsPerThread = Double(iterations) * 12 * 8 * 2
    for count in threads {
        let pool = ThreadPool(threadCount: count)
        var sink: Float = 0
        let seconds = medianSeconds(minSeconds: 0.1) {
            pool.run { thread, _ in
                let value = fmaChains(iterations: iterations, seed: Float(thread + 1))
                if value == 42 { sink += 1 }   // keep the result alive
            }
        }
        _ = sink
        reporter.emit(BenchRecord(suite: "peak", caseName: "fma 8-lane x12 chains", threads: count,
                                  metric: "gflops", value: flopsPerThread * Double(count) / seconds / 1e9,
                                  unit: "GFLOP/s"))
    }
}
