import Foundation
@testable import Decoding

/// A small JSON Schema validator for the supported subset, deciding validity *in the
/// canonical form* the compiled grammars produce: object members only declared ones, in the
/// schema's order; integers as canonical integer text; numbers under bounds without exponent;
/// `enum`/`const` by compact text; pattern-constrained strings free of characters that need
/// escaping. (A text outside that form may be valid JSON Schema-wise; the grammar is not meant
/// to produce it, and the random values below are never built that way except on purpose.)
struct ReferenceSchemaValidator {
    let root: JSONValue

    func isValid(_ value: JSONValue) -> Bool { isValid(value, against: root) }

    func isValid(_ value: JSONValue, against schema: JSONValue) -> Bool {
        switch schema {
        case let .bool(allowed): return allowed
        case .object: break
        default: return false
        }
        if case let .string(reference)? = schema["$ref"] { return isValid(value, against: resolve(reference)) }
        if case let .array(alternatives)? = schema["anyOf"] { return alternatives.contains { isValid(value, against: $0) } }
        if case let .array(alternatives)? = schema["oneOf"] { return alternatives.filter { isValid(value, against: $0) }.count == 1 }
        if let types = typeNames(schema), !types.contains(where: { has(value, type: $0) }) { return false }
        // Constants are produced verbatim (no other keyword may accompany them).
        if let constant = schema["const"] { return constant.compactText == value.compactText }
        if case let .array(values)? = schema["enum"] { return values.contains { $0.compactText == value.compactText } }
        switch value {
        case let .number(lexeme): return numberIsValid(lexeme, schema)
        case let .string(text): return stringIsValid(text, schema)
        case let .array(elements): return arrayIsValid(elements, schema)
        case let .object(members): return objectIsValid(members, schema)
        default: return true
        }
    }

    private func typeNames(_ schema: JSONValue) -> [String]? {
        switch schema["type"] {
        case let .string(name)?: return [name]
        case let .array(names)?: return names.compactMap { if case let .string(name) = $0 { return name } else { return nil } }
        default: return nil
        }
    }

    private func has(_ value: JSONValue, type: String) -> Bool {
        switch (value, type) {
        case (.null, "null"), (.bool, "boolean"), (.string, "string"), (.array, "array"), (.object, "object"), (.number, "number"):
            return true
        case let (.number(lexeme), "integer"):
            return !lexeme.contains(".") && !lexeme.contains("e") && !lexeme.contains("E")
        default:
            return false
        }
    }

    private func number(_ schema: JSONValue, _ key: String) -> Double? {
        if case let .number(lexeme)? = schema[key] { return Double(lexeme) }
        return nil
    }

    private func numberIsValid(_ lexeme: String, _ schema: JSONValue) -> Bool {
        let value = Double(lexeme)!
        let bounded = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"].contains { schema[$0] != nil }
        if bounded && (lexeme.contains("e") || lexeme.contains("E")) { return false }
        if let minimum = number(schema, "minimum"), value < minimum { return false }
        if let maximum = number(schema, "maximum"), value > maximum { return false }
        if let minimum = number(schema, "exclusiveMinimum"), value <= minimum { return false }
        if let maximum = number(schema, "exclusiveMaximum"), value >= maximum { return false }
        return true
    }

    private func stringIsValid(_ text: String, _ schema: JSONValue) -> Bool {
        let scalars = Array(text.unicodeScalars)
        if let minimum = number(schema, "minLength"), Double(scalars.count) < minimum { return false }
        if let maximum = number(schema, "maxLength"), Double(scalars.count) > maximum { return false }
        if case let .string(pattern)? = schema["pattern"] {
            if scalars.contains(where: { $0.value < 0x20 || $0 == "\"" || $0 == "\\" }) { return false }
            return BacktrackingRegexMatcher.searches(try! RegexPattern(parsing: pattern), scalars)
        }
        return true
    }

    private func arrayIsValid(_ elements: [JSONValue], _ schema: JSONValue) -> Bool {
        if let minimum = number(schema, "minItems"), Double(elements.count) < minimum { return false }
        if let maximum = number(schema, "maxItems"), Double(elements.count) > maximum { return false }
        let items = schema["items"] ?? .bool(true)
        return elements.allSatisfy { isValid($0, against: items) }
    }

    private func objectIsValid(_ members: [JSONValue.Member], _ schema: JSONValue) -> Bool {
        guard case let .object(declared) = schema["properties"] ?? .object([]) else { return false }
        var required: [String] = []
        if case let .array(names)? = schema["required"] {
            required = names.compactMap { if case let .string(name) = $0 { return name } else { return nil } }
        }
        // Canonical form: declared names only, in declared order.
        var next = 0
        for member in members {
            guard let index = declared[next...].firstIndex(where: { $0.key == member.key }) else { return false }
            guard isValid(member.value, against: declared[index].value) else { return false }
            next = index + 1
        }
        return required.allSatisfy { name in members.contains { $0.key == name } }
    }

    private func resolve(_ reference: String) -> JSONValue {
        var value = root
        for token in reference.dropFirst().split(separator: "/") { value = value[String(token)]! }
        return value
    }
}

/// Random JSON values near a schema's valid set: usually built to fit, sometimes broken.
struct SchemaValueSampler {
    let root: JSONValue
    var random: SplitMix64

    mutating func sample() -> JSONValue { sample(root, depth: 0) }

