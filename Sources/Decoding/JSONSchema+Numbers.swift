// Exact decimal-range languages for JSON Schema's numeric bounds.
//
// `{"type": "integer", "minimum": 17, "maximum": 90}` must accept exactly the canonical texts
// 17 ... 90: no leading zeros, no `-0`, nothing out of range. The construction is the classic
// one for numeric ranges: split by digit count, then for equal-length bounds x...y take the
// common prefix, a low tail (x's first digit, then x's rest ... 99..9), a middle block of
// whole digits, and a high tail (y's first digit, then 00..0 ... y's rest). Each level adds
// at most three alternatives, so a range costs O(digits²) grammar nodes.

/// A JSON number's exact value, to the extent the bounds logic needs it.
struct DecimalValue {
    /// ⌊value⌋.
    var floor: Int
    /// The value is an integer.
    var isIntegral: Bool
    /// ⌈value⌉.
    var ceiling: Int { isIntegral ? floor : floor + 1 }

    /// Largest magnitude accepted for bounds and counts (keeps all arithmetic far from overflow).
    static let limit = 1_000_000_000_000_000

    /// The value of a JSON number lexeme, or `nil` if its magnitude exceeds `limit`.
    init?(lexeme: String) {
        var text = Substring(lexeme)
        let negative = text.first == "-"
        if negative { text = text.dropFirst() }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            let exponentText = text[text.index(after: e)...]
            guard exponentText.count < 8, let parsed = Int(exponentText.hasPrefix("+") ? exponentText.dropFirst() : exponentText) else {
                return nil
            }
            exponent = parsed
            text = text[..<e]
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let fraction = parts.count > 1 ? parts[1] : ""
        var digits = Array((parts[0] + fraction).utf8.map { Int($0) - 48 })
        exponent -= fraction.count
        while digits.first == 0 { digits.removeFirst() }
        if digits.isEmpty {
            self.floor = 0
            self.isIntegral = true
            return
        }
        // value = digits × 10^exponent; split into integer part and whether a fraction remains.
        var integerDigits = digits
        var hasFraction = false
        if exponent < 0 {
            let dropped = min(-exponent, digits.count)
            hasFraction = digits.suffix(dropped).contains { $0 != 0 }
            integerDigits = Array(digits.dropLast(dropped))
        } else {
            guard digits.count + exponent <= 18 else { return nil }
            integerDigits += Array(repeating: 0, count: exponent)
        }
        guard integerDigits.count <= 18 else { return nil }
        var magnitude = 0
        for digit in integerDigits { magnitude = magnitude * 10 + digit }
        guard magnitude <= Self.limit else { return nil }
        self.isIntegral = !hasFraction
        // ⌊-m.f⌋ = -(m+1) when a fraction remains.
        self.floor = negative ? (hasFraction ? -magnitude - 1 : -magnitude) : magnitude
    }
}

private let anyDigit = GrammarExpression.bytes(ByteSet(range: 0x30...0x39))

private func digitClass(_ low: Int, _ high: Int) -> GrammarExpression {
    .bytes(ByteSet(range: UInt8(48 + low)...UInt8(48 + high)))
}

private func sequence(_ parts: [GrammarExpression]) -> GrammarExpression {
    var flat: [GrammarExpression] = []
    for part in parts {
        if case let .sequence(inner) = part { flat += inner } else { flat.append(part) }
    }
    return flat.count == 1 ? flat[0] : .sequence(flat)
}

private func choice(_ alternatives: [GrammarExpression]) -> GrammarExpression {
    alternatives.count == 1 ? alternatives[0] : .choice(alternatives)
}

/// Decimal digits of a non-negative integer, most significant first.
private func decimalDigits(_ value: Int) -> [Int] {
    String(value).utf8.map { Int($0) - 48 }
}

/// Equal-length digit strings from `low` to `high` (leading zeros allowed; `low <= high`).
private func fixedWidthRange(_ low: ArraySlice<Int>, _ high: ArraySlice<Int>) -> GrammarExpression {
    guard let lowFirst = low.first, let highFirst = high.first else { return .empty }
    let lowRest = low.dropFirst()
    let highRest = high.dropFirst()
    if lowFirst == highFirst {
        return sequence([digitClass(lowFirst, lowFirst), fixedWidthRange(lowRest, highRest)])
    }
    let restIsMinimum = lowRest.allSatisfy { $0 == 0 }
    let restIsMaximum = highRest.allSatisfy { $0 == 9 }
    var alternatives: [GrammarExpression] = []
    var middleLow = lowFirst + 1
    var middleHigh = highFirst - 1
    if restIsMinimum {
        middleLow = lowFirst
    } else {
        let nines = ArraySlice(Array(repeating: 9, count: lowRest.count))
        alternatives.append(sequence([digitClass(lowFirst, lowFirst), fixedWidthRange(lowRest, nines)]))
    }
    if restIsMaximum { middleHigh = highFirst }
    if middleLow <= middleHigh {
        let tail: [GrammarExpression] = lowRest.isEmpty ? [] : [.repetition(anyDigit, min: lowRest.count, max: lowRest.count)]
        alternatives.append(sequence([digitClass(middleLow, middleHigh)] + tail))
    }
    if !restIsMaximum {
        let zeros = ArraySlice(Array(repeating: 0, count: highRest.count))
        alternatives.append(sequence([digitClass(highFirst, highFirst), fixedWidthRange(zeros, highRest)]))
    }
    return choice(alternatives)
}

