/// sqrt(2 / pi), the GELU tanh approximation's scale.
let geluScale: Float = 0.797_884_560_802_865_4
let geluCubic: Float = 0.044_715

/// GELU with the tanh approximation (GPT-2's): `out = 0.5 x (1 + tanh(s (x + 0.044715 x³)))`.
/// `out` and `inp` are (count); they may be the same memory.
public func geluForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int,
                        pool: ThreadPool = .shared) {
    // A tanh per element weighs about as much as eight additions: a decode step's
    // (64 x 4C) activations are worth both cores.
    GELUForward(out: out, inp: inp).run(count: count, work: count * geluWorkPerElement, granule: 64, pool: pool)
}

/// Work units (as ``parallelThreshold`` counts them) of one GELU element.
let geluWorkPerElement = 8

/// Backward of ``geluForward(out:inp:count:pool:)``: adds `dout * gelu'(inp)` to `dinp`.
public func geluBackward(dinp: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                         dout: UnsafePointer<Float>, count: Int, pool: ThreadPool = .shared) {
    GELUBackward(dinp: dinp, inp: inp, dout: dout).run(count: count, work: count * geluWorkPerElement, granule: 64, pool: pool)
}

@inline(__always)
private func gelu(_ x: KernelVector) -> KernelVector {
    let u = geluScale * x.addingProduct(geluCubic * x * x, x)
    return 0.5 * x * (1 + vectorTanh(u))
}

@inline(__always)
private func geluDerivative(_ x: KernelVector) -> KernelVector {
    let x2 = x * x
    let t = vectorTanh(geluScale * x.addingProduct(geluCubic * x2, x))
    let du = geluScale * (1 + 3 * geluCubic * x2)
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du
}

private struct GELUForward: RangeTask {
    let out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>

    func run(_ range: Range<Int>) {
        let w = KernelVector.scalarCount
        var i = range.lowerBound
        while i + w <= range.upperBound {
            storeKernelVector(gelu(loadKernelVector(inp + i)), out + i)
            i += w
        }
        while i < range.upperBound { out[i] = gelu(KernelVector(repeating: inp[i]))[0]; i += 1 }
    }
}

private struct GELUBackward: RangeTask {
    let dinp: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, dout: UnsafePointer<Float>

    func run(_ range: Range<Int>) {
        let w = KernelVector.scalarCount
        var i = range.lowerBound
        while i + w <= range.upperBound {
            let grad = geluDerivative(loadKernelVector(inp + i)) * loadKernelVector(dout + i)
            storeKernelVector(loadKernelVector(dinp + i) + grad, dinp + i)
            i += w
        }
        while i < range.upperBound {
            dinp[i] += geluDerivative(KernelVector(repeating: inp[i]))[0] * dout[i]
            i += 1
        }
    }
}
