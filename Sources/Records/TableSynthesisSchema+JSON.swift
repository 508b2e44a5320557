// schema.json: the table schema a fitted model bundle stores, and the file a user writes
// to override inference.
//
// ```json
// {
//   "version": 1,
//   "missingValues": ["", "NA", "NaN", "null"],
//   "columns": [
//     {"name":"age","type":"integer","minimum":17,"maximum":90},
//     {"name":"score","type":"decimal","minimum":0.5,"maximum":99.25,"precision":2,"nullable":true,"null":""},
//     {"name":"workclass","type":"categorical","values":["Private","State-gov"],"counts":[120,14]},
//     {"name":"member","type":"boolean","true":"yes","false":"no","counts":[40,60]},
//     {"name":"joined","type":"datetime","format":"%Y-%m-%d","minimum":"2001-01-03","maximum":"2024-12-30"},
//     {"name":"comment","type":"text","maxLength":140,"multiline":false}
//   ]
// }
// ```
//
// Keys per column (all but `name` optional in an override file):
// - `name`: the column's header text; `type`: one of categorical, integer, decimal,
//   boolean, datetime, text.
// - `nullable` (bool): whether the column may be empty; `null`: the text written for an
//   empty value (default ""); `nullCount`: empty cells seen (informative).
// - integer: `minimum`, `maximum` (whole numbers). decimal: `minimum`, `maximum`
//   (numbers), `precision` (most digits after the point).
// - categorical: `values` (texts), `counts` (informative). boolean: `true`, `false` (the
//   two spellings), `counts` ([true, false], informative).
// - datetime: `format` (a strftime pattern of ``DateFormat``), `minimum`, `maximum`
//   (texts in that format; only their years bound generation), `precision` (digits
//   after the seconds' point, for formats with `%f`).
// - text: `maxLength` (Unicode scalars), `multiline` (bool).
// Top level: `columns` (required), `missingValues` (texts meaning "no value"; default the
// pandas list of ``MissingValues/pandasDefault``), `version` (1).
//
// As an override, a column listed forces its type and any bound given; what is not given
// is inferred from the data, and every cell is then checked against the result (a cell
// that does not fit is an error naming its line). Columns not listed are inferred as
// usual; a listed name the table lacks is an error. Unknown keys are errors too, so a
// misspelt `maximun` is never silently ignored.

import Decoding
import Foundation

/// A schema.json read as an override: what a user fixed per column.
public struct TableSchemaOverrides: Sendable, Equatable {
    /// The file name used in error messages.
    public let source: String
    /// Missing-value markers, if the file gives them.
    public let missing: MissingValues?
    let columns: [ColumnSpec]

    /// Reads schema.json text; `source` names the file in errors.
    public init(jsonData: Data, source: String = "schema.json") throws(TableSynthesisError) {
        self.source = source
        let document: JSONValue
        do {
            document = try JSONValue(parsing: jsonData)
        } catch {
            throw .invalidSchemaFile(file: source, reason: "not valid JSON: \(error)")
        }
        guard case let .object(members) = document else {
            throw .invalidSchemaFile(file: source, reason: "expected an object with a \"columns\" array")
        }
        var missing: MissingValues?
        var columns: [ColumnSpec]?
        for member in members {
            switch member.key {
            case "version":
                guard member.value == .number("1") else {
                    throw .invalidSchemaFile(file: source, reason: "unsupported version \(member.value.compactText) (this program reads version 1)")
                }
            case "missingValues":
                guard case let .array(items) = member.value else {
                    throw .invalidSchemaFile(file: source, reason: "\"missingValues\" must be an array of strings")
                }
                var markers: Set<String> = []
                for item in items {
                    guard case let .string(marker) = item else {
                        throw .invalidSchemaFile(file: source, reason: "\"missingValues\" must be an array of strings")
                    }
                    markers.insert(marker)
                }
                missing = MissingValues(markers: markers)
            case "columns":
                guard case let .array(items) = member.value else {
                    throw .invalidSchemaFile(file: source, reason: "\"columns\" must be an array of objects")
                }
                columns = try items.enumerated().map { (index, item) throws(TableSynthesisError) in
                    try ColumnSpec(item, index: index, source: source)
                }
            default:
                throw .invalidSchemaFile(file: source, reason: "unknown key \"\(member.key)\" (expected version, missingValues, columns)")
            }
        }
        guard let columns else { throw .invalidSchemaFile(file: source, reason: "missing the \"columns\" array") }
        var seen: Set<String> = []
        for column in columns where !seen.insert(column.name).inserted {
            throw .invalidSchemaFile(file: source, reason: "column \"\(column.name)\" is listed twice")
        }
        self.missing = missing
        self.columns = columns
    }

