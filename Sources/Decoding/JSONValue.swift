// A small JSON reader that keeps what JSON Schema compilation needs and JSONSerialization
// loses: the order of object members, the exact text of numbers, and where every value sits
// in the source (so an error about `/properties/age/minimum` can give a line and column).

import Foundation

/// A JSON value with ordered object members and numbers kept as their source text.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    /// A number as written (for example `-1.5e3`): no precision is lost.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in document order.
    case object([Member])

    /// One `"key": value` member of an object.
    public struct Member: Hashable, Sendable {
        public var key: String
        public var value: JSONValue
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// Parses JSON text (RFC 8259: one value, optional surrounding whitespace, no duplicate
    /// keys), reporting the first error with its line and column.
    public init(parsing data: Data) throws(ConstraintSyntaxError) {
        var parser = JSONParser(bytes: Array(data), syntax: .jsonSchema)
        self = try parser.parseDocument()
    }

    /// The value of member `key` of an object (`nil` for other values or a missing key).
    public subscript(key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// Compact JSON text: no whitespace, members in order, numbers as written, strings with
    /// the shortest escapes (`\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, other controls as
    /// `\u00XX`; everything else, `/` and non-ASCII included, as raw UTF-8).
    public var compactText: String {
        var text = ""
        appendCompact(to: &text)
        return text
    }

    private func appendCompact(to text: inout String) {
        switch self {
        case .null: text += "null"
        case let .bool(value): text += value ? "true" : "false"
        case let .number(lexeme): text += lexeme
        case let .string(value): text += jsonQuoted(value)
        case let .array(elements):
            text += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { text += "," }
                element.appendCompact(to: &text)
            }
            text += "]"
        case let .object(members):
            text += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { text += "," }
                text += jsonQuoted(member.key) + ":"
                member.value.appendCompact(to: &text)
            }
            text += "}"
        }
    }
}

/// `value` as a JSON string literal with the shortest escapes.
func jsonQuoted(_ value: String) -> String {
    var text = "\""
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\"": text += "\\\""
        case "\\": text += "\\\\"
        case "\n": text += "\\n"
        case "\r": text += "\\r"
        case "\t": text += "\\t"
        case "\u{08}": text += "\\b"
        case "\u{0C}": text += "\\f"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
    }
    return text + "\""
}

/// Escapes one JSON pointer reference token (`~` → `~0`, `/` → `~1`).
func jsonPointerEscaped(_ token: String) -> String {
    token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
}

/// Recursive-descent JSON parser that records the offset of every value by JSON pointer.
struct JSONParser {
    let bytes: [UInt8]
    let syntax: ConstraintSyntaxError.Syntax
    var offset = 0
    /// Byte offset of each value, by JSON pointer (`""` is the document).
    var valueOffsets: [String: Int] = [:]
    /// Byte offset of each member's key, by the member value's JSON pointer.
    var keyOffsets: [String: Int] = [:]
    private var path = ""
    private var depth = 0

    init(bytes: [UInt8], syntax: ConstraintSyntaxError.Syntax) {
        self.bytes = bytes
        self.syntax = syntax
    }

    mutating func parseDocument() throws(ConstraintSyntaxError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard offset == bytes.count else { throw error("expected the end of the JSON text after the value") }
        return value
    }

    private func error(_ message: String, at position: Int? = nil) -> ConstraintSyntaxError {
        ConstraintSyntaxError(syntax, source: bytes, offset: position ?? offset, message)
    }

