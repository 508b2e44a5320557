// Performance notes
// - libm's expf/tanhf are scalar calls; a softmax or GELU built on them runs at a few
//   GB/s. These vector versions (Cody–Waite range reduction, degree-6 polynomial) keep
//   the elementwise kernels at memory bandwidth. Relative error about 2e-7 on exp.

/// The SIMD vector the elementwise kernels work in (8 lanes: AVX2, NEON pairs).
public typealias KernelVector = SIMD8<Float>

@inline(__always)
func loadKernelVector(_ p: UnsafePointer<Float>) -> KernelVector {
    UnsafeRawPointer(p).loadUnaligned(as: KernelVector.self)
}

@inline(__always)
func storeKernelVector(_ v: KernelVector, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: KernelVector.self)
}

/// e^x lane by lane. Below -87.3 the result is exactly 0; above 88.3 it is clamped to
/// e^88.3 (finite), which softmax-style callers never reach after subtracting the max.
@inline(__always)
public func vectorExp(_ x: KernelVector) -> KernelVector {
    let log2e: Float = 1.442_695_04, ln2High: Float = 0.693_359_375, ln2Low: Float = -2.121_944_4e-4
    let clamped = x.clamped(lowerBound: KernelVector(repeating: -87.3), upperBound: KernelVector(repeating: 88.3))
    let n = (clamped * log2e).rounded(.toNearestOrEven)
    var r = clamped.addingProduct(n, KernelVector(repeating: -ln2High))
    r = r.addingProduct(n, KernelVector(repeating: -ln2Low))
    // Horner: (((((r/720 + 1/120) r + 1/24) r + 1/6) r + 1/2) r + 1) r + 1
    var p = KernelVector(repeating: 1.0 / 720)
    p = KernelVector(repeating: 1.0 / 120).addingProduct(p, r)
    p = KernelVector(repeating: 1.0 / 24).addingProduct(p, r)
    p = KernelVector(repeating: 1.0 / 6).addingProduct(p, r)
    p = KernelVector(repeating: 0.5).addingProduct(p, r)
    p = KernelVector(repeating: 1).addingProduct(p, r)
    p = KernelVector(repeating: 1).addingProduct(p, r)
    let exponent = (SIMD8<Int32>(n, rounding: .towardZero) &+ 127) &<< 23
    var result = p * unsafeBitCast(exponent, to: KernelVector.self)
    result.replace(with: 0, where: x .< -87.3)
    return result
}

/// tanh lane by lane, as 1 - 2 / (e^(2x) + 1) (exact limits ±1 for large |x|).
@inline(__always)
public func vectorTanh(_ x: KernelVector) -> KernelVector {
    let e = vectorExp(x + x)
    return 1 - 2 / (e + 1)
}

/// e^x for one value, the same approximation as ``vectorExp(_:)``.
@inline(__always)
public func scalarExp(_ x: Float) -> Float {
    vectorExp(KernelVector(repeating: x))[0]
}

/// Sum of the lanes with pairwise adds (a fixed order, so a fixed result).
@inline(__always)
func laneSum(_ v: KernelVector) -> Float {
    let h = v.lowHalf + v.highHalf
    let q = h.lowHalf + h.highHalf
    return q[0] + q[1]
}

/// Largest lane.
@inline(__always)
func laneMax(_ v: KernelVector) -> Float {
    let h = pointwiseMax(v.lowHalf, v.highHalf)
    let q = pointwiseMax(h.lowHalf, h.highHalf)
    return Swift.max(q[0], q[1])
}
