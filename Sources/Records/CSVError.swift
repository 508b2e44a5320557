/// Why a CSV file could not be read. Every case names the file (or the label given for
/// in-memory data) and the 1-based physical line, so a user can open the file there.
public enum CSVError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened or mapped.
    case unreadableFile(file: String, reason: String)
    /// No header row: the file has no bytes, or only a byte-order mark and blank lines.
    case emptyFile(file: String)
    /// A record has a different number of fields from the header.
    case raggedRow(file: String, line: Int, expected: Int, got: Int)
    /// A quoted field is still open at the end of the file; `line` is where it opened.
    case unterminatedQuote(file: String, line: Int)
    /// A closing quote is followed by something other than a comma or the end of the record.
    case textAfterClosingQuote(file: String, line: Int, field: Int)
    /// A field's bytes are not valid UTF-8; `line` is the line of the first bad byte.
    case invalidUTF8(file: String, line: Int, field: Int)
    /// Two header cells have the same name (1-based field numbers).
    case duplicateColumn(file: String, name: String, first: Int, second: Int)

    public var description: String {
        switch self {
        case let .unreadableFile(file, reason):
            return "\(file): cannot read: \(reason)"
        case let .emptyFile(file):
            return "\(file): empty file (a header row is required)"
        case let .raggedRow(file, line, expected, got):
            return "\(file):\(line): expected \(expected) fields (as in the header), got \(got)"
        case let .unterminatedQuote(file, line):
            return "\(file):\(line): quoted field opened on this line is never closed"
        case let .textAfterClosingQuote(file, line, field):
            return "\(file):\(line): field \(field): text after the closing quote (a quote inside a quoted field is written \"\")"
        case let .invalidUTF8(file, line, field):
            return "\(file):\(line): field \(field): invalid UTF-8"
        case let .duplicateColumn(file, name, first, second):
            return "\(file):1: column name '\(name)' appears twice (fields \(first) and \(second))"
        }
    }
}
