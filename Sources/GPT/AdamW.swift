import Foundation
import TensorCore

/// AdamW with decoupled weight decay applied to matrices only (embeddings and linear
/// weights), not to biases or layer-norm parameters, as GPT-2 trainers do.
public final class AdamW {
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float
    /// Steps taken (bias correction uses it).
    public private(set) var step = 0
    /// First and second moments, laid out like the parameters.
    public let firstMoment: TensorStorage
    public let secondMoment: TensorStorage
    private let decayMask: [Bool]
    private let tensors: [ParameterTensor]

    public init(config: ModelConfig, beta1: Float = 0.9, beta2: Float = 0.95, epsilon: Float = 1e-8,
                weightDecay: Float = 0.1) throws {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        let count = parameterCount(config)
        firstMoment = try TensorStorage(count: count, purpose: "AdamW first moments")
        secondMoment = try TensorStorage(count: count, purpose: "AdamW second moments")
        tensors = parameterTensors(config)
        decayMask = tensors.map(\.decays)
    }

    /// Restores the step count (exact resume loads the moments separately).
    public func restore(step: Int) { self.step = step }

    /// One update of `model`'s parameters from its gradients at learning rate `lr`.
    public func update(_ model: Model, learningRate lr: Float) {
        step += 1
        let correction1 = 1 - pow(beta1, Float(step)), correction2 = 1 - pow(beta2, Float(step))
        for (index, tensor) in tensors.enumerated() {
            let decay = decayMask[index] ? weightDecay : 0
            let offset = tensor.offset, count = tensor.size * tensor.layers
            AdamWUpdate(parameters: model.parameters.base + offset, gradients: model.gradients.base + offset,
                        m: firstMoment.base + offset, v: secondMoment.base + offset, lr: lr, beta1: beta1, beta2: beta2,
                        epsilon: epsilon, decay: decay, correction1: correction1, correction2: correction2)
                .run(count: count, work: count, granule: 64, pool: model.pool)
        }
    }
}

private struct AdamWUpdate: RangeTask {
    let parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>
    let m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>
    let lr: Float, beta1: Float, beta2: Float, epsilon: Float, decay: Float, correction1: Float, correction2: Float

    func run(_ range: Range<Int>) {
        let w = KernelVector.scalarCount
        let b1 = KernelVector(repeating: beta1), b2 = KernelVector(repeating: beta2)
        let oneMinusB1 = KernelVector(repeating: 1 - beta1), oneMinusB2 = KernelVector(repeating: 1 - beta2)
        let inverse1 = KernelVector(repeating: 1 / correction1), inverse2 = KernelVector(repeating: 1 / correction2)
        let eps = KernelVector(repeating: epsilon), rate = KernelVector(repeating: lr), decayVector = KernelVector(repeating: decay)
        var i = range.lowerBound
        while i + w <= range.upperBound {
            let g = load(gradients + i)
            let mi = load(m + i) * b1 + g * oneMinusB1
            let vi = load(v + i) * b2 + g * g * oneMinusB2
            store(mi, m + i)
            store(vi, v + i)
            let update = (mi * inverse1) / ((vi * inverse2).squareRoot() + eps)
            let p = load(parameters + i)
            store(p - rate * (update + decayVector * p), parameters + i)
            i += w
        }
        while i < range.upperBound {
            let g = gradients[i]
            let mi = beta1 * m[i] + (1 - beta1) * g
            let vi = beta2 * v[i] + (1 - beta2) * g * g
            m[i] = mi
            v[i] = vi
            let update = (mi / correction1) / ((vi / correction2).squareRoot() + epsilon)
            parameters[i] -= lr * (update + decay * parameters[i])
            i += 1
        }
    }

    @inline(__always) private func load(_ p: UnsafePointer<Float>) -> KernelVector {
        UnsafeRawPointer(p).loadUnaligned(as: KernelVector.self)
    }

    @inline(__always) private func store(_ value: KernelVector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: value, as: KernelVector.self)
    }
}

/// Scales all gradients so their global L2 norm is at most `maxNorm`; returns the norm
/// before clipping.
@discardableResult
public func clipGradients(_ model: Model, maxNorm: Float) -> Float {
    let norm = reduce(model.gradients.base, count: model.gradients.count, .squaredNorm, pool: model.pool).squareRoot()
    if norm > maxNorm && norm.isFinite {
        scale(model.gradients.base, by: maxNorm / norm, count: model.gradients.count, pool: model.pool)
    }
    return norm
}

/// Linear warmup to `maxRate` over `warmup` steps, then cosine decay to `minRate` at `total`.
public func learningRate(step: Int, warmup: Int, total: Int, maxRate: Float, minRate: Float) -> Float {
    if step < warmup { return maxRate * Float(step + 1) / Float(warmup) }
    if step >= total { return minRate }
    let progress = Float(step - warmup) / Float(max(1, total - warmup))
    return minRate + 0.5 * (maxRate - minRate) * (1 + cos(Float.pi * progress))
}
