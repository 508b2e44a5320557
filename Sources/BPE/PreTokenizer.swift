// Performance notes
// - No regex engine: one forward scan over the bytes, decoding UTF-8 on the fly, with an
//   ASCII table for the common case and `Unicode.Scalar.Properties` only past ASCII.
// - The scan is the GPT-4 (cl100k) split pattern written out by hand:
//     (?i:'s|'t|'re|'ve|'m|'ll|'d) | [^\r\n\p{L}\p{N}]?\p{L}+ | \p{N}{1,3}
//     | ' '?[^\s\p{L}\p{N}]+[\r\n]* | \s*[\r\n]+ | \s+(?!\S) | \s+
//   tried left to right at each position, as the regex's leftmost-first alternation does.
//   Tests compare it with NSRegularExpression running that pattern.

/// How a pre-tokenizer splits text into chunks before BPE merges them.
public enum SplitPattern: String, Codable, Sendable {
    /// The GPT-4 (cl100k) pattern: numbers in runs of 1 to 3 digits.
    case cl100k
    /// The same with every digit a chunk of its own (better for tables of numbers).
    case cl100kSingleDigits = "cl100k-single-digits"
}

/// Splits bytes into the chunks BPE merges within (merges never cross a chunk boundary).
///
/// Bytes that are not valid UTF-8 count as one "other" character each (neither letter,
/// number nor space), so any byte string splits, and the chunks always tile the input.
public struct PreTokenizer: Sendable {
    public let pattern: SplitPattern

    public init(pattern: SplitPattern = .cl100k) { self.pattern = pattern }

    /// Calls `body` with the byte range of each chunk of `text`, in order.
    @inline(__always)
    public func split(_ text: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        var scanner = SplitScanner(text: text, maxDigits: pattern == .cl100k ? 3 : 1)
        while let range = scanner.next() { body(range) }
    }

    /// The chunks of `bytes` as arrays (for tests and small inputs).
    public func chunks(_ bytes: [UInt8]) -> [[UInt8]] {
        var result: [[UInt8]] = []
        bytes.withUnsafeBufferPointer { buffer in
            split(buffer) { result.append(Array(buffer[$0])) }
        }
        return result
    }
}

/// Character classes the split pattern distinguishes.
@usableFromInline
enum CharacterKind: UInt8, Sendable {
    case letter, number, newline, space, otherWhitespace, other
    @inline(__always) var isWhitespace: Bool { self == .newline || self == .space || self == .otherWhitespace }
}

/// The kind of each ASCII byte.
let asciiKinds: [CharacterKind] = (0..<128).map { byte -> CharacterKind in
    switch byte {
    case 0x0A, 0x0D: return .newline
    case 0x20: return .space
    case 0x09, 0x0B, 0x0C: return .otherWhitespace
    case 0x30...0x39: return .number
    case 0x41...0x5A, 0x61...0x7A: return .letter
    default: return .other
    }
}

@usableFromInline
struct SplitScanner {
    let text: UnsafeBufferPointer<UInt8>
    let maxDigits: Int
    var position = 0
    let kinds: UnsafePointer<CharacterKind>

    init(text: UnsafeBufferPointer<UInt8>, maxDigits: Int) {
        self.text = text
        self.maxDigits = maxDigits
        kinds = asciiKindsPointer
    }

    /// The kind and byte length of the character at `offset` (offset < count).
    @inline(__always)
    func character(at offset: Int) -> (kind: CharacterKind, length: Int) {
        let lead = text[offset]
        if lead < 0x80 { return (kinds[Int(lead)], 1) }
        guard let (scalar, length) = decodeScalar(at: offset) else { return (.other, 1) }
        return (kind(of: scalar), length)
    }

    /// Decodes one UTF-8 scalar, or nil for an invalid or truncated sequence.
    @inline(__always)
    func decodeScalar(at offset: Int) -> (UInt32, Int)? {
        let lead = UInt32(text[offset])
        let count = text.count
        @inline(__always) func continuation(_ i: Int) -> UInt32? {
            guard offset + i < count else { return nil }
            let byte = text[offset + i]
            return byte & 0xC0 == 0x80 ? UInt32(byte & 0x3F) : nil
        }
        switch lead {
        case 0xC2...0xDF:
            guard let b1 = continuation(1) else { return nil }
            return ((lead & 0x1F) << 6 | b1, 2)
        case 0xE0...0xEF:
            guard let b1 = continuation(1), let b2 = continuation(2) else { return nil }
            let value = (lead & 0x0F) << 12 | b1 << 6 | b2
            guard value >= 0x800, !(0xD800...0xDFFF).contains(value) else { return nil }
            return (value, 3)
        case 0xF0...0xF4:
            guard let b1 = continuation(1), let b2 = continuation(2), let b3 = continuation(3) else { return nil }
            let value = (lead & 0x07) << 18 | b1 << 12 | b2 << 6 | b3
            guard value >= 0x10000, value <= 0x10FFFF else { return nil }
            return (value, 4)
        default:
            return nil
        }
    }

