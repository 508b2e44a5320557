import Foundation
import Records
import XCTest

/// Number and date parsing, missing values and column-kind inference.
final class TableSchemaTests: XCTestCase {
    func testNumbersAsPandasReadsThem() {
        let accepted: [(String, Double)] = [
            ("12", 12), ("-3.5", -3.5), ("+4", 4), (".5", 0.5), ("1.", 1), ("2e-3", 0.002), ("1E5", 100_000),
            (" 42 ", 42), ("\t7", 7), ("inf", .infinity), ("-Infinity", -.infinity), ("007", 7),
        ]
        for (text, value) in accepted { XCTAssertEqual(CellParser.number(text), value, text) }
        for text in ["", " ", "abc", "1,000", "0x10", "1e", "e5", ".", "-", "nan", "1.2.3", "12a", "1 2", "infinite"] {
            XCTAssertNil(CellParser.number(text), text)
        }
    }

    func testDates() throws {
        XCTAssertEqual(DateFormat.isoDate.seconds("1970-01-02"), 86_400)
        XCTAssertEqual(DateFormat.isoDate.seconds("2000-03-01"), 951_868_800)
        XCTAssertEqual(DateFormat.isoDateTime.seconds("2024-02-29 12:30:15"), 1_709_209_815)
        XCTAssertEqual(DateFormat.isoDateTimeT.seconds("1969-12-31T23:59:59"), -1)
        XCTAssertEqual(try XCTUnwrap(DateFormat.isoDateTimeFraction.seconds("1970-01-01 00:00:01.25")), 1.25, accuracy: 1e-12)
        XCTAssertEqual(DateFormat.usDate.seconds("01/02/1970"), 86_400)
        XCTAssertEqual(DateFormat.slashedYearFirst.seconds("1970/01/02"), 86_400)
        for bad in ["2023-02-29", "2024-13-01", "2024-1-01", "2024-01-01 24:00:00", "20240101", "2024-01-01x"] {
            XCTAssertNil(DateFormat.allCases.lazy.compactMap { $0.seconds(bad) }.first, bad)
        }
        XCTAssertEqual(DateFormat.detect(["2024-01-05", "1999-12-31"]), .isoDate)
        XCTAssertEqual(DateFormat.detect(["12/31/1999"]), .usDate)
        XCTAssertNil(DateFormat.detect(["2024-01-05", "soon"]))
    }

    func testMissingValuesArePandasDefaults() {
        let missing = MissingValues.pandasDefault
        for text in ["", "NA", "NaN", "nan", "null", "NULL", "None", "#N/A", "N/A", "n/a", "<NA>", "-nan"] {
            XCTAssertTrue(missing.contains(text), text)
        }
        for text in ["?", "na", " ", "none", "0", "missing"] { XCTAssertFalse(missing.contains(text), text) }
        XCTAssertFalse(MissingValues.emptyOnly.contains("NA"))
    }

    func testInferredKinds() throws {
        let csv = """
        int,float,withGap,text,date,mostlyNumber,allMissing,question
        1,1.5,3,a,2024-01-01,1,,?
        2,2,NA,b,2024-02-01,x,NA,Private
        -3,1e3,,a,,3,,?

        """
        let table = try Table.read(data: Data(csv.utf8), name: "kinds.csv")
        let schema = TableSchema(inferringFrom: table)
        XCTAssertEqual(schema.columns.map(\.kind), [
            .numerical(integer: true), .numerical(integer: false), .numerical(integer: true), .categorical,
            .datetime(.isoDate), .categorical, .numerical(integer: true), .categorical,
        ])
        XCTAssertEqual(schema.columns.map(\.missingCount), [0, 0, 2, 0, 1, 0, 3, 0])
        XCTAssertEqual(TableSchema(inferringFrom: table, detectsDates: false)["date"]?.kind, .categorical)
    }

    func testAdultKindsWhenPresent() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../shared/data/adult/adult_train_5k.csv").standardized
        try XCTSkipUnless(FileManager.default.fileExists(atPath: url.path), "../shared is absent")
        let table = try Table.read(contentsOf: url)
        XCTAssertEqual(table.rowCount, 5_000)
        let schema = TableSchema(inferringFrom: table)
        let numerical = schema.columns.filter { $0.kind == .numerical(integer: true) }.map(\.name)
        XCTAssertEqual(numerical, ["age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week"])
        XCTAssertEqual(schema["workclass"]?.missingCount, 0, "'?' is a category in Adult, not missing")
    }
}
