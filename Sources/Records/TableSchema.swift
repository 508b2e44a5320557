/// What a column holds, as inferred from its cells or given by the user.
public enum ColumnKind: Sendable, Equatable, Hashable {
    /// Numbers; `integer` when every finite value is a whole number.
    case numerical(integer: Bool)
    /// Dates and times in one layout.
    case datetime(DateFormat)
    /// Anything else: each distinct text is a category.
    case categorical
}

/// One column's name, kind and how many of its cells are missing.
public struct ColumnSchema: Sendable, Equatable {
    public var name: String
    public var kind: ColumnKind
    public var missingCount: Int

    public init(name: String, kind: ColumnKind, missingCount: Int = 0) {
        self.name = name
        self.kind = kind
        self.missingCount = missingCount
    }
}

/// The kinds of a table's columns, inferred the way the reference evaluation infers them.
///
/// A column is numerical when every non-missing cell is a number (``CellParser/number(_:)``),
/// which is when pandas gives it a numeric dtype; a column with no value at all is
/// numerical too, as in pandas (an all-NaN float column). Otherwise, if `detectsDates`,
/// a column whose every non-missing cell parses in one ``DateFormat`` is a datetime.
/// Everything else is categorical.
///
/// `evaluate.py` (the judge of issue 7) never infers dates: it reads them as text and so
/// treats them as categories. Pass `detectsDates: false` to score exactly as it does.
public struct TableSchema: Sendable, Equatable {
    public var columns: [ColumnSchema]

    public init(columns: [ColumnSchema]) { self.columns = columns }

    /// Infers every column's kind from `table`.
    public init(inferringFrom table: Table, missing: MissingValues = .pandasDefault, detectsDates: Bool = true) {
        columns = zip(table.columnNames, table.columns).map { name, cells in
            let present = cells.filter { !missing.contains($0) }
            let missingCount = cells.count - present.count
            var integer = true
            var numeric = true
            for cell in present {
                guard let value = CellParser.number(cell) else { numeric = false; break }
                if value.isFinite && value.rounded(.down) != value { integer = false }
            }
            if numeric { return ColumnSchema(name: name, kind: .numerical(integer: integer), missingCount: missingCount) }
            if detectsDates, let format = DateFormat.detect(present) {
                return ColumnSchema(name: name, kind: .datetime(format), missingCount: missingCount)
            }
            return ColumnSchema(name: name, kind: .categorical, missingCount: missingCount)
        }
    }

    /// The column called `name`, if there is one.
    public subscript(name: String) -> ColumnSchema? { columns.first { $0.name == name } }
}
