import Evaluation
import Foundation
import Records
import XCTest

/// Agreement with SDMetrics 0.32's QualityReport on fixtures written once by
/// Tools/reference/make_quality_fixtures.py: every score of the small tables within 1e-6,
/// and on Adult (SDV's samples, read from ../shared, skipped when it is absent) the three
/// headline scores within 0.01, the target.
final class SDMetricsAgreementTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/quality")
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardized

    struct Expected: Decodable {
        let sdmetrics: String
        let cases: [Case]
    }

    struct Case: Decodable {
        let name: String
        let real: String
        let synthetic: String
        let metadata: [Column]
        let `default`: Report
        let all_pairs: Report
    }

    struct Column: Decodable {
        let name: String
        let sdtype: String
        let datetime_format: String?
    }

    struct Report: Decodable {
        let overall: Double?
        let column_shapes: Double?
        let column_pair_trends: Double?
        let shapes: [Shape]
        let pairs: [Pair]
    }

    struct Shape: Decodable {
        let column: String
        let metric: String
        let score: Double?
    }

    struct Pair: Decodable {
        let column1: String
        let column2: String
        let metric: String
        let score: Double?
        let real_correlation: Double?
        let synthetic_correlation: Double?
        let real_association: Double?
        let meets_threshold: Bool
    }

    func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("expected.json")))
    }

    /// A fixture path: a file beside expected.json, or `../shared/...` from the repository.
    func url(_ path: String) -> URL {
        path.hasPrefix("../") ? Self.repository.appendingPathComponent(path).standardized
            : Self.fixtures.appendingPathComponent(path)
    }

    func metadata(_ columns: [Column]) throws -> QualityMetadata {
        QualityMetadata(columns: try columns.map { column in
            let type = try XCTUnwrap(StatisticalType(rawValue: column.sdtype), column.sdtype)
            return .init(name: column.name, type: type, dateFormat: column.datetime_format.flatMap(DateFormat.init(rawValue:)))
        })
    }

    func scores(_ fixture: Case) throws -> (default: QualityScores, allPairs: QualityScores) {
        let real = try Table.read(contentsOf: url(fixture.real))
        let synthetic = try Table.read(contentsOf: url(fixture.synthetic))
        let tables = try EncodedTables(real: real, synthetic: synthetic, metadata: try metadata(fixture.metadata))
        return (QualityReport.evaluate(tables), QualityReport.evaluate(tables, options: .allPairs))
    }

    func assertClose(_ a: Double?, _ b: Double?, _ tolerance: Double, _ what: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        switch (a, b) {
        case (nil, nil): return
        case let (a?, b?): XCTAssertEqual(a, b, accuracy: tolerance, what, file: file, line: line)
        default: XCTFail("\(what): \(String(describing: a)) vs SDMetrics \(String(describing: b))", file: file, line: line)
        }
    }

    func assertAgrees(_ ours: QualityScores, _ theirs: Report, _ label: String) {
        assertClose(ours.overall, theirs.overall, 1e-6, "\(label) overall")
        assertClose(ours.columnShapes, theirs.column_shapes, 1e-6, "\(label) column shapes")
        assertClose(ours.columnPairTrends, theirs.column_pair_trends, 1e-6, "\(label) pair trends")
        XCTAssertEqual(ours.shapes.map(\.column), theirs.shapes.map(\.column), label)
        for (shape, expected) in zip(ours.shapes, theirs.shapes) {
            XCTAssertEqual(shape.metric.rawValue, expected.metric, "\(label) \(shape.column)")
            assertClose(shape.score, expected.score, 1e-6, "\(label) \(shape.column)")
        }
        XCTAssertEqual(ours.pairs.count, theirs.pairs.count, label)
        for (pair, expected) in zip(ours.pairs, theirs.pairs) {
            let name = "\(label) (\(pair.column1), \(pair.column2))"
            XCTAssertEqual([pair.column1, pair.column2], [expected.column1, expected.column2], name)
            XCTAssertEqual(pair.metric.rawValue, expected.metric, name)
            assertClose(pair.score, expected.score, 1e-6, "\(name) score")
            assertClose(pair.realCorrelation, expected.real_correlation, 1e-6, "\(name) real r")
            assertClose(pair.syntheticCorrelation, expected.synthetic_correlation, 1e-6, "\(name) synthetic r")
            assertClose(pair.realAssociation, expected.real_association, 1e-6, "\(name) Cramér's V")
            XCTAssertEqual(pair.meetsThreshold, expected.meets_threshold, name)
        }
    }

    func testSmallTablesAgreeWithin1e6() throws {
        let small = try expected().cases.filter { !$0.real.hasPrefix("../") }
        XCTAssertEqual(small.map(\.name), ["mixed", "strong", "dates", "text"])
        for fixture in small {
            let (strict, all) = try scores(fixture)
            assertAgrees(strict, fixture.default, "\(fixture.name) default")
            assertAgrees(all, fixture.all_pairs, "\(fixture.name) all pairs")
        }
    }

    /// Prints the differences (the figures of the closing note) and holds them to 0.01.
    func testAdultAgreesWithin001() throws {
        let adult = try expected().cases.filter { $0.real.hasPrefix("../") }
        XCTAssertEqual(adult.count, 3)
        try XCTSkipUnless(FileManager.default.fileExists(atPath: url(adult[0].real).path), "../shared is absent")
        for fixture in adult {
            let (strict, all) = try scores(fixture)
            for (ours, theirs, label) in [(strict, fixture.default, "default"), (all, fixture.all_pairs, "all pairs")] {
                let differences = [(ours.overall, theirs.overall), (ours.columnShapes, theirs.column_shapes),
                                   (ours.columnPairTrends, theirs.column_pair_trends)]
                    .map { abs(($0.0 ?? .nan) - ($0.1 ?? .nan)) }
                print(String(format: "%@ %@: overall %.6f (SDMetrics %.6f), |diff| overall %.2e shapes %.2e trends %.2e",
                             fixture.name, label, ours.overall ?? .nan, theirs.overall ?? .nan,
                             differences[0], differences[1], differences[2]))
                for difference in differences { XCTAssertLessThanOrEqual(difference, 0.01, "\(fixture.name) \(label)") }
                assertAgrees(ours, theirs, "\(fixture.name) \(label)")
            }
        }
    }
}
