/// Why an evaluation could not run. Each case names the file (the table's `source`), and
/// where it applies the column and line, so the user can find the cell at fault.
public enum EvaluationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A table has a header but no data row.
    case noRows(file: String)
    /// The real and synthetic tables do not have the same columns.
    case columnsDiffer(real: String, synthetic: String, missing: [String], unexpected: [String])
    /// The metadata names a column the table does not have.
    case unknownColumn(file: String, column: String)
    /// A cell of the real table does not parse as its column's kind requires.
    case unparseableCell(file: String, column: String, line: Int, text: String, expected: String)

    public var description: String {
        switch self {
        case let .noRows(file):
            return "\(file): no data rows"
        case let .columnsDiffer(real, synthetic, missing, unexpected):
            var text = "\(synthetic): columns differ from \(real)"
            if !missing.isEmpty { text += "; missing \(missing.map { "'\($0)'" }.joined(separator: ", "))" }
            if !unexpected.isEmpty { text += "; unexpected \(unexpected.map { "'\($0)'" }.joined(separator: ", "))" }
            return text
        case let .unknownColumn(file, column):
            return "\(file): no column '\(column)' (named in the metadata)"
        case let .unparseableCell(file, column, line, text, expected):
            return "\(file):\(line): column '\(column)': '\(text)' is not \(expected)"
        }
    }
}