    @inline(__always)
    func kind(of value: UInt32) -> CharacterKind {
        guard let scalar = Unicode.Scalar(value) else { return .other }
        if scalar.properties.isWhitespace {
            return .otherWhitespace
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }

    /// Length of a contraction ('s 't 'm 'd 're 've 'll, any case) at `offset`, or 0.
    @inline(__always)
    func contractionLength(at offset: Int) -> Int {
        let count = text.count
        guard offset + 1 < count else { return 0 }
        let first = text[offset + 1] | 0x20   // ASCII lower case
        switch first {
        case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"):
            return 2
        case UInt8(ascii: "r"), UInt8(ascii: "v"):
            return offset + 2 < count && text[offset + 2] | 0x20 == UInt8(ascii: "e") ? 3 : 0
        case UInt8(ascii: "l"):
            return offset + 2 < count && text[offset + 2] | 0x20 == UInt8(ascii: "l") ? 3 : 0
        default:
            // U+017F LATIN SMALL LETTER LONG S case-folds to "s".
            if text[offset + 1] == 0xC5 && offset + 2 < count && text[offset + 2] == 0xBF { return 3 }
            return 0
        }
    }

    /// End of the run of characters of a kind satisfying `accept`, starting at `offset`.
    @inline(__always)
    func runEnd(from offset: Int, limit: Int = Int.max, _ accept: (CharacterKind) -> Bool) -> (end: Int, count: Int) {
        var end = offset, taken = 0
        while end < text.count && taken < limit {
            let (kind, length) = character(at: end)
            guard accept(kind) else { break }
            end += length
            taken += 1
        }
        return (end, taken)
    }

    /// The next chunk's byte range, or nil at the end.
    @inline(__always)
    mutating func next() -> Range<Int>? {
        let start = position
        guard start < text.count else { return nil }
        let end = chunkEnd(from: start)
        position = end
        return start..<end
    }

    @inline(__always)
    func chunkEnd(from start: Int) -> Int {
        let (kind, length) = character(at: start)
        // 1. Contractions.
        if text[start] == UInt8(ascii: "'") {
            let contraction = contractionLength(at: start)
            if contraction > 0 { return start + contraction }
        }
        // 2. An optional non-letter, non-number, non-newline character, then letters.
        if kind == .letter {
            return runEnd(from: start) { $0 == .letter }.end
        }
        let afterFirst = start + length
        if kind != .number && kind != .newline && afterFirst < text.count && character(at: afterFirst).kind == .letter {
            return runEnd(from: afterFirst) { $0 == .letter }.end
        }
        // 3. Numbers, one to three.
        if kind == .number {
            return runEnd(from: start, limit: maxDigits) { $0 == .number }.end
        }
        // 4. An optional space, then other characters, then newlines.
        if kind == .other || (kind == .space && afterFirst < text.count && character(at: afterFirst).kind == .other) {
            let othersStart = kind == .space ? afterFirst : start
            let othersEnd = runEnd(from: othersStart) { $0 == .other }.end
            return runEnd(from: othersEnd) { $0 == .newline }.end
        }
        // Whitespace from here on.
        var lastNewlineEnd = -1, lastStart = start, end = start
        while end < text.count {
            let (k, l) = character(at: end)
            guard k.isWhitespace else { break }
            if k == .newline { lastNewlineEnd = end + l }
            lastStart = end
            end += l
        }
        // 5. Whitespace up to and including the run's last newline.
        if lastNewlineEnd >= 0 { return lastNewlineEnd }
        // 6. Whitespace not followed by a non-space: the whole run at the end of the text,
        //    else all but its last character.
        if end == text.count { return end }
        if lastStart > start { return lastStart }
        // 7. A single whitespace character.
        return end
    }
}

/// `asciiKinds` as a pointer that lives for the process (no array access in the scan).
nonisolated(unsafe) let asciiKindsPointer: UnsafePointer<CharacterKind> = {
    let pointer = UnsafeMutablePointer<CharacterKind>.allocate(capacity: 128)
    for (index, kind) in asciiKinds.enumerated() { pointer[index] = kind }
    return UnsafePointer(pointer)
}()
