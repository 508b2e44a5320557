// The GPT-2 forward and backward passes, written out layer by layer as llm.c does: free
// kernels from TensorCore on one parameter slab and one activation workspace, no autograd.
// Shapes use B (batch), T (time), C (channels), NH (heads), V (vocabulary), L (layers).

import Foundation
import TensorCore

/// A GPT-2 model: parameters, their gradients, and the activations of the last forward.
public final class Model {
    public let config: ModelConfig
    /// All parameters, laid out by ``parameterTensors(_:)``.
    public let parameters: TensorStorage
    /// Gradients, same layout; backward adds to them.
    public let gradients: TensorStorage
    let params: ParameterViews
    let grads: ParameterViews
    public let pool: ThreadPool
    private var workspace: Workspace?
    /// Mean loss of the last forward with targets.
    public private(set) var lastLoss: Float = .nan

    /// A model with zeroed parameters (call ``initializeWeights(seed:)`` or load some).
    public init(config: ModelConfig, pool: ThreadPool = .shared) throws {
        try config.validate()
        self.config = config
        self.pool = pool
        let count = parameterCount(config)
        do {
            parameters = try TensorStorage(count: count, purpose: "\(count) model parameters")
            gradients = try TensorStorage(count: count, purpose: "\(count) parameter gradients")
        } catch { throw GPTError.allocationFailed("\(error)") }
        params = parameterViews(parameters.base, config)
        grads = parameterViews(gradients.base, config)
    }

    /// GPT-2's initialisation: normal(0, 0.02) matrices and embeddings, the residual
    /// projections scaled by 1/sqrt(2L), zero biases, unit layer-norm weights.
    public func initializeWeights(seed: UInt64) {
        var rng = SplitMix(seed: seed)
        let residualStd = 0.02 / Float(2 * config.layers).squareRoot()
        for tensor in parameterTensors(config) {
            let buffer = UnsafeMutableBufferPointer(start: parameters.base + tensor.offset, count: tensor.size * tensor.layers)
            if tensor.name.hasSuffix("ln_1.weight") || tensor.name.hasSuffix("ln_2.weight") || tensor.name.hasSuffix("ln_f.weight") {
                buffer.update(repeating: 1)
            } else if tensor.shape.count == 1 {
                buffer.update(repeating: 0)
            } else {
                let projection = tensor.name.hasSuffix("c_proj.weight")
                rng.fillNormal(buffer, std: projection ? residualStd : 0.02)
            }
        }
    }

    /// A model with the same configuration, pool and parameter values (gradients zero).
    public func copy() throws -> Model {
        let copy = try Model(config: config, pool: pool)
        copy.parameters.base.update(from: parameters.base, count: parameters.count)
        return copy
    }

    /// Sets every gradient to zero.
    public func zeroGradients() {
        gradients.base.update(repeating: 0, count: gradients.count)
    }

