/// Table rows as record sequences (DESIGN.md, "Record sequences"):
///
///     <|row|><|col:3|>39<|col:0|>Private<|col:7|><|null|>...<|eos|>
///
/// `<|row|>`, then per column in a given order its column token `<|col:N|>` (N is the
/// column's position in the table) and the value's text, or `<|null|>` for a missing
/// value, then `<|eos|>`. Training text uses shuffled orders (several per row) so that any
/// subset of columns can lead; sampling uses one fixed order (``TableSynthesisSchema/samplingOrder(conditions:)``).
///
/// Encoding produces text in which the structure tokens appear as their names; the
/// tokenizer turns them into special ids when they are allowed
/// (`tokenizer.encode(text, allowedSpecial: Set(TableRowCodec.specialTokens(columnCount:)))`).
/// Decoding reads bytes in the same form — what ``Tokenizer/bytes(of:)`` or the
/// generator's output gives, a special token spelled as its name. That is unambiguous
/// because no value may contain `<|` (schema inference rejects such cells and the row
/// grammar never generates them).
public struct TableRowCodec: Sendable {
    /// Columns per row.
    public let columnCount: Int
    /// Which cell texts are encoded as `<|null|>`.
    public let missing: MissingValues

    public static let rowToken = "<|row|>"
    public static let endToken = "<|eos|>"
    public static let nullToken = "<|null|>"

    /// The token naming column `index`.
    public static func columnToken(_ index: Int) -> String { "<|col:\(index)|>" }

    /// The special tokens a tokenizer needs for rows of `columnCount` columns:
    /// `<|eos|>`, `<|row|>`, `<|null|>` (as in `BPE.recordStructureTokens`), then
    /// `<|col:0|>` ... `<|col:columnCount-1|>`.
    public static func specialTokens(columnCount: Int) -> [String] {
        [endToken, rowToken, nullToken] + (0..<columnCount).map(columnToken)
    }

    public init(columnCount: Int, missing: MissingValues = .pandasDefault) {
        self.columnCount = columnCount
        self.missing = missing
    }

    /// The codec for rows of `schema`'s table.
    public init(schema: TableSynthesisSchema) {
        self.init(columnCount: schema.columns.count, missing: schema.missing)
    }

    // MARK: Encoding

    /// One row (values in table order, nil for missing) in the column order `order`.
    public func encode(_ values: [String?], order: [Int]) -> String {
        var text = TableRowCodec.rowToken
        for column in order {
            text += TableRowCodec.columnToken(column)
            text += values[column] ?? TableRowCodec.nullToken
        }
        return text + TableRowCodec.endToken
    }

    /// Row `row` of `table` in the column order `order`; cells that ``missing`` lists
    /// become `<|null|>`.
    public func encode(row: Int, of table: Table, order: [Int]) -> String {
        encode(table.columns.map { missing.contains($0[row]) ? nil : $0[row] }, order: order)
    }

    /// Calls `body` with the training sequences of `table`: for each row in order,
    /// `permutationsPerRow` encodings in independently shuffled column orders.
    ///
    /// The orders depend only on `seed`, the row and the permutation number (see
    /// ``shuffledOrder(columnCount:seed:row:permutation:)``), so a run is reproducible and
    /// any part of it can be re-made without the rest.
    public func forEachTrainingSequence(of table: Table, permutationsPerRow: Int, seed: UInt64,
                                        _ body: (String) throws -> Void) rethrows {
        precondition(table.columns.count == columnCount, "table of \(table.columns.count) columns for a codec of \(columnCount)")
        for row in 0..<table.rowCount {
            let values = table.columns.map { missing.contains($0[row]) ? nil : $0[row] }
            for permutation in 0..<permutationsPerRow {
                let order = TableRowCodec.shuffledOrder(columnCount: columnCount, seed: seed, row: row, permutation: permutation)
                try body(encode(values, order: order))
            }
        }
    }

    /// A uniformly random ordering of `0..<columnCount` (Fisher–Yates on SplitMix64),
    /// determined by its arguments alone.
    public static func shuffledOrder(columnCount: Int, seed: UInt64, row: Int, permutation: Int) -> [Int] {
        var state = seed ^ (UInt64(truncatingIfNeeded: row) &* 0x9E37_79B9_7F4A_7C15)
            ^ (UInt64(truncatingIfNeeded: permutation) &* 0xC2B2_AE3D_27D4_EB4F)
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var order = Array(0..<columnCount)
        if columnCount > 1 {
            for i in stride(from: columnCount - 1, to: 0, by: -1) {
                let j = Int(next() % UInt64(i + 1))
                order.swapAt(i, j)
            }
        }
        return order
    }

    // MARK: Decoding

