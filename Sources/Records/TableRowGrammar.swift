// The grammar that keeps a generated row valid: structure tokens in a fixed column order,
// each value inside its column's domain, narrowed by the conditions.
//
// Shape (order [2, 0, 1]):
//
//     <|row|> <|col:2|> value₂ <|col:0|> value₀ <|col:1|> value₁
//
// The grammar ends after the last value, without `<|eos|>`: the generator's end token is
// `<|eos|>`, and `GrammarConstraint` allows the end token exactly where the grammar
// accepts, so the end token closes the row (and a row whose last value cannot grow ends by
// itself). Putting `<|eos|>` inside the grammar as well would make the constraint treat
// it as the end token and never as a symbol.
//
// Value languages (exact: every training value of the column is accepted, nothing outside
// the domain is):
// - categorical and boolean: the values as a trie of literals (one path per shared prefix,
//   so the automaton keeps a single configuration while reading a value);
// - integer: the canonical decimal texts of the range (split by digit count, then the
//   classic low tail / middle block / high tail construction on equal-length bounds);
// - decimal: `-?int(.d{1,p})?` whose value lies in the range, built per integer part
//   (the bound's own integer parts take fraction ranges, the ones between take any
//   fraction);
// - datetime: the layout with months 01–12, days valid for their month, 29 February only
//   in leap years, hours 00–23, minutes and seconds 00–59, years within the domain's;
// - text: UTF-8 scalars without NUL, without line breaks (unless the column had them),
//   and without `<|` — a run of `<` must be followed by a character other than `|` or
//   end the value — so a value can never spell a structure token;
// - a nullable column also allows `<|null|>`; a conditioned column does not.

import Decoding

extension TableSynthesisSchema {
    /// The column order for sampling: the conditioned columns first (in the order the
    /// conditions name them), then the others in table order.
    public func samplingOrder(conditions: TableConditions = TableConditions()) -> [Int] {
        let first = conditions.columns
        return first + columns.indices.filter { !first.contains($0) }
    }

    /// The grammar of one row in the column order `order` (a permutation of the columns),
    /// with each conditioned column narrowed to the values its conditions allow.
    public func rowGrammar(order: [Int], conditions: TableConditions = TableConditions()) throws(TableSynthesisError) -> Grammar {
        guard order.count == columns.count, Set(order) == Set(columns.indices) else {
            throw .invalidColumnOrder(order, columnCount: columns.count)
        }
        var parts: [GrammarExpression] = [.special(TableRowCodec.rowToken)]
        for column in order {
            parts.append(.special(TableRowCodec.columnToken(column)))
            parts.append(valueExpression(column: column, restriction: conditions.restriction(for: column)))
        }
        return Grammar(.sequence(parts))
    }

    /// The language of column `column`'s values (`<|null|>` included when the column is
    /// nullable and unrestricted). With a restriction, only the values it allows.
    public func valueExpression(column: Int, restriction: ColumnRestriction? = nil) -> GrammarExpression {
        let spec = columns[column]
        var value: GrammarExpression
        switch (restriction, spec.domain) {
        case let (.values(texts)?, _):
            value = ValueGrammar.literals(texts)
        case let (.ranges(ranges)?, .decimal(domain)):
            value = .choice(ranges.compactMap { NumberGrammar.decimals($0.lowerBound, $0.upperBound, digits: domain.fractionDigits) })
        case let (.ranges(ranges)?, _):
            value = .choice(ranges.compactMap { NumberGrammar.integers($0.lowerBound, $0.upperBound) })
        case let (nil, .categorical(domain)):
            value = ValueGrammar.literals(domain.values)
        case let (nil, .boolean(domain)):
            value = ValueGrammar.literals([domain.trueText, domain.falseText])
        case let (nil, .integer(domain)):
            value = NumberGrammar.integers(domain.minimum, domain.maximum) ?? .choice([])
        case let (nil, .decimal(domain)):
            value = NumberGrammar.decimals(domain.minimum, domain.maximum, digits: domain.fractionDigits) ?? .choice([])
        case let (nil, .datetime(domain)):
            value = DateGrammar.expression(domain)
        case let (nil, .text(domain)):
            value = ValueGrammar.text(domain)
        }
        if restriction == nil && spec.isNullable {
            value = .choice([value, .special(TableRowCodec.nullToken)])
        }
        return value
    }
}

