// The JSON Schema front end: a schema (draft 2020-12 vocabulary, a strict subset) compiled
// into a `Grammar` whose language is JSON text valid under the schema.
//
// The grammar does not describe *every* valid text; it describes the texts this front end
// produces, which are all valid: members in the schema's `properties` order, no undeclared
// members, canonical integers, `enum`/`const` values in compact form, and whitespace only as
// `JSONSchemaOptions` allows. Anything whose meaning we cannot honour exactly (an unsupported
// keyword, a non-integer bound on a number, a `oneOf` we cannot prove exclusive) is an error
// that names the keyword and its JSON pointer: never silently ignored.

import Foundation

/// How the JSON text produced under a schema may be laid out.
public struct JSONSchemaOptions: Hashable, Sendable {
    /// Whitespace between tokens.
    public enum Whitespace: Hashable, Sendable {
        /// None at all: separators are exactly `,` and `:` (the default; shortest outputs).
        case compact
        /// Optionally up to `maxWhitespace` characters from space, `\n`, `\t` between any two
        /// tokens (never before the first or after the last), so an output's length stays
        /// bounded by its content. `enum`/`const` values keep their compact form.
        case flexible
    }

    public var whitespace: Whitespace
    /// Longest whitespace run between two tokens under `.flexible`.
    public var maxWhitespace: Int

    public init(whitespace: Whitespace = .compact, maxWhitespace: Int = 2) {
        self.whitespace = whitespace
        self.maxWhitespace = maxWhitespace
    }
}

/// Compiles a JSON Schema into a grammar of the JSON texts valid under it.
///
/// Supported keywords:
/// - `type` (a name or an array of names: `object`, `array`, `string`, `integer`, `number`,
///   `boolean`, `null`); without `type`, every type is allowed and each keyword constrains
///   its own type.
/// - Objects: `properties` (emitted in the schema's order), `required` (always present;
///   the others may be absent), `additionalProperties`. Only declared properties (plus required
///   names missing from `properties`, with any value, after them) are ever emitted, so
///   `additionalProperties: false`, `true`, a schema, or its absence all give valid outputs.
/// - Arrays: `items` (a schema), `minItems`, `maxItems`.
/// - Strings: any JSON string (escapes included); `minLength`/`maxLength` count characters,
///   an escape sequence counting as one; `pattern` (search semantics unless anchored by `^`
///   or `$`; the matched strings are restricted to characters that need no escaping in JSON:
///   no `"`, `\` or control characters). `pattern` cannot be combined with length bounds.
/// - Integers: `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` (draft 4's
///   boolean forms too), exactly: canonical decimal text, no leading zeros, no `-0`.
/// - Numbers: without bounds, any JSON number; with bounds, the bounds must be integers and
///   numbers are produced as `-?int(.digits)?` without exponent, each within the bounds.
/// - `enum`, `const` (any JSON values, produced in compact form; may be combined with `type`).
/// - `anyOf`; `oneOf` when its alternatives are provably exclusive (no JSON value can satisfy
///   two of them: disjoint types or disjoint constant sets), where it equals `anyOf`.
/// - `$ref` to a local JSON pointer (`#`, `#/$defs/name`, `#/definitions/name`, …), which
///   becomes a grammar rule, so recursive schemas work.
/// - Annotations, ignored: `$schema`, `$id`, `id`, `title`, `description`, `$comment`,
///   `examples`, `default`, `deprecated`, `readOnly`, `writeOnly`.
///
/// Every other keyword (`format`, `allOf`, `not`, `if`, `patternProperties`, `uniqueItems`,
/// `multipleOf`, `minProperties`, `prefixItems`, …) is an error naming it and its path, as is a
/// schema that matches nothing (`minimum > maximum`, `minLength > maxLength`, an `enum` with no
/// value of the allowed types, `false`).
///
/// - Returns: a grammar rooted at `root`; `$ref` targets and shared pieces are further rules.
public func compileJSONSchema(_ data: Data, options: JSONSchemaOptions = .init()) throws(ConstraintSyntaxError) -> Grammar {
    var parser = JSONParser(bytes: Array(data), syntax: .jsonSchema)
    let schema = try parser.parseDocument()
    var compiler = JSONSchemaCompiler(
        source: parser.bytes, root: schema, valueOffsets: parser.valueOffsets,
        keyOffsets: parser.keyOffsets, options: options)
    return try compiler.compile()
}

/// The seven JSON Schema type names.
let jsonSchemaTypeNames = ["null", "boolean", "object", "array", "number", "string", "integer"]

