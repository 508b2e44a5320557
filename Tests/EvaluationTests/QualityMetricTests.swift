import Evaluation
import Foundation
import Records
import XCTest

/// Each metric against values worked out by hand, then the fast versions against their
/// reference twins on seeded random inputs.
final class QualityMetricTests: XCTestCase {
    func testKSComplementByHand() {
        // CDF gap is largest at x = 2 (0.5 vs 0) and x = 4 (1 vs 0.5).
        XCTAssertEqual(KSComplement.compute(real: [1, 2, 3, 4], synthetic: [3, 4, 5, 6]), 0.5)
        XCTAssertEqual(KSComplement.compute(real: [1, .nan, 2], synthetic: [2]), 0.5, "missing values are dropped")
        XCTAssertEqual(KSComplement.compute(real: [7, 7, 8], synthetic: [8, 7, 7]), 1)
        XCTAssertNil(KSComplement.compute(real: [.nan], synthetic: [1]))
        // Rounding to 14 decimals makes floats that differ past that tie.
        XCTAssertEqual(KSComplement.compute(real: [0.1 + 0.2], synthetic: [0.3]), 1)
    }

    func testTVComplementByHand() throws {
        // a: 0.5 vs 0.25, b: 0.5 vs 0.75 → TV 0.5 → 0.75.
        XCTAssertEqual(try TVComplement.compute(real: [0, 0, 1, 1], synthetic: [0, 1, 1, 1], categoryCount: 2), 0.75)
        // A category only the synthetic table has: real count 1e-6, real total 2 + 1e-6.
        let total = 2 + 1e-6
        let expected = 1 - 0.5 * (abs(0.5 - 2 / total) + abs(0.5 - 1e-6 / total))
        XCTAssertEqual(try TVComplement.compute(real: [0, 0, -1], synthetic: [0, 1], categoryCount: 2), expected)
        XCTAssertThrowsError(try TVComplement.compute(real: [-1], synthetic: [0], categoryCount: 1))
    }

    func testCorrelationSimilarityByHand() throws {
        let opposite = try CorrelationSimilarity.compute(realX: [1, 2, 3, 4], realY: [2, 4, 6, 8],
                                                         syntheticX: [1, 2, 3, 4], syntheticY: [8, 6, 4, 2])
        XCTAssertEqual(try XCTUnwrap(opposite.score), 0, accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap(opposite.real), 1, accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap(opposite.synthetic), -1, accuracy: 1e-15)
        // r = 0.8 in the real pair; below a 0.9 threshold the pair is not scored.
        let x: [Double] = [1, 2, 3, 4, 5], y: [Double] = [2, 1, 4, 3, 5]
        let weak = try CorrelationSimilarity.compute(realX: x, realY: y, syntheticX: x, syntheticY: y,
                                                     realCorrelationThreshold: 0.9)
        XCTAssertNil(weak.score)
        XCTAssertEqual(try XCTUnwrap(weak.real), 0.8, accuracy: 1e-15)
        let rowsWithGaps = try CorrelationSimilarity.compute(realX: [1, 2, .nan, 3], realY: [1, 2, 9, 3],
                                                             syntheticX: [1, 2, 3], syntheticY: [3, 2, 1])
        XCTAssertEqual(try XCTUnwrap(rowsWithGaps.score), 0, accuracy: 1e-15)
        XCTAssertThrowsError(try CorrelationSimilarity.compute(realX: [1, 1, .nan], realY: [1, 2, 3],
                                                               syntheticX: [1, 2, 3], syntheticY: [1, 2, 3]))
        XCTAssertThrowsError(try CorrelationSimilarity.compute(realX: [1, .nan, 3], realY: [1, 2, .nan],
                                                               syntheticX: [1, 2, 3], syntheticY: [1, 2, 3]),
                             "one complete row")
    }

    func testContingencySimilarityByHand() {
        // real: (a,x) (a,x) (b,y) (b,y); synthetic: (a,x) (b,x) (b,y) (b,y).
        let real = (DiscreteCodes(codes: [0, 0, 1, 1], levels: 2), DiscreteCodes(codes: [0, 0, 1, 1], levels: 2))
        let synthetic = (DiscreteCodes(codes: [0, 1, 1, 1], levels: 2), DiscreteCodes(codes: [0, 0, 1, 1], levels: 2))
        XCTAssertEqual(ContingencySimilarity.compute(real: real, synthetic: synthetic), .init(score: 0.75, realAssociation: nil))
        // The real pair is perfectly associated: Cramér's V = 1.
        XCTAssertEqual(ContingencySimilarity.compute(real: real, synthetic: synthetic, realAssociationThreshold: 0.3),
                       .init(score: 0.75, realAssociation: 1))
        // Independent real columns (V = 0) are not scored under a threshold.
        let independent = (DiscreteCodes(codes: [0, 0, 1, 1], levels: 2), DiscreteCodes(codes: [0, 1, 0, 1], levels: 2))
        XCTAssertEqual(ContingencySimilarity.compute(real: independent, synthetic: synthetic, realAssociationThreshold: 0.3),
                       .init(score: nil, realAssociation: 0))
        // Missing is a category: codes shifted so that -1 becomes level 0.
        XCTAssertEqual(DiscreteCodes(categories: [-1, 0, 2], categoryCount: 3), DiscreteCodes(codes: [0, 1, 3], levels: 4))
    }

