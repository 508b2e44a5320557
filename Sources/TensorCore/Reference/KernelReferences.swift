// The reference twins of the kernels: plain loops in Double, written for reading, not
// speed. They define what each fast kernel computes; the tests compare the two on odd
// shapes and check every backward here against finite differences of its forward.
// Shapes use the same letters as the kernels: N rows, C channels, V vocabulary.

import Foundation

/// Reference kernels in Double precision.
public enum KernelReference {
    /// Layer norm over rows of `channels`: returns (out, mean, rstd).
    public static func layerNormForward(inp: [Double], weight: [Double], bias: [Double], channels c: Int)
        -> (out: [Double], mean: [Double], rstd: [Double]) {
        let rows = inp.count / c
        var out = [Double](repeating: 0, count: inp.count), mean = [Double](repeating: 0, count: rows)
        var rstd = mean
        for i in 0..<rows {
            let x = inp[(i * c)..<(i * c + c)]
            let m = x.reduce(0, +) / Double(c)
            let variance = x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(c)
            let s = 1 / (variance + Double(layerNormEpsilon)).squareRoot()
            for j in 0..<c { out[i * c + j] = (inp[i * c + j] - m) * s * weight[j] + bias[j] }
            mean[i] = m
            rstd[i] = s
        }
        return (out, mean, rstd)
    }

    /// Gradients of layer norm given dout: (dinp, dweight, dbias).
    public static func layerNormBackward(dout: [Double], inp: [Double], weight: [Double], channels c: Int)
        -> (dinp: [Double], dweight: [Double], dbias: [Double]) {
        let rows = inp.count / c
        let (_, mean, rstd) = layerNormForward(inp: inp, weight: weight, bias: [Double](repeating: 0, count: c), channels: c)
        var dinp = [Double](repeating: 0, count: inp.count)
        var dweight = [Double](repeating: 0, count: c), dbias = dweight
        for i in 0..<rows {
            var gMean = 0.0, gnMean = 0.0
            for j in 0..<c {
                let normed = (inp[i * c + j] - mean[i]) * rstd[i]
                let g = weight[j] * dout[i * c + j]
                gMean += g; gnMean += g * normed
                dweight[j] += normed * dout[i * c + j]
                dbias[j] += dout[i * c + j]
            }
            gMean /= Double(c); gnMean /= Double(c)
            for j in 0..<c {
                let normed = (inp[i * c + j] - mean[i]) * rstd[i]
                dinp[i * c + j] = (weight[j] * dout[i * c + j] - gMean - normed * gnMean) * rstd[i]
            }
        }
        return (dinp, dweight, dbias)
    }

    /// GELU, tanh approximation.
    public static func gelu(_ x: Double) -> Double {
        let s = (2 / Double.pi).squareRoot()
        return 0.5 * x * (1 + tanh(s * (x + 0.044715 * x * x * x)))
    }

    /// d GELU / dx.
    public static func geluDerivative(_ x: Double) -> Double {
        let s = (2 / Double.pi).squareRoot()
        let t = tanh(s * (x + 0.044715 * x * x * x))
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * s * (1 + 3 * 0.044715 * x * x)
    }

    /// Row-wise softmax.
    public static func softmax(_ inp: [Double], channels c: Int) -> [Double] {
        var out = inp
        for i in 0..<(inp.count / c) {
            let row = inp[(i * c)..<(i * c + c)]
            let m = row.max() ?? 0
            let sum = row.reduce(0) { $0 + exp($1 - m) }
            for j in 0..<c { out[i * c + j] = exp(inp[i * c + j] - m) / sum }
        }
        return out
    }

    /// Gradient of softmax given dout.
    public static func softmaxBackward(dout: [Double], inp: [Double], channels c: Int) -> [Double] {
        let y = softmax(inp, channels: c)
        var dinp = [Double](repeating: 0, count: inp.count)
        for i in 0..<(inp.count / c) {
            var dot = 0.0
            for j in 0..<c { dot += y[i * c + j] * dout[i * c + j] }
            for j in 0..<c { dinp[i * c + j] = y[i * c + j] * (dout[i * c + j] - dot) }
        }
        return dinp
    }

    /// Cross-entropy per row; a negative target gives 0.
    public static func crossEntropy(logits: [Double], targets: [Int32], vocabulary v: Int) -> [Double] {
        targets.enumerated().map { i, target in
            guard target >= 0 else { return 0 }
            let row = logits[(i * v)..<(i * v + v)]
            let m = row.max() ?? 0
            return m + log(row.reduce(0) { $0 + exp($1 - m) }) - logits[i * v + Int(target)]
        }
    }

    /// Gradient of cross-entropy with respect to the logits, given dlosses.
    public static func crossEntropyBackward(logits: [Double], targets: [Int32], dlosses: [Double], vocabulary v: Int) -> [Double] {
        let probs = softmax(logits, channels: v)
        var grad = [Double](repeating: 0, count: logits.count)
        for (i, target) in targets.enumerated() where target >= 0 {
            for j in 0..<v { grad[i * v + j] = dlosses[i] * (probs[i * v + j] - (j == Int(target) ? 1 : 0)) }
        }
        return grad
    }

    /// Token plus position embedding for (B, T) tokens.
    public static func embedding(tokens: [Int32], wte: [Double], wpe: [Double], time: Int, channels c: Int) -> [Double] {
        var out = [Double](repeating: 0, count: tokens.count * c)
        for (bt, token) in tokens.enumerated() {
            for j in 0..<c { out[bt * c + j] = wte[Int(token) * c + j] + wpe[(bt % time) * c + j] }
        }
        return out
    }

    /// Gradients of the embedding: (dwte, dwpe).
    public static func embeddingBackward(dout: [Double], tokens: [Int32], vocabulary v: Int, maxTime: Int,
                                         time: Int, channels c: Int) -> (dwte: [Double], dwpe: [Double]) {
        var dwte = [Double](repeating: 0, count: v * c), dwpe = [Double](repeating: 0, count: maxTime * c)
        for (bt, token) in tokens.enumerated() {
            for j in 0..<c {
                dwte[Int(token) * c + j] += dout[bt * c + j]
                dwpe[(bt % time) * c + j] += dout[bt * c + j]
            }
        }
        return (dwte, dwpe)
    }
}
