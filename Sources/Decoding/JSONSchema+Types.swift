// The JSON Schema front end, per type: objects, arrays, strings, integers and numbers, plus
// the shared rules for JSON strings and for "any JSON value".

extension JSONSchemaCompiler {
    // MARK: Tokens and whitespace

    /// Optional whitespace between two tokens (`nil` under `.compact`).
    var whitespace: GrammarExpression? {
        guard options.whitespace == .flexible, options.maxWhitespace > 0 else { return nil }
        return .repetition(.bytes(ByteSet([0x20, 0x0A, 0x09])), min: 0, max: options.maxWhitespace)
    }

    /// The parts in order, flattening nested sequences and skipping `nil` (absent whitespace).
    func join(_ parts: [GrammarExpression?]) -> GrammarExpression {
        var flat: [GrammarExpression] = []
        for case let part? in parts {
            if case let .sequence(inner) = part { flat += inner } else { flat.append(part) }
        }
        return flat.count == 1 ? flat[0] : .sequence(flat)
    }

    /// Defines rule `name` once and returns a reference to it.
    mutating func sharedRule(_ name: String, _ build: (inout JSONSchemaCompiler) -> GrammarExpression) -> GrammarExpression {
        if rules[name] == nil {
            rules[name] = .empty  // placeholder: the body may refer to the rule itself
            rules[name] = build(&self)
        }
        return .rule(name)
    }

    // MARK: Generic JSON

    /// One character of a JSON string: unescaped (not `"`, `\`, U+0000–U+001F) or an escape.
    /// A `\u` escape names a Unicode scalar: a surrogate only as a high-low pair, which is one
    /// character (one code point, as `minLength`/`maxLength` count); a lone surrogate is not
    /// a string (JSONValue's parser and Foundation's JSONSerialization both reject it).
    mutating func stringCharacter() -> GrammarExpression {
        sharedRule("json-char") { _ in
            func hexDigits(_ digits: String) -> GrammarExpression {
                .bytes(ByteSet(Array(digits.uppercased().utf8) + Array(digits.lowercased().utf8)))
            }
            let hex = hexDigits("0123456789ABCDEF"), d = hexDigits("D")
            return .choice([
                jsonUnescapedCharacters.utf8Expression,
                .sequence([.literal("\\"), .choice([
                    .bytes(ByteSet(Array("\"\\/bfnrt".utf8))),
                    .sequence([.literal("u"), .choice([
                        .sequence([hexDigits("0123456789ABCEF"), hex, hex, hex]),  // not D...
                        .sequence([d, hexDigits("01234567"), hex, hex]),  // D000-D7FF
                        .sequence([d, hexDigits("89AB"), hex, hex, .literal("\\u"), d, hexDigits("CDEF"), hex, hex]),
                    ])]),
                ])]),
            ])
        }
    }

    /// Any JSON value, laid out per the whitespace option (for `true`, `{}` and absent `items`).
    mutating func anyValue() -> GrammarExpression {
        sharedRule("json-value") { compiler in
            let ws = compiler.whitespace
            let value = GrammarExpression.rule("json-value")
            let string = compiler.sharedRule("json-string") { compiler in
                .sequence([.literal("\""), .repetition(compiler.stringCharacter(), min: 0, max: nil), .literal("\"")])
            }
            let member = compiler.join([string, ws, .literal(":"), ws, value])
            let separator = compiler.join([ws, .literal(","), ws])
            let object = compiler.join([
                .literal("{"), ws,
                .optional(compiler.join([member, .repetition(compiler.join([separator, member]), min: 0, max: nil), ws])),
                .literal("}"),
            ])
            let array = compiler.join([
                .literal("["), ws,
                .optional(compiler.join([value, .repetition(compiler.join([separator, value]), min: 0, max: nil), ws])),
                .literal("]"),
            ])
            return .choice([
                compiler.sharedRule("json-object") { _ in object },
                compiler.sharedRule("json-array") { _ in array },
                string,
                compiler.sharedRule("json-number") { _ in unboundedNumber },
                .literal("true"), .literal("false"), .literal("null"),
            ])
        }
    }