    /// Runs the model on `batch` sequences of `time` tokens. With targets (same shape; -1 to
    /// ignore a position) returns the mean cross-entropy and keeps what backward needs;
    /// without, returns NaN and leaves the logits in ``logits``.
    @discardableResult
    public func forward(tokens: UnsafePointer<Int32>, targets: UnsafePointer<Int32>?, batch B: Int, time T: Int) throws -> Float {
        let (L, C, NH, V) = (config.layers, config.channels, config.heads, config.vocabularySize)
        guard T <= config.blockSize else { throw GPTError.sequenceTooLong(length: T, blockSize: config.blockSize) }
        for i in 0..<(B * T) {
            guard tokens[i] >= 0 && Int(tokens[i]) < V else { throw GPTError.tokenOutOfRange(token: tokens[i], position: i, vocabularySize: V) }
            if let targets, targets[i] >= Int32(V) { throw GPTError.tokenOutOfRange(token: targets[i], position: i, vocabularySize: V) }
        }
        let w = try workspaceFor(batch: B, time: T)
        w.tokens.update(from: tokens, count: B * T)
        if let targets { w.targets.update(from: targets, count: B * T) } else { w.targets.update(repeating: -1, count: B * T) }
        let N = B * T, p = params, pool = self.pool
        let shape = AttentionShape(batch: B, time: T, channels: C, heads: NH)

        embeddingForward(out: w.encoded, tokens: tokens, wte: p.wte, wpe: p.wpe, batch: B, time: T, channels: C,
                         vocabulary: V, pool: pool)
        for l in 0..<L {
            let residual = l == 0 ? w.encoded : w.residual3 + (l - 1) * N * C
            let ln1 = w.ln1 + l * N * C, qkv = w.qkv + l * N * 3 * C, atty = w.atty + l * N * C
            let attproj = w.attproj + l * N * C, residual2 = w.residual2 + l * N * C, ln2 = w.ln2 + l * N * C
            let fch = w.fch + l * N * 4 * C, fchGelu = w.fchGelu + l * N * 4 * C
            let fcproj = w.fcproj + l * N * C, residual3 = w.residual3 + l * N * C
            layerNormForward(out: ln1, mean: w.ln1Mean + l * N, rstd: w.ln1Rstd + l * N, inp: residual,
                             weight: p.ln1w + l * C, bias: p.ln1b + l * C, rows: N, channels: C, pool: pool)
            gemm(transA: false, transB: false, m: N, n: 3 * C, k: C, a: ln1, lda: C, b: p.qkvw + l * C * 3 * C, ldb: 3 * C,
                 c: qkv, ldc: 3 * C, bias: p.qkvb + l * 3 * C, pool: pool)
            attentionForward(out: atty, logSumExp: w.logSumExp + l * B * NH * T, qkv: qkv, shape: shape, pool: pool)
            gemm(transA: false, transB: false, m: N, n: C, k: C, a: atty, lda: C, b: p.attprojw + l * C * C, ldb: C,
                 c: attproj, ldc: C, bias: p.attprojb + l * C, pool: pool)
            addForward(out: residual2, residual, attproj, count: N * C, pool: pool)
            layerNormForward(out: ln2, mean: w.ln2Mean + l * N, rstd: w.ln2Rstd + l * N, inp: residual2,
                             weight: p.ln2w + l * C, bias: p.ln2b + l * C, rows: N, channels: C, pool: pool)
            gemm(transA: false, transB: false, m: N, n: 4 * C, k: C, a: ln2, lda: C, b: p.fcw + l * C * 4 * C, ldb: 4 * C,
                 c: fch, ldc: 4 * C, bias: p.fcb + l * 4 * C, pool: pool)
            geluForward(out: fchGelu, inp: fch, count: N * 4 * C, pool: pool)
            gemm(transA: false, transB: false, m: N, n: C, k: 4 * C, a: fchGelu, lda: 4 * C, b: p.fcprojw + l * 4 * C * C,
                 ldb: C, c: fcproj, ldc: C, bias: p.fcprojb + l * C, pool: pool)
            addForward(out: residual3, residual2, fcproj, count: N * C, pool: pool)
        }
        layerNormForward(out: w.lnf, mean: w.lnfMean, rstd: w.lnfRstd, inp: w.residual3 + (L - 1) * N * C,
                         weight: p.lnfw, bias: p.lnfb, rows: N, channels: C, pool: pool)
        // Logits = lnf · wteᵀ: the LM head is the token embedding.
        gemm(transA: false, transB: true, m: N, n: V, k: C, a: w.lnf, lda: C, b: p.wte, ldb: C, c: w.logits, ldc: V, pool: pool)
        guard targets != nil else {
            lastLoss = .nan
            return .nan
        }
        crossEntropyForward(losses: w.losses, logits: w.logits, targets: w.targets, rows: N, vocabulary: V, pool: pool)
        var total = 0.0, counted = 0
        for i in 0..<N where w.targets[i] >= 0 { total += Double(w.losses[i]); counted += 1 }
        w.targetCount = counted
        lastLoss = counted > 0 ? Float(total / Double(counted)) : 0
        return lastLoss
    }

    /// Logits of the last forward, (B, T, V); overwritten by ``backward()``.
    public var logits: UnsafeMutablePointer<Float>? { workspace?.logits }