/// Canonical decimal texts (no leading zeros) of the integers `low...high` with `0 <= low`;
/// `high == nil` means unbounded. `nil` if the range is empty.
func naturalRangeExpression(_ low: Int, _ high: Int?) -> GrammarExpression? {
    if let high, high < low { return nil }
    var alternatives: [GrammarExpression] = []
    let lowLength = decimalDigits(low).count
    let highLength = high.map { decimalDigits($0).count } ?? lowLength
    var power = 1  // 10^(length-1)
    for _ in 1..<lowLength { power *= 10 }
    for length in lowLength...highLength {
        let rangeLow = max(low, length == 1 ? 0 : power)
        let rangeHigh = min(high ?? Int.max, power * 10 - 1)
        if rangeLow <= rangeHigh {
            let lowDigits = decimalDigits(rangeLow)
            let highDigits = decimalDigits(rangeHigh)
            alternatives.append(fixedWidthRange(lowDigits[...], highDigits[...]))
        }
        power *= 10
    }
    if high == nil {
        // Every number with more digits than `low`.
        alternatives.append(sequence([digitClass(1, 9), .repetition(anyDigit, min: lowLength, max: nil)]))
    }
    return choice(alternatives)
}

/// Canonical JSON integer texts (`0`, `-?[1-9][0-9]*`, never `-0`) of `low...high`;
/// `nil` bounds are unbounded. `nil` if the range is empty.
func integerRangeExpression(_ low: Int?, _ high: Int?) -> GrammarExpression? {
    if let low, let high, high < low { return nil }
    var alternatives: [GrammarExpression] = []
    if high.map({ $0 >= 0 }) ?? true, let natural = naturalRangeExpression(max(low ?? 0, 0), high) {
        alternatives.append(natural)
    }
    if low.map({ $0 < 0 }) ?? true {
        // n in low...min(high, -1)  ⇔  "-" then |n| in max(1, -high)...(-low).
        let magnitudeLow = high.map { max(1, -$0) } ?? 1
        if let magnitudes = naturalRangeExpression(magnitudeLow, low.map { -$0 }) {
            alternatives.append(sequence([.literal("-"), magnitudes]))
        }
    }
    return alternatives.isEmpty ? nil : choice(alternatives)
}

/// JSON number texts of the form `-?int(.digits)?` (no exponent) whose value lies within the
/// integer bounds (each inclusive or exclusive; `nil`: unbounded). `nil` if none does.
///
/// A text with integer part `k` and a nonzero fraction has a value strictly between two
/// integers, so it is in range exactly when that open interval is; a text whose fraction is
/// absent or all zeros is the integer `k` itself.
func boundedNumberExpression(low: Int?, lowExclusive: Bool, high: Int?, highExclusive: Bool) -> GrammarExpression? {
    let nonzeroFraction = sequence([
        .literal("."), .repetition(anyDigit, min: 0, max: nil), digitClass(1, 9), .repetition(anyDigit, min: 0, max: nil),
    ])
    let zeroFraction = GrammarExpression.optional(sequence([.literal("."), .repetition(.literal("0"), min: 1, max: nil)]))
    var alternatives: [GrammarExpression] = []
    // Exact integers.
    let exactLow = low.map { lowExclusive ? $0 + 1 : $0 }
    let exactHigh = high.map { highExclusive ? $0 - 1 : $0 }
    if let integers = integerRangeExpression(exactLow, exactHigh) {
        alternatives.append(sequence([integers, zeroFraction]))
    }
    // k.f > 0 with k >= 0: value in (k, k+1) ⊂ range  ⇔  k >= low and k + 1 <= high.
    if let positive = naturalRangeExpression(max(low ?? 0, 0), high.map { $0 - 1 }) {
        alternatives.append(sequence([positive, nonzeroFraction]))
    }
    // -(k.f): value in (-(k+1), -k) ⊂ range  ⇔  -(k+1) >= low and -k <= high.
    if let negative = naturalRangeExpression(max(high.map { -$0 } ?? 0, 0), low.map { -$0 - 1 }) {
        alternatives.append(sequence([.literal("-"), negative, nonzeroFraction]))
    }
    return alternatives.isEmpty ? nil : choice(alternatives)
}
