import Records

/// One column's values in a form the metrics read quickly: numbers (NaN when missing) or
/// category codes (-1 when missing).
public enum ColumnValues: Sendable, Equatable {
    /// Numbers, or dates as seconds since 1970; `.nan` marks a missing value.
    case continuous([Double])
    /// Indices into ``EncodedColumn/categories``; -1 marks a missing value.
    case categorical([Int32])

    /// The number of rows.
    public var count: Int {
        switch self {
        case .continuous(let values): return values.count
        case .categorical(let codes): return codes.count
        }
    }
}

/// A column of the real table and the same column of the synthetic table, encoded
/// together so that category codes mean the same in both.
public struct EncodedColumn: Sendable {
    public let name: String
    public let type: StatisticalType
    public let real: ColumnValues
    public let synthetic: ColumnValues
    /// The text of each category code: first those seen in the real table, in order of
    /// first appearance, then those only the synthetic table has. Empty for continuous
    /// columns.
    public let categories: [String]
    /// Synthetic cells that did not parse as the column's type and were read as missing
    /// (what `evaluate.py` does with `errors="coerce"`; validity counts them later).
    public let coercedSyntheticCells: Int
}

/// The real and synthetic tables encoded column by column for evaluation.
///
/// Cells in ``MissingValues`` are missing. In the real table a cell that does not parse
/// as its column's type is an error (naming file, column and line); in the synthetic
/// table it becomes missing and is counted, as `evaluate.py` does.
public struct EncodedTables: Sendable {
    public let columns: [EncodedColumn]
    public let realRows: Int
    public let syntheticRows: Int

    /// Encodes the columns `metadata` names. Both tables must have the same set of
    /// columns (order may differ); columns not in `metadata` are ignored.
    public init(real: Table, synthetic: Table, metadata: QualityMetadata,
                missing: MissingValues = .pandasDefault) throws(EvaluationError) {
        guard real.rowCount > 0 else { throw .noRows(file: real.source) }
        guard synthetic.rowCount > 0 else { throw .noRows(file: synthetic.source) }
        let realNames = Set(real.columnNames), syntheticNames = Set(synthetic.columnNames)
        if realNames != syntheticNames {
            throw .columnsDiffer(real: real.source, synthetic: synthetic.source,
                                 missing: real.columnNames.filter { !syntheticNames.contains($0) },
                                 unexpected: synthetic.columnNames.filter { !realNames.contains($0) })
        }
        var columns: [EncodedColumn] = []
        columns.reserveCapacity(metadata.columns.count)
        for column in metadata.columns {
            guard let r = real.columnIndex(named: column.name) else {
                throw .unknownColumn(file: real.source, column: column.name)
            }
            let s = synthetic.columnIndex(named: column.name)!
            columns.append(try Self.encode(column, real: real, realIndex: r, synthetic: synthetic.columns[s], missing: missing))
        }
        self.columns = columns
        realRows = real.rowCount
        syntheticRows = synthetic.rowCount
    }

    private static func encode(_ column: QualityMetadata.Column, real: Table, realIndex: Int,
                               synthetic: [String], missing: MissingValues) throws(EvaluationError) -> EncodedColumn {
        let realCells = real.columns[realIndex]
        switch column.type {
        case .categorical:
            var dictionary: [String: Int32] = [:]
            var categories: [String] = []
            func code(_ cell: String) -> Int32 {
                if missing.contains(cell) { return -1 }
                if let known = dictionary[cell] { return known }
                let new = Int32(categories.count)
                dictionary[cell] = new
                categories.append(cell)
                return new
            }
            let realCodes = realCells.map(code)
            let syntheticCodes = synthetic.map(code)
            return EncodedColumn(name: column.name, type: .categorical, real: .categorical(realCodes),
                                 synthetic: .categorical(syntheticCodes), categories: categories, coercedSyntheticCells: 0)
        case .numerical, .datetime:
            let parse: (String) -> Double?
            let expected: String
            if column.type == .numerical {
                parse = CellParser.number
                expected = "a number"
            } else {
                let format = column.dateFormat!
                parse = format.seconds
                expected = "a date in the layout \(format.pattern)"
            }
            var realValues = [Double](repeating: .nan, count: realCells.count)
            for (row, cell) in realCells.enumerated() where !missing.contains(cell) {
                guard let value = parse(cell) else {
                    throw .unparseableCell(file: real.source, column: column.name, line: real.rowLines[row],
                                           text: cell, expected: expected)
                }
                realValues[row] = value
            }
            var coerced = 0
            let syntheticValues = synthetic.map { cell -> Double in
                if missing.contains(cell) { return .nan }
                if let value = parse(cell) { return value }
                coerced += 1
                return .nan
            }
            return EncodedColumn(name: column.name, type: column.type, real: .continuous(realValues),
                                 synthetic: .continuous(syntheticValues), categories: [], coercedSyntheticCells: coerced)
        }
    }
}
