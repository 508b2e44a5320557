import Foundation

/// The lines of a log file, ready to be records: line ends removed, blank lines left out,
/// every line checked.
///
/// Accepted: LF or CRLF line ends, the last line with or without one. Rejected, with the
/// file and line (``LogError``): bytes that are not UTF-8, NUL, a carriage return inside
/// a line, and the text `<|` (reserved for structure tokens: a log line containing
/// `<|eos|>` would otherwise end its own record).
public struct LogFile: Sendable {
    /// The name used in error messages: the path, or the label given for data.
    public let name: String
    /// The lines, without line ends, blank lines left out.
    public let lines: [String]
    /// The 1-based line number of each of ``lines`` in the file.
    public let lineNumbers: [Int]

    /// Reads the file at `path`.
    public init(contentsOf path: String) throws(LogError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw .unreadableFile(file: path, reason: (error as NSError).localizedFailureReason ?? error.localizedDescription)
        }
        try self.init(data: data, name: path)
    }

    /// Reads log text already in memory; `name` stands for the file in error messages.
    public init(data: Data, name: String = "<data>") throws(LogError) {
        self.name = name
        var lines: [String] = []
        var numbers: [Int] = []
        let bytes = [UInt8](data)
        var start = 0
        var number = 0
        while start < bytes.count {
            number += 1
            var end = start
            while end < bytes.count, bytes[end] != 10 { end += 1 }
            var lineEnd = end
            if lineEnd > start, bytes[lineEnd - 1] == 13 { lineEnd -= 1 }
            if lineEnd > start {
                let line = bytes[start..<lineEnd]
                if let bad = LogFile.forbiddenCharacter(in: line) { throw .forbiddenCharacter(file: name, line: number, character: bad) }
                if LogFile.containsReservedSequence(line) { throw .reservedSequence(file: name, line: number) }
                guard let text = String(validating: line, as: UTF8.self) else { throw .invalidUTF8(file: name, line: number) }
                lines.append(text)
                numbers.append(number)
            }
            start = end + 1
        }
        guard !lines.isEmpty else { throw .noLines(file: name) }
        self.lines = lines
        lineNumbers = numbers
    }

    /// The name of the first byte a log line may not hold, or nil.
    static func forbiddenCharacter<Bytes: Collection<UInt8>>(in line: Bytes) -> String? {
        for byte in line {
            if byte == 0 { return "a NUL byte" }
            if byte == 13 { return "a carriage return" }
            if byte == 10 { return "a line feed" }
        }
        return nil
    }

    /// True when `<|` occurs in `line`.
    static func containsReservedSequence<Bytes: Collection<UInt8>>(_ line: Bytes) -> Bool {
        var previous: UInt8 = 0
        for byte in line {
            if previous == UInt8(ascii: "<") && byte == UInt8(ascii: "|") { return true }
            previous = byte
        }
        return false
    }
}

/// Log windows as record sequences (DESIGN.md, "Record sequences"):
///
///     <|log|>081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 ...<|eos|>
///
/// `<|log|>`, then a window of `k` consecutive lines joined by line feeds, then `<|eos|>`.
/// With `k = 1` a record is one line. Encoding produces text in which the structure tokens
/// appear as their names; the tokenizer turns them into special ids when they are allowed
/// (`allowedSpecial: Set(LogLineCodec.specialTokens)`). Decoding reads bytes in the same
/// form (what the generator writes). That is unambiguous because no line may contain `<|`
/// (``LogFile`` rejects such lines and the line grammar never generates them).
public struct LogLineCodec: Sendable {
    public static let logToken = "<|log|>"
    public static let endToken = "<|eos|>"
    /// The special tokens a tokenizer needs for log records: `<|eos|>` and `<|log|>` (as in
    /// `BPE.recordStructureTokens`).
    public static let specialTokens = [endToken, logToken]

    /// Lines per record.
    public let window: Int

    public init(window: Int = 1) {
        precondition(window >= 1, "a window holds at least one line")
        self.window = window
    }

    /// One record: the lines (``window`` of them, each without line feeds).
    public func encode<Lines: Collection<String>>(_ lines: Lines) -> String {
        LogLineCodec.logToken + lines.joined(separator: "\n") + LogLineCodec.endToken
    }

    /// The lines a generated sequence spells.
    ///
    /// Accepts `<|log|>`, then ``window`` lines separated by line feeds, then optionally
    /// `<|eos|>` (the generator leaves the end token out of its bytes) and nothing after
    /// it. Lines must be UTF-8 and free of `<|`. Anything else is
    /// ``LogError/malformedWindow(offset:reason:)`` with the byte where it goes wrong.
    /// Lines are not checked against a header format here; ``LogLineMatcher`` does that.
    public func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(LogError) -> [String] {
        let b = Array(bytes)
        let open = Array(LogLineCodec.logToken.utf8), end = Array(LogLineCodec.endToken.utf8)
        guard b.count >= open.count, Array(b[0..<open.count]) == open else {
            throw .malformedWindow(offset: 0, reason: "expected \(LogLineCodec.logToken) at the start")
        }
        var stop = b.count
        if stop - open.count >= end.count, Array(b[(stop - end.count)..<stop]) == end { stop -= end.count }
        var lines: [String] = []
        var start = open.count
        while true {
            var k = start
            while k < stop, b[k] != 10 {
                if b[k] == UInt8(ascii: "<"), k + 1 < stop, b[k + 1] == UInt8(ascii: "|") {
                    throw .malformedWindow(offset: k, reason: "'<|' inside line \(lines.count + 1) (a structure token where a line should continue)")
                }
                k += 1
            }
            guard let line = String(validating: b[start..<k], as: UTF8.self) else {
                throw .malformedWindow(offset: start, reason: "line \(lines.count + 1) is not valid UTF-8")
            }
            lines.append(line)
            if k == stop { break }
            start = k + 1
        }
        guard lines.count == window else {
            throw .malformedWindow(offset: stop, reason: "\(lines.count) lines where the window holds \(window)")
        }
        return lines
    }
}
