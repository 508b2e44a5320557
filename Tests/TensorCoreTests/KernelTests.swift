import Foundation
import TensorCore
import XCTest

/// Each kernel against its Double reference on odd shapes, and each backward against the
/// reference backward and against finite differences of the reference forward.
final class KernelTests: XCTestCase {
    /// (rows, channels): 1, primes, non-multiples of the vector width, one big enough to
    /// run on several threads.
    let shapes = [(1, 1), (1, 7), (3, 8), (5, 13), (2, 64), (7, 129), (64, 768)]

    func testLayerNormForwardAndBackward() {
        for (index, (rows, c)) in shapes.enumerated() {
            var random = Random(seed: UInt64(10 + index))
            let inp = random.floats(rows * c, low: -3, high: 3), weight = random.floats(c), bias = random.floats(c)
            let dout = random.floats(rows * c)
            var out = [Float](repeating: 0, count: rows * c), mean = [Float](repeating: 0, count: rows)
            var rstd = mean
            layerNormForward(out: &out, mean: &mean, rstd: &rstd, inp: inp, weight: weight, bias: bias, rows: rows, channels: c)
            let expected = KernelReference.layerNormForward(inp: inp.doubles, weight: weight.doubles, bias: bias.doubles, channels: c)
            assertClose(out, expected.out, absolute: 1e-5, relative: 1e-4, "layer norm \(rows)x\(c)")
            assertClose(mean, expected.mean, absolute: 1e-6, relative: 1e-5, "mean")
            assertClose(rstd, expected.rstd, absolute: 1e-5, relative: 1e-4, "rstd")

            // Backward adds: start from ones and compare with ones + reference.
            var dinp = [Float](repeating: 1, count: rows * c), dweight = [Float](repeating: 1, count: c), dbias = dweight
            layerNormBackward(dinp: &dinp, dweight: &dweight, dbias: &dbias, dout: dout, inp: inp, weight: weight,
                              mean: mean, rstd: rstd, rows: rows, channels: c)
            let grads = KernelReference.layerNormBackward(dout: dout.doubles, inp: inp.doubles, weight: weight.doubles, channels: c)
            assertClose(dinp, grads.dinp.map { $0 + 1 }, absolute: 1e-4, relative: 1e-4, "dinp \(rows)x\(c)")
            assertClose(dweight, grads.dweight.map { $0 + 1 }, absolute: 1e-4, relative: 1e-4, "dweight")
            assertClose(dbias, grads.dbias.map { $0 + 1 }, absolute: 1e-4, relative: 1e-4, "dbias")
        }
    }

    func testLayerNormBackwardMatchesFiniteDifferences() {
        let rows = 3, c = 11
        var random = Random(seed: 99)
        let inp = random.doubles(rows * c, low: -2, high: 2), weight = random.doubles(c), bias = random.doubles(c)
        let dout = random.doubles(rows * c)
        let grads = KernelReference.layerNormBackward(dout: dout, inp: inp, weight: weight, channels: c)
        let loss = { (x: [Double], w: [Double], b: [Double]) in
            dot(KernelReference.layerNormForward(inp: x, weight: w, bias: b, channels: c).out, dout)
        }
        assertClose(grads.dinp, numericGradient(inp) { loss($0, weight, bias) }, absolute: 1e-7, relative: 1e-6, "dinp")
        assertClose(grads.dweight, numericGradient(weight) { loss(inp, $0, bias) }, absolute: 1e-7, relative: 1e-6, "dweight")
        assertClose(grads.dbias, numericGradient(bias) { loss(inp, weight, $0) }, absolute: 1e-7, relative: 1e-6, "dbias")

        // The Float kernel against the same finite differences.
        var mean = [Float](repeating: 0, count: rows), rstd = mean, out = [Float](repeating: 0, count: rows * c)
        layerNormForward(out: &out, mean: &mean, rstd: &rstd, inp: inp.floats, weight: weight.floats, bias: bias.floats,
                         rows: rows, channels: c)
        var dinp = [Float](repeating: 0, count: rows * c), dweight = [Float](repeating: 0, count: c), dbias = dweight
        layerNormBackward(dinp: &dinp, dweight: &dweight, dbias: &dbias, dout: dout.floats, inp: inp.floats,
                          weight: weight.floats, mean: mean, rstd: rstd, rows: rows, channels: c)
        assertClose(dinp, numericGradient(inp) { loss($0, weight, bias) }, absolute: 1e-4, relative: 1e-3, "kernel dinp")
    }

