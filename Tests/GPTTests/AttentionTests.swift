@testable import GPT
import Foundation
import TensorCore
import XCTest

final class AttentionTests: XCTestCase {
    /// Causal attention in Double, written plainly: the reference for both kernels.
    func reference(_ qkv: [Double], _ s: AttentionShape) -> [Double] {
        let (B, T, C, NH, HS) = (s.batch, s.time, s.channels, s.heads, s.channels / s.heads)
        var out = [Double](repeating: 0, count: B * T * C)
        let scale = 1 / Double(HS).squareRoot()
        for b in 0..<B { for h in 0..<NH { for t in 0..<T {
            var scores = [Double]()
            for j in 0...t {
                var sum = 0.0
                for i in 0..<HS { sum += qkv[(b * T + t) * 3 * C + h * HS + i] * qkv[(b * T + j) * 3 * C + C + h * HS + i] }
                scores.append(sum * scale)
            }
            let m = scores.max()!
            let e = scores.map { exp($0 - m) }, z = e.reduce(0, +)
            for j in 0...t { for i in 0..<HS { out[(b * T + t) * C + h * HS + i] += e[j] / z * qkv[(b * T + j) * 3 * C + 2 * C + h * HS + i] } }
        } } }
        return out
    }

    func testFusedAndMaterializedMatchReferenceAndFiniteDifferences() {
        for (B, T, C, NH) in [(1, 1, 8, 1), (2, 5, 8, 2), (1, 70, 16, 2), (2, 130, 24, 3)] {
            let shape = AttentionShape(batch: B, time: T, channels: C, heads: NH)
            var rng = SplitMix(seed: UInt64(T))
            let qkv = (0..<(B * T * 3 * C)).map { _ in rng.nextFloat() * 2 - 1 }
            let dout = (0..<(B * T * C)).map { _ in rng.nextFloat() * 2 - 1 }
            var fused = [Float](repeating: 0, count: B * T * C), lse = [Float](repeating: 0, count: B * NH * T)
            attentionForward(out: &fused, logSumExp: &lse, qkv: qkv, shape: shape)
            var plain = [Float](repeating: 0, count: B * T * C), probs = [Float](repeating: 0, count: B * NH * T * T)
            attentionForwardMaterialized(out: &plain, probabilities: &probs, qkv: qkv, shape: shape)
            let expected = reference(qkv.map(Double.init), shape)
            for i in expected.indices {
                XCTAssertEqual(Double(fused[i]), expected[i], accuracy: 1e-5, "fused out[\(i)] \(B)x\(T)x\(C)")
                XCTAssertEqual(Double(plain[i]), expected[i], accuracy: 1e-5, "plain out[\(i)]")
            }
            var dFused = [Float](repeating: 0, count: B * T * 3 * C), dPlain = dFused
            attentionBackward(dqkv: &dFused, dout: dout, out: fused, logSumExp: lse, qkv: qkv, shape: shape)
            var scratch = [Float](repeating: 0, count: T)
            attentionBackwardMaterialized(dqkv: &dPlain, dout: dout, probabilities: probs, qkv: qkv, shape: shape, scratch: &scratch)
            // Finite differences of Σ out · dout in Double, on a sample of inputs.
            let qkvD = qkv.map(Double.init), doutD = dout.map(Double.init)
            for index in stride(from: 0, to: qkv.count, by: max(1, qkv.count / 60)) {
                var up = qkvD, down = qkvD
                up[index] += 1e-5
                down[index] -= 1e-5
                let numeric = (zip(reference(up, shape), doutD).reduce(0) { $0 + $1.0 * $1.1 }
                    - zip(reference(down, shape), doutD).reduce(0) { $0 + $1.0 * $1.1 }) / 2e-5
                XCTAssertEqual(Double(dFused[index]), numeric, accuracy: 1e-4, "fused dqkv[\(index)] \(B)x\(T)x\(C)")
                XCTAssertEqual(Double(dPlain[index]), numeric, accuracy: 1e-4, "plain dqkv[\(index)]")
            }
        }
    }
}
