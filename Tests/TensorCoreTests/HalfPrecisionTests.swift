import XCTest
@testable import TensorCore

#if !(os(macOS) && arch(x86_64))
/// The half-precision decode kernels against plain loops over the same rounded weights.
final class HalfPrecisionTests: XCTestCase {
    func randomValues(_ count: Int, _ rng: inout SplitMix) -> [Float] { (0..<count).map { _ in rng.nextFloat() * 2 - 1 } }

    func testRowProductMatchesReferenceForAnyThreadCount() {
        var rng = SplitMix(seed: 4)
        for (m, n, k) in [(1, 1, 1), (1, 37, 5), (2, 130, 257), (1, 1536, 384), (2, 384, 1536), (1, 9, 1000)] {
            let x = randomValues(m * k, &rng), bias = randomValues(n, &rng)
            let weights = randomValues(k * n, &rng).map { Float16($0) }
            var expected = [Float](repeating: 0, count: m * n)
            for i in 0..<m {
                for j in 0..<n {
                    var sum = Double(bias[j])
                    for p in 0..<k { sum += Double(x[i * k + p]) * Double(Float(weights[p * n + j])) }
                    expected[i * n + j] = Float(sum)
                }
            }
            var results: [[Float]] = []
            for threads in [1, 2, 3] {
                var y = [Float](repeating: .nan, count: m * n)
                halfRowProduct(m: m, n: n, k: k, x: x, ldx: k, w: weights, ldw: n, y: &y, ldy: n, bias: bias,
                               pool: ThreadPool(threadCount: threads))
                for index in y.indices {
                    XCTAssertEqual(y[index], expected[index], accuracy: 1e-4 * Float(k).squareRoot(), "\(m)x\(n)x\(k) [\(index)]")
                }
                results.append(y)
            }
            XCTAssertEqual(results[0], results[1], "\(m)x\(n)x\(k): one and two threads agree bit for bit")
            XCTAssertEqual(results[0], results[2], "\(m)x\(n)x\(k): one and three threads agree bit for bit")
        }
    }

    func testDotProductsMatchReference() {
        var rng = SplitMix(seed: 6)
        for (m, n, k) in [(1, 3, 7), (2, 100, 33), (1, 8192, 384), (2, 17, 129)] {
            let x = randomValues(m * k, &rng)
            let rows = randomValues(n * k, &rng).map { Float16($0) }
            for threads in [1, 2] {
                var y = [Float](repeating: .nan, count: m * n)
                halfDotProducts(m: m, n: n, k: k, x: x, ldx: k, e: rows, lde: k, y: &y, ldy: n, pool: ThreadPool(threadCount: threads))
                for i in 0..<m {
                    for j in 0..<n {
                        var sum = 0.0
                        for p in 0..<k { sum += Double(x[i * k + p]) * Double(Float(rows[j * k + p])) }
                        XCTAssertEqual(y[i * n + j], Float(sum), accuracy: 1e-4 * Float(k).squareRoot(), "\(m)x\(n)x\(k)")
                    }
                }
            }
        }
    }

    func testConversionRoundsToNearest() {
        let values: [Float] = [0, 1, -2.5, 1 + 1 / 2048, 1 + 3 / 4096, 65504, 1e-7]
        var half = [Float16](repeating: 0, count: values.count)
        convertToHalf(values, &half, count: values.count)
        XCTAssertEqual(half.map { Float($0) }, [0, 1, -2.5, 1, 1 + 1 / 1024, 65504, Float(Float16(1e-7 as Float))])
    }
}
#endif