    // MARK: Objects

    /// `{...}` with the declared properties in order; required ones always, optional ones
    /// when chosen, commas only between present members.
    mutating func object(_ schema: JSONValue, at path: String) throws(ConstraintSyntaxError) -> GrammarExpression {
        var declared: [JSONValue.Member] = []
        if let properties = schema["properties"] {
            guard case let .object(members) = properties else { throw error(path + "/properties", "expected 'properties' to be an object") }
            declared = members
        }
        var required: [String] = []
        if let list = schema["required"] {
            guard case let .array(names) = list else { throw error(path + "/required", "expected 'required' to be an array of names") }
            for name in names {
                guard case let .string(text) = name else { throw error(path + "/required", "expected 'required' to hold strings") }
                if !required.contains(text) { required.append(text) }
            }
        }
        if let additional = schema["additionalProperties"] {
            switch additional {
            case .bool, .object: break
            default: throw error(path + "/additionalProperties", "expected 'additionalProperties' to be a schema (an object or a boolean)")
            }
        }
        let closed = schema["additionalProperties"] == .bool(false)
        // Required names without a declared schema: any value (or nothing matches if closed).
        for name in required where !declared.contains(where: { $0.key == name }) {
            if closed {
                throw error(path + "/required",
                            "required property '\(name)' is not in 'properties' and 'additionalProperties' is false, so nothing matches")
            }
            declared.append(.init(key: name, value: .bool(true)))
        }
        let ws = whitespace
        var members: [(expression: GrammarExpression, required: Bool)] = []
        let hasOptional = declared.contains { !required.contains($0.key) }
        for property in declared {
            let propertyPath = path + "/properties/" + jsonPointerEscaped(property.key)
            let isRequired = required.contains(property.key)
            if property.value == .bool(false) {
                if isRequired { throw error(propertyPath, "property '\(property.key)' is required but its schema is 'false', so nothing matches") }
                continue
            }
            var value = try self.schema(property.value, at: propertyPath)
            if hasOptional, !isTrivial(value) {
                // Optional members repeat later members' grammars in several alternatives:
                // share each value through a rule so the grammar stays linear in size.
                let name = ruleName(forPointer: propertyPath)
                rules[name] = value
                value = .rule(name)
            }
            members.append((join([.literal(jsonQuoted(property.key)), ws, .literal(":"), ws, value]), isRequired))
        }
        let separator = join([ws, .literal(","), ws])
        /// Members from `index` on, each after a separator (something came before).
        func tail(from index: Int) -> [GrammarExpression] {
            members[index...].map { member in
                member.required ? join([separator, member.expression]) : .optional(join([separator, member.expression]))
            }
        }
        /// A non-empty list of members from `index` on, the first without separator.
        func head(from index: Int) -> GrammarExpression? {
            guard index < members.count else { return nil }
            let present = join([members[index].expression] + tail(from: index + 1))
            if members[index].required { return present }
            guard let later = head(from: index + 1) else { return present }
            return .choice([present, later])
        }
        guard let list = head(from: 0) else { return join([.literal("{"), ws, .literal("}")]) }
        if members.contains(where: \.required) { return join([.literal("{"), ws, list, ws, .literal("}")]) }
        return join([.literal("{"), ws, .optional(join([list, ws])), .literal("}")])
    }

    /// Whether an expression is small enough to repeat rather than share as a rule.
    private func isTrivial(_ expression: GrammarExpression) -> Bool {
        switch expression {
        case .rule, .bytes, .special: return true
        default: return false
        }
    }

    // MARK: Arrays

