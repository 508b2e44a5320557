import Foundation
import XCTest
@testable import Decoding

final class JSONSchemaTests: XCTestCase {
    private func compile(_ schema: String, _ options: JSONSchemaOptions = .init()) throws -> ReferenceGrammarMatcher {
        ReferenceGrammarMatcher(try compileJSONSchema(Data(schema.utf8), options: options))
    }

    private func compileError(_ schema: String) -> ConstraintSyntaxError? {
        do {
            _ = try compileJSONSchema(Data(schema.utf8))
            return nil
        } catch {
            return error
        }
    }

    static let schemas = [
        #"{"type":"integer","minimum":-5,"maximum":120}"#,
        #"{"type":"number","minimum":0,"maximum":5}"#,
        #"{"type":"number","exclusiveMinimum":-3,"exclusiveMaximum":2}"#,
        #"{"type":"number"}"#,
        #"{"type":"string","minLength":2,"maxLength":4}"#,
        #"{"type":"string","pattern":"^[a-z]+-\\d{2}$"}"#,
        #"{"type":"string","pattern":"ab|^Z"}"#,
        #"{"type":["string","null","boolean"]}"#,
        #"{"enum":["x",1,null,[1,2],{"a":"é"}]}"#,
        #"{"type":"array","items":{"type":"integer","minimum":0,"maximum":9},"minItems":1,"maxItems":3}"#,
        #"{"type":"array","items":{"type":"string","maxLength":1}}"#,
        #"{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"boolean"},"c":{"const":"k"}},"required":["b"]}"#,
        #"{"type":"object","properties":{"a":{"type":"null"},"b":{"type":"null"},"c":{"type":"null"}}}"#,
        #"{"type":"object","properties":{"x":{"type":"integer","exclusiveMaximum":3}},"required":["x"],"additionalProperties":false}"#,
        #"{"anyOf":[{"type":"integer","maximum":-10},{"type":"string","maxLength":1}]}"#,
        #"{"oneOf":[{"type":"boolean"},{"type":"array","maxItems":2,"items":{"enum":[1,2]}}]}"#,
        ##"{"$defs":{"node":{"type":"object","properties":{"v":{"type":"integer","minimum":0,"maximum":3},"next":{"anyOf":[{"$ref":"#/$defs/node"},{"type":"null"}]}},"required":["v","next"]}},"$ref":"#/$defs/node"}"##,
        #"{"type":"array","items":{}}"#,
    ]

    func testGrammarAgreesWithReferenceValidator() throws {
        var random = SplitMix64(seed: 2024)
        var valid = 0
        var invalid = 0
        for text in Self.schemas {
            let schema = try JSONValue(parsing: Data(text.utf8))
            let matcher = try compile(text)
            let validator = ReferenceSchemaValidator(root: schema)
            var sampler = SchemaValueSampler(root: schema, random: SplitMix64(seed: random.next()))
            var schemaValid = 0
            for _ in 0..<300 {
                let value = sampler.sample()
                let expected = validator.isValid(value)
                XCTAssertEqual(matcher.matches(value.compactText), expected, "schema \(text)\nvalue \(value.compactText)")
                if expected { schemaValid += 1; valid += 1 } else { invalid += 1 }
            }
            XCTAssertGreaterThan(schemaValid, 10, "too few valid samples for \(text)")
        }
        XCTAssertGreaterThan(invalid, 500)
        XCTAssertGreaterThan(valid, 2000)
    }

