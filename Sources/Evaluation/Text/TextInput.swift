import Foundation

/// Why a text evaluation could not run. Each case names the file, and the line where one
/// is at fault.
public enum TextEvaluationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened or read.
    case unreadableFile(String, reason: String)
    /// The bytes of this (1-based) line are not UTF-8.
    case invalidUTF8(file: String, line: Int)
    /// A line of the training or held-out corpus is not the record its mode reads.
    case malformedRecord(file: String, line: Int, expected: String)
    /// `system` names no built-in log format.
    case unknownSystem(String, known: [String])
    /// No built-in header format (or not the one named) parses 90% of the first 500
    /// training lines; `best` parsed `share` of them.
    case noHeaderFormat(file: String, best: String, share: Double)
    /// The ground-truth templates file is not a loghub templates CSV.
    case malformedTemplates(String, reason: String)
    /// An option is out of range.
    case invalidOption(String)

    public var description: String {
        switch self {
        case let .unreadableFile(file, reason):
            return "\(file): cannot read: \(reason)"
        case let .invalidUTF8(file, line):
            return "\(file):\(line): the line is not valid UTF-8"
        case let .malformedRecord(file, line, expected):
            return "\(file):\(line): expected \(expected)"
        case let .unknownSystem(name, known):
            return "unknown log system '\(name)'; known: \(known.joined(separator: ", "))"
        case let .noHeaderFormat(file, best, share):
            return "\(file): no built-in header format parses 90% of the first 500 lines (best \(best): "
                + String(format: "%.1f%%", share * 100) + "); name the system"
        case let .malformedTemplates(file, reason):
            return "\(file): not a loghub templates CSV (EventId, EventTemplate): \(reason)"
        case let .invalidOption(text):
            return text
        }
    }
}

/// Reading the judge's inputs as its Python code reads them, except that bytes which
/// are not UTF-8 are an error naming the line (Python would put U+FFFD in their place).
enum TextFiles {
    static func bytes(_ path: String) throws(TextEvaluationError) -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .unreadableFile(path, reason: (error as NSError).localizedDescription)
        }
    }

    /// Splits bytes on \n into UTF-8 lines, throwing at the first line that is not UTF-8.
    private static func decodedLines(_ bytes: [UInt8], path: String) throws(TextEvaluationError) -> [String] {
        var lines: [String] = []
        var start = 0
        var number = 1
        for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x0A {
            guard let line = String(validating: bytes[start..<i], as: UTF8.self) else {
                throw .invalidUTF8(file: path, line: number)
            }
            lines.append(line)
            start = i + 1
            number += 1
        }
        return lines
    }

    /// The judge's `read_lines` (logs, text): split on \n only, trailing \r removed, the
    /// empty piece after a final newline dropped.
    static func lines(_ path: String) throws(TextEvaluationError) -> [String] {
        var bytes = try bytes(path)
        // Drop the \r run before each \n and at the very end (`rstrip("\r\n").rstrip("\r")`).
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var pendingCR = 0
        for b in bytes {
            if b == 0x0D { pendingCR += 1; continue }
            if b != 0x0A { out.append(contentsOf: repeatElement(0x0D, count: pendingCR)) }
            pendingCR = 0
            out.append(b)
        }
        bytes = out
        var lines = try decodedLines(bytes, path: path)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// The whole file as Python's text mode reads it (dialogues, paraphrases): CR LF and
    /// lone CR become \n.
    static func text(_ path: String) throws(TextEvaluationError) -> String {
        let bytes = try bytes(path)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0D {
                out.append(0x0A)
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
            } else {
                out.append(bytes[i])
            }
            i += 1
        }
        if let text = String(validating: out, as: UTF8.self) { return text }
        _ = try decodedLines(out, path: path)
        throw .invalidUTF8(file: path, line: 0)  // not reached: some line is invalid
    }
}
