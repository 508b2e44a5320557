import TensorCore
import XCTest

/// Seeded random inputs and comparison helpers shared by the kernel tests.
struct Random {
    var generator: SplitMix
    init(seed: UInt64) { generator = SplitMix(seed: seed) }

    mutating func floats(_ count: Int, low: Float = -1, high: Float = 1) -> [Float] {
        (0..<count).map { _ in low + (high - low) * generator.nextFloat() }
    }

    mutating func doubles(_ count: Int, low: Double = -1, high: Double = 1) -> [Double] {
        (0..<count).map { _ in low + (high - low) * generator.nextDouble() }
    }

    mutating func int(_ range: Range<Int>) -> Int {
        range.lowerBound + Int(generator.next() % UInt64(range.count))
    }
}

/// Asserts |actual - expected| <= absolute + relative * |expected| everywhere, naming the
/// first index that fails.
func assertClose(_ actual: [Float], _ expected: [Double], absolute: Double = 1e-5, relative: Double = 1e-4,
                 _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "count \(message())", file: file, line: line)
    for i in 0..<min(actual.count, expected.count) {
        let error = abs(Double(actual[i]) - expected[i])
        if !(error <= absolute + relative * abs(expected[i])) {
            XCTFail("\(message()) index \(i): got \(actual[i]), expected \(expected[i]) (error \(error))", file: file, line: line)
            return
        }
    }
}

func assertClose(_ actual: [Double], _ expected: [Double], absolute: Double, relative: Double,
                 _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    assertClose(actual.map { Float($0) }, expected, absolute: absolute, relative: relative, message(), file: file, line: line)
}

/// Central finite differences of a scalar function of `x` in Double.
func numericGradient(_ x: [Double], step: Double = 1e-6, _ f: ([Double]) -> Double) -> [Double] {
    var probe = x
    return x.indices.map { i in
        probe[i] = x[i] + step
        let up = f(probe)
        probe[i] = x[i] - step
        let down = f(probe)
        probe[i] = x[i]
        return (up - down) / (2 * step)
    }
}

/// Σ a·b, the scalar objective used to turn a vector output into a loss for gradient checks.
func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

extension Array where Element == Float {
    var doubles: [Double] { map(Double.init) }
}
extension Array where Element == Double {
    var floats: [Float] { map(Float.init) }
}
