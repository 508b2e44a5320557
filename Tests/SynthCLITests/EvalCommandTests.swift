import Foundation
import XCTest

/// `synth eval table` and `synth eval text` as a user runs them: the three outputs, and
/// bad input failing with the file at fault.
final class EvalCommandTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("synth-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func table(_ name: String, rows: Int, shift: Int) throws -> String {
        var text = "age,plan,score\n"
        for i in 0..<rows { text += "\(20 + (i * 7 + shift) % 50),\(i % 3 == 0 ? "pro" : "basic"),\(i % 5)\n" }
        return try write(name, text)
    }

    func testTableReportWritesSummaryJSONAndHTML() throws {
        let real = try table("real.csv", rows: 120, shift: 0)
        let holdout = try table("holdout.csv", rows: 80, shift: 3)
        let synthetic = try table("synthetic.csv", rows: 100, shift: 1)
        let html = directory.appendingPathComponent("report.html").path
        let result = try runSynthText(["eval", "table", "--real", real, "--holdout", holdout, "--synthetic", synthetic,
                                       "--target", "plan", "--out", html, "--json"])
        XCTAssertEqual(result.status, 0, result.error)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        XCTAssertNotNil((json["quality"] as? [String: Any])?["overall"] as? Double)
        XCTAssertEqual((json["utility"] as? [String: Any])?["target"] as? String, "plan")
        XCTAssertNotNil((json["privacy"] as? [String: Any])?["share_closer_to_train"] as? Double)
        XCTAssertTrue(result.error.contains("quality"), "the summary goes to standard error with --json")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        XCTAssertTrue(page.contains("<svg") && page.contains("Utility") && !page.contains("<script"))
    }

    func testMismatchedColumnsNameTheFiles() throws {
        let real = try table("real.csv", rows: 20, shift: 0)
        let synthetic = try write("other.csv", "age,plan\n30,pro\n")
        let html = directory.appendingPathComponent("report.html").path
        let result = try runSynthText(["eval", "table", "--real", real, "--synthetic", synthetic, "--out", html])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.error.contains("other.csv") && result.error.contains("score"), result.error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: html), "nothing is written on failure")
    }

    func testTargetWithoutHoldoutIsAUsageError() throws {
        let real = try table("real.csv", rows: 20, shift: 0)
        let result = try runSynthText(["eval", "table", "--real", real, "--synthetic", real, "--target", "plan"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.error.contains("--holdout"), result.error)
    }

    func testTextReportOnLines() throws {
        let train = try write("train.txt", (0..<50).map { "the order \($0) was shipped today" }.joined(separator: "\n") + "\n")
        let heldout = try write("heldout.txt", (50..<70).map { "the order \($0) was shipped today" }.joined(separator: "\n") + "\n")
        let generated = try write("generated.txt", (0..<20).map { "the parcel \($0 * 3) left the depot" }.joined(separator: "\n") + "\n")
        let result = try runSynthText(["eval", "text", "--mode", "text", "--train", train, "--heldout", heldout,
                                       "--generated", generated, "--json"])
        XCTAssertEqual(result.status, 0, result.error)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let figures = try XCTUnwrap(json["generated"] as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(figures["novelty"] as? Double), 1, accuracy: 1e-12, "no generated line is a training line")
        let real = try XCTUnwrap(json["heldout"] as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(real["novelty"] as? Double), 1, accuracy: 1e-12)
        let missing = try runSynthText(["eval", "text", "--mode", "text", "--train", train + ".absent", "--heldout", heldout,
                                        "--generated", generated])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.error.contains("train.txt.absent"), missing.error)
    }
}
