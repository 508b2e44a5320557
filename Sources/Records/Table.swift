import Foundation

/// A table read from a CSV file: column names and every cell as the text of the file,
/// stored by column.
///
/// Cells stay text so that nothing is lost (validity checks and the table codec need the
/// exact spelling); typed views come from ``TableSchema`` and ``CellParser``. Which texts
/// count as missing is decided by ``MissingValues``, not at read time.
///
/// `rowLines[r]` is the line on which data row `r` starts in the file, so errors about a
/// cell can name its line even when quoted fields span several lines.
public struct Table: Sendable, Equatable {
    /// The file path (or label) the table came from, used in error messages.
    public let source: String
    /// The header row, in file order. Names are unique.
    public let columnNames: [String]
    /// `columns[c][r]`: the text of row `r` in column `c`.
    public let columns: [[String]]
    /// The 1-based line on which each data row starts.
    public let rowLines: [Int]

    /// Builds a table from columns of equal length. `rowLines` defaults to the lines a
    /// plain CSV file would have (header on line 1, row `r` on line `r + 2`).
    public init(source: String = "<table>", columnNames: [String], columns: [[String]], rowLines: [Int]? = nil) {
        precondition(columnNames.count == columns.count, "one column of cells per name")
        let rows = columns.first?.count ?? 0
        precondition(columns.allSatisfy { $0.count == rows }, "columns of equal length")
        self.source = source
        self.columnNames = columnNames
        self.columns = columns
        self.rowLines = rowLines ?? (0..<rows).map { $0 + 2 }
    }

    /// The number of data rows (the header is not a row).
    public var rowCount: Int { rowLines.count }

    /// The position of the column called `name`, if there is one.
    public func columnIndex(named name: String) -> Int? { columnNames.firstIndex(of: name) }

    /// Reads a CSV file: the first record is the header, every other record a row.
    public static func read(contentsOf url: URL) throws(CSVError) -> Table {
        try read(try CSVReader(contentsOf: url))
    }

    /// Reads CSV text in memory; `name` stands for the file in error messages.
    public static func read(data: Data, name: String = "<data>") throws(CSVError) -> Table {
        try read(CSVReader(data: data, name: name))
    }

    private static func read(_ reader: CSVReader) throws(CSVError) -> Table {
        var names: [String] = []
        var columns: [[String]] = []
        var lines: [Int] = []
        try reader.forEachRecord { fields, line in
            if names.isEmpty && columns.isEmpty {
                names = fields
                columns = Array(repeating: [], count: fields.count)
                return
            }
            for (c, field) in fields.enumerated() { columns[c].append(field) }
            lines.append(line)
        }
        var seen: [String: Int] = [:]
        for (c, name) in names.enumerated() {
            if let first = seen[name] {
                throw .duplicateColumn(file: reader.name, name: name, first: first + 1, second: c + 1)
            }
            seen[name] = c
        }
        return Table(source: reader.name, columnNames: names, columns: columns, rowLines: lines)
    }
}

/// The texts that mean "no value" in a cell.
///
/// The default is pandas' `read_csv` default list (`keep_default_na=True`), because the
/// reference evaluation (`evaluate.py`, SDMetrics) reads files with pandas: an empty cell,
/// `NA`, `NaN`, `null`, `None`, `#N/A` and their variants are missing there and must be
/// missing here for scores to agree. `?` is not in the list: in Adult it is a category
/// of its own.
public struct MissingValues: Sendable, Equatable {
    /// The exact cell texts treated as missing (no trimming, case-sensitive). An empty
    /// cell is always missing, whatever the set holds.
    public var markers: Set<String>

    public init(markers: Set<String>) { self.markers = markers }

    /// pandas 2.x `STR_NA_VALUES`.
    public static let pandasDefault = MissingValues(markers: [
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
        "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    ])

    /// Only the empty cell is missing (`NA`, `null`... are then values).
    public static let emptyOnly = MissingValues(markers: [])

    /// Whether `cell` means "no value".
    @inlinable public func contains(_ cell: String) -> Bool {
        cell.isEmpty || markers.contains(cell)
    }
}
