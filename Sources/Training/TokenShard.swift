import Foundation
import GPT

/// A file of token ids: a 24-byte header (magic "SYNTHTOK", format version, id width in
/// bytes, id count) then the ids, little-endian. Read memory-mapped, never whole.
public final class TokenShard {
    static let magic = Array("SYNTHTOK".utf8)
    static let version: UInt32 = 1
    static let headerSize = 24

    public let path: String
    /// Number of ids.
    public let count: Int
    /// Bytes per id: 2 (vocabularies up to 65,536) or 4.
    public let width: Int
    private let data: Data

    /// Opens a shard, checking its header and that the file holds every id it announces.
    public init(path: String) throws {
        self.path = path
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw TrainingError.badShard(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
        self.data = data
        guard data.count >= TokenShard.headerSize, Array(data.prefix(8)) == TokenShard.magic else {
            throw TrainingError.badShard(path: path, reason: "not a token shard (no SYNTHTOK header)")
        }
        func integer(_ offset: Int, _ size: Int) -> Int {
            (0..<size).reduce(0) { $0 | Int(data[offset + $1]) << (8 * $1) }
        }
        guard integer(8, 4) == Int(TokenShard.version) else {
            throw TrainingError.badShard(path: path, reason: "format version \(integer(8, 4)), expected \(TokenShard.version)")
        }
        let width = integer(12, 4), count = integer(16, 8)
        self.width = width
        self.count = count
        guard width == 2 || width == 4 else { throw TrainingError.badShard(path: path, reason: "id width \(width), expected 2 or 4") }
        guard count >= 0, data.count == TokenShard.headerSize + count * width else {
            throw TrainingError.badShard(path: path, reason: "announces \(count) ids but holds \(max(0, data.count - TokenShard.headerSize) / width) (truncated?)")
        }
    }

    /// Copies ids `start ..< start + length` into `target`.
    public func read(from start: Int, count length: Int, into target: UnsafeMutablePointer<Int32>) {
        precondition(start >= 0 && start + length <= count)
        data.withUnsafeBytes { raw in
            let base = raw.baseAddress! + TokenShard.headerSize
            if width == 2 {
                for i in 0..<length { target[i] = Int32(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: (start + i) * 2, as: UInt16.self))) }
            } else {
                for i in 0..<length { target[i] = Int32(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: (start + i) * 4, as: UInt32.self))) }
            }
        }
    }

    /// Writes `ids` as a shard, atomically.
    public static func write(_ ids: [Int32], vocabularySize: Int, to path: String) throws {
        let width = vocabularySize <= 65_536 ? 2 : 4
        var data = Data(capacity: headerSize + ids.count * width)
        data.append(contentsOf: magic)
        func append(_ value: Int, _ size: Int) { for i in 0..<size { data.append(UInt8(truncatingIfNeeded: value >> (8 * i))) } }
        append(Int(version), 4)
        append(width, 4)
        append(ids.count, 8)
        for id in ids { append(Int(id), width) }
        try writeAtomically(data, to: path)
    }
}

/// Errors of data preparation and training, each naming the file or step at fault.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case badShard(path: String, reason: String)
    case badData(reason: String)
    case nonFiniteLoss(step: Int, lastCheckpoint: String?)
    case badCheckpoint(path: String, reason: String)

    public var description: String {
        switch self {
        case let .badShard(path, reason): return "\(path): \(reason)"
        case let .badData(reason): return reason
        case let .nonFiniteLoss(step, checkpoint):
            return "the loss became NaN or infinite at step \(step); last good checkpoint: \(checkpoint ?? "none yet")"
        case let .badCheckpoint(path, reason): return "\(path): \(reason)"
        }
    }
}
