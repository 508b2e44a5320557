/// What each column of a table may hold when rows are synthesized: the domain the row
/// grammar enforces (``TableSynthesisSchema/rowGrammar(order:conditions:)``), inferred from
/// a ``Table``, overridable by a schema.json, and stored with the fitted model.
///
/// ``TableSchema`` answers a different question (how the evaluation reads a column); this
/// one keeps exact spellings and bounds, because generation must reproduce them.
///
/// ```swift
/// let table = try Table.read(contentsOf: URL(fileURLWithPath: "adult.csv"))
/// let schema = try TableSynthesisSchema(inferringFrom: table)
/// try schema.jsonData().write(to: bundle.appendingPathComponent("schema.json"))
/// ```
public struct TableSynthesisSchema: Sendable, Equatable {
    /// One entry per column, in table order.
    public var columns: [SynthesisColumn]
    /// Which cell texts mean "no value" (the same rule as when the schema was inferred).
    public var missing: MissingValues

    public init(columns: [SynthesisColumn], missing: MissingValues = .pandasDefault) {
        self.columns = columns
        self.missing = missing
    }

    /// Column names in table order.
    public var columnNames: [String] { columns.map(\.name) }

    /// The position of the column called `name`, if there is one.
    public func columnIndex(named name: String) -> Int? { columns.firstIndex { $0.name == name } }
}

/// One column: its name, its domain and whether (and how) it may be empty.
public struct SynthesisColumn: Sendable, Equatable {
    public var name: String
    public var domain: ColumnDomain
    /// The text written for a missing value, or nil when the column never lacks a value
    /// (then the row grammar never allows `<|null|>` for it).
    public var nullText: String?
    /// Missing cells seen when the schema was inferred.
    public var nullCount: Int

    public init(name: String, domain: ColumnDomain, nullText: String? = nil, nullCount: Int = 0) {
        self.name = name
        self.domain = domain
        self.nullText = nullText
        self.nullCount = nullCount
    }

    /// Whether a generated row may leave this column empty.
    public var isNullable: Bool { nullText != nil }
}

/// The values a column may take.
public enum ColumnDomain: Sendable, Equatable {
    /// One of a fixed set of texts.
    case categorical(CategoricalDomain)
    /// Whole numbers in canonical decimal form (`0`, `-12`, no leading zeros) in a range.
    case integer(IntegerDomain)
    /// Decimal numbers (`-?int(.digits)?`) in a range, with at most a number of digits
    /// after the point.
    case decimal(DecimalDomain)
    /// One of two spellings (`true`/`false`, `Yes`/`No`, ...).
    case boolean(BooleanDomain)
    /// Dates or times in one layout, between two years.
    case datetime(DatetimeDomain)
    /// Free text on one line (unless multi-line text was seen), up to a length.
    case text(TextDomain)

    /// The type's name in schema.json.
    public var typeName: String {
        switch self {
        case .categorical: return "categorical"
        case .integer: return "integer"
        case .decimal: return "decimal"
        case .boolean: return "boolean"
        case .datetime: return "datetime"
        case .text: return "text"
        }
    }
}

/// The values of a categorical column, most frequent first.
public struct CategoricalDomain: Sendable, Equatable {
    /// Distinct values: by count, descending; ties in order of first appearance.
    public var values: [String]
    /// `counts[i]`: rows holding `values[i]` when the schema was inferred.
    public var counts: [Int]

    public init(values: [String], counts: [Int]? = nil) {
        self.values = values
        self.counts = counts ?? Array(repeating: 0, count: values.count)
    }
}

/// An inclusive range of whole numbers.
public struct IntegerDomain: Sendable, Equatable {
    public var minimum: Int
    public var maximum: Int
    public init(minimum: Int, maximum: Int) {
        self.minimum = minimum
        self.maximum = maximum
    }
}

/// An inclusive range of decimal numbers, kept exactly as whole numbers of units of
/// 10^-fractionDigits (12.5 with two digits is 1250 units).
public struct DecimalDomain: Sendable, Equatable {
    /// The most digits after the point a value may have.
    public var fractionDigits: Int
    /// The smallest value, in units.
    public var minimum: Int
    /// The largest value, in units.
    public var maximum: Int

    public init(fractionDigits: Int, minimum: Int, maximum: Int) {
        self.fractionDigits = fractionDigits
        self.minimum = minimum
        self.maximum = maximum
    }

    /// The smallest value as text (`12.5`).
    public var minimumText: String { DecimalText.render(units: minimum, digits: fractionDigits) }
    /// The largest value as text.
    public var maximumText: String { DecimalText.render(units: maximum, digits: fractionDigits) }
}

/// A column of two spellings, one meaning true and one false.
public struct BooleanDomain: Sendable, Equatable {
    public var trueText: String
    public var falseText: String
    public var trueCount: Int
    public var falseCount: Int

