import TensorCore
import XCTest

final class RNGTests: XCTestCase {
    func testSameSeedSameStream() {
        var a = SplitMix(seed: 42), b = SplitMix(seed: 42), c = SplitMix(seed: 43)
        let x = (0..<100).map { _ in a.next() }
        XCTAssertEqual(x, (0..<100).map { _ in b.next() })
        XCTAssertNotEqual(x, (0..<100).map { _ in c.next() })
        // Pinned values: the stream must never change between versions (checkpoints and
        // seeded runs depend on it). SplitMix64 with seed 0 starts with these.
        var zero = SplitMix(seed: 0)
        XCTAssertEqual(zero.next(), 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(zero.next(), 0x6E78_9E6A_A1B9_65F4)
    }

    func testSplitStreamsAreIndependentAndDeterministic() {
        var parent1 = SplitMix(seed: 9), parent2 = SplitMix(seed: 9)
        var child1 = parent1.split(), child2 = parent2.split()
        let c1 = (0..<50).map { _ in child1.next() }
        XCTAssertEqual(c1, (0..<50).map { _ in child2.next() })
        let p1 = (0..<50).map { _ in parent1.next() }
        XCTAssertTrue(Set(c1).isDisjoint(with: p1))
    }

    func testUniformAndNormalMoments() {
        var rng = SplitMix(seed: 1)
        let n = 200_000
        let uniform = (0..<n).map { _ in Double(rng.nextFloat()) }
        XCTAssertTrue(uniform.allSatisfy { $0 >= 0 && $0 < 1 })
        XCTAssertEqual(uniform.reduce(0, +) / Double(n), 0.5, accuracy: 0.005)
        let normal = (0..<n).map { _ in Double(rng.nextNormal(mean: 2, std: 3)) }
        let mean = normal.reduce(0, +) / Double(n)
        let variance = normal.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        XCTAssertEqual(mean, 2, accuracy: 0.03)
        XCTAssertEqual(variance.squareRoot(), 3, accuracy: 0.03)
    }
}