    /// Adds the gradient of the last forward's mean loss to ``gradients``.
    public func backward() {
        guard let w = workspace, w.targetCount > 0 else { return }
        let (L, C, NH, V) = (config.layers, config.channels, config.heads, config.vocabularySize)
        let (B, T) = (w.batch, w.time)
        let N = B * T, p = params, g = grads, pool = self.pool
        let shape = AttentionShape(batch: B, time: T, channels: C, heads: NH)
        let scale = 1 / Float(w.targetCount)
        w.dlosses.update(repeating: scale, count: N)
        // The logits become their gradient in place.
        crossEntropyBackward(dlogits: w.logits, logits: w.logits, targets: w.targets, dlosses: w.dlosses, rows: N,
                             vocabulary: V, overwrite: true, pool: pool)
        // dlnf = dlogits · wte; dwte += dlogitsᵀ · lnf
        gemm(transA: false, transB: false, m: N, n: C, k: V, a: w.logits, lda: V, b: p.wte, ldb: C, c: w.dln, ldc: C, pool: pool)
        gemm(transA: true, transB: false, m: V, n: C, k: N, a: w.logits, lda: V, b: w.lnf, ldb: C, beta: 1, c: g.wte, ldc: C, pool: pool)
        w.dresidual.update(repeating: 0, count: N * C)
        layerNormBackward(dinp: w.dresidual, dweight: g.lnfw, dbias: g.lnfb, dout: w.dln, inp: w.residual3 + (L - 1) * N * C,
                          weight: p.lnfw, mean: w.lnfMean, rstd: w.lnfRstd, rows: N, channels: C, pool: pool)
        for l in (0..<L).reversed() {
            let residual = l == 0 ? w.encoded : w.residual3 + (l - 1) * N * C
            let ln1 = w.ln1 + l * N * C, qkv = w.qkv + l * N * 3 * C, atty = w.atty + l * N * C
            let residual2 = w.residual2 + l * N * C, ln2 = w.ln2 + l * N * C
            let fch = w.fch + l * N * 4 * C, fchGelu = w.fchGelu + l * N * 4 * C
            // w.dresidual is the gradient of residual3[l], which equals that of residual2's
            // skip path and of fcproj.
            linearBackward(dinp: w.dfchGelu, dweight: g.fcprojw + l * 4 * C * C, dbias: g.fcprojb + l * C, dout: w.dresidual,
                           inp: fchGelu, weight: p.fcprojw + l * 4 * C * C, rows: N, inputs: 4 * C, outputs: C, pool: pool)
            w.dfch.update(repeating: 0, count: N * 4 * C)
            geluBackward(dinp: w.dfch, inp: fch, dout: w.dfchGelu, count: N * 4 * C, pool: pool)
            linearBackward(dinp: w.dln, dweight: g.fcw + l * C * 4 * C, dbias: g.fcb + l * 4 * C, dout: w.dfch, inp: ln2,
                           weight: p.fcw + l * C * 4 * C, rows: N, inputs: C, outputs: 4 * C, pool: pool)
            // dresidual now accumulates the gradient of residual2: skip path + through ln2.
            layerNormBackward(dinp: w.dresidual, dweight: g.ln2w + l * C, dbias: g.ln2b + l * C, dout: w.dln, inp: residual2,
                              weight: p.ln2w + l * C, mean: w.ln2Mean + l * N, rstd: w.ln2Rstd + l * N, rows: N,
                              channels: C, pool: pool)
            linearBackward(dinp: w.datty, dweight: g.attprojw + l * C * C, dbias: g.attprojb + l * C, dout: w.dresidual,
                           inp: atty, weight: p.attprojw + l * C * C, rows: N, inputs: C, outputs: C, pool: pool)
            w.dqkv.update(repeating: 0, count: N * 3 * C)
            attentionBackward(dqkv: w.dqkv, dout: w.datty, out: atty, logSumExp: w.logSumExp + l * B * NH * T, qkv: qkv,
                              shape: shape, pool: pool)
            linearBackward(dinp: w.dln, dweight: g.qkvw + l * C * 3 * C, dbias: g.qkvb + l * 3 * C, dout: w.dqkv, inp: ln1,
                           weight: p.qkvw + l * C * 3 * C, rows: N, inputs: C, outputs: 3 * C, pool: pool)
            // dresidual becomes the gradient of this block's input: skip path + through ln1.
            layerNormBackward(dinp: w.dresidual, dweight: g.ln1w + l * C, dbias: g.ln1b + l * C, dout: w.dln, inp: residual,
                              weight: p.ln1w + l * C, mean: w.ln1Mean + l * N, rstd: w.ln1Rstd + l * N, rows: N,
                              channels: C, pool: pool)
        }
        embeddingBackward(dwte: g.wte, dwpe: g.wpe, dout: w.dresidual, tokens: w.tokens, batch: B, time: T, channels: C,
                          vocabulary: V, pool: pool)
    }

