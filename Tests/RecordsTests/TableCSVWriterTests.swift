import Foundation
import Records
import XCTest

/// CSV output: RFC 4180 quoting that the CSV reader reads back, and atomic files.
final class TableCSVWriterTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("table-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testQuoting() {
        XCTAssertEqual(TableCSVWriter.field("plain"), "plain")
        XCTAssertEqual(TableCSVWriter.field("a, b"), "\"a, b\"")
        XCTAssertEqual(TableCSVWriter.field("5'10\""), "\"5'10\"\"\"")
        XCTAssertEqual(TableCSVWriter.field("two\nlines"), "\"two\nlines\"")
        XCTAssertEqual(TableCSVWriter.field("cr\r"), "\"cr\r\"")
        XCTAssertEqual(TableCSVWriter.record(["a", "", "b,c"]), "a,,\"b,c\"\n")
        XCTAssertEqual(TableCSVWriter.record([""], lineEnding: "\r\n"), "\"\"\r\n")
    }

    func testRoundTripThroughTheReader() throws {
        var rng = TableTestRNG(seed: 3)
        let pieces = ["a", "b c", ",", "\"", "\n", "\r\n", "é", " ", "x\"y", "", "<=50K"]
        let header = ["one", "two, quoted", "three"]
        var rows: [[String]] = []
        for _ in 0..<3_000 {
            rows.append((0..<3).map { _ in (0..<rng.int(0...4)).map { _ in rng.pick(pieces) }.joined() })
        }
        for lineEnding in ["\n", "\r\n"] {
            let url = directory.appendingPathComponent("out\(lineEnding.utf8.count).csv")
            let writer = try TableCSVWriter(url: url, header: header, lineEnding: lineEnding)
            for row in rows { try writer.write(row) }
            XCTAssertFalse(FileManager.default.fileExists(atPath: url.path), "nothing at the destination before finish: \((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])")
            try writer.finish()
            XCTAssertEqual(writer.rowCount, rows.count)
            let table = try Table.read(contentsOf: url)
            XCTAssertEqual(table.columnNames, header)
            XCTAssertEqual(table.rowCount, rows.count)
            for (index, row) in rows.enumerated() {
                // A lone CR inside quotes is kept, CRLF too: the reader returns fields as written.
                XCTAssertEqual(table.columns.map { $0[index] }, row)
            }
        }
    }

    func testSingleEmptyFieldSurvives() throws {
        let url = directory.appendingPathComponent("one.csv")
        let writer = try TableCSVWriter(url: url, header: ["a"])
        try writer.write(["x"])
        try writer.write([""])
        try writer.write(["y"])
        try writer.finish()
        XCTAssertEqual(try Table.read(contentsOf: url).columns, [["x", "", "y"]])
    }

    func testDiscardLeavesNothing() throws {
        let url = directory.appendingPathComponent("gone.csv")
        try Data("old\n".utf8).write(to: url)
        do {
            let writer = try TableCSVWriter(url: url, header: ["a"])
            try writer.write(["1"])
            writer.discard()
        }
        do {
            let writer = try TableCSVWriter(url: url, header: ["a"])
            try writer.write(["2"])
            // dropped without finish
            _ = writer
        }
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "old\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["gone.csv"])
    }

    func testUnwritableDirectory() {
        XCTAssertThrowsError(try TableCSVWriter(url: URL(fileURLWithPath: "/nonexistent-dir/x.csv"), header: ["a"])) { error in
            XCTAssertEqual("\(error)", "/nonexistent-dir/x.csv: cannot write: No such file or directory")
        }
    }
}
