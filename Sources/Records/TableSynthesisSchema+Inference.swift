import Decoding

/// How columns are typed when a schema is inferred.
public struct TableInferenceOptions: Sendable, Equatable {
    /// Cell texts that mean "no value".
    public var missing: MissingValues = .pandasDefault
    /// A column of texts with at most this many distinct values is categorical.
    public var alwaysCategoricalUpTo = 30
    /// Above this many distinct values a column of texts is free text.
    public var maximumCategories = 1_000
    /// Whether columns of dates are recognised (otherwise they are texts).
    public var detectsDates = true

    public init() {}
}

extension TableSynthesisSchema {
    /// Infers every column's domain from `table`, then applies `overrides` (a schema.json).
    ///
    /// Types are decided in this order, on the cells that are not missing:
    /// 1. every cell a canonical whole number (`42`, `-7`; no `+`, no leading zeros) →
    ///    integer with the range seen — even with few distinct values (a rating 1...5 stays
    ///    numeric, so the model may produce any value in range);
    /// 2. every cell a canonical decimal (`3.25`, `-0.5`, `7`) → decimal with the range
    ///    and the most digits after the point seen;
    /// 3. every cell one of two spellings of true and false (`true`/`false`, `Yes`/`No`,
    ///    `T`/`F`, `y`/`n`) → boolean;
    /// 4. every cell a date or time in one ``DateFormat`` → datetime;
    /// 5. otherwise texts: categorical when there are at most
    ///    ``TableInferenceOptions/alwaysCategoricalUpTo`` distinct values, or at most
    ///    ``TableInferenceOptions/maximumCategories`` and each value appears twice on
    ///    average; free text when values are mostly unique.
    /// Numbers in another spelling (`007`, `1e5`, `+3`) are texts: the grammar must accept
    /// every training value exactly as written.
    ///
    /// A column with missing cells is nullable; its most frequent missing spelling is
    /// written for generated nulls. A cell containing `<|` is an error (it would read as
    /// a structure token).
    public init(inferringFrom table: Table, options: TableInferenceOptions = TableInferenceOptions(),
                overrides: TableSchemaOverrides? = nil) throws(TableSynthesisError) {
        let missing = overrides?.missing ?? options.missing
        var specs: [String: ColumnSpec] = [:]
        for spec in overrides?.columns ?? [] {
            guard table.columnIndex(named: spec.name) != nil else {
                throw .unknownSchemaColumn(name: spec.name, available: table.columnNames)
            }
            specs[spec.name] = spec
        }
        var columns: [SynthesisColumn] = []
        for (name, cells) in zip(table.columnNames, table.columns) {
            var gathered = ColumnCells()
            for (row, cell) in cells.enumerated() {
                let line = table.rowLines[row]
                if missing.contains(cell) {
                    gathered.nullCount += 1
                    gathered.nullSpellings[cell, default: 0] += 1
                    if gathered.firstNull == nil { gathered.firstNull = (cell, line) }
                    continue
                }
                if cell.utf8.count >= 2 && cell.contains("<|") {
                    throw .reservedSequence(file: table.source, line: line, column: name)
                }
                gathered.present.append((cell, line))
            }
            var options = options
            options.missing = missing
            columns.append(try ColumnInference(name: name, file: table.source, spec: specs[name], options: options)
                .build(cells: gathered))
        }
        self.init(columns: columns, missing: missing)
    }
}

/// A column's cells, split into present values (with their lines) and missing ones.
struct ColumnCells {
    var present: [(text: String, line: Int)] = []
    var nullCount = 0
    var nullSpellings: [String: Int] = [:]
    var firstNull: (text: String, line: Int)?
}

/// Builds one column's domain from its cells and its schema.json entry; with no cells
/// (a complete schema.json loaded alone) every field the type needs must be in the entry.
struct ColumnInference {
    let name: String
    let file: String
    let spec: ColumnSpec?
    let options: TableInferenceOptions

    func build(cells: ColumnCells?) throws(TableSynthesisError) -> SynthesisColumn {
        let type: String
        if let given = spec?.type {
            type = given
        } else if let cells {
            type = inferType(cells.present.map(\.text))
        } else {
            throw required("type")
        }
        let present = cells?.present
        let domain: ColumnDomain
        switch type {
        case "integer": domain = .integer(try integerDomain(present))
        case "decimal": domain = .decimal(try decimalDomain(present))
        case "boolean": domain = .boolean(try booleanDomain(present))
        case "datetime": domain = .datetime(try datetimeDomain(present))
        case "text": domain = .text(try textDomain(present))
        default: domain = .categorical(try categoricalDomain(present))
        }
        let nullCount = cells?.nullCount ?? spec?.nullCount ?? 0
        let nullable = spec?.nullable ?? (nullCount > 0)
        if !nullable, let first = cells?.firstNull {
            throw .valueDoesNotFit(file: file, line: first.line, column: name, value: first.text,
                                   expected: "a value (schema.json says this column is never empty)")
        }
        var nullText: String?
        if nullable {
            let seen = cells?.nullSpellings.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key
            nullText = spec?.nullText ?? seen ?? ""
        }
        return SynthesisColumn(name: name, domain: domain, nullText: nullText, nullCount: nullable ? nullCount : 0)
    }

