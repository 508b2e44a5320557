/// Turns ids into bytes as they arrive, holding back the start of a UTF-8 character whose
/// remaining bytes are still to come, so every piece it returns is whole characters.
///
/// Bytes that can never form a character (invalid UTF-8) are passed through as they are.
public struct StreamingDecoder {
    public let tokenizer: Tokenizer
    private var pending: [UInt8] = []

    public init(tokenizer: Tokenizer) { self.tokenizer = tokenizer }

    /// The bytes that are complete after adding `id`.
    public mutating func push(_ id: Int32) throws -> [UInt8] {
        pending.append(contentsOf: try tokenizer.bytes(of: id))
        let cut = completePrefixLength(pending)
        let ready = Array(pending[..<cut])
        pending.removeFirst(cut)
        return ready
    }

    /// Whatever is held back (an unfinished character at the end of the stream).
    public mutating func finish() -> [UInt8] {
        defer { pending.removeAll() }
        return pending
    }
}

/// Length of the longest prefix of `bytes` that does not end inside a UTF-8 character
/// that could still be completed by more bytes.
func completePrefixLength(_ bytes: [UInt8]) -> Int {
    // Look back at most 3 bytes for the lead byte of an unfinished sequence.
    var index = bytes.count - 1
    var continuations = 0
    while index >= 0 && continuations < 3 && bytes[index] & 0xC0 == 0x80 {
        continuations += 1
        index -= 1
    }
    guard index >= 0 else { return bytes.count }
    let lead = bytes[index]
    let needed: Int
    switch lead {
    case 0xC2...0xDF: needed = 1
    case 0xE0...0xEF: needed = 2
    case 0xF0...0xF4: needed = 3
    default: return bytes.count
    }
    return continuations < needed ? index : bytes.count
}