    /// The names of the columns the file lists, in its order.
    public var columnNames: [String] { columns.map(\.name) }
}

/// One column object of schema.json, every field optional but the name.
struct ColumnSpec: Sendable, Equatable {
    var name: String
    var type: String?
    var nullable: Bool?
    var nullText: String?
    var nullCount: Int?
    /// Number lexemes for integer/decimal, texts for datetime.
    var minimum: JSONValue?
    var maximum: JSONValue?
    var precision: Int?
    var values: [String]?
    var counts: [Int]?
    var trueText: String?
    var falseText: String?
    var format: DateFormat?
    var maxLength: Int?
    var multiline: Bool?
    let source: String

    static let types = ["categorical", "integer", "decimal", "boolean", "datetime", "text"]
    static let keys = ["name", "type", "nullable", "null", "nullCount", "minimum", "maximum", "precision", "values",
                       "counts", "true", "false", "format", "maxLength", "multiline"]

    init(_ value: JSONValue, index: Int, source: String) throws(TableSynthesisError) {
        self.source = source
        guard case let .object(members) = value, case let .string(name)? = value["name"] else {
            throw .invalidSchemaFile(file: source, reason: "columns[\(index)] must be an object with a \"name\" string")
        }
        self.name = name
        func fail(_ reason: String) -> TableSynthesisError {
            .invalidSchemaFile(file: source, reason: "column \"\(name)\": \(reason)")
        }
        func string(_ value: JSONValue, _ key: String) throws(TableSynthesisError) -> String {
            guard case let .string(text) = value else { throw fail("\"\(key)\" must be a string") }
            return text
        }
        func bool(_ value: JSONValue, _ key: String) throws(TableSynthesisError) -> Bool {
            guard case let .bool(flag) = value else { throw fail("\"\(key)\" must be true or false") }
            return flag
        }
        func count(_ value: JSONValue, _ key: String) throws(TableSynthesisError) -> Int {
            guard case let .number(lexeme) = value, let number = Int(lexeme), number >= 0 else {
                throw fail("\"\(key)\" must be a whole number, 0 or more")
            }
            return number
        }
        for member in members {
            let value = member.value
            switch member.key {
            case "name": break
            case "type":
                let type = try string(value, "type")
                guard ColumnSpec.types.contains(type) else {
                    throw fail("unknown type \"\(type)\" (expected one of \(ColumnSpec.types.joined(separator: ", ")))")
                }
                self.type = type
            case "nullable": nullable = try bool(value, "nullable")
            case "null": nullText = try string(value, "null")
            case "nullCount": nullCount = try count(value, "nullCount")
            case "minimum", "maximum":
                switch value {
                case .number, .string: break
                default: throw fail("\"\(member.key)\" must be a number (or, for a datetime, a string)")
                }
                if member.key == "minimum" { minimum = value } else { maximum = value }
            case "precision": precision = try count(value, "precision")
            case "values":
                guard case let .array(items) = value else { throw fail("\"values\" must be an array of strings") }
                values = try items.map { (item) throws(TableSynthesisError) in try string(item, "values") }
            case "counts":
                guard case let .array(items) = value else { throw fail("\"counts\" must be an array of whole numbers") }
                counts = try items.map { (item) throws(TableSynthesisError) in try count(item, "counts") }
            case "true": trueText = try string(value, "true")
            case "false": falseText = try string(value, "false")
            case "format":
                let pattern = try string(value, "format")
                guard let format = DateFormat(rawValue: pattern) else {
                    throw fail("unknown format \"\(pattern)\" (expected one of \(DateFormat.allCases.map(\.pattern).joined(separator: ", ")))")
                }
                self.format = format
            case "maxLength": maxLength = try count(value, "maxLength")
            case "multiline": multiline = try bool(value, "multiline")
            default:
                throw fail("unknown key \"\(member.key)\" (expected \(ColumnSpec.keys.joined(separator: ", ")))")
            }
        }
        if let precision, precision > 9 { throw fail("\"precision\" must be at most 9") }
    }

