/// How the kernels of this build were compiled: the evidence that the fast SIMD path is in.
public enum KernelBuild {
    /// True when Package.swift's target-CPU flag was in force (x86-64) or the target is
    /// arm64 (NEON is baseline). False means the kernels are running far below speed.
    public static var nativeSIMD: Bool {
        #if SYNTH_NATIVE_SIMD
        return true
        #else
        return false
        #endif
    }

    /// Lanes of the GEMM vector: 16 with AVX-512, otherwise 8.
    public static var vectorWidth: Int { GEMMVector.scalarCount }

    /// The register tile of the GEMM micro-kernel, rows x columns.
    public static var microTile: (rows: Int, columns: Int) { (gemmMR, gemmNR) }

    /// For example "x86_64 native SIMD, 8-lane FMA, GEMM tile 6x16".
    public static var description: String {
        #if arch(x86_64)
        let arch = "x86_64"
        #elseif arch(arm64)
        let arch = "arm64"
        #else
        let arch = "unknown arch"
        #endif
        let simd = nativeSIMD ? "native SIMD" : "GENERIC (slow) SIMD"
        return "\(arch) \(simd), \(vectorWidth)-lane FMA, GEMM tile \(gemmMR)x\(gemmNR)"
    }
}