    func testGELU() {
        for count in [1, 7, 8, 9, 100, 40_001] {
            var random = Random(seed: UInt64(count))
            let inp = random.floats(count, low: -6, high: 6), dout = random.floats(count)
            var out = [Float](repeating: 0, count: count)
            geluForward(out: &out, inp: inp, count: count)
            assertClose(out, inp.map { KernelReference.gelu(Double($0)) }, absolute: 1e-6, relative: 1e-5, "gelu \(count)")
            var dinp = [Float](repeating: 0.5, count: count)
            geluBackward(dinp: &dinp, inp: inp, dout: dout, count: count)
            let expected = zip(inp, dout).map { 0.5 + KernelReference.geluDerivative(Double($0)) * Double($1) }
            assertClose(dinp, expected, absolute: 1e-6, relative: 1e-5, "gelu backward \(count)")
        }
        // The reference derivative against finite differences.
        for x in stride(from: -5.0, through: 5.0, by: 0.37) {
            let numeric = (KernelReference.gelu(x + 1e-6) - KernelReference.gelu(x - 1e-6)) / 2e-6
            XCTAssertEqual(KernelReference.geluDerivative(x), numeric, accuracy: 1e-7, "x = \(x)")
        }
        // Far tails: exactly x for large x, exactly 0 for very negative x, no NaN.
        var tails = [Float](repeating: 0, count: 3)
        geluForward(out: &tails, inp: [30, -30, 0], count: 3)
        XCTAssertEqual(tails, [30, -0, 0])
    }

    func testSoftmax() {
        for (index, (rows, c)) in shapes.enumerated() {
            var random = Random(seed: UInt64(30 + index))
            let inp = random.floats(rows * c, low: -20, high: 20), dout = random.floats(rows * c)
            var out = [Float](repeating: 0, count: rows * c)
            softmaxForward(out: &out, inp: inp, rows: rows, channels: c)
            assertClose(out, KernelReference.softmax(inp.doubles, channels: c), absolute: 1e-7, relative: 1e-5, "softmax \(rows)x\(c)")
            var dinp = [Float](repeating: 0, count: rows * c)
            softmaxBackward(dinp: &dinp, probs: out, dout: dout, rows: rows, channels: c)
            let expected = KernelReference.softmaxBackward(dout: dout.doubles, inp: inp.doubles, channels: c)
            assertClose(dinp, expected, absolute: 1e-6, relative: 1e-4, "softmax backward \(rows)x\(c)")
        }
        var random = Random(seed: 5)
        let inp = random.doubles(12), dout = random.doubles(12)
        let numeric = numericGradient(inp) { dot(KernelReference.softmax($0, channels: 4), dout) }
        assertClose(KernelReference.softmaxBackward(dout: dout, inp: inp, channels: 4), numeric, absolute: 1e-8, relative: 1e-6)
        // Huge and -inf logits stay finite and exact.
        var extreme = [Float](repeating: 0, count: 3)
        softmaxForward(out: &extreme, inp: [1e30, -.infinity, 1e30], rows: 1, channels: 3)
        XCTAssertEqual(extreme, [0.5, 0, 0.5])
    }

    func testCrossEntropy() {
        for (index, (rows, v)) in [(1, 2), (3, 7), (4, 17), (6, 64), (33, 1000)].enumerated() {
            var random = Random(seed: UInt64(50 + index))
            let logits = random.floats(rows * v, low: -8, high: 8)
            var targets = (0..<rows).map { _ in Int32(random.int(0..<v)) }
            if rows > 2 { targets[1] = -1 }   // an ignored row
            let dlosses = random.floats(rows, low: 0.1, high: 1)
            var losses = [Float](repeating: 9, count: rows)
            crossEntropyForward(losses: &losses, logits: logits, targets: targets, rows: rows, vocabulary: v)
            assertClose(losses, KernelReference.crossEntropy(logits: logits.doubles, targets: targets, vocabulary: v),
                        absolute: 1e-5, relative: 1e-5, "cross-entropy \(rows)x\(v)")
            let expected = KernelReference.crossEntropyBackward(logits: logits.doubles, targets: targets,
                                                                dlosses: dlosses.doubles, vocabulary: v)
            var dlogits = [Float](repeating: 0.25, count: rows * v)
            crossEntropyBackward(dlogits: &dlogits, logits: logits, targets: targets, dlosses: dlosses, rows: rows, vocabulary: v)
            assertClose(dlogits, expected.map { $0 + 0.25 }, absolute: 1e-6, relative: 1e-4, "dlogits \(rows)x\(v)")
            // In place: the logits buffer becomes the gradient.
            var inPlace = logits
            inPlace.withUnsafeMutableBufferPointer { buffer in
                crossEntropyBackward(dlogits: buffer.baseAddress!, logits: buffer.baseAddress!, targets: targets, dlosses: dlosses,
                                     rows: rows, vocabulary: v, overwrite: true)
            }
            assertClose(inPlace, expected, absolute: 1e-6, relative: 1e-4, "in-place dlogits \(rows)x\(v)")
        }
        var random = Random(seed: 8)
        let logits = random.doubles(10, low: -3, high: 3), targets: [Int32] = [3, 0], dlosses = [0.7, 1.3]
        let numeric = numericGradient(logits) { dot(KernelReference.crossEntropy(logits: $0, targets: targets, vocabulary: 5), dlosses) }
        assertClose(KernelReference.crossEntropyBackward(logits: logits, targets: targets, dlosses: dlosses, vocabulary: 5),
                    numeric, absolute: 1e-8, relative: 1e-6)
    }