struct JSONSchemaCompiler {
    let source: [UInt8]
    let root: JSONValue
    let valueOffsets: [String: Int]
    let keyOffsets: [String: Int]
    let options: JSONSchemaOptions
    var rules: [String: GrammarExpression] = [:]
    /// `$ref` targets (JSON pointers without `#`) still to compile.
    var pendingReferences: [String] = []
    var requestedReferences: Set<String> = []

    static let annotations: Set<String> = [
        "$schema", "$id", "id", "title", "description", "$comment", "examples", "default", "deprecated", "readOnly", "writeOnly",
    ]
    static let supported: Set<String> = [
        "type", "enum", "const", "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
        "minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "anyOf", "oneOf", "$ref", "$defs", "definitions",
    ]

    mutating func compile() throws(ConstraintSyntaxError) -> Grammar {
        rules["root"] = try schema(root, at: "")
        while let pointer = pendingReferences.popLast() {
            rules[ruleName(forPointer: pointer)] = try schema(try resolve(pointer, at: ""), at: pointer)
        }
        return Grammar(rules: rules, root: "root")
    }

    // MARK: Errors

    /// An error about the value at `path` (or, with `atKey`, about its key).
    func error(_ path: String, _ message: String, atKey: Bool = false) -> ConstraintSyntaxError {
        var lookup = path
        var offset = atKey ? keyOffsets[path] : nil
        while offset == nil {
            offset = valueOffsets[lookup]
            if lookup.isEmpty { break }
            lookup = String(lookup[..<(lookup.lastIndex(of: "/") ?? lookup.startIndex)])
        }
        return ConstraintSyntaxError(.jsonSchema, source: source, offset: offset ?? 0, path: path, message)
    }

    // MARK: Schemas

    /// The grammar of the texts valid under `value`, the schema at `path`.
    mutating func schema(_ value: JSONValue, at path: String) throws(ConstraintSyntaxError) -> GrammarExpression {
        switch value {
        case .bool(true):
            return anyValue()
        case .bool(false):
            throw error(path, "the schema 'false' matches nothing; expected a schema some value can satisfy")
        case let .object(members):
            var constraints: [String] = []
            for member in members where !Self.annotations.contains(member.key) {
                guard Self.supported.contains(member.key) else {
                    throw error(path + "/" + jsonPointerEscaped(member.key), "unsupported JSON Schema keyword '\(member.key)'", atKey: true)
                }
                if member.key != "$defs" && member.key != "definitions" { constraints.append(member.key) }
            }
            for keyword in ["$ref", "anyOf", "oneOf"] where value[keyword] != nil {
                if let other = constraints.first(where: { $0 != keyword }) {
                    throw error(path + "/" + jsonPointerEscaped(other),
                                "combining '\(other)' with '\(keyword)' in one schema is not supported; expected '\(keyword)' alone (move '\(other)' into \(keyword == "$ref" ? "the referenced schema" : "each alternative"))",
                                atKey: true)
                }
            }
            if let reference = value["$ref"] { return try self.reference(reference, at: path + "/$ref") }
            if let alternatives = value["anyOf"] { return try anyOf(alternatives, at: path + "/anyOf", exclusive: false) }
            if let alternatives = value["oneOf"] { return try anyOf(alternatives, at: path + "/oneOf", exclusive: true) }
            return try typedSchema(value, constraints: constraints, at: path)
        default:
            throw error(path, "expected a schema (an object, true or false), found \(value.compactText.prefix(40))")
        }
    }

    /// A schema without composition: `type`, `enum`/`const` and the per-type keywords.
    mutating func typedSchema(_ value: JSONValue, constraints: [String], at path: String) throws(ConstraintSyntaxError) -> GrammarExpression {
        let types = try allowedTypes(value["type"], at: path + "/type")
        if value["enum"] != nil || value["const"] != nil {
            if let other = constraints.first(where: { !["type", "enum", "const"].contains($0) }) {
                throw error(path + "/" + jsonPointerEscaped(other),
                            "combining '\(other)' with 'enum'/'const' is not supported; expected only 'type' beside them", atKey: true)
            }
            return try constants(value, types: types, at: path)
        }
        var alternatives: [GrammarExpression] = []
        for type in jsonSchemaTypeNames where types.contains(type) {
            switch type {
            case "null": alternatives.append(.literal("null"))
            case "boolean": alternatives.append(.choice([.literal("true"), .literal("false")]))
            case "object": alternatives.append(try object(value, at: path))
            case "array": alternatives.append(try array(value, at: path))
            case "string": alternatives.append(try string(value, at: path))
            case "number": alternatives.append(try number(value, at: path))
            default:  // "integer": already covered when "number" is allowed
                if !types.contains("number") { alternatives.append(try integer(value, at: path)) }
            }
        }
        return alternatives.count == 1 ? alternatives[0] : .choice(alternatives)
    }

