import Foundation
import GPT
import Records

/// 64-bit fingerprints of the training records, stored with a fitted model so that sampling
/// can refuse exact copies of training records (the privacy guard) without the training
/// data.
///
/// A record's fingerprint is FNV-1a over its canonical bytes: for text records (log lines,
/// dialogues, paraphrases) the record's text; for a table row, per column in table order,
/// a marker byte (1 missing, 2 present), the value's bytes and a 0 separator, with decimal
/// values canonicalised first (`10.50` and `10.5` are the same number, and an evaluation
/// that reads the file as numbers sees the same value), so a sample that differs from a
/// training row only in spelling still counts as a copy. Two different records share a
/// fingerprint with probability about n²/2⁶⁵ — for a million records, under one in 10⁷ —
/// and the only effect of a collision is one sample redrawn.
///
/// File (`fingerprints.bin`): the 8 bytes `SYNTHFP1`, the count (UInt64, little-endian),
/// then the fingerprints sorted ascending, each a little-endian UInt64.
public struct RecordFingerprints: Sendable {
    public private(set) var values: Set<UInt64>

    public init(_ values: Set<UInt64> = []) { self.values = values }

    static let magic = Array("SYNTHFP1".utf8)

    /// FNV-1a, fed byte by byte.
    struct Hasher {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        @inline(__always) mutating func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
    }

    /// The fingerprint of a text record.
    public static func fingerprint<Bytes: Sequence<UInt8>>(text: Bytes) -> UInt64 {
        var hasher = Hasher()
        for byte in text { hasher.mix(byte) }
        return hasher.hash
    }

    public mutating func insert<Bytes: Sequence<UInt8>>(text: Bytes) {
        values.insert(RecordFingerprints.fingerprint(text: text))
    }

    public func contains<Bytes: Sequence<UInt8>>(text: Bytes) -> Bool {
        values.contains(RecordFingerprints.fingerprint(text: text))
    }

    /// The fingerprint of a table row (values in table order, nil for missing) under `schema`.
    public static func fingerprint(_ row: [String?], schema: TableSynthesisSchema) -> UInt64 {
        var hasher = Hasher()
        for (column, value) in zip(schema.columns, row) {
            guard let value else {
                hasher.mix(1); hasher.mix(0)
                continue
            }
            hasher.mix(2)
            let canonical: String
            if case .decimal = column.domain { canonical = canonicalDecimal(value) } else { canonical = value }
            for byte in canonical.utf8 { hasher.mix(byte) }
            hasher.mix(0)
        }
        return hasher.hash
    }

    /// `12.50` → `12.5`, `3.0` → `3`; other spellings unchanged.
    static func canonicalDecimal(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var trimmed = Substring(text)
        while trimmed.last == "0" { trimmed.removeLast() }
        if trimmed.last == "." { trimmed.removeLast() }
        return trimmed == "-0" ? "0" : String(trimmed)
    }

    public mutating func insert(_ row: [String?], schema: TableSynthesisSchema) {
        values.insert(RecordFingerprints.fingerprint(row, schema: schema))
    }

    public func contains(_ row: [String?], schema: TableSynthesisSchema) -> Bool {
        values.contains(RecordFingerprints.fingerprint(row, schema: schema))
    }

    /// The file's bytes.
    public func data() -> Data {
        var data = Data(RecordFingerprints.magic)
        func append(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        append(UInt64(values.count))
        for value in values.sorted() { append(value) }
        return data
    }

    /// Reads `fingerprints.bin`; `path` names it in errors.
    public init(data: Data, path: String) throws {
        let bytes = [UInt8](data)
        guard bytes.count >= 16, Array(bytes[0..<8]) == RecordFingerprints.magic else {
            throw JobError("\(path): not a fingerprint file (no SYNTHFP1 header)")
        }
        func word(_ offset: Int) -> UInt64 {
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
        }
        let count = Int(truncatingIfNeeded: word(8))
        guard count >= 0, bytes.count == 16 + count * 8 else {
            throw JobError("\(path): announces \(count) fingerprints but holds \(max(0, bytes.count - 16) / 8) (truncated?)")
        }
        var values = Set<UInt64>(minimumCapacity: count)
        for index in 0..<count { values.insert(word(16 + index * 8)) }
        self.values = values
    }
}
