// JSON Lines files (one JSON value per line), read once for every kind that takes them:
// dialogues, paraphrase pairs, openings, paraphrase inputs.
//
// The JSON itself is parsed by Decoding's `JSONValue` (the reader JSON Schema compilation
// uses: exact numbers, members in order, strict RFC 8259); this file adds what a file of
// lines needs — line numbers, invalid UTF-8 caught before parsing with the column where it
// starts, blank lines skipped, `\r\n` endings and a leading byte-order mark accepted — so
// every error reads `FILE:LINE:COLUMN: what was expected`.

import BPE
import Decoding
import Foundation

/// A problem in a record file (JSONL, or text lines), at a line and, where known, a column
/// (1-based, counted in Unicode scalars), with what was expected there.
public struct RecordFileError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    /// 1-based line; 0 when the problem concerns the whole file.
    public var line: Int
    public var column: Int?
    public var message: String

    public init(file: String, line: Int, column: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `FILE:LINE[:COLUMN]: message` (`FILE: message` for the whole file).
    public var description: String {
        guard line > 0 else { return "\(file): \(message)" }
        return "\(file):\(line)\(column.map { ":\($0)" } ?? ""): \(message)"
    }
}

/// The lines of a text file with their numbers: UTF-8 checked, `\r\n` accepted, a leading
/// byte-order mark dropped.
public struct TextLines: Sequence {
    /// The file's name, for errors.
    public let source: String
    let bytes: [UInt8]

    /// Reads the whole file at `path`.
    public init(contentsOf path: String) throws(RecordFileError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: path) else {
            throw RecordFileError(file: path, line: 0, "cannot read: no such file or not readable")
        }
        self.init(bytes: [UInt8](data), source: path)
    }

    /// The lines of `bytes`; `source` names them in errors.
    public init(bytes: [UInt8], source: String) {
        self.source = source
        self.bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
    }

    /// One line: its 1-based number and its bytes (without the line break).
    public struct Line {
        public var number: Int
        public var bytes: ArraySlice<UInt8>

        /// Whether the line holds only spaces and tabs.
        public var isBlank: Bool { bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 } }
    }

    public struct Iterator: IteratorProtocol {
        let bytes: [UInt8]
        var offset = 0
        var number = 0

        public mutating func next() -> Line? {
            guard offset < bytes.count else { return nil }
            let start = offset
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            offset = end + 1
            number += 1
            var stop = end
            if stop > start, bytes[stop - 1] == 0x0D { stop -= 1 }
            return Line(number: number, bytes: bytes[start..<stop])
        }
    }

    public func makeIterator() -> Iterator { Iterator(bytes: bytes) }

    /// The line as text, or an error at the first byte that is not UTF-8.
    public func text(of line: Line) throws(RecordFileError) -> String {
        if let text = String(validating: line.bytes, as: UTF8.self) { return text }
        // Find where the valid prefix ends, to give the column.
        var valid = line.bytes.startIndex
        var index = line.bytes.startIndex
        while index < line.bytes.endIndex {
            let first = line.bytes[index]
            let length = first < 0x80 ? 1 : first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC2 ? 2 : 0
            guard length > 0, index + length <= line.bytes.endIndex,
                  String(validating: line.bytes[index..<(index + length)], as: UTF8.self) != nil else { break }
            index += length
            valid = index
        }
        let column = String(decoding: line.bytes[line.bytes.startIndex..<valid], as: UTF8.self).unicodeScalars.count + 1
        throw RecordFileError(file: source, line: line.number, column: column,
                              "not valid UTF-8 (byte 0x\(String(line.bytes[valid], radix: 16, uppercase: true))); expected UTF-8 text")
    }
}

/// A JSON Lines file: one JSON value per line, blank lines skipped.
public struct JSONLinesReader {
    public let lines: TextLines

    /// Reads the whole file at `path`.
    public init(contentsOf path: String) throws(RecordFileError) {
        lines = try TextLines(contentsOf: path)
    }

    /// The JSON lines of `bytes`; `source` names them in errors.
    public init(bytes: [UInt8], source: String) {
        lines = TextLines(bytes: bytes, source: source)
    }

    /// Calls `body` with each non-blank line's number and value, in order. A line that is
    /// not UTF-8 or not one JSON value stops the reading with an error naming it; `body`
    /// may throw its own.
    public func forEach(_ body: (_ line: Int, _ value: JSONValue) throws -> Void) throws {
        for line in lines where !line.isBlank {
            let text = try lines.text(of: line)
            let value: JSONValue
            do {
                value = try JSONValue(parsing: Data(text.utf8))
            } catch {
                throw RecordFileError(file: lines.source, line: line.number, column: error.column, "malformed JSON: \(error.message)")
            }
            try body(line.number, value)
        }
    }
}

extension JSONValue {
    /// A short name of the value's type, for messages (`a string`, `an array`...).
    public var typeDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// `text` as a JSON string literal that is safe on one line of a JSON Lines file: BPE's
/// ``jsonString(_:)`` plus `\u` escapes for U+0085, U+2028 and U+2029, which many readers
/// (Python's `str.splitlines`) take for line breaks.
public func jsonLineString(_ text: String) -> String {
    let quoted = jsonString(text)
    guard quoted.unicodeScalars.contains(where: { $0 == "\u{85}" || $0 == "\u{2028}" || $0 == "\u{2029}" }) else { return quoted }
    var out = ""
    for scalar in quoted.unicodeScalars {
        switch scalar {
        case "\u{85}": out += "\\u0085"
        case "\u{2028}": out += "\\u2028"
        case "\u{2029}": out += "\\u2029"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}
