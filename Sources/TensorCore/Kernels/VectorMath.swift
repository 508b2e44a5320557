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
@_transparent
public func vectorExp(_ x: KernelVector) -> KernelVector {
    let log2e: Float = 1.442_695_04, ln2High: Float = 0.693_359_375, ln2Low: Float = -2.121_944_4e-4
    let clamped = elementMin(elementMax(x, KernelVector(repeating: -87.3)), KernelVector(repeating: 88.3))
    // Round x·log2(e) to the nearest integer n by adding 1.5·2²³: the sum's low mantissa
    // bits are then n itself. (`rounded(_:)` and Int32 conversion on SIMD are generic
    // calls per lane in Swift, 50x slower.)
    let shifted = clamped * log2e + KernelVector(repeating: 12_582_912)
    let n = shifted - KernelVector(repeating: 12_582_912)
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
    let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
    let scale = unsafeBitCast((integer &+ 127) &<< 23, to: KernelVector.self)
    return (p * scale).replacing(with: 0, where: x .< KernelVector(repeating: -87.3))
}

/// Lane-wise maximum (compiles to one vmaxps; `pointwiseMax` is a generic call).
@_transparent
public func elementMax(_ a: KernelVector, _ b: KernelVector) -> KernelVector {
    a.replacing(with: b, where: b .> a)
}

/// Lane-wise minimum.
@_transparent
public func elementMin(_ a: KernelVector, _ b: KernelVector) -> KernelVector {
    a.replacing(with: b, where: b .< a)
}

/// tanh lane by lane, as 1 - 2 / (e^(2x) + 1) (exact limits ±1 for large |x|).
@_transparent
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
public func laneSum(_ v: KernelVector) -> Float {
    let h = v.lowHalf + v.highHalf
    let q = h.lowHalf + h.highHalf
    return q[0] + q[1]
}

/// Largest lane.
@inline(__always)
func laneMax(_ v: KernelVector) -> Float {
    var m = v[0]
    for i in 1..<KernelVector.scalarCount where v[i] > m { m = v[i] }
    return m
}
