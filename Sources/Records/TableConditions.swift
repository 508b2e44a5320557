/// `--where` conditions on sampled rows, parsed against a schema and folded into one
/// restriction per column, which the row grammar enforces (by the mask, never by
/// rejecting rows).
///
/// Syntax, one condition per string: `COLUMN OP VALUE` with OP one of `=`, `!=`, `<`,
/// `<=`, `>`, `>=`, or `COLUMN in (V1, V2, ...)`. The column is the longest column name
/// the condition starts with, so names may hold spaces or operator characters; the
/// operator is read right after it, so `income=>50K` is income equal to `>50K`. Values are
/// trimmed of spaces; quote them (`"a, b"` or `'a, b'`, a doubled quote inside) to keep
/// spaces, commas or parentheses.
///
/// - categorical and boolean columns take `=`, `!=` and `in` with values the column has
///   (a boolean also takes true/false, yes/no, 1/0 in any case);
/// - integer and decimal columns take every operator; bounds are numbers (`age>=30`,
///   `price<9.99`), rounded inward to the column's precision;
/// - datetime and text columns take `=` and `in` (datetime also `!=`).
///
/// Conditions on one column intersect; a condition also excludes the missing value.
/// Errors name the condition: an unknown column (listing the columns), a value the column
/// never holds, an operator its type does not take, or conditions that leave nothing.
public struct TableConditions: Sendable, Equatable {
    /// The conditions as given, parsed.
    public private(set) var conditions: [TableCondition] = []
    /// The conditioned columns, in the order the conditions first name them.
    public private(set) var columns: [Int] = []
    private var restrictions: [Int: ColumnRestriction] = [:]

    /// No condition.
    public init() {}

    /// Parses `texts` against `schema` and folds them into per-column restrictions.
    public init(parsing texts: [String], schema: TableSynthesisSchema) throws(TableSynthesisError) {
        for text in texts {
            let condition = try TableCondition(parsing: text, schema: schema)
            conditions.append(condition)
            if !columns.contains(condition.column) { columns.append(condition.column) }
        }
        for column in columns {
            let mine = conditions.filter { $0.column == column }
            restrictions[column] = try Narrowing(schema.columns[column]).apply(mine)
        }
    }

    /// The values column `column` is narrowed to, or nil when no condition names it.
    public func restriction(for column: Int) -> ColumnRestriction? { restrictions[column] }

    /// Whether a row (values in table order, nil for missing) meets every condition.
    public func admits(_ values: [String?], schema: TableSynthesisSchema) -> Bool {
        for (column, restriction) in restrictions {
            guard let value = values[column] else { return false }
            switch restriction {
            case let .values(allowed):
                if !allowed.contains(value) { return false }
            case let .ranges(ranges):
                let units: Int?
                switch schema.columns[column].domain {
                case let .decimal(domain): units = DecimalText.units(value, digits: domain.fractionDigits)
                default: units = DecimalText.canonicalInteger(value)
                }
                guard let units, ranges.contains(where: { $0.contains(units) }) else { return false }
            }
        }
        return true
    }
}

/// What a column is narrowed to by its conditions (the missing value is never allowed).
public enum ColumnRestriction: Sendable, Equatable {
    /// Exactly these texts (categorical, boolean, datetime, text columns).
    case values([String])
    /// Numbers in these disjoint, ascending ranges: integers, or for a decimal column
    /// units of 10^-fractionDigits.
    case ranges([ClosedRange<Int>])
}

/// One parsed `--where` condition.
public struct TableCondition: Sendable, Equatable {
    public enum Operator: String, Sendable, CaseIterable {
        case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", isIn = "in"
    }

    /// The text as given.
    public var text: String
    /// The column's position in the table.
    public var column: Int
    public var op: Operator
    /// The value (one, or several for `in`), unquoted.
    public var values: [String]

    public init(text: String, column: Int, op: Operator, values: [String]) {
        self.text = text
        self.column = column
        self.op = op
        self.values = values
    }