    mutating func array(_ schema: JSONValue, at path: String) throws(ConstraintSyntaxError) -> GrammarExpression {
        let minimum = try count(schema, "minItems", at: path) ?? 0
        let maximum = try count(schema, "maxItems", at: path)
        if let maximum, maximum < minimum {
            throw error(path + "/maxItems", "maxItems \(maximum) is below minItems \(minimum), so no array matches")
        }
        let items = schema["items"]
        if case .array? = items {
            throw error(path + "/items", "'items' as an array (tuple validation) is not supported; expected one schema for every item")
        }
        let ws = whitespace
        let empty = join([.literal("["), ws, .literal("]")])
        if items == .bool(false) {
            if minimum > 0 { throw error(path + "/items", "'items' is false, so only [] is allowed, but minItems is \(minimum)") }
            return empty
        }
        let item = try items.map { value throws(ConstraintSyntaxError) in try self.schema(value, at: path + "/items") } ?? anyValue()
        if maximum == 0 { return empty }
        let more = GrammarExpression.repetition(
            join([ws, .literal(","), ws, item]), min: max(minimum - 1, 0), max: maximum.map { $0 - 1 })
        let list = join([item, more, ws])
        return join([.literal("["), ws, minimum == 0 ? .optional(list) : list, .literal("]")])
    }

    /// A non-negative integer keyword (`minItems`, `maxLength`, …), or `nil` when absent.
    func count(_ schema: JSONValue, _ keyword: String, at path: String) throws(ConstraintSyntaxError) -> Int? {
        guard let value = schema[keyword] else { return nil }
        guard case let .number(lexeme) = value, let decimal = DecimalValue(lexeme: lexeme), decimal.isIntegral, decimal.floor >= 0 else {
            throw error(path + "/" + keyword, "expected '\(keyword)' to be a non-negative integer, found \(value.compactText.prefix(40))")
        }
        return decimal.floor
    }

    // MARK: Strings

    mutating func string(_ schema: JSONValue, at path: String) throws(ConstraintSyntaxError) -> GrammarExpression {
        let minimum = try count(schema, "minLength", at: path) ?? 0
        let maximum = try count(schema, "maxLength", at: path)
        if let maximum, maximum < minimum {
            throw error(path + "/maxLength", "maxLength \(maximum) is below minLength \(minimum), so no string matches")
        }
        if let pattern = schema["pattern"] {
            let patternPath = path + "/pattern"
            guard case let .string(text) = pattern else { throw error(patternPath, "expected 'pattern' to be a string") }
            if minimum > 0 || maximum != nil {
                throw error(patternPath, "combining 'pattern' with 'minLength'/'maxLength' is not supported; expected the length in the pattern (e.g. '^.{1,10}$')")
            }
            let parsed: RegexPattern
            do {
                parsed = try RegexPattern(parsing: text)
            } catch {
                throw self.error(patternPath, "invalid pattern (at column \(error.column) of the pattern): \(error.message)")
            }
            let content = parsed.searchLanguage(allowedCharacters: jsonUnescapedCharacters).grammarExpression
            return join([.literal("\""), content, .literal("\"")])
        }
        return join([.literal("\""), .repetition(stringCharacter(), min: minimum, max: maximum), .literal("\"")])
    }

    // MARK: Integers and numbers

    /// A numeric bound keyword: its value and whether it is exclusive, or `nil` when absent.
    /// Draft 4's boolean `exclusiveMinimum`/`exclusiveMaximum` make `minimum`/`maximum` exclusive.
    func bound(_ schema: JSONValue, lower: Bool, at path: String) throws(ConstraintSyntaxError) -> [(value: DecimalValue, exclusive: Bool, path: String)] {
        let inclusiveKey = lower ? "minimum" : "maximum"
        let exclusiveKey = lower ? "exclusiveMinimum" : "exclusiveMaximum"
        var bounds: [(value: DecimalValue, exclusive: Bool, path: String)] = []
        var draft4Exclusive = false
        if let flag = schema[exclusiveKey], case let .bool(value) = flag { draft4Exclusive = value }
        for key in [inclusiveKey, exclusiveKey] {
            guard let value = schema[key] else { continue }
            if case .bool = value, key == exclusiveKey { continue }
            guard case let .number(lexeme) = value else { throw error(path + "/" + key, "expected '\(key)' to be a number") }
            guard let decimal = DecimalValue(lexeme: lexeme) else {
                throw error(path + "/" + key, "bound \(lexeme) is outside the supported range (magnitude at most 10^18)")
            }
            bounds.append((decimal, key == exclusiveKey || draft4Exclusive, path + "/" + key))
        }
        return bounds
    }