    func fail(_ reason: String) -> TableSynthesisError {
        .invalidSchemaFile(file: source, reason: "column \"\(name)\": \(reason)")
    }
}

extension TableSynthesisSchema {
    /// Reads a complete schema.json (as ``jsonData()`` writes it, or as a user writes it with
    /// every column's type and bounds): no table is consulted, so every field a type needs
    /// must be present.
    public init(jsonData: Data, source: String = "schema.json") throws(TableSynthesisError) {
        let overrides = try TableSchemaOverrides(jsonData: jsonData, source: source)
        let columns = try overrides.columns.map { (spec) throws(TableSynthesisError) in
            try ColumnInference(name: spec.name, file: source, spec: spec, options: TableInferenceOptions()).build(cells: nil)
        }
        self.init(columns: columns, missing: overrides.missing ?? .pandasDefault)
    }

    /// schema.json text: one column per line, readable back by ``init(jsonData:source:)``.
    public func jsonData() -> Data {
        var lines = ["{", "  \"version\": 1,"]
        let markers = missing.markers.sorted().map { JSONValue.string($0) }
        lines.append("  \"missingValues\": \(JSONValue.array(markers).compactText),")
        lines.append("  \"columns\": [")
        for (index, column) in columns.enumerated() {
            lines.append("    " + column.jsonValue.compactText + (index + 1 < columns.count ? "," : ""))
        }
        lines.append("  ]")
        lines.append("}")
        return Data((lines.joined(separator: "\n") + "\n").utf8)
    }
}

extension SynthesisColumn {
    /// The column as a schema.json object.
    var jsonValue: JSONValue {
        var members: [JSONValue.Member] = []
        func add(_ key: String, _ value: JSONValue) { members.append(.init(key: key, value: value)) }
        func number(_ value: Int) -> JSONValue { .number(String(value)) }
        add("name", .string(name))
        add("type", .string(domain.typeName))
        switch domain {
        case let .categorical(domain):
            add("values", .array(domain.values.map { .string($0) }))
            add("counts", .array(domain.counts.map(number)))
        case let .integer(domain):
            add("minimum", number(domain.minimum))
            add("maximum", number(domain.maximum))
        case let .decimal(domain):
            add("minimum", .number(DecimalText.renderShort(units: domain.minimum, digits: domain.fractionDigits)))
            add("maximum", .number(DecimalText.renderShort(units: domain.maximum, digits: domain.fractionDigits)))
            add("precision", number(domain.fractionDigits))
        case let .boolean(domain):
            add("true", .string(domain.trueText))
            add("false", .string(domain.falseText))
            add("counts", .array([number(domain.trueCount), number(domain.falseCount)]))
        case let .datetime(domain):
            add("format", .string(domain.format.pattern))
            add("minimum", .string(domain.minimum))
            add("maximum", .string(domain.maximum))
            if domain.fractionDigits > 0 { add("precision", number(domain.fractionDigits)) }
        case let .text(domain):
            add("maxLength", number(domain.maxLength))
            add("multiline", .bool(domain.multiline))
        }
        add("nullable", .bool(isNullable))
        if let nullText {
            add("null", .string(nullText))
            add("nullCount", number(nullCount))
        }
        return .object(members)
    }
}