    /// Parses one condition (see ``TableConditions``).
    public init(parsing text: String, schema: TableSynthesisSchema) throws(TableSynthesisError) {
        func syntax(_ reason: String) -> TableSynthesisError { .conditionSyntax(condition: text, reason: reason) }
        let body = Substring(text.trimmingSpaces)
        // The longest column name followed by an operator.
        var found: (column: Int, rest: Substring, op: Operator)?
        for (index, name) in schema.columnNames.enumerated().sorted(by: { $0.element.count > $1.element.count })
        where !name.isEmpty && body.hasPrefix(name) {
            let rest = body.dropFirst(name.count)
            if let (op, after) = TableCondition.readOperator(rest) {
                found = (index, after, op)
                break
            }
        }
        guard let found else {
            // Name what stands before the first operator, to say which column is unknown.
            let stop = body.firstIndex { "=<>!".contains($0) } ?? body.range(of: " in ", options: .caseInsensitive)?.lowerBound
            guard let stop else { throw syntax("expected COLUMN OP VALUE with OP one of =, !=, <, <=, >, >=, in") }
            let name = String(body[..<stop]).trimmingSpaces
            guard !name.isEmpty else { throw syntax("no column name before the operator") }
            throw .unknownConditionColumn(condition: text, name: name, available: schema.columnNames)
        }
        let rest = String(found.rest).trimmingSpaces
        var values: [String]
        if found.op == .isIn {
            guard rest.hasPrefix("("), rest.hasSuffix(")"), rest.count >= 2 else {
                throw syntax("expected a list in parentheses after 'in', like in (A, B)")
            }
            values = try TableCondition.splitList(String(rest.dropFirst().dropLast()), condition: text)
            guard !values.isEmpty else { throw syntax("the list after 'in' is empty") }
        } else {
            guard !rest.isEmpty else { throw syntax("expected a value after '\(found.op.rawValue)'") }
            values = [try TableCondition.unquote(rest, condition: text)]
        }
        self.init(text: text, column: found.column, op: found.op, values: values)
    }

    /// The operator at the start of `text` (after spaces) and what follows it.
    static func readOperator(_ text: Substring) -> (Operator, Substring)? {
        let trimmed = text.drop { $0 == " " || $0 == "\t" }
        for op in [Operator.lessOrEqual, .greaterOrEqual, .notEqual, .equal, .less, .greater] where trimmed.hasPrefix(op.rawValue) {
            return (op, trimmed.dropFirst(op.rawValue.count))
        }
        // `in` is a word of its own: `column in (...)`.
        if trimmed.count < text.count, trimmed.lowercased().hasPrefix("in"),
           let next = trimmed.dropFirst(2).first, next == " " || next == "\t" || next == "(" {
            return (.isIn, trimmed.dropFirst(2))
        }
        return nil
    }

    /// Splits `a, "b, c", d` at commas outside quotes and unquotes each item.
    static func splitList(_ text: String, condition: String) throws(TableSynthesisError) -> [String] {
        var items: [String] = [], current = ""
        var itemQuote: Character?, inQuote = false
        for character in text {
            if character == itemQuote {
                inQuote.toggle()  // a doubled quote toggles twice and stays inside
            } else if !inQuote && (character == "\"" || character == "'") && current.trimmingSpaces.isEmpty {
                itemQuote = character
                inQuote = true
            } else if !inQuote && character == "," {
                items.append(current)
                current = ""
                itemQuote = nil
                continue
            }
            current.append(character)
        }
        guard !inQuote else {
            throw .conditionSyntax(condition: condition, reason: "a quoted value is never closed")
        }
        items.append(current)
        if items.count == 1 && items[0].trimmingSpaces.isEmpty { return [] }
        return try items.map { (item) throws(TableSynthesisError) in
            let trimmed = item.trimmingSpaces
            guard !trimmed.isEmpty else { throw .conditionSyntax(condition: condition, reason: "an empty item in the list") }
            return try unquote(trimmed, condition: condition)
        }
    }