/// Literal sets and free text.
enum ValueGrammar {
    /// Exactly the given texts, as a trie: alternatives share their common prefixes.
    static func literals(_ texts: [String]) -> GrammarExpression {
        let strings = Array(Set(texts.map { Array($0.utf8) })).sorted { $0.lexicographicallyPrecedes($1) }
        return trie(strings[...], depth: 0)
    }

    /// The trie of `strings` (sorted, distinct) from byte `depth` on.
    private static func trie(_ strings: ArraySlice<[UInt8]>, depth: Int) -> GrammarExpression {
        if strings.count == 1 { return .literal(Array(strings.first![depth...])) }
        var alternatives: [GrammarExpression] = []
        var endsHere = false
        var index = strings.startIndex
        while index < strings.endIndex {
            guard strings[index].count > depth else {
                endsHere = true
                index += 1
                continue
            }
            let byte = strings[index][depth]
            var end = index
            while end < strings.endIndex, strings[end].count > depth, strings[end][depth] == byte { end += 1 }
            let rest = trie(strings[index..<end], depth: depth + 1)
            if case let .sequence(parts) = rest {
                alternatives.append(.sequence([.bytes(ByteSet([byte]))] + parts))
            } else {
                alternatives.append(.sequence([.bytes(ByteSet([byte])), rest]))
            }
            index = end
        }
        if endsHere { alternatives.append(.empty) }
        return alternatives.count == 1 ? alternatives[0] : .choice(alternatives)
    }

    /// Free text of `domain` (see the notes at the top of this file).
    static func text(_ domain: TextDomain) -> GrammarExpression {
        let excluded: [UInt8] = domain.multiline ? [UInt8(ascii: "<")] : [UInt8(ascii: "<"), 10, 13]
        let ascii = ByteSet(range: 0x01...0x7F).intersection(ByteSet(excluded).complement)
        let plain = utf8Scalar(ascii: ascii)
        let afterRun = utf8Scalar(ascii: ascii.intersection(ByteSet([UInt8(ascii: "|")]).complement))
        let run = GrammarExpression.repetition(.literal("<"), min: 1, max: TextDomain.maxAngleRun)
        let unit = GrammarExpression.choice([plain, .sequence([run, afterRun])])
        return .sequence([.repetition(unit, min: 0, max: domain.maxLength - 1), .choice([unit, run])])
    }

    /// One well-formed UTF-8 scalar: a byte of `ascii`, or a multi-byte sequence (no
    /// overlong forms, no surrogates, nothing above U+10FFFF).
    static func utf8Scalar(ascii: ByteSet) -> GrammarExpression {
        func range(_ low: UInt8, _ high: UInt8) -> GrammarExpression { .bytes(ByteSet(range: low...high)) }
        let tail = range(0x80, 0xBF)
        return .choice([
            .bytes(ascii),
            .sequence([range(0xC2, 0xDF), tail]),
            .sequence([range(0xE0, 0xE0), range(0xA0, 0xBF), tail]),
            .sequence([.bytes(ByteSet(range: 0xE1...0xEC).union(ByteSet(range: 0xEE...0xEF))), tail, tail]),
            .sequence([range(0xED, 0xED), range(0x80, 0x9F), tail]),
            .sequence([range(0xF0, 0xF0), range(0x90, 0xBF), tail, tail]),
            .sequence([range(0xF1, 0xF3), tail, tail, tail]),
            .sequence([range(0xF4, 0xF4), range(0x80, 0x8F), tail, tail]),
        ])
    }
}

/// Exact decimal-range languages.
enum NumberGrammar {
    static let anyDigit = GrammarExpression.bytes(ByteSet(range: 0x30...0x39))

    static func digit(_ low: Int, _ high: Int) -> GrammarExpression {
        .bytes(ByteSet(range: UInt8(48 + low)...UInt8(48 + high)))
    }