    // MARK: Type detection

    func inferType(_ present: [String]) -> String {
        if present.isEmpty { return "categorical" }
        if present.allSatisfy({ DecimalText.canonicalInteger($0) != nil }) { return "integer" }
        let digits = present.map { DecimalText.fractionDigits($0) }
        if digits.allSatisfy({ $0 != nil }) {
            let precision = digits.map { $0! }.max()!
            if precision <= 9 && present.allSatisfy({ DecimalText.units($0, digits: precision) != nil }) { return "decimal" }
        }
        if BooleanSpellings.infer(present) != nil { return "boolean" }
        if options.detectsDates && DateFormat.detect(present) != nil { return "datetime" }
        let distinct = Set(present).count
        if distinct <= options.alwaysCategoricalUpTo
            || (distinct <= options.maximumCategories && distinct * 2 <= present.count) {
            return "categorical"
        }
        return "text"
    }

    // MARK: Domains

    func integerDomain(_ present: [(text: String, line: Int)]?) throws(TableSynthesisError) -> IntegerDomain {
        var values: [Int] = []
        for (text, line) in present ?? [] {
            guard let value = DecimalText.canonicalInteger(text) else {
                throw doesNotFit(text, line, "a whole number written plainly (like 42 or -7)")
            }
            values.append(value)
        }
        func bound(_ value: JSONValue?, _ key: String) throws(TableSynthesisError) -> Int? {
            guard let value else { return nil }
            guard case let .number(lexeme) = value, let number = DecimalText.canonicalInteger(lexeme) else {
                throw spec!.fail("\"\(key)\" must be a whole number for an integer column")
            }
            return number
        }
        let minimum = try bound(spec?.minimum, "minimum") ?? values.min() ?? (present == nil ? nil : 0)
        let maximum = try bound(spec?.maximum, "maximum") ?? values.max() ?? (present == nil ? nil : 0)
        guard let minimum else { throw required("minimum") }
        guard let maximum else { throw required("maximum") }
        guard minimum <= maximum else { throw spec!.fail("\"minimum\" \(minimum) is above \"maximum\" \(maximum)") }
        let domain = IntegerDomain(minimum: minimum, maximum: maximum)
        for ((text, line), value) in zip(present ?? [], values) where value < minimum || value > maximum {
            throw doesNotFit(text, line, ColumnDomain.integer(domain).summary)
        }
        return domain
    }

    func decimalDomain(_ present: [(text: String, line: Int)]?) throws(TableSynthesisError) -> DecimalDomain {
        var seenDigits = 0
        for (text, line) in present ?? [] {
            guard let digits = DecimalText.fractionDigits(text) else {
                throw doesNotFit(text, line, "a number written plainly (like 3.25, -0.5 or 7)")
            }
            seenDigits = max(seenDigits, digits)
        }
        let precision = spec?.precision ?? (present == nil ? nil : min(seenDigits, 9))
        guard let precision else { throw required("precision") }
        var values: [Int] = []
        for (text, line) in present ?? [] {
            guard let units = DecimalText.units(text, digits: precision) else {
                throw doesNotFit(text, line, "a number with at most \(precision) digits after the point")
            }
            values.append(units)
        }
        func bound(_ value: JSONValue?, _ key: String, _ rounding: DecimalText.Rounding) throws(TableSynthesisError) -> Int? {
            guard let value else { return nil }
            guard case let .number(lexeme) = value, let (mantissa, digits) = DecimalText.looseValue(lexeme),
                  let units = DecimalText.rescale(mantissa, digits: digits, to: precision, rounding: rounding) else {
                throw spec!.fail("\"\(key)\" must be a number without exponent for a decimal column")
            }
            return units
        }
        let minimum = try bound(spec?.minimum, "minimum", .up) ?? values.min() ?? (present == nil ? nil : 0)
        let maximum = try bound(spec?.maximum, "maximum", .down) ?? values.max() ?? (present == nil ? nil : 0)
        guard let minimum else { throw required("minimum") }
        guard let maximum else { throw required("maximum") }
        let domain = DecimalDomain(fractionDigits: precision, minimum: minimum, maximum: maximum)
        guard minimum <= maximum else {
            throw spec!.fail("\"minimum\" \(domain.minimumText) is above \"maximum\" \(domain.maximumText)")
        }
        for ((text, line), value) in zip(present ?? [], values) where value < minimum || value > maximum {
            throw doesNotFit(text, line, ColumnDomain.decimal(domain).summary)
        }
        return domain
    }