    public init(trueText: String, falseText: String, trueCount: Int = 0, falseCount: Int = 0) {
        self.trueText = trueText
        self.falseText = falseText
        self.trueCount = trueCount
        self.falseCount = falseCount
    }
}

/// Dates or times in one ``DateFormat``. The grammar keeps months, days (29 February only
/// in leap years), hours, minutes and seconds valid and the year within the years of
/// `minimum...maximum`.
public struct DatetimeDomain: Sendable, Equatable {
    public var format: DateFormat
    /// The earliest value, as text in `format`.
    public var minimum: String
    /// The latest value, as text in `format`.
    public var maximum: String
    /// For the formats with `.%f`: the most fraction digits seen (1...9); otherwise 0.
    public var fractionDigits: Int

    public init(format: DateFormat, minimum: String, maximum: String, fractionDigits: Int = 0) {
        self.format = format
        self.minimum = minimum
        self.maximum = maximum
        self.fractionDigits = fractionDigits
    }

    /// The first year allowed.
    public var minimumYear: Int { DatetimeDomain.year(of: minimum, format: format) }
    /// The last year allowed.
    public var maximumYear: Int { DatetimeDomain.year(of: maximum, format: format) }

    static func year(of text: String, format: DateFormat) -> Int {
        let digits = Array(text.utf8)
        let start = format == .usDate ? 6 : 0
        guard digits.count >= start + 4 else { return 0 }
        return digits[start..<(start + 4)].reduce(0) { $0 * 10 + Int($1) - 48 }
    }
}

/// Free text: any characters but `<|` (reserved for structure tokens) and NUL, on one line
/// unless `multiline`, at most `maxLength` Unicode scalars long. A run of `<` and the
/// character after it count as one, and a run is at most ``maxAngleRun`` long (what lets
/// the grammar forbid `<|` with a bounded automaton).
public struct TextDomain: Sendable, Equatable {
    public var maxLength: Int
    /// Whether line breaks (LF, CR) may appear.
    public var multiline: Bool

    /// The longest run of `<` a text may hold.
    public static let maxAngleRun = 8

    public init(maxLength: Int, multiline: Bool = false) {
        self.maxLength = maxLength
        self.multiline = multiline
    }
}

// MARK: - Checking values

extension ColumnDomain {
    /// Whether `text` (a present value, not a missing marker) lies in the domain.
    public func contains(_ text: String) -> Bool {
        switch self {
        case let .categorical(domain): return domain.values.contains(text)
        case let .integer(domain):
            guard let value = DecimalText.canonicalInteger(text) else { return false }
            return value >= domain.minimum && value <= domain.maximum
        case let .decimal(domain):
            guard let units = DecimalText.units(text, digits: domain.fractionDigits) else { return false }
            return units >= domain.minimum && units <= domain.maximum
        case let .boolean(domain): return text == domain.trueText || text == domain.falseText
        case let .datetime(domain):
            guard domain.format.seconds(text) != nil else { return false }
            let year = DatetimeDomain.year(of: text, format: domain.format)
            guard year >= domain.minimumYear, year <= domain.maximumYear else { return false }
            return DatetimeDomain.fractionDigits(text, format: domain.format) <= domain.fractionDigits
        case let .text(domain):
            return TextDomain.measure(text).map {
                $0.length >= 1 && $0.length <= domain.maxLength && (domain.multiline || !$0.hasLineBreak)
                    && $0.angleRun <= TextDomain.maxAngleRun && !$0.hasNUL
            } ?? false
        }
    }

    /// A short description for error messages (`an integer in 17...90`).
    public var summary: String {
        switch self {
        case let .categorical(domain):
            let shown = domain.values.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
            return "one of \(shown)\(domain.values.count > 8 ? ", ... (\(domain.values.count) values)" : "")"
        case let .integer(domain): return "an integer in \(domain.minimum)...\(domain.maximum)"
        case let .decimal(domain):
            return "a number in \(domain.minimumText)...\(domain.maximumText) with at most \(domain.fractionDigits) digits after the point"
        case let .boolean(domain): return "'\(domain.trueText)' or '\(domain.falseText)'"
        case let .datetime(domain): return "a date in the format \(domain.format.pattern) from \(domain.minimum) to \(domain.maximum)"
        case let .text(domain): return "text of at most \(domain.maxLength) characters\(domain.multiline ? "" : " on one line")"
        }
    }
}

extension DatetimeDomain {
    /// Digits after the seconds' point in `text` (0 when there is no fraction).
    static func fractionDigits(_ text: String, format: DateFormat) -> Int {
        guard format == .isoDateTimeFraction || format == .isoDateTimeTFraction else { return 0 }
        return max(0, text.utf8.count - 20)
    }
}

