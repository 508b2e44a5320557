import Foundation
import Records
import XCTest

/// Schema inference for synthesis: kinds, nulls, schema.json overrides and errors.
final class TableSynthesisSchemaTests: XCTestCase {
    func table(_ csv: String, name: String = "t.csv") throws -> Table {
        try Table.read(data: Data(csv.utf8), name: name)
    }

    func testInfersEachKind() throws {
        let csv = """
        age,score,member,joined,workclass,comment,at
        39,3.5,yes,2020-01-05,Private,a long comment one,2020-01-05 10:00:00
        50,12.25,no,2021-12-31,State-gov,another comment,2020-01-05 23:59:59
        17,-0.5,yes,2019-06-30,Private,third remark here,2021-02-03 00:00:00
        90,7,yes,2020-02-29,Private,fourth,2021-02-03 00:00:01
        """
        let schema = try TableSynthesisSchema(inferringFrom: table(csv))
        XCTAssertEqual(schema.columnNames, ["age", "score", "member", "joined", "workclass", "comment", "at"])
        XCTAssertEqual(schema.columns[0].domain, .integer(IntegerDomain(minimum: 17, maximum: 90)))
        XCTAssertEqual(schema.columns[1].domain, .decimal(DecimalDomain(fractionDigits: 2, minimum: -50, maximum: 1225)))
        XCTAssertEqual(schema.columns[2].domain, .boolean(BooleanDomain(trueText: "yes", falseText: "no", trueCount: 3, falseCount: 1)))
        XCTAssertEqual(schema.columns[3].domain, .datetime(DatetimeDomain(format: .isoDate, minimum: "2019-06-30", maximum: "2021-12-31")))
        XCTAssertEqual(schema.columns[4].domain, .categorical(CategoricalDomain(values: ["Private", "State-gov"], counts: [3, 1])))
        // Few rows, few distinct values: categorical even for the comments.
        XCTAssertEqual(schema.columns[5].domain.typeName, "categorical")
        XCTAssertEqual(schema.columns[6].domain, .datetime(DatetimeDomain(format: .isoDateTime, minimum: "2020-01-05 10:00:00", maximum: "2021-02-03 00:00:01")))
        XCTAssertFalse(schema.columns.contains { $0.isNullable })
    }

    func testFreeTextCategoriesAndNumbers() throws {
        // 40 distinct sentences: free text. 40 rows of 3 kinds: categorical. Ratings 1...5: numeric.
        var rows = ["note,kind,rating,zip"]
        for i in 0..<40 {
            rows.append("sentence number \(i) with words,\(["A", "B", "C"][i % 3]),\(i % 5 + 1),0\(1000 + i)")
        }
        let schema = try TableSynthesisSchema(inferringFrom: table(rows.joined(separator: "\n")))
        XCTAssertEqual(schema.columns[0].domain, .text(TextDomain(maxLength: 29)))
        XCTAssertEqual(schema.columns[1].domain.typeName, "categorical")
        XCTAssertEqual(schema.columns[2].domain, .integer(IntegerDomain(minimum: 1, maximum: 5)))
        // Leading zeros are not a canonical number: zip codes stay texts (40 distinct → text).
        XCTAssertEqual(schema.columns[3].domain.typeName, "text")
    }

    func testNullsAndTheirSpelling() throws {
        let csv = "a,b,c\n1,x,\nNA,y,\nNA,,\n4,x,\n"
        let schema = try TableSynthesisSchema(inferringFrom: table(csv))
        XCTAssertEqual(schema.columns[0].nullText, "NA")
        XCTAssertEqual(schema.columns[0].nullCount, 2)
        XCTAssertEqual(schema.columns[0].domain, .integer(IntegerDomain(minimum: 1, maximum: 4)))
        XCTAssertEqual(schema.columns[1].nullText, "")
        XCTAssertEqual(schema.columns[1].nullCount, 1)
        // A column with no value at all: categorical with no values, always null.
        XCTAssertEqual(schema.columns[2].domain, .categorical(CategoricalDomain(values: [], counts: [])))
        XCTAssertTrue(schema.columns[2].isNullable)
        XCTAssertNil(schema.firstViolation(in: ["3", nil, nil]))
        XCTAssertNotNil(schema.firstViolation(in: ["3", "z", nil]))
        XCTAssertEqual(schema.outputCells([nil, nil, nil]), ["NA", "", ""])
    }

    func testBooleanSpellings() throws {
        let schema = try TableSynthesisSchema(inferringFrom: table("a,b,c,d\nTrue,Y,T,true\nFalse,Y,T,True\n"))
        XCTAssertEqual(schema.columns[0].domain, .boolean(BooleanDomain(trueText: "True", falseText: "False", trueCount: 1, falseCount: 1)))
        XCTAssertEqual(schema.columns[1].domain, .boolean(BooleanDomain(trueText: "Y", falseText: "N", trueCount: 2, falseCount: 0)))
        XCTAssertEqual(schema.columns[2].domain, .boolean(BooleanDomain(trueText: "T", falseText: "F", trueCount: 2, falseCount: 0)))
        // Two spellings of true: not a boolean.
        XCTAssertEqual(schema.columns[3].domain.typeName, "categorical")
    }

