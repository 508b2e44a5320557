import Foundation
import Records
import XCTest

/// RFC 4180 edge cases and the errors of ``CSVReader``, through ``Table``.
final class CSVReaderTests: XCTestCase {
    func table(_ text: String, name: String = "t.csv") throws -> Table {
        try Table.read(data: Data(text.utf8), name: name)
    }

    func rows(_ table: Table) -> [[String]] {
        (0..<table.rowCount).map { r in table.columns.map { $0[r] } }
    }

    func error(_ bytes: [UInt8], name: String = "bad.csv") -> CSVError? {
        do {
            _ = try Table.read(data: Data(bytes), name: name)
            return nil
        } catch {
            return error
        }
    }

    func error(_ text: String) -> CSVError? { error(Array(text.utf8)) }

    func testPlainFileWithAndWithoutFinalNewline() throws {
        for text in ["a,b\n1,2\n3,4\n", "a,b\n1,2\n3,4"] {
            let t = try table(text)
            XCTAssertEqual(t.columnNames, ["a", "b"])
            XCTAssertEqual(rows(t), [["1", "2"], ["3", "4"]])
            XCTAssertEqual(t.rowLines, [2, 3])
        }
    }

    func testCRLFAndLoneCRLineEndings() throws {
        XCTAssertEqual(rows(try table("a,b\r\n1,2\r\n3,4\r\n")), [["1", "2"], ["3", "4"]])
        XCTAssertEqual(rows(try table("a,b\r1,2\r3,4")), [["1", "2"], ["3", "4"]])
    }

    func testQuotedFieldsWithCommasDoubledQuotesAndNewlines() throws {
        let t = try table("name,note\n\"Smith, John\",\"say \"\"hi\"\"\"\n\"two\nlines\",\"crlf\r\ninside\"\nlast,\"\"\n")
        XCTAssertEqual(rows(t), [["Smith, John", "say \"hi\""], ["two\nlines", "crlf\r\ninside"], ["last", ""]])
        XCTAssertEqual(t.rowLines, [2, 3, 6], "a row's line is where it starts; quoted newlines count")
    }

    func testEmptyFieldsAndTrailingComma() throws {
        XCTAssertEqual(rows(try table("a,b,c\n,,\n1,,\n")), [["", "", ""], ["1", "", ""]])
        XCTAssertEqual(rows(try table("a,b\n1,")), [["1", ""]])
    }

    func testByteOrderMarkIsSkipped() throws {
        let t = try Table.read(data: Data([0xEF, 0xBB, 0xBF] + Array("x,y\n1,2\n".utf8)), name: "bom.csv")
        XCTAssertEqual(t.columnNames, ["x", "y"])
    }

    func testBlankLinesAreSkippedAsPandasDoes() throws {
        let t = try table("a,b\n\n1,2\n\r\n3,4\n\n")
        XCTAssertEqual(rows(t), [["1", "2"], ["3", "4"]])
        XCTAssertEqual(t.rowLines, [3, 5])
    }

    func testQuoteInsideUnquotedFieldIsText() throws {
        XCTAssertEqual(rows(try table("h,w\n5'10\",x\n")), [["5'10\"", "x"]])
    }

    func testUnicodeFieldsAndSpacesAreKept() throws {
        XCTAssertEqual(rows(try table("k,v\n café , 東京 \n")), [[" café ", " 東京 "]])
    }

    func testHeaderOnlyGivesNoRows() throws {
        let t = try table("a,b\n")
        XCTAssertEqual(t.columnNames, ["a", "b"])
        XCTAssertEqual(t.rowCount, 0)
    }

    func testEmptyFile() {
        XCTAssertEqual(error(""), .emptyFile(file: "bad.csv"))
        XCTAssertEqual(error([0xEF, 0xBB, 0xBF, 0x0A, 0x0A]), .emptyFile(file: "bad.csv"))
    }

    func testRaggedRowNamesFileLineAndCounts() {
        let e = error("a,b,c\n1,2,3\n\"x\ny\",2\n")
        XCTAssertEqual(e, .raggedRow(file: "bad.csv", line: 3, expected: 3, got: 2))
        XCTAssertEqual(e?.description, "bad.csv:3: expected 3 fields (as in the header), got 2")
        XCTAssertEqual(error("a\n1\n2,3\n"), .raggedRow(file: "bad.csv", line: 3, expected: 1, got: 2))
    }

