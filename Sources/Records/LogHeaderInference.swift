// Inferring the header of a log file: where the header ends and the message begins, and a
// regex that accepts exactly the header shapes seen, with real dates and times.
//
//   split each line into fields at runs of spaces, tabs and `|` (a field that opens `[`
//   runs on until the bracket closes: `[Sun Dec 04 04:47:44 2005]` is one field)
//   ─► column by column, while every line has the column, a model of its values:
//        one shape for all (letters, digit runs and punctuation in the same order):
//            pieces — letter runs as closed sets (or open when there are many),
//            digit runs as ranges, punctuation literal;
//        else a few templates (values with their digit runs masked), digits as ranges;
//        else, when every value ends with `:` or `]`, an open field ending so;
//        else the column is message text and the search stops
//   ─► the header ends after the last of these columns that ends with a delimiter (every
//      value ends with `:`, `]` or `|`, is a lone `-`, or is followed by `|`); without
//      one, after the last column of timestamps, numbers or at most 8 values
//   ─► dates and times among the pieces: `YYYY-MM-DD`, `YY/MM/DD`, `DD.MM.YYYY`, packed
//      `YYMMDD` / `YYYYMMDD`, `MM-DD` before a time, month names with a day (and a year
//      anywhere), weekday names; `HH:MM:SS` (fractions after `.`, `,` or `:`), packed
//      `HHMMSS`. A date is written as the alternatives of every real date between the
//      first and the last one seen (weekday consistent with its date), so the model can
//      only write real dates; hours, minutes and seconds keep the range seen, inside
//      00–23 and 00–59.
//
// The result is checked: every training line must match the line grammar built from it
// (if the dates prevent that — a corrupt line with an impossible date — they are written
// as plain digit ranges instead).

/// Infers a ``LogLineFormat`` from the lines of a log file.
public enum LogHeaderInference {
    /// Distinct values (or templates) a column may have and still be a closed set.
    static let closedLimit = 64
    /// Columns looked at, at most.
    static let maxColumns = 16

    /// The header format of `lines` (at least one), as a regex that every line's header
    /// matches; `source` names the file in errors.
    public static func infer(_ lines: [String], source: String) throws(LogError) -> LogLineFormat {
        guard !lines.isEmpty else { throw .noLines(file: source) }
        let split = lines.map { SplitLine(Array($0.utf8)) }
        let (columns, delimited) = headerColumns(split)
        guard !columns.isEmpty else {
            throw .noCommonHeader(file: source, reason: "the lines do not start with fields of a common shape")
        }
        if !delimited {
            // Without a delimiter, only a timestamp shows that the common fields are a header.
            let labels = DateLabels(pieces: headerPieces(split, columnCount: columns.count))
            guard !labels.groups.isEmpty || !labels.clamp.isEmpty || !labels.packedTimes.isEmpty else {
                throw .noCommonHeader(file: source, reason: "no field ending with ':', ']' or '|' closes a common header, and the lines do not start with a date or time")
            }
        }
        for useDates in [true, false] {
            let format = buildFormat(split, columnCount: columns.count, useDates: useDates)
            let matcher = try LogLineMatcher(format: format)
            if lines.allSatisfy(matcher.matches) { return format }
        }
        throw .noCommonHeader(file: source, reason: "the inferred header does not fit every line")
    }

    // MARK: Splitting

    /// A line cut into fields and the separators after them.
    struct SplitLine {
        /// Separator bytes before the first field.
        var lead: [UInt8] = []
        var fields: [[UInt8]] = []
        /// `separators[i]` follows `fields[i]`; empty where the line ends.
        var separators: [[UInt8]] = []

        static func isSeparator(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == UInt8(ascii: "|") }

