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
    /// The target column of a utility evaluation is not in the table.
    case noTargetColumn(file: String, column: String)
    /// The target column has a single value in the train table: there is nothing to predict.
    case constantTarget(file: String, column: String, value: String)
    /// A table a classifier is trained on has fewer than two target classes (rows whose
    /// target is missing are not counted).
    case tooFewClasses(file: String, column: String, classes: [String])
    /// A categorical column has more categories than the tree model can split on.
    case tooManyCategories(file: String, column: String, count: Int, limit: Int)

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
        case let .noTargetColumn(file, column):
            return "\(file): no column '\(column)' (the target)"
        case let .constantTarget(file, column, value):
            return "\(file): target column '\(column)' has the single value '\(value)'; a classifier needs two classes"
        case let .tooFewClasses(file, column, classes):
            let found = classes.isEmpty ? "none" : classes.map { "'\($0)'" }.joined(separator: ", ")
            return "\(file): target column '\(column)' has fewer than two classes to train on (found \(found))"
        case let .tooManyCategories(file, column, count, limit):
            return "\(file): column '\(column)' has \(count) categories; the gradient-boosting model takes at most \(limit)"
        }
    }
}