    private mutating func skipWhitespace() {
        while offset < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]) { offset += 1 }
    }

    private func found() -> String {
        guard offset < bytes.count else { return "end of input" }
        let byte = bytes[offset]
        return byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    private mutating func parseValue() throws(ConstraintSyntaxError) -> JSONValue {
        valueOffsets[path] = offset
        guard offset < bytes.count else { throw error("expected a JSON value, found end of input") }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("expected a JSON value, found \(found())")
        }
    }

    private mutating func expectWord(_ word: String) throws(ConstraintSyntaxError) {
        let start = offset
        for byte in word.utf8 {
            guard offset < bytes.count, bytes[offset] == byte else { throw error("expected '\(word)'", at: start) }
            offset += 1
        }
    }

    private mutating func enter() throws(ConstraintSyntaxError) {
        depth += 1
        if depth > 256 { throw error("JSON nesting is deeper than 256 levels") }
    }

    private mutating func parseObject() throws(ConstraintSyntaxError) -> JSONValue {
        try enter()
        let open = offset
        offset += 1
        skipWhitespace()
        var members: [JSONValue.Member] = []
        var keys: Set<String> = []
        let parent = path
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
            offset += 1
            depth -= 1
            return .object([])
        }
        while true {
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
                throw error("expected a string key in the object opened at column \(error("", at: open).column), found \(found())")
            }
            let keyStart = offset
            let key = try parseString()
            guard keys.insert(key).inserted else { throw error("duplicate key \(jsonQuoted(key)) in an object", at: keyStart) }
            skipWhitespace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else {
                throw error("expected ':' after the key \(jsonQuoted(key)), found \(found())")
            }
            offset += 1
            skipWhitespace()
            path = parent + "/" + jsonPointerEscaped(key)
            keyOffsets[path] = keyStart
            members.append(.init(key: key, value: try parseValue()))
            path = parent
            skipWhitespace()
            guard offset < bytes.count else { throw error("expected ',' or '}' to continue the object, found end of input") }
            if bytes[offset] == UInt8(ascii: ",") {
                offset += 1
                skipWhitespace()
                continue
            }
            guard bytes[offset] == UInt8(ascii: "}") else { throw error("expected ',' or '}' in the object, found \(found())") }
            offset += 1
            depth -= 1
            return .object(members)
        }
    }

    private mutating func parseArray() throws(ConstraintSyntaxError) -> JSONValue {
        try enter()
        offset += 1
        skipWhitespace()
        var elements: [JSONValue] = []
        let parent = path
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
            offset += 1
            depth -= 1
            return .array([])
        }
        while true {
            path = parent + "/\(elements.count)"
            elements.append(try parseValue())
            path = parent
            skipWhitespace()
            guard offset < bytes.count else { throw error("expected ',' or ']' to continue the array, found end of input") }
            if bytes[offset] == UInt8(ascii: ",") {
                offset += 1
                skipWhitespace()
                continue
            }
            guard bytes[offset] == UInt8(ascii: "]") else { throw error("expected ',' or ']' in the array, found \(found())") }
            offset += 1
            depth -= 1
            return .array(elements)
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, returned as its text.
    private mutating func parseNumber() throws(ConstraintSyntaxError) -> String {
        let start = offset
        func digits(_ parser: inout JSONParser) -> Int {
            let begin = parser.offset
            while parser.offset < parser.bytes.count, parser.bytes[parser.offset] >= 0x30, parser.bytes[parser.offset] <= 0x39 {
                parser.offset += 1
            }
            return parser.offset - begin
        }
        if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        let integerStart = offset
        let integerDigits = digits(&self)
        guard integerDigits > 0 else { throw error("expected a digit after '-'") }
        if integerDigits > 1 && bytes[integerStart] == UInt8(ascii: "0") {
            throw error("a number must not have leading zeros", at: integerStart)
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            offset += 1
            guard digits(&self) > 0 else { throw error("expected a digit after the decimal point") }
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
            offset += 1
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            guard digits(&self) > 0 else { throw error("expected a digit in the exponent") }
        }
        return String(decoding: bytes[start..<offset], as: UTF8.self)
    }

    /// A string literal (cursor on the opening quote); its UTF-8 must be valid.
    private mutating func parseString() throws(ConstraintSyntaxError) -> String {
        let open = offset
        offset += 1
        var utf8: [UInt8] = []
        while true {
            guard offset < bytes.count else {
                throw error("expected '\"' to close the string started at column \(error("", at: open).column)")
            }
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                offset += 1
                break
            }
            if byte < 0x20 { throw error("control character in a string; expected it escaped (e.g. \\n or \\u00XX)") }
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                offset += 1
                continue
            }
            let escapeStart = offset
            offset += 1
            guard offset < bytes.count else { throw error("expected an escape after '\\'") }
            let kind = bytes[offset]
            offset += 1
            switch kind {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(kind)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                var value = try hexQuad()
                if value >= 0xD800 && value <= 0xDBFF {
                    guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else {
                        throw error("expected a low surrogate '\\uDC00'...'\\uDFFF' after a high surrogate", at: escapeStart)
                    }
                    offset += 2
                    let low = try hexQuad()
                    guard low >= 0xDC00 && low <= 0xDFFF else {
                        throw error("expected a low surrogate '\\uDC00'...'\\uDFFF' after a high surrogate", at: escapeStart)
                    }
                    value = 0x10000 + (value - 0xD800) << 10 + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(value) else { throw error("lone surrogate in a '\\u' escape", at: escapeStart) }
                utf8 += Array(String(Character(scalar)).utf8)
            default:
                throw error("unknown escape; expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX", at: escapeStart)
            }
        }
        guard let string = String(validating: utf8, as: UTF8.self) else {
            throw error("string is not valid UTF-8", at: open)
        }
        return string
    }

    private mutating func hexQuad() throws(ConstraintSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard offset < bytes.count, let digit = hexDigit(bytes[offset]) else {
                throw error("expected four hexadecimal digits after '\\u'")
            }
            value = value << 4 | digit
            offset += 1
        }
        return value
    }
}