        init(_ bytes: [UInt8]) {
            var i = 0
            while i < bytes.count, SplitLine.isSeparator(bytes[i]) { i += 1 }
            lead = Array(bytes[0..<i])
            while i < bytes.count {
                let start = i
                var depth = 0
                while i < bytes.count {
                    let byte = bytes[i]
                    if SplitLine.isSeparator(byte) && depth <= 0 { break }
                    if byte == UInt8(ascii: "[") { depth += 1 } else if byte == UInt8(ascii: "]") { depth -= 1 }
                    i += 1
                }
                // A field ends before its trailing separators; a bracket left open at the end
                // of the line gives the rest of the line as the field.
                var end = i
                while end > start, SplitLine.isSeparator(bytes[end - 1]), i == bytes.count, depth > 0 { end -= 1 }
                fields.append(Array(bytes[start..<end]))
                let separatorStart = end
                while i < bytes.count, SplitLine.isSeparator(bytes[i]) { i += 1 }
                separators.append(Array(bytes[separatorStart..<i]))
            }
        }
    }

    // MARK: Columns

    /// One piece of a header: literal text, a letter or digit run (with each line's value),
    /// or regex text already written.
    enum Piece {
        case text(String)
        case letters([Substring])
        case digits([Substring])
        case regex(String)
    }

    /// What a column's values look like: its pieces (with the separator after it, when
    /// there is one: a closed set whose separators vary is written with them, `INFO  ` and
    /// `DEBUG `, so the padding stays what it was), whether it holds digits and how many
    /// distinct values (or templates) it has.
    struct Column {
        var pieces: [Piece]
        var hasDigits: Bool
        var distinct: Int
    }

    /// The columns that make the header, in order, and whether a delimiter ends them.
    static func headerColumns(_ lines: [SplitLine]) -> (columns: [Column], delimited: Bool) {
        var columns: [Column] = []
        var candidates: [Int] = []
        var narrowRun = 0, narrowBroken = false
        for index in 0..<maxColumns {
            guard lines.allSatisfy({ $0.fields.count > index }) else { break }
            let values = lines.map { $0.fields[index] }
            let separators = lines.map { $0.separators[index] }
            guard let column = analyze(values, separators: separators) else { break }
            columns.append(column)
            let delimited = values.allSatisfy { value in
                value == [UInt8(ascii: "-")] || [UInt8(ascii: ":"), UInt8(ascii: "]"), UInt8(ascii: "|")].contains(value.last ?? 0)
            } || separators.allSatisfy { $0.contains(UInt8(ascii: "|")) }
            if delimited { candidates.append(index) }
            if !narrowBroken && (column.hasDigits || column.distinct <= 8) { narrowRun = index + 1 } else { narrowBroken = true }
        }
        let count = candidates.last.map { $0 + 1 } ?? narrowRun
        return (Array(columns.prefix(count)), !candidates.isEmpty)
    }

    enum Shape: Hashable {
        case letters, digits, byte(UInt8)
    }

    /// The runs of a value: ASCII letters, digits, and every other byte on its own.
    static func shape(_ value: [UInt8]) -> [(Shape, Range<Int>)] {
        var runs: [(Shape, Range<Int>)] = []
        var i = 0
        while i < value.count {
            let byte = value[i]
            let kind: Shape = isLetter(byte) ? .letters : isDigit(byte) ? .digits : .byte(byte)
            var end = i + 1
            if kind == .letters { while end < value.count, isLetter(value[end]) { end += 1 } }
            if kind == .digits { while end < value.count, isDigit(value[end]) { end += 1 } }
            runs.append((kind, i..<end))
            i = end
        }
        return runs
    }

