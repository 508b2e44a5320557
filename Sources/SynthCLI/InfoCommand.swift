import Foundation
import SynthKit
import TensorCore

struct InfoCommand: Command {
    static let name = "info"
    static let summary = "Check this machine: kernels, threads, a quick GEMM self-test"
    static let help = """
    usage: synth info [--json]

    Prints the build (SIMD path, GEMM tile), the thread count (SYNTH_THREADS overrides
    the core count) and runs a small GEMM against the reference, so a broken or slow
    build shows at once.
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        let json = arguments.flag("--json")
        try arguments.finish()
        let check = try selfTest()
        if json {
            print("{\"version\": \"\(SynthInfo.version)\", \"kernels\": \"\(KernelBuild.description)\", "
                  + "\"threads\": \(ThreadPool.shared.threadCount), \"gemm_max_error\": \(check.maxError), "
                  + "\"gemm_gflops\": \(String(format: "%.1f", check.gflops))}")
        } else {
            print("synth \(SynthInfo.version)")
            print("kernels:  \(KernelBuild.description)")
            print("threads:  \(ThreadPool.shared.threadCount)")
            print("GEMM:     max error \(check.maxError) against the reference, \(String(format: "%.1f", check.gflops)) GFLOP/s on 512x512x512")
        }
        guard check.maxError < 1e-3 else {
            printError("synth info: the GEMM self-test failed (max error \(check.maxError))")
            return ExitStatus.failure
        }
        return ExitStatus.success
    }

    /// A 64x64x64 product against the reference, then a timed 512³ product.
    private static func selfTest() throws -> (maxError: Float, gflops: Double) {
        var rng = SplitMix(seed: 1)
        let a = try Tensor(zeros: [64, 64]), b = try Tensor(zeros: [64, 64])
        rng.fillUniform(a.buffer, low: -1, high: 1)
        rng.fillUniform(b.buffer, low: -1, high: 1)
        let fast = try Tensor(zeros: [64, 64]), reference = try Tensor(zeros: [64, 64])
        try Tensor.matmul(a, b, into: fast)
        gemmReference(transA: false, transB: false, m: 64, n: 64, k: 64, a: a.pointer, lda: 64, b: b.pointer, ldb: 64,
                      c: reference.pointer, ldc: 64)
        let maxError = zip(fast.array, reference.array).map { abs($0 - $1) }.max() ?? 0

        let x = try Tensor(zeros: [512, 512]), y = try Tensor(zeros: [512, 512]), z = try Tensor(zeros: [512, 512])
        rng.fillUniform(x.buffer)
        rng.fillUniform(y.buffer)
        try Tensor.matmul(x, y, into: z)
        let start = Date()
        for _ in 0..<10 { try Tensor.matmul(x, y, into: z) }
        let seconds = Date().timeIntervalSince(start) / 10
        return (maxError, 2 * 512 * 512 * 512 / seconds / 1e9)
    }
}