    static func power(_ exponent: Int) -> Int {
        var value = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// Strings of exactly `width` digits (leading zeros allowed) whose value is in
    /// `low...high`.
    static func fixedWidth(_ low: Int, _ high: Int, width: Int) -> GrammarExpression {
        func digits(_ value: Int) -> [Int] {
            let text = String(value)
            return Array(repeating: 0, count: width - text.count) + text.utf8.map { Int($0) - 48 }
        }
        return fixedWidth(digits(low)[...], digits(high)[...])
    }

    /// Digit strings between two equal-length digit strings: a shared first digit, or the
    /// low tail (low's first digit, then low's rest ... 9…9), the whole middle digits, and
    /// the high tail (high's first digit, then 0…0 ... high's rest).
    private static func fixedWidth(_ low: ArraySlice<Int>, _ high: ArraySlice<Int>) -> GrammarExpression {
        guard let lowFirst = low.first, let highFirst = high.first else { return .empty }
        let lowRest = low.dropFirst(), highRest = high.dropFirst()
        if lowFirst == highFirst { return join(digit(lowFirst, lowFirst), fixedWidth(lowRest, highRest)) }
        let lowRestMinimal = lowRest.allSatisfy { $0 == 0 }, highRestMaximal = highRest.allSatisfy { $0 == 9 }
        var alternatives: [GrammarExpression] = []
        if !lowRestMinimal {
            alternatives.append(join(digit(lowFirst, lowFirst), fixedWidth(lowRest, ArraySlice(repeating: 9, count: lowRest.count))))
        }
        let middleLow = lowRestMinimal ? lowFirst : lowFirst + 1
        let middleHigh = highRestMaximal ? highFirst : highFirst - 1
        if middleLow <= middleHigh {
            let tail: GrammarExpression = lowRest.isEmpty ? .empty : .repetition(anyDigit, min: lowRest.count, max: lowRest.count)
            alternatives.append(join(digit(middleLow, middleHigh), tail))
        }
        if !highRestMaximal {
            alternatives.append(join(digit(highFirst, highFirst), fixedWidth(ArraySlice(repeating: 0, count: highRest.count), highRest)))
        }
        return alternatives.count == 1 ? alternatives[0] : .choice(alternatives)
    }

    /// `a` then `b`, flattening sequences.
    static func join(_ a: GrammarExpression, _ b: GrammarExpression) -> GrammarExpression {
        var parts: [GrammarExpression] = []
        for part in [a, b] {
            if case let .sequence(inner) = part { parts += inner } else { parts.append(part) }
        }
        return parts.count == 1 ? parts[0] : .sequence(parts)
    }

    /// Canonical texts (no leading zeros) of the whole numbers `low...high`, `0 <= low`.
    static func naturals(_ low: Int, _ high: Int) -> GrammarExpression? {
        guard low >= 0, low <= high else { return nil }
        var alternatives: [GrammarExpression] = []
        for width in String(low).count...String(high).count {
            let lower = max(low, width == 1 ? 0 : power(width - 1))
            let upper = min(high, power(width) - 1)
            if lower <= upper { alternatives.append(fixedWidth(lower, upper, width: width)) }
        }
        return alternatives.count == 1 ? alternatives[0] : .choice(alternatives)
    }

    /// Canonical texts (`0`, `-?[1-9][0-9]*`, never `-0`) of the integers `low...high`.
    static func integers(_ low: Int, _ high: Int) -> GrammarExpression? {
        guard low <= high else { return nil }
        var alternatives: [GrammarExpression] = []
        if high >= 0, let natural = naturals(max(low, 0), high) { alternatives.append(natural) }
        if low < 0, let magnitudes = naturals(max(1, -high), -low) { alternatives.append(join(.literal("-"), magnitudes)) }
        return alternatives.count == 1 ? alternatives[0] : .choice(alternatives)
    }

    /// Texts `-?(0|[1-9][0-9]*)(\.[0-9]{1,digits})?` whose value, in units of
    /// 10^-digits, lies in `low...high` (never a negative zero).
    static func decimals(_ low: Int, _ high: Int, digits: Int) -> GrammarExpression? {
        guard digits > 0 else { return integers(low, high) }
        guard low <= high else { return nil }
        var alternatives: [GrammarExpression] = []
        if high >= 0 { alternatives.append(nonNegativeDecimals(max(low, 0), high, digits: digits)) }
        if low < 0 { alternatives.append(join(.literal("-"), nonNegativeDecimals(max(1, -high), -low, digits: digits))) }
        return alternatives.count == 1 ? alternatives[0] : .choice(alternatives)
    }

    private static func nonNegativeDecimals(_ low: Int, _ high: Int, digits: Int) -> GrammarExpression {
        let scale = power(digits)
        let (lowInteger, lowFraction) = (low / scale, low % scale)
        let (highInteger, highFraction) = (high / scale, high % scale)
        /// An optional fraction whose value, in units, lies in `from...to` (0 ≤ from ≤ to < scale).
        func fraction(_ from: Int, _ to: Int) -> GrammarExpression {
            var alternatives: [GrammarExpression] = from == 0 ? [.empty] : []
            for width in 1...digits {
                let step = power(digits - width)
                let lower = (from + step - 1) / step, upper = to / step
                if lower <= upper { alternatives.append(join(.literal("."), fixedWidth(lower, upper, width: width))) }
            }
            return alternatives.count == 1 ? alternatives[0] : .choice(alternatives)
        }
        if lowInteger == highInteger {
            return join(naturals(lowInteger, lowInteger)!, fraction(lowFraction, highFraction))
        }
        var alternatives = [join(naturals(lowInteger, lowInteger)!, fraction(lowFraction, scale - 1))]
        if let middle = naturals(lowInteger + 1, highInteger - 1) {
            alternatives.append(join(middle, fraction(0, scale - 1)))
        }
        alternatives.append(join(naturals(highInteger, highInteger)!, fraction(0, highFraction)))
        return .choice(alternatives)
    }
}

/// Calendar-valid date and time layouts.
enum DateGrammar {
    static func expression(_ domain: DatetimeDomain) -> GrammarExpression {
        let firstYear = domain.minimumYear, lastYear = domain.maximumYear
        let years = NumberGrammar.fixedWidth(firstYear, lastYear, width: 4)
        let leapYears = (firstYear...lastYear).filter { ($0 % 4 == 0 && $0 % 100 != 0) || $0 % 400 == 0 }
            .map { NumberGrammar.fixedWidth($0, $0, width: 4) }
        let d = NumberGrammar.digit
        let dayTo31 = GrammarExpression.choice([.sequence([d(0, 0), d(1, 9)]), .sequence([d(1, 2), d(0, 9)]), .sequence([d(3, 3), d(0, 1)])])
        let dayTo30 = GrammarExpression.choice([.sequence([d(0, 0), d(1, 9)]), .sequence([d(1, 2), d(0, 9)]), .literal("30")])
        let dayTo28 = GrammarExpression.choice([.sequence([d(0, 0), d(1, 9)]), .sequence([d(1, 1), d(0, 9)]), .sequence([d(2, 2), d(0, 8)])])
        func monthDay(_ separator: String) -> GrammarExpression {
            .choice([
                .sequence([ValueGrammar.literals(["01", "03", "05", "07", "08", "10", "12"]), .literal(separator), dayTo31]),
                .sequence([ValueGrammar.literals(["04", "06", "09", "11"]), .literal(separator), dayTo30]),
                .sequence([.literal("02" + separator), dayTo28]),
            ])
        }
        var date: [GrammarExpression]
        switch domain.format {
        case .usDate:
            date = [.sequence([monthDay("/"), .literal("/"), years])]
            if !leapYears.isEmpty { date.append(.sequence([.literal("02/29/"), .choice(leapYears)])) }
        case .slashedYearFirst:
            date = [.sequence([years, .literal("/"), monthDay("/")])]
            if !leapYears.isEmpty { date.append(.sequence([.choice(leapYears), .literal("/02/29")])) }
        default:
            date = [.sequence([years, .literal("-"), monthDay("-")])]
            if !leapYears.isEmpty { date.append(.sequence([.choice(leapYears), .literal("-02-29")])) }
        }
        var parts: [GrammarExpression] = [.choice(date)]
        switch domain.format {
        case .isoDate, .slashedYearFirst, .usDate:
            break
        case .isoDateTime, .isoDateTimeT, .isoDateTimeFraction, .isoDateTimeTFraction:
            let separator = domain.format == .isoDateTimeT || domain.format == .isoDateTimeTFraction ? "T" : " "
            let hour = GrammarExpression.choice([.sequence([d(0, 1), d(0, 9)]), .sequence([d(2, 2), d(0, 3)])])
            let sixty = GrammarExpression.sequence([d(0, 5), d(0, 9)])
            parts += [.literal(separator), hour, .literal(":"), sixty, .literal(":"), sixty]
            if domain.format == .isoDateTimeFraction || domain.format == .isoDateTimeTFraction {
                parts += [.literal("."), .repetition(NumberGrammar.anyDigit, min: 1, max: max(1, domain.fractionDigits))]
            }
        }
        return .sequence(parts)
    }
}
