import Dispatch
import Foundation

extension Tokenizer {
    /// Encodes many texts across `threads` threads (one encoder and cache per thread);
    /// results in input order, identical to encoding each alone.
    public func encodeBatch(_ texts: [[UInt8]], allowedSpecial: Set<String> = [], threads: Int) throws -> [[Int32]] {
        let parts = max(1, min(threads, texts.count))
        let results = ResultSlots<[Int32]>(count: texts.count)
        let failure = ResultSlots<Error>(count: parts)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            var encoder = makeEncoder()
            var index = part
            while index < texts.count {
                do { results.set(index, try encoder.encode(texts[index], allowedSpecial: allowedSpecial)) } catch {
                    failure.set(part, error)
                    return
                }
                index += parts
            }
        }
        if let error = failure.values.compactMap({ $0 }).first { throw error }
        return results.values.map { $0 ?? [] }
    }

    /// Encodes one large text across `threads` threads. The text is cut only after a
    /// newline that is followed by a non-space character — a place where the split
    /// pattern always starts a new chunk — so the ids equal a single-threaded encode.
    public func encodeLarge(_ bytes: [UInt8], allowedSpecial: Set<String> = [], threads: Int) throws -> [Int32] {
        guard threads > 1, bytes.count > 1 << 16 else {
            var encoder = makeEncoder()
            return try encoder.encode(bytes, allowedSpecial: allowedSpecial)
        }
        var cuts = [0]
        let target = bytes.count / (threads * 4) + 1
        var position = target
        while position < bytes.count {
            // Find the next newline followed by a non-whitespace, non-special-start byte.
            var p = position
            while p < bytes.count - 1 && !(bytes[p] == 10 && !isSpaceByte(bytes[p + 1]) && bytes[p + 1] != UInt8(ascii: "<")) { p += 1 }
            if p >= bytes.count - 1 { break }
            cuts.append(p + 1)
            position = p + 1 + target
        }
        cuts.append(bytes.count)
        let pieces = (0..<(cuts.count - 1)).map { Array(bytes[cuts[$0]..<cuts[$0 + 1]]) }
        return try encodeBatch(pieces, allowedSpecial: allowedSpecial, threads: threads).flatMap { $0 }
    }
}

@inline(__always)
private func isSpaceByte(_ byte: UInt8) -> Bool {
    byte == 0x20 || (0x09...0x0D).contains(byte) || byte >= 0x80   // non-ASCII may be a space: do not cut there
}

/// Fixed slots written by concurrent workers, each slot by one worker only.
final class ResultSlots<Value>: @unchecked Sendable {
    private(set) var values: [Value?]
    private let lock = NSLock()
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Value) {
        lock.lock()
        values[index] = value
        lock.unlock()
    }
}
