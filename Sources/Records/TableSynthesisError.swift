/// Why a table could not be described, encoded, decoded or conditioned for synthesis.
/// Every case names the column (and the file and line, where there is one) and says what
/// was expected, so the message can be shown to a user as it is.
public enum TableSynthesisError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A cell does not fit its column's type or domain (inferred or given by schema.json).
    case valueDoesNotFit(file: String, line: Int, column: String, value: String, expected: String)
    /// A cell contains `<|`, which only structure tokens may spell.
    case reservedSequence(file: String, line: Int, column: String)
    /// schema.json names a column the table does not have.
    case unknownSchemaColumn(name: String, available: [String])
    /// schema.json is not valid JSON or not in the expected shape.
    case invalidSchemaFile(file: String, reason: String)
    /// A `--where` condition cannot be read.
    case conditionSyntax(condition: String, reason: String)
    /// A `--where` condition names a column the table does not have.
    case unknownConditionColumn(condition: String, name: String, available: [String])
    /// A `--where` condition compares a column in a way its type does not allow.
    case conditionTypeMismatch(condition: String, column: String, reason: String)
    /// A `--where` value lies outside what the column can hold.
    case conditionValueOutsideDomain(condition: String, column: String, value: String, domain: String)
    /// The conditions on one column leave no value.
    case contradictoryConditions(column: String, conditions: [String], domain: String)
    /// A column order is not a permutation of the table's columns.
    case invalidColumnOrder([Int], columnCount: Int)
    /// A generated sequence is not a well-formed row; `offset` is the byte where it breaks.
    case malformedRow(offset: Int, reason: String)

    public var description: String {
        switch self {
        case let .valueDoesNotFit(file, line, column, value, expected):
            return "\(file):\(line): column '\(column)': '\(value)' is not \(expected)"
        case let .reservedSequence(file, line, column):
            return "\(file):\(line): column '\(column)': the text '<|' is reserved for structure tokens and cannot appear in a cell"
        case let .unknownSchemaColumn(name, available):
            return "schema.json: no column '\(name)' in the table (columns: \(available.joined(separator: ", ")))"
        case let .invalidSchemaFile(file, reason):
            return "\(file): \(reason)"
        case let .conditionSyntax(condition, reason):
            return "--where '\(condition)': \(reason)"
        case let .unknownConditionColumn(condition, name, available):
            return "--where '\(condition)': no column '\(name)' (columns: \(available.joined(separator: ", ")))"
        case let .conditionTypeMismatch(condition, column, reason):
            return "--where '\(condition)': column '\(column)' \(reason)"
        case let .conditionValueOutsideDomain(condition, column, value, domain):
            return "--where '\(condition)': '\(value)' is never a value of column '\(column)' (\(domain))"
        case let .contradictoryConditions(column, conditions, domain):
            let list = conditions.map { "'\($0)'" }.joined(separator: " and ")
            return "--where \(list): no value of column '\(column)' (\(domain)) meets all of them"
        case let .invalidColumnOrder(order, count):
            return "column order \(order) is not an ordering of the \(count) columns"
        case let .malformedRow(offset, reason):
            return "generated row, byte \(offset): \(reason)"
        }
    }
}
