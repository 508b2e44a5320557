@testable import Evaluation
import Foundation
import Records
import XCTest

/// The blocked Float32 kernel against its plain double-precision twin
/// (``MixedDistanceReference``) on random mixed tables of odd sizes: every distance of a
/// row it picks must equal the true minimum to 1e-6, whatever the tiling and threads.
final class PrivacyKernelTests: XCTestCase {
    /// A small seeded generator (SplitMix64), so that the tables are the same every run.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// Columns: a float with missing values (synthetic values beyond the train range), a
    /// small integer (many ties), a constant train column, two categories (one with
    /// missing values). `spread` widens the synthetic values.
    func table(_ rows: Int, _ name: String, spread: Double, _ random: inout Random) -> Table {
        var x: [String] = [], k: [String] = [], one: [String] = [], c: [String] = [], d: [String] = []
        for row in 0..<rows {
            x.append(random.below(10) == 0 ? "" : String(format: "%.3f", (Double(random.below(10_000)) / 1000 - 5) * spread))
            k.append(String(random.below(4)))
            one.append(spread > 1 && random.below(5) == 0 ? "8" : "7")
            // Row 0 has a colour, so that c is a category even in a one-row table.
            c.append(["red", "green", "blue", "NA"][random.below(row == 0 ? 3 : 4)])
            d.append("v\(random.below(spread > 1 ? 7 : 5))")
        }
        return Table(source: name, columnNames: ["x", "k", "one", "c", "d"], columns: [x, k, one, c, d])
    }

    func space(train: Int, holdout: Int, synthetic: Int, seed: UInt64) throws -> MixedDistanceSpace {
        var random = Random(state: seed)
        let t = table(train, "train.csv", spread: 1, &random)
        let h = table(holdout, "holdout.csv", spread: 1, &random)
        let s = table(synthetic, "synthetic.csv", spread: 1.5, &random)
        return try MixedDistanceSpace(train: t, holdout: h, synthetic: s,
                                      metadata: QualityMetadata(schema: TableSchema(inferringFrom: t, detectsDates: false)))
    }

    func search(_ space: MixedDistanceSpace, _ queries: MixedDistanceRows, _ references: MixedDistanceRows,
                prefix: [Int]? = nil, tile: Int? = nil, serial: Bool = false) -> NearestNeighbours {
        let panels = references.kernel.withUnsafeBufferPointer {
            ReferencePanels(rows: $0, rowCount: references.count, columnCount: space.columnCount,
                            scaledColumnCount: space.scaledColumnCount, prefix: prefix)
        }
        return queries.kernel.withUnsafeBufferPointer {
            NearestNeighbourSearch.search(queries: $0, queryCount: queries.count, references: panels, closestQueries: true,
                                          pool: serial ? .serial(0) : .shared, tileGroups: tile)
        }
    }

    func testKernelMatchesTheDoublePrecisionReference() throws {
        for (train, holdout, synthetic, seed) in [(1, 1, 1, 1), (2, 3, 1, 2), (17, 16, 33, 3), (37, 41, 29, 4),
                                                  (101, 64, 77, 5), (333, 129, 250, 6)] as [(Int, Int, Int, UInt64)] {
            let space = try space(train: train, holdout: holdout, synthetic: synthetic, seed: seed)
            if train > 2 { XCTAssertEqual(space.scaledColumnCount, 2, "x and k scaled; one, c, d exact") }
            for (queries, references, label) in [(space.synthetic, space.train, "synthetic->train"),
                                                 (space.holdout, space.train, "holdout->train"),
                                                 (space.synthetic, space.holdout, "synthetic->holdout")] {
                let reference = MixedDistanceReference.nearest(space: space, queries: queries, references: references)
                for tile in [nil, 1, 3] as [Int?] {
                    let found = search(space, queries, references, tile: tile)
                    let name = "\(label) \(train)/\(holdout)/\(synthetic) tile \(String(describing: tile))"
                    for q in 0..<queries.count {
                        let best = space.distance(queries, q, references, found.nearest[q])
                        XCTAssertEqual(best, reference[q].distance, accuracy: 1e-6, "\(name) query \(q)")
                        XCTAssertEqual(Double(found.nearestSum[q]) / 5, reference[q].distance, accuracy: 1e-6, name)
                        if references.count > 1 {
                            XCTAssertNotEqual(found.second[q], found.nearest[q], name)
                            let second = space.distance(queries, q, references, found.second[q])
                            XCTAssertEqual(second, reference[q].second, accuracy: 1e-6, "\(name) query \(q) second")
                        } else {
                            XCTAssertEqual(found.second[q], -1)
                            XCTAssertEqual(found.secondSum[q], .infinity)
                        }
                    }
                    // Each reference row's closest query (membership inference).
                    for r in 0..<references.count {
                        let truth = (0..<queries.count).map { space.distance(queries, $0, references, r) }.min()!
                        XCTAssertEqual(space.distance(queries, found.closestQuery[r], references, r), truth,
                                       accuracy: 1e-6, "\(name) reference row \(r)")
                    }
                }
            }
        }
    }

    /// Minima over a prefix of the reference rows (the equal-size cut), across tile edges.
    func testPrefixMinima() throws {
        let space = try space(train: 203, holdout: 10, synthetic: 61, seed: 9)
        var random = Random(state: 11)
        let cut = (0..<space.train.count).filter { _ in random.below(3) != 0 }
        for tile in [nil, 2, 5] as [Int?] {
            let found = search(space, space.synthetic, space.train, prefix: cut, tile: tile)
            XCTAssertEqual(found.prefixNearest.count, space.synthetic.count)
            for q in 0..<space.synthetic.count {
                let truth = cut.map { space.distance(space.synthetic, q, space.train, $0) }.min()!
                XCTAssertTrue(cut.contains(found.prefixNearest[q]))
                XCTAssertEqual(space.distance(space.synthetic, q, space.train, found.prefixNearest[q]), truth, accuracy: 1e-6)
                let all = (0..<space.train.count).map { space.distance(space.synthetic, q, space.train, $0) }.min()!
                XCTAssertEqual(space.distance(space.synthetic, q, space.train, found.nearest[q]), all, accuracy: 1e-6)
            }
        }
    }

    /// The same answer, bit for bit, on one thread and on the shared pool, for any tile.
    func testResultsDoNotDependOnThreadsOrTiles() throws {
        let space = try space(train: 257, holdout: 31, synthetic: 97, seed: 12)
        let one = search(space, space.synthetic, space.train, serial: true)
        for tile in [nil, 1, 4] as [Int?] {
            let many = search(space, space.synthetic, space.train, tile: tile)
            XCTAssertEqual(many.nearest, one.nearest)
            XCTAssertEqual(many.nearestSum, one.nearestSum)
            XCTAssertEqual(many.second, one.second)
            XCTAssertEqual(many.closestQuery, one.closestQuery)
        }
    }

    /// Equal values give exactly 0 in the kernel, whatever the column kind.
    func testEqualRowsAreAtZero() throws {
        let space = try space(train: 45, holdout: 45, synthetic: 3, seed: 13)
        let found = search(space, space.train, space.train)
        for q in 0..<space.train.count {
            XCTAssertEqual(found.nearestSum[q], 0)
            XCTAssertEqual(space.distance(space.train, q, space.train, found.nearest[q]), 0)
        }
    }
}
