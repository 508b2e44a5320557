// Errors of the three constraint front ends (regex, JSON Schema, GBNF grammar text), and the
// small source cursor they share.
//
// Every error points at a place in the source text (a byte offset, and the 1-based line and
// column a reader would look at) and says what was expected there, for example
// `grammar line 3, column 14: expected ']' to close the character class`.

/// A constraint (regular expression, JSON Schema or GBNF grammar) that cannot be compiled.
///
/// The position is where the problem was found: `offset` counts UTF-8 bytes from the start
/// of the source; `line` and `column` are 1-based, and a column counts Unicode scalars (so a
/// reader can find the place in an editor). JSON Schema errors about a keyword (rather than
/// about the JSON text) also carry the JSON pointer of that keyword in `path`.
public struct ConstraintSyntaxError: Error, CustomStringConvertible, Hashable, Sendable {
    /// Which front end rejected the constraint.
    public enum Syntax: String, Hashable, Sendable {
        case regex = "regex"
        case jsonSchema = "JSON Schema"
        case grammar = "grammar"
    }

    public var syntax: Syntax
    /// Byte offset (UTF-8) of the problem in the source text.
    public var offset: Int
    /// 1-based line of `offset`.
    public var line: Int
    /// 1-based column of `offset`, in Unicode scalars.
    public var column: Int
    /// For JSON Schema keyword errors, the JSON pointer of the keyword (e.g.
    /// `/properties/age/minimum`); `""` is the schema root. `nil` for plain syntax errors.
    public var path: String?
    /// What is wrong, phrased as what was expected where possible.
    public var message: String

    public init(syntax: Syntax, offset: Int, line: Int, column: Int, path: String? = nil, message: String) {
        self.syntax = syntax
        self.offset = offset
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    /// Builds an error at `offset` of `source`, computing its line and column.
    init(_ syntax: Syntax, source: [UInt8], offset: Int, path: String? = nil, _ message: String) {
        let end = min(max(offset, 0), source.count)
        var line = 1
        var column = 1
        for byte in source[0..<end] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {  // not a UTF-8 continuation byte: a new scalar
                column += 1
            }
        }
        self.init(syntax: syntax, offset: end, line: line, column: column, path: path, message: message)
    }

    /// `<syntax> line L, column C[ (at <path>)]: <message>`.
    public var description: String {
        var text = "\(syntax.rawValue) line \(line), column \(column)"
        if let path { text += " (at \(path.isEmpty ? "the schema root" : path))" }
        return text + ": " + message
    }
}

/// A read position in UTF-8 source text, shared by the regex and GBNF parsers.
///
/// The text comes from a Swift `String`, so it is valid UTF-8 and `nextScalar` never fails
/// in the middle of a scalar.
struct SourceCursor {
    let bytes: [UInt8]
    let syntax: ConstraintSyntaxError.Syntax
    var offset = 0

    init(_ text: String, syntax: ConstraintSyntaxError.Syntax) {
        self.bytes = Array(text.utf8)
        self.syntax = syntax
    }

    var isAtEnd: Bool { offset >= bytes.count }

    /// The byte `ahead` bytes after the cursor, or `nil` past the end.
    func peek(_ ahead: Int = 0) -> UInt8? {
        offset + ahead < bytes.count ? bytes[offset + ahead] : nil
    }

    /// Whether the text at the cursor starts with `text` (ASCII).
    func starts(with text: String) -> Bool {
        var index = offset
        for byte in text.utf8 {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
        }
        return true
    }

    /// Consumes `byte` if it is next.
    mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        offset += 1
        return true
    }

    /// Decodes the scalar at the cursor and moves past it.
    mutating func nextScalar() -> Unicode.Scalar? {
        guard let first = peek() else { return nil }
        let length = first < 0x80 ? 1 : first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : 2
        var value = length == 1 ? UInt32(first) : UInt32(first) & (0x7F >> UInt32(length))
        for index in 1..<max(length, 1) where offset + index < bytes.count {
            value = value << 6 | UInt32(bytes[offset + index] & 0x3F)
        }
        offset = min(offset + length, bytes.count)
        return Unicode.Scalar(value)
    }

    /// Reads exactly `count` hexadecimal digits, or returns `nil` (cursor unchanged).
    mutating func hexValue(digits count: Int) -> UInt32? {
        var value: UInt32 = 0
        for index in 0..<count {
            guard let byte = peek(index), let digit = hexDigit(byte) else { return nil }
            value = value << 4 | digit
        }
        offset += count
        return value
    }

    /// Reads a run of decimal digits (at most 9, so the value fits), or `nil` if none.
    mutating func decimalValue() -> Int? {
        var value = 0
        var count = 0
        while let byte = peek(), byte >= 0x30, byte <= 0x39, count < 9 {
            value = value * 10 + Int(byte - 0x30)
            offset += 1
            count += 1
        }
        return count == 0 ? nil : value
    }

    /// An error at `offset` (default: the cursor).
    func error(_ message: String, at offset: Int? = nil) -> ConstraintSyntaxError {
        ConstraintSyntaxError(syntax, source: bytes, offset: offset ?? self.offset, message)
    }

    /// A human-readable name of the text at the cursor, for "found ..." parts of messages.
    func describeNext() -> String {
        var copy = self
        guard let scalar = copy.nextScalar() else { return "end of input" }
        switch scalar {
        case "\n": return "end of line"
        case "\t": return "a tab"
        default: return "'\(Character(scalar))'"
        }
    }
}

/// The value of an ASCII hexadecimal digit.
func hexDigit(_ byte: UInt8) -> UInt32? {
    switch byte {
    case 0x30...0x39: return UInt32(byte - 0x30)
    case 0x41...0x46: return UInt32(byte - 0x41 + 10)
    case 0x61...0x66: return UInt32(byte - 0x61 + 10)
    default: return nil
    }
}