    /// The row a generated sequence spells: values in table order, nil for `<|null|>`.
    ///
    /// Accepts `<|row|>`, then each column exactly once as `<|col:N|>` followed by a
    /// non-empty value or `<|null|>`, then optionally `<|eos|>` (the generator leaves the
    /// end token out of its bytes) and nothing after it. A value runs to the next `<|` or
    /// the end and must be UTF-8. Anything else is ``TableSynthesisError/malformedRow(offset:reason:)``
    /// with the byte where it goes wrong. Values are not checked against the schema here;
    /// ``TableSynthesisSchema/firstViolation(in:)`` does that.
    public func decode<Bytes: Collection>(_ bytes: Bytes) throws(TableSynthesisError) -> [String?] where Bytes.Element == UInt8 {
        let b = Array(bytes)
        var i = 0
        func starts(with token: String, at position: Int) -> Bool {
            var k = position
            for byte in token.utf8 {
                guard k < b.count, b[k] == byte else { return false }
                k += 1
            }
            return true
        }
        func shown(_ position: Int) -> String {
            guard position < b.count else { return "the end" }
            let piece = String(decoding: b[position..<min(b.count, position + 24)], as: UTF8.self)
            return "'\(piece)\(b.count > position + 24 ? "..." : "")'"
        }
        func fail(_ reason: String, at position: Int) -> TableSynthesisError { .malformedRow(offset: position, reason: reason) }

        guard starts(with: TableRowCodec.rowToken, at: 0) else {
            throw fail("expected \(TableRowCodec.rowToken) at the start, found \(shown(0))", at: 0)
        }
        i = TableRowCodec.rowToken.utf8.count
        var values = [String?](repeating: nil, count: columnCount)
        var seen = [Bool](repeating: false, count: columnCount)
        let columnPrefix = Array("<|col:".utf8)
        while i < b.count {
            if starts(with: TableRowCodec.endToken, at: i) {
                let after = i + TableRowCodec.endToken.utf8.count
                guard after == b.count else { throw fail("bytes after \(TableRowCodec.endToken): \(shown(after))", at: after) }
                i = after
                break
            }
            guard b.count - i > columnPrefix.count, Array(b[i..<(i + columnPrefix.count)]) == columnPrefix else {
                throw fail("expected a column token <|col:N|> or \(TableRowCodec.endToken), found \(shown(i))", at: i)
            }
            var k = i + columnPrefix.count
            var index = 0, digits = 0
            while k < b.count, b[k] >= 48, b[k] <= 57, digits < 9 {
                index = index * 10 + Int(b[k] - 48)
                digits += 1
                k += 1
            }
            guard digits > 0, k + 1 < b.count, b[k] == UInt8(ascii: "|"), b[k + 1] == UInt8(ascii: ">") else {
                throw fail("malformed column token \(shown(i))", at: i)
            }
            guard index < columnCount else { throw fail("column \(index) does not exist (the table has \(columnCount) columns)", at: i) }
            guard !seen[index] else { throw fail("column \(index) appears twice", at: i) }
            seen[index] = true
            i = k + 2
            if starts(with: TableRowCodec.nullToken, at: i) {
                i += TableRowCodec.nullToken.utf8.count
                continue
            }
            var end = i
            while end < b.count, !(b[end] == UInt8(ascii: "<") && end + 1 < b.count && b[end + 1] == UInt8(ascii: "|")) { end += 1 }
            guard end > i else { throw fail("column \(index) has no value (expected its text or \(TableRowCodec.nullToken))", at: i) }
            guard let text = String(validating: b[i..<end], as: UTF8.self) else {
                throw fail("column \(index): the value is not valid UTF-8", at: i)
            }
            values[index] = text
            i = end
        }
        if let missingColumn = seen.firstIndex(of: false) {
            let count = seen.filter { !$0 }.count
            throw fail("no value for column \(missingColumn)\(count > 1 ? " and \(count - 1) more" : "") (every column must appear once)", at: b.count)
        }
        return values
    }

    /// ``decode(_:)`` on the UTF-8 of `text`.
    public func decode(_ text: String) throws(TableSynthesisError) -> [String?] {
        try decode(Array(text.utf8))
    }
}

extension TableSynthesisSchema {
    /// The first column of `values` (in table order, nil for missing) outside its domain,
    /// with the reason; nil when the row is valid.
    public func firstViolation(in values: [String?]) -> (column: Int, reason: String)? {
        guard values.count == columns.count else {
            return (min(values.count, columns.count), "expected \(columns.count) values, got \(values.count)")
        }
        for (index, (column, value)) in zip(columns, values).enumerated() {
            guard let value else {
                if !column.isNullable { return (index, "column '\(column.name)' is never empty") }
                continue
            }
            if !column.domain.contains(value) {
                return (index, "column '\(column.name)': '\(value)' is not \(column.domain.summary)")
            }
        }
        return nil
    }

    /// The cells to write for a row: values as they are, missing ones as the column's
    /// ``SynthesisColumn/nullText`` (empty when the column has none).
    public func outputCells(_ values: [String?]) -> [String] {
        zip(columns, values).map { column, value in value ?? column.nullText ?? "" }
    }
}