    func categoricalDomain(_ present: [(text: String, line: Int)]?) throws(TableSynthesisError) -> CategoricalDomain {
        guard let present else {
            guard let values = spec?.values else { throw required("values") }
            let counts = spec?.counts ?? Array(repeating: 0, count: values.count)
            guard counts.count == values.count else { throw spec!.fail("\"counts\" must have one number per value") }
            guard Set(values).count == values.count else { throw spec!.fail("\"values\" lists a value twice") }
            return CategoricalDomain(values: values, counts: counts)
        }
        var counts: [String: Int] = [:], order: [String] = []
        for (text, _) in present {
            if counts[text] == nil { order.append(text) }
            counts[text, default: 0] += 1
        }
        if let given = spec?.values {
            let allowed = Set(given)
            guard allowed.count == given.count else { throw spec!.fail("\"values\" lists a value twice") }
            if let (text, line) = present.first(where: { !allowed.contains($0.text) }) {
                throw doesNotFit(text, line, "one of the \(given.count) values schema.json lists")
            }
            return CategoricalDomain(values: given, counts: given.map { counts[$0] ?? 0 })
        }
        let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        let sorted = order.sorted { counts[$0]! != counts[$1]! ? counts[$0]! > counts[$1]! : rank[$0]! < rank[$1]! }
        return CategoricalDomain(values: sorted, counts: sorted.map { counts[$0]! })
    }

    func booleanDomain(_ present: [(text: String, line: Int)]?) throws(TableSynthesisError) -> BooleanDomain {
        var trueText = spec?.trueText, falseText = spec?.falseText
        if let present, trueText == nil || falseText == nil {
            if let inferred = BooleanSpellings.infer(present.map(\.text)) {
                trueText = trueText ?? inferred.trueText
                falseText = falseText ?? inferred.falseText
            } else if trueText == nil && falseText == nil && !present.isEmpty {
                let distinct = Array(Set(present.map(\.text))).sorted()
                let line = present.first { $0.text == distinct.last }!.line
                throw doesNotFit(distinct.last!, line,
                                 "a spelling of true or false (give \"true\" and \"false\" in schema.json for other spellings)")
            }
        }
        guard let trueText else { throw required("true") }
        guard let falseText else { throw required("false") }
        guard trueText != falseText else { throw spec!.fail("\"true\" and \"false\" must differ") }
        var domain = BooleanDomain(trueText: trueText, falseText: falseText,
                                   trueCount: spec?.counts?.first ?? 0, falseCount: spec?.counts?.dropFirst().first ?? 0)
        if let present {
            domain.trueCount = 0
            domain.falseCount = 0
            for (text, line) in present {
                if text == trueText { domain.trueCount += 1 } else if text == falseText { domain.falseCount += 1 } else {
                    throw doesNotFit(text, line, "'\(trueText)' or '\(falseText)'")
                }
            }
        }
        return domain
    }