    /// The type names `type` allows (all seven when absent).
    func allowedTypes(_ value: JSONValue?, at path: String) throws(ConstraintSyntaxError) -> Set<String> {
        guard let value else { return Set(jsonSchemaTypeNames) }
        var names: [JSONValue] = [value]
        if case let .array(elements) = value {
            names = elements
            if elements.isEmpty { throw error(path, "'type' is an empty array, so nothing matches; expected at least one type name") }
        }
        var types: Set<String> = []
        for name in names {
            guard case let .string(text) = name, jsonSchemaTypeNames.contains(text) else {
                throw error(path, "expected a type name (\(jsonSchemaTypeNames.joined(separator: ", "))) or an array of them, found \(name.compactText.prefix(40))")
            }
            types.insert(text)
        }
        return types
    }

    /// `enum` / `const`: the values of an allowed type, each as its compact text.
    func constants(_ value: JSONValue, types: Set<String>, at path: String) throws(ConstraintSyntaxError) -> GrammarExpression {
        var candidates: [JSONValue]
        let keywordPath: String
        if let constant = value["const"] {
            candidates = [constant]
            keywordPath = path + "/const"
            if let list = value["enum"] {
                guard case let .array(elements) = list else { throw error(path + "/enum", "expected 'enum' to be an array") }
                if !elements.contains(where: { jsonValuesMayBeEqual($0, constant) }) {
                    throw error(path + "/enum", "no value of 'enum' equals 'const', so nothing matches")
                }
            }
        } else {
            guard case let .array(elements) = value["enum"]! else { throw error(path + "/enum", "expected 'enum' to be an array of values") }
            candidates = elements
            keywordPath = path + "/enum"
        }
        var seen: Set<String> = []
        var alternatives: [GrammarExpression] = []
        for candidate in candidates where !jsonTypes(of: candidate).isDisjoint(with: types) {
            let text = candidate.compactText
            if seen.insert(text).inserted { alternatives.append(.literal(text)) }
        }
        guard !alternatives.isEmpty else {
            throw error(keywordPath, "no value here has an allowed type (\(types.sorted().joined(separator: ", "))), so nothing matches")
        }
        return alternatives.count == 1 ? alternatives[0] : .choice(alternatives)
    }

    // MARK: Composition

    /// `anyOf` (or `oneOf` with `exclusive`, accepted only when provably exclusive).
    mutating func anyOf(_ value: JSONValue, at path: String, exclusive: Bool) throws(ConstraintSyntaxError) -> GrammarExpression {
        let keyword = exclusive ? "oneOf" : "anyOf"
        guard case let .array(schemas) = value, !schemas.isEmpty else {
            throw error(path, "expected '\(keyword)' to be a non-empty array of schemas")
        }
        if exclusive {
            let outputs = schemas.map { possibleOutputs(of: $0, depth: 0) }
            for i in outputs.indices {
                for j in outputs.indices where j > i && outputs[i].mayOverlap(outputs[j]) {
                    throw error(path + "/\(j)",
                                "'oneOf' is supported only when its alternatives are exclusive (different types or different constants); alternatives \(i) and \(j) may both match a value; use 'anyOf' if that is intended",
                                atKey: false)
                }
            }
        }
        var alternatives: [GrammarExpression] = []
        for (index, schema) in schemas.enumerated() {
            if schema == .bool(false) { continue }  // an alternative that matches nothing
            alternatives.append(try self.schema(schema, at: path + "/\(index)"))
        }
        guard !alternatives.isEmpty else { throw error(path, "every alternative of '\(keyword)' is 'false', so nothing matches") }
        return alternatives.count == 1 ? alternatives[0] : .choice(alternatives)
    }

    /// `$ref`: a rule named by the target's pointer, compiled once (recursion allowed).
    mutating func reference(_ value: JSONValue, at path: String) throws(ConstraintSyntaxError) -> GrammarExpression {
        guard case let .string(text) = value else { throw error(path, "expected '$ref' to be a string") }
        guard text.hasPrefix("#") else {
            throw error(path, "only local references are supported (for example '#/$defs/name'), found '\(text)'")
        }
        let pointer = String(text.dropFirst())
        _ = try resolve(pointer, at: path)
        if pointer.isEmpty { return .rule("root") }
        if requestedReferences.insert(pointer).inserted { pendingReferences.append(pointer) }
        return .rule(ruleName(forPointer: pointer))
    }

