import Foundation

/// A streaming reader of comma-separated values (RFC 4180), shared by evaluation and by
/// table synthesis so that both see a file the same way.
///
/// What it accepts:
/// - fields separated by commas; records ended by CRLF, LF or a lone CR; the last record
///   with or without a line ending;
/// - quoted fields (`"a, b"`), with `""` for a quote and line endings inside;
/// - a UTF-8 byte-order mark at the start (skipped);
/// - blank lines between records (skipped, as pandas' `read_csv` does);
/// - a quote inside an unquoted field is kept as text (`5'10"`), as pandas does.
///
/// What it rejects, with the file and line (``CSVError``): a file without a header row,
/// a record whose field count differs from the header's, a quoted field never closed,
/// text after a closing quote, bytes that are not UTF-8.
///
/// A file is memory-mapped and read record by record, so the reader itself never holds
/// more than one record; what the caller keeps is up to the caller (``Table`` keeps
/// every cell).
///
/// ```swift
/// let reader = try CSVReader(contentsOf: URL(fileURLWithPath: "adult.csv"))
/// try reader.forEachRecord { fields, line in print(line, fields) }
/// ```
public struct CSVReader: Sendable {
    /// The name used in error messages: the file path, or the label given for data.
    public let name: String
    private let data: Data

    /// Maps the file at `url` (it is not copied into memory).
    public init(contentsOf url: URL) throws(CSVError) {
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw .unreadableFile(file: url.path, reason: error.localizedDescription)
        }
        name = url.path
    }

    /// Reads CSV text already in memory; `name` stands for the file in error messages.
    public init(data: Data, name: String = "<data>") {
        self.data = data
        self.name = name
    }

    /// Calls `body` with each record's fields (the header first) and the 1-based line on
    /// which the record starts. Every record is checked to have as many fields as the
    /// header before `body` sees it.
    public func forEachRecord(_ body: (_ fields: [String], _ line: Int) -> Void) throws(CSVError) {
        let result: CSVError? = data.withUnsafeBytes { raw -> CSVError? in
            var parser = Parser(bytes: raw.bindMemory(to: UInt8.self), name: name)
            do throws(CSVError) {
                try parser.run(body)
                return nil
            } catch {
                return error
            }
        }
        if let result { throw result }
    }
}

private let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""),
    lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

/// The state machine behind ``CSVReader``: one pass over the bytes, fields sliced out of
/// the buffer directly unless a doubled quote forces a copy.
private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    let name: String
    var i = 0
    var line = 1
    var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>, name: String) {
        self.bytes = bytes
        self.name = name
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
    }

    mutating func run(_ body: ([String], Int) -> Void) throws(CSVError) {
        let n = bytes.count
        var fields: [String] = []
        var expected = -1
        var recordLine = line
        while true {
            if fields.isEmpty {
                // Between records: skip blank lines; stop at the end of the data.
                while i < n, bytes[i] == lf || bytes[i] == cr { consumeLineEnd() }
                if i >= n { break }
                recordLine = line
            }
            fields.append(try field(number: fields.count + 1))
            if i < n, bytes[i] == comma {
                i += 1
                continue  // another field follows, possibly empty at the end of the data
            }
            if i < n { consumeLineEnd() }
            if expected < 0 {
                expected = fields.count
            } else if fields.count != expected {
                throw .raggedRow(file: name, line: recordLine, expected: expected, got: fields.count)
            }
            body(fields, recordLine)
            fields.removeAll(keepingCapacity: true)
        }
        if expected < 0 { throw .emptyFile(file: name) }
    }

    /// Consumes CRLF, LF or a lone CR at `i` and counts the line.
    mutating func consumeLineEnd() {
        if bytes[i] == cr, i + 1 < bytes.count, bytes[i + 1] == lf { i += 1 }
        i += 1
        line += 1
    }

    /// Reads one field starting at `i`, leaving `i` on the delimiter, line end or end.
    mutating func field(number: Int) throws(CSVError) -> String {
        let n = bytes.count
        let startLine = line
        guard i < n, bytes[i] == quote else {
            let start = i
            while i < n, bytes[i] != comma, bytes[i] != lf, bytes[i] != cr { i += 1 }
            return try decode(UnsafeBufferPointer(rebasing: bytes[start..<i]), line: startLine, field: number)
        }
        i += 1
        var segment = i
        var copied = false
        scratch.removeAll(keepingCapacity: true)
        while true {
            guard i < n else { throw .unterminatedQuote(file: name, line: startLine) }
            let c = bytes[i]
            if c == quote {
                if i + 1 < n, bytes[i + 1] == quote {
                    scratch.append(contentsOf: bytes[segment...i])  // keeps one quote
                    i += 2
                    segment = i
                    copied = true
                    continue
                }
                break
            }
            if c == lf || (c == cr && !(i + 1 < n && bytes[i + 1] == lf)) { line += 1 }
            i += 1
        }
        let tail = UnsafeBufferPointer(rebasing: bytes[segment..<i])
        i += 1  // the closing quote
        if i < n, bytes[i] != comma, bytes[i] != lf, bytes[i] != cr {
            throw .textAfterClosingQuote(file: name, line: line, field: number)
        }
        if !copied { return try decode(tail, line: startLine, field: number) }
        scratch.append(contentsOf: tail)
        let joined = scratch
        return try joined.withUnsafeBufferPointer { (buffer) throws(CSVError) -> String in
            try decode(buffer, line: startLine, field: number)
        }
    }

    /// Validates and decodes a field's bytes; on failure finds the line of the bad byte.
    func decode(_ field: UnsafeBufferPointer<UInt8>, line: Int, field number: Int) throws(CSVError) -> String {
        if let text = String(validating: field, as: UTF8.self) { return text }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = field.makeIterator()
        var offset = 0
        scan: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .error, .emptyInput: break scan
            }
        }
        let newlines = field[..<offset].reduce(0) { $0 + ($1 == lf ? 1 : 0) }
        throw .invalidUTF8(file: name, line: line + newlines, field: number)
    }
}