    func datetimeDomain(_ present: [(text: String, line: Int)]?) throws(TableSynthesisError) -> DatetimeDomain {
        var format = spec?.format
        if format == nil, let present {
            format = DateFormat.detect(present.map(\.text))
            if format == nil, let first = present.first {
                // Name the first cell that the layout of the first cell does not read.
                let candidate = DateFormat.allCases.first { $0.seconds(first.text) != nil }
                let bad = candidate.flatMap { layout in present.first { layout.seconds($0.text) == nil } } ?? first
                throw doesNotFit(bad.text, bad.line, "a date or time in one layout throughout the column (\(DateFormat.allCases.map(\.pattern).joined(separator: ", ")))")
            }
        }
        guard let format else { throw required("format") }
        let hasFraction = format == .isoDateTimeFraction || format == .isoDateTimeTFraction
        var seconds: [Double] = []
        var seenDigits = 0
        for (text, line) in present ?? [] {
            guard let value = format.seconds(text) else { throw doesNotFit(text, line, "a date or time in the format \(format.pattern)") }
            seconds.append(value)
            seenDigits = max(seenDigits, DatetimeDomain.fractionDigits(text, format: format))
        }
        var digits = 0
        if hasFraction {
            digits = spec?.precision ?? max(seenDigits, 1)
            guard (1...9).contains(digits) else { throw spec!.fail("\"precision\" must be 1...9 for format \(format.pattern)") }
            if let (text, line) = (present ?? []).first(where: { DatetimeDomain.fractionDigits($0.text, format: format) > digits }) {
                throw doesNotFit(text, line, "a time with at most \(digits) digits after the seconds' point")
            }
        }
        func bound(_ value: JSONValue?, _ key: String) throws(TableSynthesisError) -> (String, Double)? {
            guard let value else { return nil }
            guard case let .string(text) = value, let seconds = format.seconds(text) else {
                throw spec!.fail("\"\(key)\" must be a string in the format \(format.pattern)")
            }
            return (text, seconds)
        }
        let texts = (present ?? []).map(\.text)
        let earliest = seconds.indices.min { seconds[$0] < seconds[$1] }.map { (texts[$0], seconds[$0]) }
        let latest = seconds.indices.max { seconds[$0] < seconds[$1] }.map { (texts[$0], seconds[$0]) }
        guard let minimum = try bound(spec?.minimum, "minimum") ?? earliest else { throw required("minimum") }
        guard let maximum = try bound(spec?.maximum, "maximum") ?? latest else { throw required("maximum") }
        guard minimum.1 <= maximum.1 else { throw spec!.fail("\"minimum\" \(minimum.0) is after \"maximum\" \(maximum.0)") }
        let domain = DatetimeDomain(format: format, minimum: minimum.0, maximum: maximum.0, fractionDigits: digits)
        for ((text, line), value) in zip(present ?? [], seconds) where value < minimum.1 || value > maximum.1 {
            throw doesNotFit(text, line, "a date from \(minimum.0) to \(maximum.0)")
        }
        return domain
    }

    func textDomain(_ present: [(text: String, line: Int)]?) throws(TableSynthesisError) -> TextDomain {
        var longest = 0, lineBreaks = false
        for (text, line) in present ?? [] {
            guard let measure = TextDomain.measure(text), !measure.hasNUL, measure.angleRun <= TextDomain.maxAngleRun else {
                throw doesNotFit(text, line, "free text (without NUL or more than \(TextDomain.maxAngleRun) '<' in a row)")
            }
            longest = max(longest, measure.length)
            lineBreaks = lineBreaks || measure.hasLineBreak
        }
        let multiline = spec?.multiline ?? lineBreaks
        guard let maxLength = spec?.maxLength ?? (present == nil ? nil : max(longest, 1)) else { throw required("maxLength") }
        guard maxLength >= 1 else { throw spec!.fail("\"maxLength\" must be at least 1") }
        let domain = TextDomain(maxLength: maxLength, multiline: multiline)
        for (text, line) in present ?? [] where !ColumnDomain.text(domain).contains(text) {
            throw doesNotFit(text, line, ColumnDomain.text(domain).summary)
        }
        return domain
    }

    // MARK: Errors

    func doesNotFit(_ text: String, _ line: Int, _ expected: String) -> TableSynthesisError {
        .valueDoesNotFit(file: file, line: line, column: name, value: text, expected: expected)
    }

    func required(_ key: String) -> TableSynthesisError {
        let type = spec?.type.map { " for type \($0)" } ?? ""
        return .invalidSchemaFile(file: spec?.source ?? file, reason: "column \"\(name)\": \"\(key)\" is required\(type) (there is no value to infer it from)")
    }
}

/// Spellings of true and false that mark a boolean column.
enum BooleanSpellings {
    static let pairs = [("true", "false"), ("yes", "no"), ("t", "f"), ("y", "n")]

    /// The column's true and false spellings when every text is one of at most two
    /// spellings of one pair; the unseen half is spelled in the seen half's case.
    static func infer(_ texts: [String]) -> (trueText: String, falseText: String)? {
        let distinct = Set(texts)
        guard (1...2).contains(distinct.count) else { return nil }
        for (yes, no) in pairs {
            var trueText: String?, falseText: String?
            var fits = true
            for text in distinct {
                switch text.lowercased() {
                case yes where trueText == nil: trueText = text
                case no where falseText == nil: falseText = text
                default: fits = false
                }
            }
            guard fits else { continue }
            if trueText == nil { trueText = spell(yes, like: falseText!) }
            if falseText == nil { falseText = spell(no, like: trueText!) }
            return (trueText!, falseText!)
        }
        return nil
    }

    /// `word` in the case of `model`: `YES` → `NO`, `Yes` → `No`, `yes` → `no`.
    static func spell(_ word: String, like model: String) -> String {
        if model == model.uppercased() && model != model.lowercased() { return word.uppercased() }
        if model.first.map({ $0.isUppercase }) ?? false { return word.prefix(1).uppercased() + word.dropFirst() }
        return word
    }
}