    func testUnterminatedQuoteNamesTheLineWhereItOpened() {
        let e = error("a,b\n1,2\n3,\"open\nstill\nopen\n")
        XCTAssertEqual(e, .unterminatedQuote(file: "bad.csv", line: 3))
        XCTAssertTrue(e!.description.hasPrefix("bad.csv:3:"))
    }

    func testTextAfterClosingQuote() {
        XCTAssertEqual(error("a,b\n\"x\"y,2\n"), .textAfterClosingQuote(file: "bad.csv", line: 2, field: 1))
    }

    func testInvalidUTF8NamesTheLineOfTheBadByte() {
        XCTAssertEqual(error(Array("a,b\n1,2\nok,".utf8) + [0xC3, 0x28] + [0x0A]),
                       .invalidUTF8(file: "bad.csv", line: 3, field: 2))
        // Inside a quoted field that spans lines: the line of the byte, not of the field.
        XCTAssertEqual(error(Array("a\n\"x\ny".utf8) + [0xFF] + Array("\"\n".utf8)),
                       .invalidUTF8(file: "bad.csv", line: 3, field: 1))
        XCTAssertTrue(error([0x61, 0x0A, 0x80, 0x0A])!.description.contains("bad.csv:2"))
    }

    func testDuplicateColumnNames() {
        XCTAssertEqual(error("a,b,a\n1,2,3\n"), .duplicateColumn(file: "bad.csv", name: "a", first: 1, second: 3))
    }

    func testReadsAFileFromDiskAndNamesItInErrors() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("records-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("a,b\n1,2\n3\n".utf8).write(to: url)
        XCTAssertThrowsError(try Table.read(contentsOf: url)) { error in
            XCTAssertEqual(error as? CSVError, .raggedRow(file: url.path, line: 3, expected: 2, got: 1))
            XCTAssertTrue("\(error)".contains(url.path + ":3"))
        }
        let missing = url.appendingPathExtension("absent")
        XCTAssertThrowsError(try Table.read(contentsOf: missing)) { error in
            guard case .unreadableFile(let file, _)? = error as? CSVError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, missing.path)
        }
    }

    func testStreamingVisitsRecordsInOrderWithLines() throws {
        var seen: [(String, Int)] = []
        try CSVReader(data: Data("h\n\"a\nb\"\nc\n".utf8)).forEachRecord { fields, line in seen.append((fields[0], line)) }
        XCTAssertEqual(seen.map(\.0), ["h", "a\nb", "c"])
        XCTAssertEqual(seen.map(\.1), [1, 2, 4])
    }

    /// Seeded round trip: random cells (commas, quotes, CR/LF, Unicode, empty) written
    /// with RFC 4180 quoting read back equal, with either line ending.
    func testRandomRoundTrip() throws {
        var seeded = SplitMix(seed: 7)
        let alphabet = Array("ab ,\"\n\r\té東1")
        for trial in 0..<50 {
            let columns = 1 + trial % 4, rowCount = trial % 7
            let names = (0..<columns).map { "c\($0)" }
            let cells = (0..<rowCount).map { _ in
                (0..<columns).map { _ in String((0..<Int(seeded.next() % 6)).map { _ in alphabet[Int(seeded.next() % UInt64(alphabet.count))] }) }
            }
            // A row that is one empty field would be a blank line; give it text.
            let safeCells = cells.map { columns == 1 && $0[0].isEmpty ? ["x"] : $0 }
            let newline = trial.isMultiple(of: 2) ? "\n" : "\r\n"
            func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            let text = ([names] + safeCells).map { $0.map(quoted).joined(separator: ",") }.joined(separator: newline)
            let t = try table(text)
            XCTAssertEqual(t.columnNames, names)
            XCTAssertEqual(rows(t), safeCells, "trial \(trial)")
        }
    }
}

/// The seeded generator of the table tests (TableTestSupport.swift).
typealias SplitMix = TableTestRNG
