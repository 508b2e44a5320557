import Foundation

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

    private let output: AtomicOutput

    /// Opens a temporary file beside `url` and writes the header.
    public init(url: URL, header: [String], lineEnding: String = "\n") throws(OutputFileError) {
        self.url = url
        self.fieldCount = header.count
        self.lineEnding = lineEnding
        output = try AtomicOutput(path: url.path)
        try output.write(TableCSVWriter.record(header, lineEnding: lineEnding))
    }

    /// Appends one record; `fields` must have as many fields as the header.
    public func write(_ fields: [String]) throws(OutputFileError) {
        precondition(fields.count == fieldCount, "a record of \(fields.count) fields for a header of \(fieldCount)")
        try output.write(TableCSVWriter.record(fields, lineEnding: lineEnding))
        rowCount += 1
    }

    /// Flushes, syncs and moves the file to ``url`` (replacing what was there).
    public func finish() throws(OutputFileError) {
        try output.finish()
    }

    /// Stops writing and removes the temporary file; the destination is untouched.
    public func discard() {
        output.discard()
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