    private mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &random) < probability }

    mutating func sample(_ schema: JSONValue, depth: Int) -> JSONValue {
        if chance(0.05) || depth > 4 { return junk() }
        guard case .object = schema else { return junk() }
        if case let .string(reference)? = schema["$ref"] {
            var target = root
            for token in reference.dropFirst().split(separator: "/") { target = target[String(token)]! }
            return sample(target, depth: depth + 1)
        }
        for keyword in ["anyOf", "oneOf"] {
            if case let .array(alternatives)? = schema[keyword] {
                return sample(alternatives.randomElement(using: &random)!, depth: depth + 1)
            }
        }
        if case let .array(values)? = schema["enum"] {
            return chance(0.8) ? values.randomElement(using: &random)! : junk()
        }
        if let constant = schema["const"] { return chance(0.8) ? constant : junk() }
        var types = ["null", "boolean", "object", "array", "number", "string", "integer"]
        if case let .string(name)? = schema["type"] { types = [name] }
        if case let .array(names)? = schema["type"] { types = names.map { if case let .string(name) = $0 { return name } else { return "null" } } }
        switch types.randomElement(using: &random)! {
        case "null": return .null
        case "boolean": return .bool(chance(0.5))
        case "integer": return .number(String(integerNear(schema)))
        case "number": return .number(numberNear(schema))
        case "string": return .string(stringNear(schema))
        case "array": return arrayNear(schema, depth: depth)
        default: return objectNear(schema, depth: depth)
        }
    }

    private func bound(_ schema: JSONValue, _ keys: [String]) -> Int? {
        for key in keys { if case let .number(lexeme)? = schema[key] { return Int(Double(lexeme)!.rounded()) } }
        return nil
    }

    private mutating func integerNear(_ schema: JSONValue) -> Int {
        let low = bound(schema, ["minimum", "exclusiveMinimum"]) ?? -50
        let high = bound(schema, ["maximum", "exclusiveMaximum"]) ?? 50
        if chance(0.1) { return Int.random(in: -100_000...100_000, using: &random) }
        return Int.random(in: (min(low, high) - 3)...(max(low, high) + 3), using: &random)
    }

    private mutating func numberNear(_ schema: JSONValue) -> String {
        let integer = integerNear(schema)
        if chance(0.3) { return String(integer) }
        let fraction = ["0", "00", "5", "25", "50", "01", "9"].randomElement(using: &random)!
        if chance(0.05) { return "\(integer)e\(Int.random(in: -2...2, using: &random))" }
        let negative = integer < 0 || (integer == 0 && chance(0.3) && fraction.contains { $0 != "0" })
        return (negative ? "-" : "") + "\(abs(integer)).\(fraction)"
    }

    private mutating func stringNear(_ schema: JSONValue) -> String {
        let alphabet: [Unicode.Scalar] = ["a", "b", "Z", "0", "7", " ", "-", "\"", "\\", "\n", "\u{01}", "é", "€", "😀", "/"]
        if case let .string(pattern)? = schema["pattern"] {
            let parsed = try! RegexPattern(parsing: pattern)
            let sampler = RegexStringSampler(pattern: pattern, node: parsed.node)
            var scalars = sampler.sample(using: &random)
            if chance(0.3) { scalars.insert(alphabet.randomElement(using: &random)!, at: 0) }
            if chance(0.3) { scalars.append(alphabet.randomElement(using: &random)!) }
            return String(String.UnicodeScalarView(scalars))
        }
        let low = bound(schema, ["minLength"]) ?? 0
        let high = bound(schema, ["maxLength"]) ?? 6
        let length = Int.random(in: max(0, low - 2)...(high + 2), using: &random)
        return String(String.UnicodeScalarView((0..<length).map { _ in alphabet.randomElement(using: &random)! }))
    }

    private mutating func arrayNear(_ schema: JSONValue, depth: Int) -> JSONValue {
        let low = bound(schema, ["minItems"]) ?? 0
        let high = bound(schema, ["maxItems"]) ?? 3
        let count = Int.random(in: max(0, low - 1)...(high + 1), using: &random)
        let items = schema["items"] ?? .bool(true)
        return .array((0..<count).map { _ in sample(items, depth: depth + 1) })
    }

    private mutating func objectNear(_ schema: JSONValue, depth: Int) -> JSONValue {
        guard case let .object(declared) = schema["properties"] ?? .object([]) else { return junk() }
        var required: Set<String> = []
        if case let .array(names)? = schema["required"] {
            for case let .string(name) in names { required.insert(name) }
        }
        var members: [JSONValue.Member] = []
        for property in declared where chance(required.contains(property.key) ? 0.97 : 0.5) {
            members.append(.init(key: property.key, value: sample(property.value, depth: depth + 1)))
        }
        if chance(0.05) { members.append(.init(key: "extra", value: .null)) }
        if chance(0.05) { members.reverse() }
        return .object(members)
    }

    /// A random value of any shape.
    private mutating func junk() -> JSONValue {
        switch Int.random(in: 0..<7, using: &random) {
        case 0: return .null
        case 1: return .bool(chance(0.5))
        case 2: return .number(String(Int.random(in: -20...20, using: &random)))
        case 3: return .number("\(Int.random(in: -9...9, using: &random)).5")
        case 4: return .string(["", "x", "Private", "a\"b", "é"].randomElement(using: &random)!)
        case 5: return .array(chance(0.5) ? [] : [.null])
        default: return .object(chance(0.5) ? [] : [.init(key: "k", value: .bool(true))])
        }
    }
}
