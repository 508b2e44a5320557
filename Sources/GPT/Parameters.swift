import TensorCore

/// All parameters (or all their gradients, or an optimizer moment) in one contiguous
/// slab, with a named view per tensor: checkpoints and optimizer steps are then single
/// passes over one buffer. Tensors of the same kind are stacked across layers (L, ...).
public struct ParameterViews {
    /// (V, C) token embeddings, also the LM head (tied).
    public let wte: UnsafeMutablePointer<Float>
    /// (maxT, C) position embeddings.
    public let wpe: UnsafeMutablePointer<Float>
    /// (L, C) each.
    public let ln1w: UnsafeMutablePointer<Float>, ln1b: UnsafeMutablePointer<Float>
    /// (L, C, 3C) and (L, 3C): the q, k, v projection (Hugging Face Conv1D layout: in, out).
    public let qkvw: UnsafeMutablePointer<Float>, qkvb: UnsafeMutablePointer<Float>
    /// (L, C, C) and (L, C).
    public let attprojw: UnsafeMutablePointer<Float>, attprojb: UnsafeMutablePointer<Float>
    /// (L, C) each.
    public let ln2w: UnsafeMutablePointer<Float>, ln2b: UnsafeMutablePointer<Float>
    /// (L, C, 4C) and (L, 4C).
    public let fcw: UnsafeMutablePointer<Float>, fcb: UnsafeMutablePointer<Float>
    /// (L, 4C, C) and (L, C).
    public let fcprojw: UnsafeMutablePointer<Float>, fcprojb: UnsafeMutablePointer<Float>
    /// (C) each.
    public let lnfw: UnsafeMutablePointer<Float>, lnfb: UnsafeMutablePointer<Float>
}

/// One named parameter tensor of the slab: its Hugging Face name per layer, shape, offset.
public struct ParameterTensor: Sendable {
    /// Name with `{l}` standing for the layer, e.g. `transformer.h.{l}.attn.c_attn.weight`.
    public let name: String
    /// Shape of one layer's tensor.
    public let shape: [Int]
    /// Layers stacked (1 for tensors outside the blocks).
    public let layers: Int
    /// Offset of layer 0 in the slab, in floats.
    public let offset: Int
    /// Floats per layer.
    public var size: Int { shape.reduce(1, *) }
    /// Whether AdamW decays it (matrices yes; biases, norms no).
    public var decays: Bool { shape.count == 2 }
}

/// The parameter tensors of a config, in slab order.
public func parameterTensors(_ config: ModelConfig) -> [ParameterTensor] {
    let (L, C, V, T) = (config.layers, config.channels, config.vocabularySize, config.blockSize)
    let layout: [(String, [Int], Int)] = [
        ("transformer.wte.weight", [V, C], 1), ("transformer.wpe.weight", [T, C], 1),
        ("transformer.h.{l}.ln_1.weight", [C], L), ("transformer.h.{l}.ln_1.bias", [C], L),
        ("transformer.h.{l}.attn.c_attn.weight", [C, 3 * C], L), ("transformer.h.{l}.attn.c_attn.bias", [3 * C], L),
        ("transformer.h.{l}.attn.c_proj.weight", [C, C], L), ("transformer.h.{l}.attn.c_proj.bias", [C], L),
        ("transformer.h.{l}.ln_2.weight", [C], L), ("transformer.h.{l}.ln_2.bias", [C], L),
        ("transformer.h.{l}.mlp.c_fc.weight", [C, 4 * C], L), ("transformer.h.{l}.mlp.c_fc.bias", [4 * C], L),
        ("transformer.h.{l}.mlp.c_proj.weight", [4 * C, C], L), ("transformer.h.{l}.mlp.c_proj.bias", [C], L),
        ("transformer.ln_f.weight", [C], 1), ("transformer.ln_f.bias", [C], 1),
    ]
    var offset = 0
    return layout.map { name, shape, layers in
        defer { offset += shape.reduce(1, *) * layers }
        return ParameterTensor(name: name, shape: shape, layers: layers, offset: offset)
    }
}

/// Number of floats in all parameters of a config.
public func parameterCount(_ config: ModelConfig) -> Int {
    parameterTensors(config).reduce(0) { $0 + $1.size * $1.layers }
}

/// Views into a slab laid out by ``parameterTensors(_:)``.
func parameterViews(_ base: UnsafeMutablePointer<Float>, _ config: ModelConfig) -> ParameterViews {
    let t = parameterTensors(config).map { base + $0.offset }
    return ParameterViews(wte: t[0], wpe: t[1], ln1w: t[2], ln1b: t[3], qkvw: t[4], qkvb: t[5], attprojw: t[6],
                          attprojb: t[7], ln2w: t[8], ln2b: t[9], fcw: t[10], fcb: t[11], fcprojw: t[12],
                          fcprojb: t[13], lnfw: t[14], lnfb: t[15])
}