    /// A value without its quotes (`"a ""b"""` → `a "b"`); unquoted text as it is.
    static func unquote(_ text: String, condition: String) throws(TableSynthesisError) -> String {
        guard let open = text.first, open == "\"" || open == "'" else { return text }
        guard text.count >= 2, text.last == open else {
            throw .conditionSyntax(condition: condition, reason: "the value \(text) opens a quote it never closes")
        }
        let inner = text.dropFirst().dropLast()
        var value = "", pendingQuote = false
        for character in inner {
            if character == open {
                if pendingQuote { value.append(open); pendingQuote = false } else { pendingQuote = true }
                continue
            }
            guard !pendingQuote else {
                throw .conditionSyntax(condition: condition, reason: "a quote inside a quoted value is written twice (\(open)\(open))")
            }
            value.append(character)
        }
        guard !pendingQuote else {
            throw .conditionSyntax(condition: condition, reason: "a quote inside a quoted value is written twice (\(open)\(open))")
        }
        return value
    }
}

/// Folds the conditions on one column into a restriction.
private struct Narrowing {
    let column: SynthesisColumn

    init(_ column: SynthesisColumn) { self.column = column }

    func apply(_ conditions: [TableCondition]) throws(TableSynthesisError) -> ColumnRestriction {
        let restriction: ColumnRestriction
        switch column.domain {
        case let .integer(domain):
            restriction = .ranges(try numeric(conditions, digits: 0, initial: domain.minimum...domain.maximum))
        case let .decimal(domain):
            restriction = .ranges(try numeric(conditions, digits: domain.fractionDigits, initial: domain.minimum...domain.maximum))
        case let .categorical(domain):
            restriction = .values(try listed(conditions, universe: domain.values, operators: [.equal, .notEqual, .isIn]) { $0 })
        case let .boolean(domain):
            restriction = .values(try listed(conditions, universe: [domain.trueText, domain.falseText],
                                             operators: [.equal, .notEqual, .isIn]) { value in
                if value == domain.trueText || value == domain.falseText { return value }
                switch value.lowercased() {
                case domain.trueText.lowercased(), "true", "yes", "t", "y", "1": return domain.trueText
                case domain.falseText.lowercased(), "false", "no", "f", "n", "0": return domain.falseText
                default: return nil
                }
            })
        case .datetime, .text:
            restriction = .values(try given(conditions))
        }
        let isEmpty: Bool
        switch restriction {
        case let .values(values): isEmpty = values.isEmpty
        case let .ranges(ranges): isEmpty = ranges.isEmpty
        }
        if isEmpty {
            throw .contradictoryConditions(column: column.name, conditions: conditions.map(\.text), domain: column.domain.summary)
        }
        return restriction
    }

    func mismatch(_ condition: TableCondition, _ reason: String) -> TableSynthesisError {
        .conditionTypeMismatch(condition: condition.text, column: column.name, reason: reason)
    }

    func outside(_ condition: TableCondition, _ value: String) -> TableSynthesisError {
        .conditionValueOutsideDomain(condition: condition.text, column: column.name, value: value, domain: column.domain.summary)
    }

    /// Categorical and boolean columns: a subset of `universe`, kept in its order.
    func listed(_ conditions: [TableCondition], universe: [String], operators: Set<TableCondition.Operator>,
                canonical: (String) -> String?) throws(TableSynthesisError) -> [String] {
        var allowed = Set(universe)
        for condition in conditions {
            guard operators.contains(condition.op) else {
                throw mismatch(condition, "is \(column.domain.typeName): compare it with =, != or in, not \(condition.op.rawValue)")
            }
            var values: Set<String> = []
            for value in condition.values {
                guard let canonical = canonical(value), universe.contains(canonical) else { throw outside(condition, value) }
                values.insert(canonical)
            }
            if condition.op == .notEqual { allowed.subtract(values) } else { allowed.formIntersection(values) }
        }
        return universe.filter { allowed.contains($0) }
    }

