import Foundation
import Records
import XCTest
@testable import Evaluation

final class TableEvaluationReportTests: XCTestCase {
    /// A small mixed table: a number that tracks another, a category, a column whose name
    /// needs escaping in HTML.
    func table(_ name: String, rows: [(Double, Double, String, String)]) throws -> Table {
        var text = "x,y,colour,<b>&note\n"
        for (x, y, colour, note) in rows { text += "\(x),\(y),\(colour),\(note)\n" }
        return try Table.read(data: Data(text.utf8), name: name)
    }

    func makeTables() throws -> (Table, Table, Table) {
        let colours = ["red", "green", "blue"]
        func rows(_ count: Int, shift: Double) -> [(Double, Double, String, String)] {
            (0..<count).map { i in
                let x = Double(i % 17) + shift
                return (x, 2 * x + Double(i % 3), colours[i % 3], i % 2 == 0 ? "a" : "b")
            }
        }
        return (try table("train.csv", rows: rows(60, shift: 0)), try table("holdout.csv", rows: rows(40, shift: 0.5)),
                try table("synthetic.csv", rows: rows(50, shift: 0.25)))
    }

    func testResultAgreesWithTheReportsItCombines() throws {
        let (train, holdout, synthetic) = try makeTables()
        let result = try TableEvaluation.run(train: train, holdout: holdout, synthetic: synthetic,
                                             options: TableEvaluation.Options(target: "colour"))
        let metadata = QualityMetadata(schema: TableSchema(inferringFrom: train, detectsDates: false))
        let quality = try QualityReport.evaluate(real: train, synthetic: synthetic, metadata: metadata)
        XCTAssertEqual(result.quality, quality)
        let privacy = try PrivacyEvaluation.evaluate(train: train, holdout: holdout, synthetic: synthetic, metadata: metadata)
        XCTAssertEqual(result.privacy, privacy)
        XCTAssertEqual(result.utility?.target, "colour")
        XCTAssertEqual(result.validity.rows, 50)

        // Distributions: shares plus missing add up to 1 on both sides; the categories are
        // the real table's, most frequent first.
        for distribution in result.distributions {
            XCTAssertEqual(distribution.realShares.reduce(0, +) + distribution.realMissing, 1, accuracy: 1e-9)
            XCTAssertEqual(distribution.syntheticShares.reduce(0, +) + distribution.syntheticMissing, 1, accuracy: 1e-9)
        }
        let colour = try XCTUnwrap(result.distributions.first { $0.column == "colour" })
        XCTAssertEqual(Set(colour.categories), ["red", "green", "blue"])
        XCTAssertEqual(colour.realShares, [20.0 / 60, 20.0 / 60, 20.0 / 60])

        // Associations: Pearson for two numbers, matching a direct computation; symmetric.
        let xs = train.columns[0].map { Double($0)! }, ys = train.columns[1].map { Double($0)! }
        let mx = xs.reduce(0, +) / 60, my = ys.reduce(0, +) / 60
        let sxy = zip(xs, ys).map { ($0 - mx) * ($1 - my) }.reduce(0, +)
        let r = sxy / (xs.map { ($0 - mx) * ($0 - mx) }.reduce(0, +) * ys.map { ($0 - my) * ($0 - my) }.reduce(0, +)).squareRoot()
        XCTAssertEqual(try XCTUnwrap(result.realAssociations.values[0][1]), r, accuracy: 1e-12)
        for i in 0..<4 {
            XCTAssertEqual(result.realAssociations.values[i][i], 1)
            for j in 0..<4 { XCTAssertEqual(result.realAssociations.values[i][j], result.realAssociations.values[j][i]) }
        }
    }

    func testJSONCarriesTheFiguresButNotThePerRowDistances() throws {
        let (train, holdout, synthetic) = try makeTables()
        let result = try TableEvaluation.run(train: train, holdout: holdout, synthetic: synthetic,
                                             options: TableEvaluation.Options(target: "colour"))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: result.jsonData()) as? [String: Any])
        let quality = try XCTUnwrap(object["quality"] as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(quality["overall"] as? Double), try XCTUnwrap(result.quality.overall), accuracy: 1e-12)
        let privacy = try XCTUnwrap(object["privacy"] as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(privacy["share_closer_to_train"] as? Double), try XCTUnwrap(result.privacy?.shareCloserToTrain), accuracy: 1e-12)
        XCTAssertNil(privacy["dcr_to_train"])
        let utility = try XCTUnwrap(object["utility"] as? [String: Any])
        XCTAssertEqual(utility["target"] as? String, "colour")
        XCTAssertEqual((object["rows"] as? [String: Any])?["synthetic"] as? Int, 50)
    }

    func testHTMLIsSelfContainedAndEscaped() throws {
        let (train, holdout, synthetic) = try makeTables()
        let result = try TableEvaluation.run(train: train, holdout: holdout, synthetic: synthetic)
        let html = result.html()
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.contains("http://") && !html.contains("http://www.w3.org/2000/svg"))
        XCTAssertFalse(html.contains("https://"))
        // One chart per column, three heatmaps and the DCR histogram.
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, 4 + 3 + 1)
        XCTAssertTrue(html.contains("&lt;b&gt;&amp;note"))
        XCTAssertFalse(html.contains("<b>&note"))
        // Without a holdout there is no privacy section, and the summary says how to get one.
        let noHoldout = try TableEvaluation.run(train: train, holdout: nil, synthetic: synthetic)
        XCTAssertFalse(noHoldout.html().contains("<h2>Privacy"))
        XCTAssertTrue(noHoldout.summary().contains("give --holdout"))
    }

    func testMismatchedHoldoutAndUnknownTargetAreErrorsNamingTheFile() throws {
        let (train, _, synthetic) = try makeTables()
        let other = try Table.read(data: Data("x,y,colour\n1,2,red\n".utf8), name: "other.csv")
        XCTAssertThrowsError(try TableEvaluation.run(train: train, holdout: other, synthetic: synthetic)) { error in
            XCTAssertTrue("\(error)".contains("other.csv"), "\(error)")
        }
        XCTAssertThrowsError(try TableEvaluation.run(train: train, holdout: nil, synthetic: synthetic,
                                                     options: TableEvaluation.Options(target: "size"))) { error in
            XCTAssertTrue("\(error)".contains("size"), "\(error)")
        }
    }

    func testHeatmapColoursAreSymmetricAroundZero() {
        XCTAssertEqual(SVGChart.color(for: 0, range: -1...1), "#ffffff")
        XCTAssertNotEqual(SVGChart.color(for: 0.8, range: -1...1), SVGChart.color(for: -0.8, range: -1...1))
        XCTAssertEqual(SVGChart.color(for: 5, range: -1...1), SVGChart.color(for: 1, range: -1...1))
    }
}