    /// Backward of `out = inp · weight + bias`, (N, in) · (in, out): adds the weight and bias
    /// gradients, writes the input's.
    private func linearBackward(dinp: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>,
                                dbias: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
                                weight: UnsafePointer<Float>, rows N: Int, inputs: Int, outputs: Int, pool: ThreadPool) {
        gemm(transA: true, transB: false, m: inputs, n: outputs, k: N, a: inp, lda: inputs, b: dout, ldb: outputs,
             beta: 1, c: dweight, ldc: outputs, pool: pool)
        addColumnSums(into: dbias, from: dout, rows: N, columns: outputs, pool: pool)
        gemm(transA: false, transB: true, m: N, n: inputs, k: outputs, a: dout, lda: outputs, b: weight, ldb: outputs,
             c: dinp, ldc: inputs, pool: pool)
    }

    private func workspaceFor(batch: Int, time: Int) throws -> Workspace {
        if let workspace, workspace.batch == batch, workspace.time == time { return workspace }
        workspace = nil
        let created = try Workspace(config: config, batch: batch, time: time)
        workspace = created
        return created
    }
}

/// Activations of one (B, T) shape and the gradient buffers backward needs, allocated
/// once in one block.
final class Workspace {
    let batch: Int, time: Int
    private let storage: TensorStorage
    let tokens: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Int32>
    private let tokenStorage: UnsafeMutablePointer<Int32>
    var targetCount = 0
    let encoded, ln1, ln1Mean, ln1Rstd, qkv, atty, logSumExp, attproj, residual2, ln2, ln2Mean, ln2Rstd: UnsafeMutablePointer<Float>
    let fch, fchGelu, fcproj, residual3, lnf, lnfMean, lnfRstd, logits, losses, dlosses: UnsafeMutablePointer<Float>
    let dresidual, dln, datty, dqkv, dfch, dfchGelu: UnsafeMutablePointer<Float>

    init(config: ModelConfig, batch B: Int, time T: Int) throws {
        batch = B
        time = T
        let (L, C, NH, V) = (config.layers, config.channels, config.heads, config.vocabularySize)
        let N = B * T
        let sizes = [N * C, L * N * C, L * N, L * N, L * N * 3 * C, L * N * C, L * B * NH * T, L * N * C, L * N * C,
                     L * N * C, L * N, L * N, L * N * 4 * C, L * N * 4 * C, L * N * C, L * N * C, N * C, N, N, N * V, N, N,
                     N * C, N * C, N * C, N * 3 * C, N * 4 * C, N * 4 * C]
        let total = sizes.reduce(0, +)
        do {
            storage = try TensorStorage(count: total, purpose: "activations for batch \(B) x \(T) tokens")
        } catch { throw GPTError.allocationFailed("\(error)") }
        var offset = 0
        var pointers: [UnsafeMutablePointer<Float>] = []
        for size in sizes { pointers.append(storage.base + offset); offset += size }
        (encoded, ln1, ln1Mean, ln1Rstd, qkv, atty, logSumExp, attproj, residual2, ln2, ln2Mean, ln2Rstd) =
            (pointers[0], pointers[1], pointers[2], pointers[3], pointers[4], pointers[5], pointers[6], pointers[7],
             pointers[8], pointers[9], pointers[10], pointers[11])
        (fch, fchGelu, fcproj, residual3, lnf, lnfMean, lnfRstd, logits, losses, dlosses) =
            (pointers[12], pointers[13], pointers[14], pointers[15], pointers[16], pointers[17], pointers[18], pointers[19],
             pointers[20], pointers[21])
        (dresidual, dln, datty, dqkv, dfch, dfchGelu) = (pointers[22], pointers[23], pointers[24], pointers[25], pointers[26], pointers[27])
        tokenStorage = .allocate(capacity: 2 * N)
        tokens = tokenStorage
        targets = tokenStorage + N
    }

    deinit { tokenStorage.deallocate() }
}