    /// Datetime and text columns: the values given (`=`, `in`; `!=` for datetime only).
    func given(_ conditions: [TableCondition]) throws(TableSynthesisError) -> [String] {
        var allowed: [String]?
        var excluded: Set<String> = []
        for condition in conditions {
            let isDatetime: Bool
            if case .datetime = column.domain { isDatetime = true } else { isDatetime = false }
            switch condition.op {
            case .equal, .isIn: break
            case .notEqual where isDatetime: break
            default:
                throw mismatch(condition, isDatetime
                    ? "is datetime: only =, != and in are supported on it (not \(condition.op.rawValue))"
                    : "is free text: only = and in are supported on it (not \(condition.op.rawValue))")
            }
            for value in condition.values where !column.domain.contains(value) { throw outside(condition, value) }
            if condition.op == .notEqual {
                excluded.formUnion(condition.values)
            } else {
                let values = condition.values.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                allowed = allowed.map { current in current.filter { values.contains($0) } } ?? values
            }
        }
        guard let allowed else {
            throw mismatch(conditions[0], "is datetime: != alone leaves almost every date; give = or in as well")
        }
        return allowed.filter { !excluded.contains($0) }
    }

    /// Integer and decimal columns: disjoint ranges of units of 10^-digits.
    func numeric(_ conditions: [TableCondition], digits: Int, initial: ClosedRange<Int>) throws(TableSynthesisError) -> [ClosedRange<Int>] {
        var ranges = [initial]
        for condition in conditions {
            var points: [Int] = []
            for value in condition.values {
                guard let (mantissa, fractionDigits) = DecimalText.looseValue(value) else {
                    throw mismatch(condition, "is \(column.domain.typeName): '\(value)' is not a number")
                }
                switch condition.op {
                case .equal, .isIn:
                    guard let units = DecimalText.rescale(mantissa, digits: fractionDigits, to: digits, rounding: .exact),
                          initial.contains(units) else { throw outside(condition, value) }
                    points.append(units)
                case .notEqual:
                    if let units = DecimalText.rescale(mantissa, digits: fractionDigits, to: digits, rounding: .exact) {
                        points.append(units)
                    }
                case .greaterOrEqual, .greater:
                    let exact = DecimalText.rescale(mantissa, digits: fractionDigits, to: digits, rounding: .exact)
                    guard var bound = DecimalText.rescale(mantissa, digits: fractionDigits, to: digits, rounding: .up) else {
                        throw outside(condition, value)
                    }
                    if condition.op == .greater && exact != nil { bound += 1 }
                    ranges = intersect(ranges, bound...Int.max / 2)
                case .lessOrEqual, .less:
                    let exact = DecimalText.rescale(mantissa, digits: fractionDigits, to: digits, rounding: .exact)
                    guard var bound = DecimalText.rescale(mantissa, digits: fractionDigits, to: digits, rounding: .down) else {
                        throw outside(condition, value)
                    }
                    if condition.op == .less && exact != nil { bound -= 1 }
                    ranges = intersect(ranges, Int.min / 2...bound)
                }
            }
            switch condition.op {
            case .equal, .isIn:
                let before = ranges
                ranges = Set(points).sorted().compactMap { point in before.contains { $0.contains(point) } ? point...point : nil }
            case .notEqual:
                for point in points { ranges = ranges.flatMap { remove(point, from: $0) } }
            default: break
            }
        }
        return ranges
    }

    func intersect(_ ranges: [ClosedRange<Int>], _ bound: ClosedRange<Int>) -> [ClosedRange<Int>] {
        ranges.compactMap { range in
            let low = max(range.lowerBound, bound.lowerBound), high = min(range.upperBound, bound.upperBound)
            return low <= high ? low...high : nil
        }
    }

    func remove(_ point: Int, from range: ClosedRange<Int>) -> [ClosedRange<Int>] {
        guard range.contains(point) else { return [range] }
        var pieces: [ClosedRange<Int>] = []
        if range.lowerBound < point { pieces.append(range.lowerBound...(point - 1)) }
        if point < range.upperBound { pieces.append((point + 1)...range.upperBound) }
        return pieces
    }
}