    mutating func integer(_ schema: JSONValue, at path: String) throws(ConstraintSyntaxError) -> GrammarExpression {
        var low: Int?
        var high: Int?
        for bound in try bound(schema, lower: true, at: path) {
            let value = bound.exclusive ? bound.value.floor + 1 : bound.value.ceiling
            low = max(low ?? value, value)
        }
        var highPath = path
        for bound in try bound(schema, lower: false, at: path) {
            let value = bound.exclusive ? bound.value.ceiling - 1 : bound.value.floor
            high = min(high ?? value, value)
            highPath = bound.path
        }
        guard let expression = integerRangeExpression(low, high) else {
            throw error(highPath, "no integer satisfies the bounds (lowest allowed \(low!), highest allowed \(high!))")
        }
        return expression
    }

    mutating func number(_ schema: JSONValue, at path: String) throws(ConstraintSyntaxError) -> GrammarExpression {
        let lows = try bound(schema, lower: true, at: path)
        let highs = try bound(schema, lower: false, at: path)
        if lows.isEmpty && highs.isEmpty { return sharedRule("json-number") { _ in unboundedNumber } }
        for bound in lows + highs where !bound.value.isIntegral {
            throw error(bound.path, "a non-integer bound on a 'number' is not supported; expected an integer bound (or type 'integer')")
        }
        // The tightest bound on each side; on a tie, the exclusive one.
        var low: (value: Int, exclusive: Bool)?
        for bound in lows {
            let candidate = (bound.value.floor, bound.exclusive)
            if let current = low, current.value > candidate.0 || (current.value == candidate.0 && current.exclusive) { continue }
            low = candidate
        }
        var high: (value: Int, exclusive: Bool)?
        var highPath = path
        for bound in highs {
            let candidate = (bound.value.floor, bound.exclusive)
            highPath = bound.path
            if let current = high, current.value < candidate.0 || (current.value == candidate.0 && current.exclusive) { continue }
            high = candidate
        }
        guard let expression = boundedNumberExpression(
            low: low?.value, lowExclusive: low?.exclusive ?? false, high: high?.value, highExclusive: high?.exclusive ?? false)
        else {
            throw error(highPath, "no number satisfies the bounds (\(low!.exclusive ? ">" : ">=") \(low!.value) and \(high!.exclusive ? "<" : "<=") \(high!.value))")
        }
        return expression
    }
}

/// Characters a JSON string may hold without escaping: all but `"`, `\` and U+0000–U+001F.
let jsonUnescapedCharacters = ScalarRangeSet.all.subtracting(ScalarRangeSet(ranges: [0...0x1F, 0x22...0x22, 0x5C...0x5C]))

/// Any JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
let unboundedNumber: GrammarExpression = {
    let digit = GrammarExpression.bytes(ByteSet(range: 0x30...0x39))
    let digits = GrammarExpression.repetition(digit, min: 1, max: nil)
    return .sequence([
        .optional(.literal("-")),
        .choice([.literal("0"), .sequence([.bytes(ByteSet(range: 0x31...0x39)), .repetition(digit, min: 0, max: nil)])]),
        .optional(.sequence([.literal("."), digits])),
        .optional(.sequence([.bytes(ByteSet(Array("eE".utf8))), .optional(.bytes(ByteSet(Array("+-".utf8)))), digits])),
    ])
}()