    func testBinningAsSDMetrics() throws {
        let ramp = (0...10).map(Double.init)
        XCTAssertEqual(try XCTUnwrap(DiscreteCodes(binning: ramp + [.nan])).codes, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 11],
                       "the maximum and missing values share bin 11")
        XCTAssertEqual(try XCTUnwrap(DiscreteCodes(binning: [5, 5])).codes, [6, 6], "edges 4.5…5.5 around a constant")
        XCTAssertEqual(try XCTUnwrap(DiscreteCodes(binning: [.nan])).codes, [11])
        XCTAssertNil(DiscreteCodes(binning: [1, .infinity]))
    }

    func testFastMetricsMatchReferences() throws {
        var rng = SeededGenerator(seed: 11)
        for trial in 0..<40 {
            let n = 1 + trial * 7, m = 1 + trial * 5
            let levels = 1 + trial % 6
            func number(_ rng: inout SeededGenerator) -> Double {
                let u = rng.unit()
                if u < 0.1 { return .nan }
                return trial.isMultiple(of: 2) ? Double(Int(u * 20)) : (u * 1000).rounded() / 7
            }
            let realX = (0..<n).map { _ in number(&rng) }, realY = (0..<n).map { _ in number(&rng) }
            let synX = (0..<m).map { _ in number(&rng) }, synY = (0..<m).map { _ in number(&rng) }
            XCTAssertEqual(KSComplement.compute(real: realX, synthetic: synX),
                           QualityMetricsReference.ksComplement(real: realX, synthetic: synX), "KS trial \(trial)")
            if let fast = try? CorrelationSimilarity.compute(realX: realX, realY: realY, syntheticX: synX, syntheticY: synY),
               let r = QualityMetricsReference.pearson(realX, realY) {
                XCTAssertEqual(try XCTUnwrap(fast.real), r, accuracy: 1e-12, "Pearson trial \(trial)")
            }
            XCTAssertEqual(try XCTUnwrap(DiscreteCodes(binning: realX)).codes.map(Int.init),
                           QualityMetricsReference.bins(realX), "bins trial \(trial)")

            func category(_ rng: inout SeededGenerator, _ extra: Int) -> Int32 {
                let u = rng.unit()
                return u < 0.1 ? -1 : Int32(Int(u * Double(levels + extra)) % (levels + extra))
            }
            let realA = (0..<n).map { _ in category(&rng, 0) }, realB = (0..<n).map { _ in category(&rng, 1) }
            let synA = (0..<m).map { _ in category(&rng, 1) }, synB = (0..<m).map { _ in category(&rng, 0) }
            func text(_ codes: [Int32]) -> [String?] { codes.map { $0 < 0 ? nil : "v\($0)" } }
            let fastTV = try? TVComplement.compute(real: realA, synthetic: synA, categoryCount: levels + 1)
            let referenceTV = QualityMetricsReference.tvComplement(real: text(realA), synthetic: text(synA))
            XCTAssertEqual(fastTV == nil, referenceTV == nil)
            if let fastTV, let referenceTV { XCTAssertEqual(fastTV, referenceTV, accuracy: 1e-12, "TV trial \(trial)") }

            let count = levels + 1
            let fast = ContingencySimilarity.compute(
                real: (DiscreteCodes(categories: realA, categoryCount: count), DiscreteCodes(categories: realB, categoryCount: count)),
                synthetic: (DiscreteCodes(categories: synA, categoryCount: count), DiscreteCodes(categories: synB, categoryCount: count)),
                realAssociationThreshold: 1e-9)
            let realPairs = Array(zip(text(realA), text(realB))), synPairs = Array(zip(text(synA), text(synB)))
            let referenceV = QualityMetricsReference.cramersV(realPairs)
            XCTAssertEqual(fast.realAssociation == nil, referenceV == nil, "V trial \(trial)")
            if let v = fast.realAssociation, let referenceV { XCTAssertEqual(v, referenceV, accuracy: 1e-9, "V trial \(trial)") }
            if let score = fast.score {
                XCTAssertEqual(score, QualityMetricsReference.contingencySimilarity(real: realPairs, synthetic: synPairs),
                               accuracy: 1e-12, "contingency trial \(trial)")
            }
        }
    }

    func testSparseContingencyCountsMatchFlat() {
        // Two columns of 3,000 distinct values: 9 million cells, counted in a dictionary.
        let n = 3_000
        let a = DiscreteCodes(codes: (0..<n).map { Int32($0) }, levels: n)
        let b = DiscreteCodes(codes: (0..<n).map { Int32(($0 * 7) % n) }, levels: n)
        let c = DiscreteCodes(codes: (0..<n).map { Int32(($0 * 7 + ($0 % 2)) % n) }, levels: n)
        let sparse = ContingencySimilarity.compute(real: (a, b), synthetic: (a, c), realAssociationThreshold: 0.3)
        XCTAssertEqual(try XCTUnwrap(sparse.score), 0.5, accuracy: 1e-12, "half the rows moved to a new cell")
        XCTAssertEqual(try XCTUnwrap(sparse.realAssociation), 1, accuracy: 1e-9)
    }
}

/// A seeded xorshift generator for reproducible inputs.
struct SeededGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