extension TextDomain {
    /// Length in scalars (a run of `<` counting once), whether a line break appears, the
    /// longest run of `<`; nil when `<|` appears.
    static func measure(_ text: String) -> (length: Int, hasLineBreak: Bool, angleRun: Int, hasNUL: Bool)? {
        var length = 0, lineBreak = false, run = 0, longest = 0, nul = false
        var previousAngle = false
        for scalar in text.unicodeScalars {
            if scalar == "|" && previousAngle { return nil }
            if scalar == "\n" || scalar == "\r" { lineBreak = true }
            if scalar == "\0" { nul = true }
            if scalar == "<" {
                run += 1
                longest = max(longest, run)
                if !previousAngle { length += 1 }
                previousAngle = true
            } else {
                run = 0
                if !previousAngle { length += 1 }  // after a `<` run, this scalar ends the run's unit
                previousAngle = false
            }
        }
        return (length, lineBreak, longest, nul)
    }
}

// MARK: - Decimal texts

/// Canonical decimal spellings and exact conversions between them and whole units.
enum DecimalText {
    /// Values are kept within ±10^17 units so sums and scalings never overflow.
    static let limit = 100_000_000_000_000_000

    /// Splits `-?(0|[1-9][0-9]*)(\.[0-9]+)?` into sign, integer digits and fraction digits;
    /// nil for any other spelling (a leading `+`, zeros, spaces, an exponent, `-0`).
    static func canonicalParts(_ text: String) -> (negative: Bool, integer: Substring, fraction: Substring)? {
        var body = Substring(text)
        let negative = body.first == "-"
        if negative { body = body.dropFirst() }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integer = parts[0]
        let fraction = parts.count > 1 ? parts[1] : ""
        guard !integer.isEmpty, integer.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              integer == "0" || integer.first != "0",
              parts.count == 1 || (!fraction.isEmpty && fraction.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }) else { return nil }
        if negative && integer == "0" && fraction.utf8.allSatisfy({ $0 == 48 }) { return nil }  // -0, -0.00
        return (negative, integer, fraction)
    }

    /// The value of a canonical integer spelling within the limit.
    static func canonicalInteger(_ text: String) -> Int? {
        guard let (negative, integer, fraction) = canonicalParts(text), fraction.isEmpty, integer.count <= 17,
              let magnitude = Int(integer) else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// Digits after the point of a canonical decimal spelling, or nil.
    static func fractionDigits(_ text: String) -> Int? {
        canonicalParts(text).map { $0.fraction.count }
    }

    /// The value of a canonical decimal spelling in units of 10^-digits; nil when the text
    /// has more digits after the point or the value is out of the limit.
    static func units(_ text: String, digits: Int) -> Int? {
        guard let (negative, integer, fraction) = canonicalParts(text), fraction.count <= digits,
              integer.count + digits <= 17 else { return nil }
        let padded = integer + fraction + String(repeating: "0", count: digits - fraction.count)
        guard let magnitude = Int(padded) else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// A number typed by a user (`30`, `-2.5`, `.5`, `+7`, `007`): its digits as a whole
    /// number and how many of them follow the point. No exponent.
    static func looseValue(_ text: String) -> (mantissa: Int, digits: Int)? {
        var body = Substring(text.trimmingSpaces)
        var negative = false
        if body.first == "-" || body.first == "+" {
            negative = body.first == "-"
            body = body.dropFirst()
        }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integer = parts[0], fraction = parts.count > 1 ? parts[1] : ""
        guard integer.count + fraction.count >= 1, integer.count + fraction.count <= 17,
              (integer + fraction).utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              let magnitude = Int(integer + fraction) else { return nil }
        return (negative ? -magnitude : magnitude, fraction.count)
    }

    enum Rounding { case down, up, exact }

    /// `mantissa × 10^-digits` in units of 10^-target, rounded as asked (nil: not exact,
    /// or out of the limit).
    static func rescale(_ mantissa: Int, digits: Int, to target: Int, rounding: Rounding) -> Int? {
        if digits <= target {
            var value = mantissa
            for _ in digits..<target {
                guard abs(value) < limit / 10 else { return nil }
                value *= 10
            }
            return value
        }
        var divisor = 1
        for _ in target..<digits { divisor *= 10 }
        var quotient = mantissa / divisor
        let remainder = mantissa % divisor
        if remainder != 0 {
            switch rounding {
            case .exact: return nil
            case .down: if mantissa < 0 { quotient -= 1 }
            case .up: if mantissa > 0 { quotient += 1 }
            }
        }
        return quotient
    }

    /// `units × 10^-digits` as text with every digit after the point (`1250, 2` → `12.50`).
    static func render(units: Int, digits: Int) -> String {
        guard digits > 0 else { return String(units) }
        let magnitude = String(units.magnitude)
        let padded = String(repeating: "0", count: max(0, digits + 1 - magnitude.count)) + magnitude
        let split = padded.index(padded.endIndex, offsetBy: -digits)
        return (units < 0 ? "-" : "") + padded[..<split] + "." + padded[split...]
    }

    /// ``render(units:digits:)`` without trailing zeros after the point (`12.5`, `3`).
    static func renderShort(units: Int, digits: Int) -> String {
        var text = render(units: units, digits: digits)
        if digits > 0 {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
