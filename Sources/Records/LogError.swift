/// Why a log file could not be read, described or decoded for synthesis. Every case names
/// the file and line where there is one and says what was expected, so the message can be
/// shown to a user as it is.
public enum LogError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened or read.
    case unreadableFile(file: String, reason: String)
    /// The file holds no line with text.
    case noLines(file: String)
    /// A line is not UTF-8.
    case invalidUTF8(file: String, line: Int)
    /// A line holds a byte a log line may not hold (NUL, a carriage return inside it).
    case forbiddenCharacter(file: String, line: Int, character: String)
    /// A line contains `<|`, which only structure tokens may spell.
    case reservedSequence(file: String, line: Int)
    /// A line does not begin with a header of the given (or inferred) format.
    case headerMismatch(file: String, line: Int, text: String, pattern: String)
    /// The lines share no header that could be inferred.
    case noCommonHeader(file: String, reason: String)
    /// A header regex could not be compiled.
    case invalidHeaderRegex(source: String, reason: String)
    /// A generated sequence is not a window of log lines; `offset` is the byte where it breaks.
    case malformedWindow(offset: Int, reason: String)

    public var description: String {
        switch self {
        case let .unreadableFile(file, reason):
            return "\(file): cannot read: \(reason)"
        case let .noLines(file):
            return "\(file): no log lines (the file is empty or holds only blank lines)"
        case let .invalidUTF8(file, line):
            return "\(file):\(line): the line is not valid UTF-8"
        case let .forbiddenCharacter(file, line, character):
            return "\(file):\(line): the line contains \(character), which a log line may not hold"
        case let .reservedSequence(file, line):
            return "\(file):\(line): the text '<|' is reserved for structure tokens and cannot appear in a log line"
        case let .headerMismatch(file, line, text, pattern):
            return "\(file):\(line): the line does not begin with a header matching \(pattern): \(LogError.shown(text))"
        case let .noCommonHeader(file, reason):
            return "\(file): no header could be inferred (\(reason)); give one with --header-regex"
        case let .invalidHeaderRegex(source, reason):
            return "\(source): \(reason)"
        case let .malformedWindow(offset, reason):
            return "generated log window, byte \(offset): \(reason)"
        }
    }

    /// A line as quoted in a message, cut after 120 characters.
    static func shown(_ text: String) -> String {
        let cut = text.count > 120 ? String(text.prefix(120)) + "..." : text
        return "'" + cut + "'"
    }
}
