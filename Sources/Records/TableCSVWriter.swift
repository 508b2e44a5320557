import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes rows as CSV (RFC 4180 quoting), streamed through a small buffer, atomically:
/// the rows go to a temporary file beside the destination, which ``finish()`` flushes,
/// syncs and renames into place. Until then the destination is untouched, and a writer
/// dropped without ``finish()`` removes its temporary file — nothing is half-written.
///
/// A field is quoted when it holds a comma, a quote, CR or LF (a quote inside doubled);
/// a record of one empty field is written `""` so that readers, which skip blank lines,
/// still see the row. ``CSVReader`` reads the output back to the same cells.
///
/// ```swift
/// let writer = try TableCSVWriter(url: out, header: schema.columnNames)
/// for row in rows { try writer.write(schema.outputCells(row)) }
/// try writer.finish()
/// ```
public final class TableCSVWriter {
    /// Where the file ends up.
    public let url: URL
    /// Fields per record (the header's count).
    public let fieldCount: Int
    /// `\n` (the default, as pandas writes) or `\r\n` (RFC 4180's line ending).
    public let lineEnding: String
    /// Data rows written so far.
    public private(set) var rowCount = 0

    private let temporaryPath: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private static let flushSize = 1 << 16

    /// Opens a temporary file beside `url` and writes the header.
    public init(url: URL, header: [String], lineEnding: String = "\n") throws(TableSynthesisError) {
        self.url = url
        self.fieldCount = header.count
        self.lineEnding = lineEnding
        let directory = url.deletingLastPathComponent().path
        temporaryPath = directory + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else {
            throw .cannotWrite(file: url.path, reason: String(cString: strerror(errno)))
        }
        buffer.reserveCapacity(TableCSVWriter.flushSize + 4096)
        try append(header)
    }

    deinit {
        if descriptor >= 0 {
            close(descriptor)
            unlink(temporaryPath)
        }
    }

    /// Appends one record; `fields` must have as many fields as the header.
    public func write(_ fields: [String]) throws(TableSynthesisError) {
        precondition(fields.count == fieldCount, "a record of \(fields.count) fields for a header of \(fieldCount)")
        try append(fields)
        rowCount += 1
    }

    /// Flushes, syncs and moves the file to ``url`` (replacing what was there).
    public func finish() throws(TableSynthesisError) {
        guard descriptor >= 0 else { throw .cannotWrite(file: url.path, reason: "the writer is already finished") }
        try flush()
        let synced = fsync(descriptor) == 0
        let closed = close(descriptor) == 0
        descriptor = -1
        guard synced, closed, rename(temporaryPath, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw .cannotWrite(file: url.path, reason: reason)
        }
    }

    /// Stops writing and removes the temporary file; the destination is untouched.
    public func discard() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        unlink(temporaryPath)
        descriptor = -1
    }

    private func append(_ fields: [String]) throws(TableSynthesisError) {
        guard descriptor >= 0 else { throw .cannotWrite(file: url.path, reason: "the writer is already finished") }
        buffer.append(contentsOf: TableCSVWriter.record(fields, lineEnding: lineEnding).utf8)
        if buffer.count >= TableCSVWriter.flushSize { try flush() }
    }

    private func flush() throws(TableSynthesisError) {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw .cannotWrite(file: url.path, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    // MARK: Formatting

    /// One field, quoted if it holds a comma, a quote, CR or LF.
    public static func field(_ text: String) -> String {
        let needsQuotes = text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One record with its line ending.
    public static func record(_ fields: [String], lineEnding: String = "\n") -> String {
        if fields.count == 1 && fields[0].isEmpty { return "\"\"" + lineEnding }
        return fields.map(field).joined(separator: ",") + lineEnding
    }
}

/// The C `write` (the writer's own `write(_:)` hides it inside the class).
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