    func testEmbedding() {
        for (batch, time, c, v) in [(1, 1, 1, 1), (2, 3, 5, 7), (3, 17, 64, 11), (8, 64, 64, 50)] {
            var random = Random(seed: UInt64(batch * 100 + c))
            let maxTime = time + 2
            let wte = random.floats(v * c), wpe = random.floats(maxTime * c), dout = random.floats(batch * time * c)
            let tokens = (0..<(batch * time)).map { _ in Int32(random.int(0..<v)) }
            var out = [Float](repeating: 0, count: batch * time * c)
            embeddingForward(out: &out, tokens: tokens, wte: wte, wpe: wpe, batch: batch, time: time, channels: c, vocabulary: v)
            assertClose(out, KernelReference.embedding(tokens: tokens, wte: wte.doubles, wpe: wpe.doubles, time: time, channels: c),
                        absolute: 1e-7, relative: 1e-6, "embedding")
            var dwte = [Float](repeating: 0, count: v * c), dwpe = [Float](repeating: 0, count: maxTime * c)
            embeddingBackward(dwte: &dwte, dwpe: &dwpe, dout: dout, tokens: tokens, batch: batch, time: time, channels: c, vocabulary: v)
            let expected = KernelReference.embeddingBackward(dout: dout.doubles, tokens: tokens, vocabulary: v,
                                                             maxTime: maxTime, time: time, channels: c)
            assertClose(dwte, expected.dwte, absolute: 1e-5, relative: 1e-5, "dwte")
            assertClose(dwpe, expected.dwpe, absolute: 1e-5, relative: 1e-5, "dwpe")
            // The scatter-add is a sum of rows: finite differences of a linear map are exact.
            let numeric = numericGradient(wte.doubles, step: 1e-3) {
                dot(KernelReference.embedding(tokens: tokens, wte: $0, wpe: wpe.doubles, time: time, channels: c), dout.doubles)
            }
            assertClose(expected.dwte, numeric, absolute: 1e-8, relative: 1e-6, "dwte finite differences")
        }
    }

    func testResidualAndReductions() {
        for count in [0, 1, 7, 33, 100_003] {
            var random = Random(seed: UInt64(count + 1))
            let a = random.floats(count), b = random.floats(count)
            var out = [Float](repeating: 0, count: count)
            addForward(out: &out, a, b, count: count)
            XCTAssertEqual(out, zip(a, b).map { $0 + $1 })
            var accumulated = a
            accumulate(&accumulated, b, count: count)
            XCTAssertEqual(accumulated, out)
            XCTAssertEqual(Double(reduce(a, count: count, .sum)), a.doubles.reduce(0, +), accuracy: 1e-3 + 1e-6 * Double(count))
            XCTAssertEqual(Double(reduce(a, count: count, .squaredNorm)), a.doubles.reduce(0) { $0 + $1 * $1 },
                           accuracy: 1e-3 + 1e-6 * Double(count))
            XCTAssertEqual(reduce(a, count: count, .max), a.max() ?? -.infinity)
            var scaled = a
            scale(&scaled, by: 0.5, count: count)
            XCTAssertEqual(scaled, a.map { $0 * 0.5 })
        }
    }

    func testVectorExpAccuracy() {
        var worst = 0.0
        for x in stride(from: -87.0, through: 88.0, by: 0.013) {
            let got = Double(scalarExp(Float(x))), want = Foundation.exp(Double(Float(x)))
            worst = max(worst, abs(got - want) / want)
        }
        XCTAssertLessThan(worst, 1e-6)
        XCTAssertEqual(scalarExp(-100), 0)
        XCTAssertEqual(scalarExp(-.infinity), 0)
        XCTAssertTrue(scalarExp(1000).isFinite)
    }

    func testKernelThreadCountIndependenceForRowKernels() {
        let rows = 96, c = 768
        var random = Random(seed: 77)
        let inp = random.floats(rows * c), weight = random.floats(c), bias = random.floats(c), dout = random.floats(rows * c)
        func run(_ pool: ThreadPool) -> [Float] {
            var out = [Float](repeating: 0, count: rows * c), mean = [Float](repeating: 0, count: rows), rstd = mean
            layerNormForward(out: &out, mean: &mean, rstd: &rstd, inp: inp, weight: weight, bias: bias, rows: rows, channels: c, pool: pool)
            var dinp = [Float](repeating: 0, count: rows * c), dweight = [Float](repeating: 0, count: c), dbias = dweight
            layerNormBackward(dinp: &dinp, dweight: &dweight, dbias: &dbias, dout: dout, inp: inp, weight: weight,
                              mean: mean, rstd: rstd, rows: rows, channels: c, pool: pool)
            var probs = [Float](repeating: 0, count: rows * c)
            softmaxForward(out: &probs, inp: inp, rows: rows, channels: c, pool: pool)
            return out + dinp + dweight + dbias + probs
        }
        XCTAssertEqual(run(ThreadPool(threadCount: 1)), run(ThreadPool(threadCount: 2)))
        XCTAssertEqual(run(ThreadPool(threadCount: 1)), run(ThreadPool(threadCount: 3)))
    }
}