    /// Every integer in a window around the bounds, plus non-canonical spellings.
    func testIntegerRangesExactly() throws {
        let cases: [(String, (Int) -> Bool)] = [
            (#""minimum":17,"maximum":90"#, { 17 <= $0 && $0 <= 90 }),
            (#""minimum":-5,"maximum":120"#, { -5 <= $0 && $0 <= 120 }),
            (#""minimum":-120,"maximum":-7"#, { -120 <= $0 && $0 <= -7 }),
            (#""minimum":0"#, { $0 >= 0 }),
            (#""minimum":95"#, { $0 >= 95 }),
            (#""maximum":-95"#, { $0 <= -95 }),
            (#""maximum":1000"#, { $0 <= 1000 }),
            (#""exclusiveMinimum":-1,"exclusiveMaximum":100"#, { -1 < $0 && $0 < 100 }),
            (#""minimum":2.5,"maximum":99.5"#, { 3 <= $0 && $0 <= 99 }),
            (#""minimum":-2.5,"exclusiveMaximum":1e2"#, { -2 <= $0 && $0 < 100 }),
            (#""minimum":5,"maximum":5"#, { $0 == 5 }),
            (#""minimum":1,"maximum":1099"#, { 1 <= $0 && $0 <= 1099 }),
            (#""minimum":-1001,"maximum":0"#, { -1001 <= $0 && $0 <= 0 }),
            ("", { _ in true }),
        ]
        for (bounds, inRange) in cases {
            let comma = bounds.isEmpty ? "" : ","
            let matcher = try compile(#"{"type":"integer"\#(comma)\#(bounds)}"#)
            for value in -1300...1300 {
                XCTAssertEqual(matcher.matches(String(value)), inRange(value), "\(bounds): \(value)")
            }
            for text in ["-0", "00", "017", "+5", "", "-", "5.0", "1e2", " 5", "--5"] {
                XCTAssertFalse(matcher.matches(text), "\(bounds): \(text)")
            }
        }
    }

    /// Numbers with integer bounds: every accepted text's value is in range, and in-range
    /// texts of the form `-?int(.digits)?` are accepted (never `-0`).
    func testNumberRangesExactly() throws {
        let cases: [(String, (Double) -> Bool)] = [
            (#""minimum":0,"maximum":5"#, { 0 <= $0 && $0 <= 5 }),
            (#""exclusiveMinimum":-3,"exclusiveMaximum":2"#, { -3 < $0 && $0 < 2 }),
            (#""minimum":-12"#, { $0 >= -12 }),
            (#""exclusiveMaximum":11"#, { $0 < 11 }),
            (#""minimum":3,"exclusiveMinimum":3,"maximum":4.0"#, { 3 < $0 && $0 <= 4 }),
        ]
        for (bounds, inRange) in cases {
            let matcher = try compile(#"{"type":"number",\#(bounds)}"#)
            for integer in -15...15 {
                for fraction in ["", ".0", ".00", ".5", ".05", ".50", ".999"] {
                    for sign in ["", "-"] where !(sign == "-" && integer < 0) {
                        let text = sign + String(integer) + fraction
                        let value = Double(text)!
                        let negativeZero = sign == "-" && value == 0
                        XCTAssertEqual(matcher.matches(text), inRange(value) && !negativeZero, "\(bounds): \(text)")
                    }
                }
            }
            for text in ["1e0", "01.5", "1.", ".5", "-", "+1"] { XCTAssertFalse(matcher.matches(text), "\(bounds): \(text)") }
        }
    }

    func testAdultRowSchema() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: "/work/shared/bench/adult_row.schema.json"))
        let matcher = ReferenceGrammarMatcher(try compileJSONSchema(data))
        let row = #"{"age":39,"workclass":"State-gov","education":"Bachelors","hours_per_week":40,"income":"<=50K","name":"Ann \"A\" é"}"#
        XCTAssertTrue(matcher.matches(row))
        XCTAssertFalse(matcher.matches(row.replacingOccurrences(of: "39", with: "16")))
        XCTAssertFalse(matcher.matches(row.replacingOccurrences(of: "39", with: "91")))
        XCTAssertFalse(matcher.matches(row.replacingOccurrences(of: "State-gov", with: "state-gov")))
        XCTAssertFalse(matcher.matches(row.replacingOccurrences(of: "\"age\":39,", with: "")))
        XCTAssertFalse(matcher.matches(row.replacingOccurrences(of: "Ann", with: String(repeating: "x", count: 30))))
        XCTAssertFalse(matcher.matches(row.replacingOccurrences(of: ",", with: ", ")))

        let flexible = ReferenceGrammarMatcher(try compileJSONSchema(data, options: .init(whitespace: .flexible)))
        XCTAssertTrue(flexible.matches(row))
        XCTAssertTrue(flexible.matches("{\n \"age\": 39,\n\t\"workclass\" :\"State-gov\",\"education\":\"Bachelors\", \"hours_per_week\":40,\"income\":\"<=50K\",\"name\":\"x\"\n}"))
        XCTAssertFalse(flexible.matches(" " + row), "no whitespace before the value")
        XCTAssertFalse(flexible.matches(row.replacingOccurrences(of: ",", with: ",   ")), "at most 2 whitespace characters")
    }

    func testFlexibleWhitespaceOnEmptyAndNestedContainers() throws {
        let matcher = try compile(#"{"type":"object","properties":{"a":{"type":"array"},"b":{"type":"object"}}}"#, .init(whitespace: .flexible))
        for text in ["{}", "{ }", "{\n\t}", #"{ "a" : [ 1 , { "k" : [ ] } ] }"#, #"{"b":{ }}"#, #"{"a":[],"b":{}}"#] {
            XCTAssertTrue(matcher.matches(text), text)
        }
        for text in ["{   }", #"{"b":{"k":1}}"#, #"{"b":{},"a":[]}"#, #"{,"a":[]}"#, #"{"a":[],}"#] {
            XCTAssertFalse(matcher.matches(text), text)
        }
    }

    func testUnsupportedKeywordsAreNamedWithTheirPath() {
        let cases: [(schema: String, path: String, keyword: String)] = [
            (#"{"type":"string","format":"email"}"#, "/format", "format"),
            (#"{"allOf":[{"type":"string"}]}"#, "/allOf", "allOf"),
            (#"{"type":"object","properties":{"age":{"type":"integer","multipleOf":5}}}"#, "/properties/age/multipleOf", "multipleOf"),
            (#"{"type":"array","items":{"not":{"type":"null"}}}"#, "/items/not", "not"),
            (#"{"type":"array","uniqueItems":true}"#, "/uniqueItems", "uniqueItems"),
            (#"{"if":{"type":"string"},"then":{"minLength":1}}"#, "/if", "if"),
            (#"{"type":"object","patternProperties":{"^x":{}}}"#, "/patternProperties", "patternProperties"),
            (#"{"type":"object","minProperties":1}"#, "/minProperties", "minProperties"),
            (##"{"$defs":{"a":{"contains":{}}},"$ref":"#/$defs/a"}"##, "/$defs/a/contains", "contains"),
            (#"{"type":"object","dependentRequired":{}}"#, "/dependentRequired", "dependentRequired"),
            (#"{"type":"object","propertyNames":{"maxLength":3}}"#, "/propertyNames", "propertyNames"),
        ]
        for (schema, path, keyword) in cases {
            guard let error = compileError(schema) else { XCTFail("\(schema) should be rejected"); continue }
            XCTAssertEqual(error.path, path, "\(error)")
            XCTAssertTrue(error.message.contains("'\(keyword)'"), "\(error)")
            XCTAssertEqual(error.line, 1)
            let keyColumn = schema.utf8.count - schema.components(separatedBy: "\"\(keyword)\"").last!.utf8.count - keyword.utf8.count - 2 + 1
            XCTAssertEqual(error.column, keyColumn, "\(error)")
        }
    }

    func testUnsatisfiableAndInvalidSchemasAreErrors() {
        let cases: [(schema: String, path: String?, fragment: String)] = [
            (#"{"type":"object","properties":{"age":{"type":"integer","minimum":50,"maximum":10}}}"#, "/properties/age/maximum", "no integer"),
            (#"{"type":"string","minLength":5,"maxLength":2}"#, "/maxLength", "below minLength"),
            (#"{"type":"integer","enum":["a",true]}"#, "/enum", "no value here has an allowed type"),
            (#"{"type":"number","minimum":0.5}"#, "/minimum", "non-integer bound"),
            (#"{"oneOf":[{"type":"integer"},{"type":"number"}]}"#, "/oneOf/1", "exclusive"),
            (##"{"$ref":"#/$defs/missing"}"##, "/$ref", "does not exist"),
            (#"{"$ref":"other.json#/a"}"#, "/$ref", "only local references"),
            (#"{"type":"strin"}"#, "/type", "expected a type name"),
            (#"{"type":"string","pattern":"(ab"}"#, "/pattern", "expected ')'"),
            (#"{"type":"string","pattern":"a","maxLength":3}"#, "/pattern", "not supported"),
            (#"{"type":"object","required":["x"],"additionalProperties":false}"#, "/required", "nothing matches"),
            (#"{"type":"integer","minimum":3,"enum":[3]}"#, "/minimum", "combining 'minimum' with 'enum'"),
            (#"{"type":"array","minItems":3,"maxItems":1}"#, "/maxItems", "below minItems"),
            (#"false"#, "", "matches nothing"),
            ("{\n  \"type\": \"object\",\n  \"properties\": {\n    \"a\": 5\n  }\n}", "/properties/a", "expected a schema"),
        ]
        for (schema, path, fragment) in cases {
            guard let error = compileError(schema) else { XCTFail("\(schema) should be rejected"); continue }
            XCTAssertEqual(error.path, path, "\(error)")
            XCTAssertTrue(error.description.contains(fragment), "\(error)")
        }
        // Line and column point into the schema text.
        let error = compileError("{\n  \"type\": \"object\",\n  \"properties\": {\n    \"a\": 5\n  }\n}")
        XCTAssertEqual(error?.line, 4)
        XCTAssertEqual(error?.column, 10)
        XCTAssertEqual(error?.description.hasPrefix("JSON Schema line 4, column 10 (at /properties/a): "), true, "\(String(describing: error))")
    }

    func testMalformedJSONReportsLineAndColumn() {
        let cases: [(String, Int, Int, String)] = [
            ("{\"type\": \"string\",\n \"minLength\": 01}", 2, 15, "leading zeros"),
            ("{\"type\" \"string\"}", 1, 9, "expected ':'"),
            ("{\"a\": [1, 2,]}", 1, 13, "expected a JSON value"),
            ("{\"a\": 1, \"a\": 2}", 1, 10, "duplicate key"),
            ("{\"a\": \"x", 1, 9, "expected '\"' to close the string"),
            ("{} x", 1, 4, "expected the end"),
            ("{\"a\": tru}", 1, 7, "expected 'true'"),
        ]
        for (text, line, column, fragment) in cases {
            guard let error = compileError(text) else { XCTFail("\(text) should be rejected"); continue }
            XCTAssertEqual(error.line, line, "\(error)")
            XCTAssertEqual(error.column, column, "\(error)")
            XCTAssertNil(error.path)
            XCTAssertTrue(error.message.contains(fragment), "\(error)")
        }
    }

    func testJSONValueKeepsOrderAndSerializesCompactly() throws {
        let text = #"{ "z": 1, "a": [true, null, -1.5e3], "é": "q\"\\\n\u0001\/\ud83d\ude00" }"#
        let value = try JSONValue(parsing: Data(text.utf8))
        XCTAssertEqual(value.compactText, #"{"z":1,"a":[true,null,-1.5e3],"é":"q\"\\\n\u0001/😀"}"#)
        XCTAssertEqual(try JSONValue(parsing: Data(value.compactText.utf8)), value)
        guard case let .object(members) = value else { return XCTFail() }
        XCTAssertEqual(members.map(\.key), ["z", "a", "é"])
    }

    func testRecursiveReferenceAndAnnotations() throws {
        let schema = #"""
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "tree", "description": "d",
         "$defs": {"tree": {"type": "object", "properties": {"leaf": {"type": "boolean"}, "kids": {"type": "array", "items": {"$ref": "#/$defs/tree"}, "maxItems": 2}}, "required": ["leaf"]}},
         "$ref": "#/$defs/tree"}
        """#
        let matcher = try compile(schema)
        XCTAssertTrue(matcher.matches(#"{"leaf":true}"#))
        XCTAssertTrue(matcher.matches(#"{"leaf":false,"kids":[{"leaf":true},{"leaf":false,"kids":[]}]}"#))
        XCTAssertFalse(matcher.matches(#"{"leaf":false,"kids":[{"kids":[]}]}"#))
        XCTAssertFalse(matcher.matches(#"{"leaf":false,"kids":[{"leaf":true},{"leaf":true},{"leaf":true}]}"#))
    }

    func testUnicodeEscapesNameScalars() throws {
        let matcher = try compile(#"{"type":"string","maxLength":1}"#)
        XCTAssertTrue(matcher.matches(#""\u00e9""#))
        XCTAssertTrue(matcher.matches(#""\uD7FF""#))
        XCTAssertTrue(matcher.matches(#""\uE000""#))
        // A surrogate pair is one character (one code point).
        XCTAssertTrue(matcher.matches(#""\ud83d\uDE00""#))
        XCTAssertFalse(matcher.matches(#""\ud83d\uDE00x""#))
        // Lone surrogates name no scalar: JSONSerialization (and JSONValue) reject them.
        XCTAssertFalse(matcher.matches(#""\uD800""#))
        XCTAssertFalse(matcher.matches(#""\udeD4""#))
        XCTAssertFalse(matcher.matches(#""\uDC00\uD800""#))
        XCTAssertFalse(matcher.matches(#""\uD83D\u0041""#))
    }

    func testPatternRestrictsToUnescapedCharacters() throws {
        let matcher = try compile(#"{"type":"string","pattern":"^a.c$"}"#)
        XCTAssertTrue(matcher.matches(#""abc""#))
        XCTAssertTrue(matcher.matches(#""aéc""#))
        XCTAssertFalse(matcher.matches(#""a\"c""#))
        XCTAssertFalse(matcher.matches(#""a\\c""#))
        let search = try compile(#"{"type":"string","pattern":"\\d{3}"}"#)
        XCTAssertTrue(search.matches(#""call 555 now""#))
        XCTAssertFalse(search.matches(#""call 55 now""#))
    }
}
