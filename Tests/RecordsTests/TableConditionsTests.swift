import Foundation
import Records
import XCTest

/// `--where` parsing, narrowing per column and the errors users see.
final class TableConditionsTests: XCTestCase {
    let schema = TableSynthesisSchema(columns: [
        SynthesisColumn(name: "age", domain: .integer(IntegerDomain(minimum: 17, maximum: 90))),
        SynthesisColumn(name: "workclass", domain: .categorical(CategoricalDomain(values: ["Private", "State-gov", "Self-emp", "a, b"]))),
        SynthesisColumn(name: "income", domain: .categorical(CategoricalDomain(values: ["<=50K", ">50K"]))),
        SynthesisColumn(name: "hours per week", domain: .decimal(DecimalDomain(fractionDigits: 1, minimum: 10, maximum: 995))),
        SynthesisColumn(name: "member", domain: .boolean(BooleanDomain(trueText: "Yes", falseText: "No"))),
        SynthesisColumn(name: "joined", domain: .datetime(DatetimeDomain(format: .isoDate, minimum: "2001-01-01", maximum: "2020-12-31"))),
        SynthesisColumn(name: "note", domain: .text(TextDomain(maxLength: 20)), nullText: ""),
    ])

    func conditions(_ texts: String...) throws -> TableConditions {
        try TableConditions(parsing: texts, schema: schema)
    }

    func error(_ texts: String...) -> String? {
        do { _ = try TableConditions(parsing: texts, schema: schema); return nil } catch { return "\(error)" }
    }

    func testParsing() throws {
        let parsed = try conditions("income=>50K", "age >= 30", "workclass in (Private, \"a, b\")", "hours per week<=40",
                                    "note='it''s'")
        XCTAssertEqual(parsed.conditions.map(\.op), [.equal, .greaterOrEqual, .isIn, .lessOrEqual, .equal])
        XCTAssertEqual(parsed.conditions.map(\.values), [[">50K"], ["30"], ["Private", "a, b"], ["40"], ["it's"]])
        XCTAssertEqual(parsed.columns, [2, 0, 1, 3, 6])
        XCTAssertEqual(parsed.restriction(for: 2), .values([">50K"]))
        XCTAssertEqual(parsed.restriction(for: 0), .ranges([30...90]))
        XCTAssertEqual(parsed.restriction(for: 1), .values(["Private", "a, b"]))
        XCTAssertEqual(parsed.restriction(for: 3), .ranges([10...400]))
        XCTAssertEqual(parsed.restriction(for: 6), .values(["it's"]))
        XCTAssertNil(parsed.restriction(for: 4))
        XCTAssertEqual(schema.samplingOrder(conditions: parsed), [2, 0, 1, 3, 6, 4, 5])
    }

    func testNarrowingCombinesConditions() throws {
        XCTAssertEqual(try conditions("age>30", "age<40", "age!=35").restriction(for: 0), .ranges([31...34, 36...39]))
        XCTAssertEqual(try conditions("age>=30.5", "age<=40.5").restriction(for: 0), .ranges([31...40]))
        XCTAssertEqual(try conditions("age in (30, 20, 30)").restriction(for: 0), .ranges([20...20, 30...30]))
        XCTAssertEqual(try conditions("hours per week>4.25", "hours per week<5").restriction(for: 3), .ranges([43...49]))
        XCTAssertEqual(try conditions("workclass!=Private", "workclass in (Private, Self-emp, State-gov)").restriction(for: 1),
                       .values(["State-gov", "Self-emp"]))
        XCTAssertEqual(try conditions("member=true").restriction(for: 4), .values(["Yes"]))
        XCTAssertEqual(try conditions("member!=Yes").restriction(for: 4), .values(["No"]))
        XCTAssertEqual(try conditions("joined in (2001-02-03, 2002-02-03)", "joined!=2002-02-03").restriction(for: 5), .values(["2001-02-03"]))
    }

    func testErrors() {
        XCTAssertEqual(error("salary>3"), "--where 'salary>3': no column 'salary' (columns: age, workclass, income, hours per week, member, joined, note)")
        XCTAssertEqual(error("workclass=Retired"),
                       "--where 'workclass=Retired': 'Retired' is never a value of column 'workclass' (one of 'Private', 'State-gov', 'Self-emp', 'a, b')")
        XCTAssertEqual(error("age>50", "age<30"), "--where 'age>50' and 'age<30': no value of column 'age' (an integer in 17...90) meets all of them")
        XCTAssertEqual(error("workclass>=3"), "--where 'workclass>=3': column 'workclass' is categorical: compare it with =, != or in, not >=")
        XCTAssertEqual(error("age>=thirty"), "--where 'age>=thirty': column 'age' is integer: 'thirty' is not a number")
        XCTAssertEqual(error("age=200"), "--where 'age=200': '200' is never a value of column 'age' (an integer in 17...90)")
        XCTAssertEqual(error("age>=200")?.contains("no value of column 'age'"), true)
        XCTAssertEqual(error("hours per week=4.25")?.contains("'4.25' is never a value"), true)
        XCTAssertEqual(error("age in (20, 30, 95)")?.contains("'95' is never a value"), true)
        XCTAssertEqual(error("note>a"), "--where 'note>a': column 'note' is free text: only = and in are supported on it (not >)")
        XCTAssertEqual(error("joined>=2010-01-01")?.contains("is datetime: only =, != and in"), true)
        XCTAssertEqual(error("joined=2010-02-30")?.contains("'2010-02-30' is never a value"), true)
        XCTAssertEqual(error("age"), "--where 'age': expected COLUMN OP VALUE with OP one of =, !=, <, <=, >, >=, in")
        XCTAssertEqual(error("age>="), "--where 'age>=': expected a value after '>='")
        XCTAssertEqual(error("workclass in Private"), "--where 'workclass in Private': expected a list in parentheses after 'in', like in (A, B)")
        XCTAssertEqual(error("workclass in ()"), "--where 'workclass in ()': the list after 'in' is empty")
        XCTAssertEqual(error("workclass in (\"Private)"), "--where 'workclass in (\"Private)': a quoted value is never closed")
        XCTAssertEqual(error("=5"), "--where '=5': no column name before the operator")
    }

    func testAdmits() throws {
        let parsed = try conditions("age>=30", "income=>50K", "hours per week<=40.5")
        XCTAssertTrue(parsed.admits(["30", "Private", ">50K", "40.5", "Yes", "2001-01-01", nil], schema: schema))
        XCTAssertFalse(parsed.admits(["30", "Private", ">50K", "40.6", "Yes", "2001-01-01", nil], schema: schema))
        XCTAssertFalse(parsed.admits(["29", "Private", ">50K", "40", "Yes", "2001-01-01", nil], schema: schema))
        XCTAssertFalse(parsed.admits(["30", "Private", nil, "40", "Yes", "2001-01-01", nil], schema: schema))
    }
}
