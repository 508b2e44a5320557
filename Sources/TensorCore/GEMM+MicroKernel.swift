// Performance notes (measured with `swift run -c release synth-bench gemm`, see BENCHMARKS.md)
// - The register tile is MR x NR = 6 x (2 vectors): twelve vector accumulators, two B
//   loads and one broadcast per step fit the 16 AVX2 registers with none spilled. On
//   AVX-512 the vectors are SIMD16 and the same tile uses 12 of 32 registers.
// - Accumulators are named locals, never an array or tuple: only then does LLVM keep
//   them in registers. `addingProduct` on SIMD lanes becomes one vfmadd per vector only
//   when the target has FMA (Package.swift); without it, it is a libm call per lane.
// - Packed panels are 64-byte aligned and read with aligned loads; C is read and written
//   with unaligned vector loads and stores.

#if SYNTH_AVX512
/// The SIMD vector the GEMM micro-kernel works in.
@usableFromInline typealias GEMMVector = SIMD16<Float>
#else
/// The SIMD vector the GEMM micro-kernel works in.
@usableFromInline typealias GEMMVector = SIMD8<Float>
#endif

/// Rows of C in one register tile.
@usableFromInline let gemmMR = 6
/// Columns of C in one register tile (two vectors).
@usableFromInline let gemmNR = 2 * GEMMVector.scalarCount

@inline(__always)
func loadVector(_ p: UnsafePointer<Float>) -> GEMMVector {
    UnsafeRawPointer(p).loadUnaligned(as: GEMMVector.self)
}

@inline(__always)
func storeVector(_ v: GEMMVector, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: GEMMVector.self)
}

/// What a micro-kernel does with the tile it computed: `C = alpha * AB + beta * C + bias`,
/// where `beta == 0` means C is not read (it may hold garbage) and bias is per column.
@usableFromInline
struct TileStore {
    var alpha: Float
    var beta: Float
    var bias: UnsafePointer<Float>?

    @inline(__always)
    func apply(_ acc: GEMMVector, _ out: UnsafeMutablePointer<Float>, column: Int) {
        var value = acc * alpha
        if beta != 0 { value = value.addingProduct(loadVector(out), GEMMVector(repeating: beta)) }
        if let bias { value += loadVector(bias + column) }
        storeVector(value, out)
    }
}

/// One `rows` x NR tile of C (rows <= MR): `a` is a packed (kc, MR) panel; `b` holds kc
/// rows of NR values, `bStride` apart (NR for a packed panel, B's own row stride when read
/// in place). Writes the tile to `out` (row stride `ldo`) through `store`. `rows` must be
/// a literal at the call site (see ``gemmMicroKernel(rows:kc:a:b:bStride:out:ldo:store:)``)
/// so the unused accumulators fold away.
@inline(__always)
func gemmMicroKernelFixed(rows: Int, kc: Int, a: UnsafePointer<Float>, aRowStride: Int, aStepStride: Int,
                          b: UnsafePointer<Float>, bStride: Int,
                          out: UnsafeMutablePointer<Float>, ldo: Int, store: TileStore) {
    let w = GEMMVector.scalarCount
    var c00 = GEMMVector(), c01 = GEMMVector()
    var c10 = GEMMVector(), c11 = GEMMVector()
    var c20 = GEMMVector(), c21 = GEMMVector()
    var c30 = GEMMVector(), c31 = GEMMVector()
    var c40 = GEMMVector(), c41 = GEMMVector()
    var c50 = GEMMVector(), c51 = GEMMVector()
    var pa = a, pb = b
    for _ in 0..<kc {
        let b0 = loadVector(pb), b1 = loadVector(pb + w)
        var av = GEMMVector(repeating: pa[0])
        c00 = c00.addingProduct(av, b0); c01 = c01.addingProduct(av, b1)
        if rows > 1 {
            av = GEMMVector(repeating: pa[1 * aRowStride])
            c10 = c10.addingProduct(av, b0); c11 = c11.addingProduct(av, b1)
        }
        if rows > 2 {
            av = GEMMVector(repeating: pa[2 * aRowStride])
            c20 = c20.addingProduct(av, b0); c21 = c21.addingProduct(av, b1)
        }
        if rows > 3 {
            av = GEMMVector(repeating: pa[3 * aRowStride])
            c30 = c30.addingProduct(av, b0); c31 = c31.addingProduct(av, b1)
        }
        if rows > 4 {
            av = GEMMVector(repeating: pa[4 * aRowStride])
            c40 = c40.addingProduct(av, b0); c41 = c41.addingProduct(av, b1)
        }
        if rows > 5 {
            av = GEMMVector(repeating: pa[5 * aRowStride])
            c50 = c50.addingProduct(av, b0); c51 = c51.addingProduct(av, b1)
        }
        pa += aStepStride
        pb += bStride
    }
    var row = out
    store.apply(c00, row, column: 0); store.apply(c01, row + w, column: w)
    if rows > 1 { row += ldo; store.apply(c10, row, column: 0); store.apply(c11, row + w, column: w) }
    if rows > 2 { row += ldo; store.apply(c20, row, column: 0); store.apply(c21, row + w, column: w) }
    if rows > 3 { row += ldo; store.apply(c30, row, column: 0); store.apply(c31, row + w, column: w) }
    if rows > 4 { row += ldo; store.apply(c40, row, column: 0); store.apply(c41, row + w, column: w) }
    if rows > 5 { row += ldo; store.apply(c50, row, column: 0); store.apply(c51, row + w, column: w) }
}

/// The micro-kernel for any row count 1...MR, each count compiled separately.
@inline(__always)
func gemmMicroKernel(rows: Int = gemmMR, kc: Int, a: UnsafePointer<Float>, aRowStride: Int = 1, aStepStride: Int = gemmMR,
                     b: UnsafePointer<Float>, bStride: Int = gemmNR, out: UnsafeMutablePointer<Float>, ldo: Int,
                     store: TileStore) {
    switch rows {
    case 6: gemmMicroKernelFixed(rows: 6, kc: kc, a: a, aRowStride: aRowStride, aStepStride: aStepStride, b: b, bStride: bStride, out: out, ldo: ldo, store: store)
    case 5: gemmMicroKernelFixed(rows: 5, kc: kc, a: a, aRowStride: aRowStride, aStepStride: aStepStride, b: b, bStride: bStride, out: out, ldo: ldo, store: store)
    case 4: gemmMicroKernelFixed(rows: 4, kc: kc, a: a, aRowStride: aRowStride, aStepStride: aStepStride, b: b, bStride: bStride, out: out, ldo: ldo, store: store)
    case 3: gemmMicroKernelFixed(rows: 3, kc: kc, a: a, aRowStride: aRowStride, aStepStride: aStepStride, b: b, bStride: bStride, out: out, ldo: ldo, store: store)
    case 2: gemmMicroKernelFixed(rows: 2, kc: kc, a: a, aRowStride: aRowStride, aStepStride: aStepStride, b: b, bStride: bStride, out: out, ldo: ldo, store: store)
    default: gemmMicroKernelFixed(rows: 1, kc: kc, a: a, aRowStride: aRowStride, aStepStride: aStepStride, b: b, bStride: bStride, out: out, ldo: ldo, store: store)
    }
}