    func ruleName(forPointer pointer: String) -> String { pointer.isEmpty ? "root" : "#" + pointer }

    /// The schema at a JSON pointer (without `#`) of the document.
    func resolve(_ pointer: String, at path: String) throws(ConstraintSyntaxError) -> JSONValue {
        var value = root
        guard !pointer.isEmpty else { return value }
        guard pointer.hasPrefix("/") else { throw error(path, "expected a JSON pointer after '#' (for example '#/$defs/name')") }
        for rawToken in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let token = rawToken.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch value {
            case .object:
                guard let next = value[token] else { throw error(path, "'$ref' target '#\(pointer)' does not exist (no member '\(token)')") }
                value = next
            case let .array(elements):
                guard let index = Int(token), elements.indices.contains(index) else {
                    throw error(path, "'$ref' target '#\(pointer)' does not exist (no element '\(token)')")
                }
                value = elements[index]
            default:
                throw error(path, "'$ref' target '#\(pointer)' does not exist")
            }
        }
        return value
    }

    // MARK: Exclusiveness (for oneOf)

    /// What a schema can possibly accept: an over-approximation used to prove `oneOf` exclusive.
    func possibleOutputs(of schema: JSONValue, depth: Int) -> PossibleOutputs {
        let everything = PossibleOutputs.types(Set(jsonSchemaTypeNames))
        guard depth < 32 else { return everything }
        switch schema {
        case .bool(false): return .values([])
        case .object:
            if case let .string(text)? = schema["$ref"], text.hasPrefix("#"),
               let target = try? resolve(String(text.dropFirst()), at: "") {
                return possibleOutputs(of: target, depth: depth + 1)
            }
            if let constant = schema["const"] { return .values([constant]) }
            if case let .array(values)? = schema["enum"] { return .values(values) }
            for keyword in ["anyOf", "oneOf"] {
                guard case let .array(alternatives)? = schema[keyword] else { continue }
                return alternatives.map { possibleOutputs(of: $0, depth: depth + 1) }.reduce(.values([])) { $0.union($1) }
            }
            if let types = try? allowedTypes(schema["type"], at: "") { return .types(types) }
            return everything
        default:
            return everything
        }
    }
}

/// An over-approximation of the values a schema accepts.
enum PossibleOutputs {
    /// Any value of these types.
    case types(Set<String>)
    /// Only these values.
    case values([JSONValue])

    /// Types with `integer` folded into `number` (every integer is a number).
    private var coarseTypes: Set<String> {
        switch self {
        case let .types(types): return Set(types.map { $0 == "integer" ? "number" : $0 })
        case let .values(values): return Set(values.flatMap(jsonTypes(of:)).map { $0 == "integer" ? "number" : $0 })
        }
    }

    func union(_ other: PossibleOutputs) -> PossibleOutputs {
        if case let .values(a) = self, case let .values(b) = other { return .values(a + b) }
        return .types(coarseTypes.union(other.coarseTypes))
    }

    /// Whether some value might be accepted by both (true when unsure).
    func mayOverlap(_ other: PossibleOutputs) -> Bool {
        if case let .values(a) = self, case let .values(b) = other {
            return a.contains { x in b.contains { y in jsonValuesMayBeEqual(x, y) } }
        }
        return !coarseTypes.isDisjoint(with: other.coarseTypes)
    }
}

/// Whether two JSON values might be equal under JSON Schema's equality (true when unsure:
/// numbers compare by `Double` value, containers of the same kind count as equal).
func jsonValuesMayBeEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case let (.number(x), .number(y)): return x == y || Double(x) == Double(y)
    case (.array, .array), (.object, .object): return true
    default: return a == b
    }
}

/// The JSON Schema type names a value has (`1` and `1.0` are both `integer` and `number`).
func jsonTypes(of value: JSONValue) -> Set<String> {
    switch value {
    case .null: return ["null"]
    case .bool: return ["boolean"]
    case let .number(lexeme): return DecimalValue(lexeme: lexeme)?.isIntegral == true ? ["number", "integer"] : ["number"]
    case .string: return ["string"]
    case .array: return ["array"]
    case .object: return ["object"]
    }
}