    func testSchemaFileRoundTrip() throws {
        var rng = TableTestRNG(seed: 7)
        let schema = try TableSynthesisSchema(inferringFrom: RandomTables.make(rows: 60, rng: &rng))
        XCTAssertEqual(schema.columns.map(\.domain.typeName),
                       ["integer", "decimal", "boolean", "datetime", "categorical", "text", "datetime", "integer"])
        let data = schema.jsonData()
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains("{\"name\":\"id\",\"type\":\"integer\""), text)
        XCTAssertEqual(try TableSynthesisSchema(jsonData: data), schema)
    }

    func testOverrides() throws {
        let csv = "age,code,price,when\n39,1,2.5,2020-01-01\n50,2,3,2020-06-01\n"
        let overrides = try TableSchemaOverrides(jsonData: Data("""
        {"columns": [
          {"name": "age", "type": "integer", "minimum": 0, "maximum": 120},
          {"name": "code", "type": "categorical", "values": ["1", "2", "3"]},
          {"name": "price", "precision": 2, "maximum": 100, "nullable": true, "null": "n/a"},
          {"name": "when", "type": "text"}
        ]}
        """.utf8))
        let schema = try TableSynthesisSchema(inferringFrom: table(csv), overrides: overrides)
        XCTAssertEqual(schema.columns[0].domain, .integer(IntegerDomain(minimum: 0, maximum: 120)))
        XCTAssertEqual(schema.columns[1].domain, .categorical(CategoricalDomain(values: ["1", "2", "3"], counts: [1, 1, 0])))
        XCTAssertEqual(schema.columns[2].domain, .decimal(DecimalDomain(fractionDigits: 2, minimum: 250, maximum: 10_000)))
        XCTAssertEqual(schema.columns[2].nullText, "n/a")
        XCTAssertEqual(schema.columns[3].domain, .text(TextDomain(maxLength: 10)))
    }

    func testOverrideErrors() throws {
        let csv = "age,name\n39,Ann\n\"50\",Bob\nx1,Cy\n"
        let data = try table(csv, name: "people.csv")
        func error(_ json: String) -> TableSynthesisError? {
            do {
                let overrides = try TableSchemaOverrides(jsonData: Data(json.utf8))
                _ = try TableSynthesisSchema(inferringFrom: data, overrides: overrides)
                return nil
            } catch { return error }
        }
        XCTAssertEqual(error(#"{"columns":[{"name":"agee","type":"integer"}]}"#),
                       .unknownSchemaColumn(name: "agee", available: ["age", "name"]))
        XCTAssertEqual(error(#"{"columns":[{"name":"age","type":"integer"}]}"#),
                       .valueDoesNotFit(file: "people.csv", line: 4, column: "age", value: "x1",
                                        expected: "a whole number written plainly (like 42 or -7)"))
        XCTAssertEqual(error(#"{"columns":[{"name":"name","type":"categorical","values":["Ann","Bob"]}]}"#)?.description,
                       "people.csv:4: column 'name': 'Cy' is not one of the 2 values schema.json lists")
        XCTAssertEqual(error(#"{"columns":[{"name":"age","maximun":3}]}"#)?.description.contains("unknown key \"maximun\""), true)
        XCTAssertEqual(error(#"{"columns":[{"name":"age","type":"number"}]}"#)?.description.contains("unknown type \"number\""), true)
        XCTAssertEqual(error(#"{"columns":[{"name":"name","type":"boolean"}]}"#)?.description.contains("'Cy' is not a spelling of true or false"), true)
        XCTAssertEqual(error(#"{"columns":[{"name":"name","type":"text","maxLength":2}]}"#),
                       .valueDoesNotFit(file: "people.csv", line: 2, column: "name", value: "Ann", expected: "text of at most 2 characters on one line"))
        XCTAssertEqual(error(#"{"columns": 3}"#)?.description, "schema.json: \"columns\" must be an array of objects")
        XCTAssertEqual(error("{\"columns\": [").map { "\($0)".hasPrefix("schema.json: not valid JSON") }, true)
    }

    func testNeverEmptyOverrideAndMultilineLines() throws {
        // The second row spans lines 3-4, so the third row starts on line 5.
        let data = try table("a,b\n1,x\n2,\"two\nlines\"\n,z\n", name: "m.csv")
        let overrides = try TableSchemaOverrides(jsonData: Data(#"{"columns":[{"name":"a","nullable":false}]}"#.utf8))
        XCTAssertThrowsError(try TableSynthesisSchema(inferringFrom: data, overrides: overrides)) { error in
            XCTAssertEqual(error as? TableSynthesisError, .valueDoesNotFit(file: "m.csv", line: 5, column: "a", value: "",
                                                                           expected: "a value (schema.json says this column is never empty)"))
        }
        let text = try TableSchemaOverrides(jsonData: Data(#"{"columns":[{"name":"b","type":"text"}]}"#.utf8))
        let schema = try TableSynthesisSchema(inferringFrom: data, overrides: text)
        XCTAssertEqual(schema.columns[1].domain, .text(TextDomain(maxLength: 9, multiline: true)))
    }

    func testReservedSequenceIsAnError() throws {
        let data = try table("a,b\n1,ok\n2,<|col:0|>\n", name: "r.csv")
        XCTAssertThrowsError(try TableSynthesisSchema(inferringFrom: data)) { error in
            XCTAssertEqual(error as? TableSynthesisError, .reservedSequence(file: "r.csv", line: 3, column: "b"))
        }
    }

    func testCompleteSchemaFileNeedsEveryField() {
        XCTAssertThrowsError(try TableSynthesisSchema(jsonData: Data(#"{"columns":[{"name":"a","type":"integer","minimum":1}]}"#.utf8))) { error in
            XCTAssertEqual("\(error)", "schema.json: column \"a\": \"maximum\" is required for type integer (there is no value to infer it from)")
        }
    }
}