    static func isLetter(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) }
    static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    static func text(_ bytes: some Collection<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// A model of one column, or nil when the column is message text. `separators` (one
    /// per line) are folded into closed sets when they vary; nil for the last header column.
    static func analyze(_ values: [[UInt8]], separators: [[UInt8]]?) -> Column? {
        let distinct = Set(values).count
        let shapes = values.map(shape)
        let signature = shapes[0].map(\.0)
        let distinctSeparators = Set(separators ?? [])
        if shapes.allSatisfy({ $0.map(\.0) == signature }) {
            var pieces: [Piece] = []
            var hasDigits = false, openLetters = false
            var pending: [UInt8] = []
            for (position, kind) in signature.enumerated() {
                switch kind {
                case let .byte(byte):
                    pending.append(byte)
                case .letters, .digits:
                    if !pending.isEmpty { pieces.append(.text(text(pending))); pending = [] }
                    let runValues = zip(values, shapes).map { value, runs in Substring(text(value[runs[position].1])) }
                    if kind == .digits {
                        hasDigits = true
                        pieces.append(.digits(runValues))
                    } else {
                        if Set(runValues).count > closedLimit { openLetters = true }
                        pieces.append(.letters(runValues))
                    }
                }
            }
            if !pending.isEmpty { pieces.append(.text(text(pending))) }
            if openLetters && !hasDigits { return nil }  // a free word: the message has begun
            if !(distinctSeparators.count > 1 && !hasDigits && !openLetters) {
                if separators != nil { pieces.append(separatorPiece(distinctSeparators)) }
                return Column(pieces: pieces, hasDigits: hasDigits, distinct: distinct)
            }
        }
        // Templates: values with their digit runs masked (and their separators, when these vary).
        let joint = distinctSeparators.count > 1
        var templates: [[UInt8]: [Int]] = [:]
        for (line, value) in values.enumerated() {
            var key: [UInt8] = []
            for (kind, range) in shapes[line] {
                if kind == .digits { key.append(0xFF) } else { key += value[range] }
            }
            if joint { key += [0xFE] + separators![line] }
            templates[key, default: []].append(line)
            if templates.count > closedLimit { break }
        }
        if templates.count <= closedLimit {
            var alternatives: [String] = []
            var hasDigits = false
            for (_, lines) in templates {
                let first = lines[0]
                var regex = ""
                var slot = 0
                for (kind, range) in shapes[first] {
                    if kind == .digits {
                        hasDigits = true
                        let slotIndex = slot
                        let digitValues = lines.map { line -> Substring in
                            let digitRuns = shapes[line].filter { $0.0 == .digits }
                            return Substring(text(values[line][digitRuns[slotIndex].1]))
                        }
                        regex += HeaderRegex.digits(digitValues)
                        slot += 1
                    } else {
                        regex += HeaderRegex.escape(text(values[first][range]))
                    }
                }
                if joint { regex += HeaderRegex.escape(text(separators![first])) }
                alternatives.append(regex)
            }
            alternatives.sort()
            var pieces: [Piece] = [.regex(alternatives.count == 1 ? alternatives[0] : "(?:" + alternatives.joined(separator: "|") + ")")]
            if separators != nil && !joint { pieces.append(separatorPiece(distinctSeparators)) }
            return Column(pieces: pieces, hasDigits: hasDigits, distinct: templates.count)
        }
        // An open field: many shapes, but every value ends with the same delimiter.
        guard let last = values[0].last, [UInt8(ascii: ":"), UInt8(ascii: "]")].contains(last),
              values.allSatisfy({ $0.last == last && $0.count >= 1 }) else { return nil }
        let bracketed = values.allSatisfy { $0.first == UInt8(ascii: "[") }
        var regex = bracketed ? "\\[" : ""
        regex += bracketed ? "[^\\n\\r<]*" : "[^ \\t|\\n\\r<]*"
        regex += HeaderRegex.escape(text([last]))
        var pieces: [Piece] = [.regex(regex)]
        if let separators { pieces.append(separatorPiece(Set(separators))) }
        return Column(pieces: pieces, hasDigits: false, distinct: distinct)
    }

    static func separatorPiece(_ separators: Set<[UInt8]>) -> Piece {
        separators.count == 1 ? .text(text(separators.first!)) : .regex(HeaderRegex.oneOf(separators.map { text($0) }))
    }

    // MARK: The format

    /// The pieces of the first `columnCount` columns (the separators between them, not the
    /// one after the last).
    static func headerPieces(_ lines: [SplitLine], columnCount: Int) -> [Piece] {
        var pieces: [Piece] = []
        let leads = Set(lines.map(\.lead))
        if leads != [[]] { pieces.append(separatorPiece(leads)) }
        for index in 0..<columnCount {
            let values = lines.map { $0.fields[index] }
            let isLast = index == columnCount - 1
            let column = analyze(values, separators: isLast ? nil : lines.map { $0.separators[index] })!
            pieces += column.pieces
        }
        return pieces
    }

    static func buildFormat(_ lines: [SplitLine], columnCount: Int, useDates: Bool) -> LogLineFormat {
        let pieces = headerPieces(lines, columnCount: columnCount)
        let labels = useDates ? DateLabels(pieces: pieces) : DateLabels()
        let fields = render(pieces, labels: labels)
        let last = columnCount - 1
        let finals = Set(lines.filter { !$0.separators[last].isEmpty }.map { $0.separators[last] })
        let bare = lines.contains { $0.separators[last].isEmpty }
        guard !finals.isEmpty else { return LogLineFormat(headerRegex: fields) }
        let final: String
        if case let .text(separator) = separatorPiece(finals) { final = HeaderRegex.escape(separator) } else { final = HeaderRegex.oneOf(finals.map { text($0) }) }
        return LogLineFormat(headerRegex: fields + final, bareHeaderRegex: bare ? fields : nil)
    }

    /// The regex of `pieces`, with each dated span written as its real dates.
    static func render(_ pieces: [Piece], labels: DateLabels) -> String {
        func piece(_ i: Int) -> String {
            if case let .digits(values) = pieces[i] {
                if labels.packedTimes.contains(i) { return packedTimeRegex(values) }
                if let unit = labels.unit[i] { return unitRegex(values, unit: unit) }
                if labels.fractions.contains(i) { return fractionRegex(values) }
            }
            return render(pieces[i], clamp: labels.clamp[i])
        }
        var out = ""
        var index = 0
        while index < pieces.count {
            if let group = labels.groups.first(where: { $0.span.lowerBound == index }), let dates = group.dates {
                // Pieces at the ends of the span that are the same for every date (the year of
                // a log within one year, the time between a day and a year) are written once,
                // outside the alternatives: concatenation distributes over alternation.
                var span = group.span
                func constant(_ i: Int) -> String? {
                    guard group.components[i] != nil else { return piece(i) }
                    let texts = Set(dates.map { group.literal(for: i, date: $0)! })
                    return texts.count == 1 ? HeaderRegex.escape(texts.first!) : nil
                }
                var head = "", tail = ""
                while span.count > 1, let text = constant(span.lowerBound) {
                    head += text
                    span = (span.lowerBound + 1)...span.upperBound
                }
                while span.count > 1, let text = constant(span.upperBound) {
                    tail = text + tail
                    span = span.lowerBound...(span.upperBound - 1)
                }
                let alternatives = dates.map { date in
                    span.map { i in group.literal(for: i, date: date).map(HeaderRegex.escape) ?? piece(i) }.joined()
                }
                out += head + (alternatives.count == 1 ? alternatives[0] : "(?:" + alternatives.joined(separator: "|") + ")") + tail
                index = group.span.upperBound + 1
                continue
            }
            out += piece(index)
            index += 1
        }
        return out
    }

    static func render(_ piece: Piece, clamp: ClosedRange<Int>?) -> String {
        switch piece {
        case let .text(text):
            return HeaderRegex.escape(text)
        case let .regex(regex):
            return regex
        case let .digits(values):
            return HeaderRegex.digits(values, clamp: clamp)
        case let .letters(values):
            let distinct = Set(values)
            if distinct.count <= closedLimit { return HeaderRegex.oneOf(Array(distinct)) }
            let lower = values.allSatisfy { $0.allSatisfy(\.isLowercase) }, upper = values.allSatisfy { $0.allSatisfy(\.isUppercase) }
            let lengths = values.map(\.utf8.count)
            let range = lengths.min()! == lengths.max()! ? "{\(lengths.min()!)}" : "{\(lengths.min()!),\(min(1000, lengths.max()!))}"
            return (lower ? "[a-z]" : upper ? "[A-Z]" : "[A-Za-z]") + range
        }
    }
}
