// Sets of Unicode scalars as ranges, and their translation into byte grammars.
//
// Grammars read bytes; regex and GBNF character classes speak of characters. A class such as
// `[^"\\]` or `.` becomes a choice of a few byte-class sequences that accepts exactly the
// UTF-8 encodings of its scalars (the construction of Rust's `utf8-ranges`): split the scalar
// ranges where the encoded length changes, then where a continuation byte would not sweep its
// whole 0x80...0xBF span, until each piece is a product of byte ranges. Encoding the ends of
// valid ranges only ever gives the shortest form, and surrogates are never in the set, so no
// overlong or surrogate encoding is accepted.

/// A set of Unicode scalar values (never surrogates), as sorted, disjoint ranges.
struct ScalarRangeSet: Hashable, Sendable {
    /// Sorted, disjoint and non-adjacent ranges of scalar values.
    private(set) var ranges: [ClosedRange<UInt32>]

    /// The empty set.
    init() { ranges = [] }

    /// The set of one scalar.
    init(_ scalar: Unicode.Scalar) { ranges = [scalar.value...scalar.value] }

    /// The union of `ranges` (any order, overlaps allowed); values above U+10FFFF and
    /// surrogates are dropped.
    init(ranges: [ClosedRange<UInt32>]) {
        var merged: [ClosedRange<UInt32>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            guard range.lowerBound <= 0x10FFFF else { continue }
            let range = range.lowerBound...min(range.upperBound, 0x10FFFF)
            if let last = merged.last, range.lowerBound <= last.upperBound &+ 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        // Remove the surrogate block U+D800...U+DFFF.
        var result: [ClosedRange<UInt32>] = []
        for range in merged {
            if range.upperBound < 0xD800 || range.lowerBound > 0xDFFF {
                result.append(range)
                continue
            }
            if range.lowerBound < 0xD800 { result.append(range.lowerBound...0xD7FF) }
            if range.upperBound > 0xDFFF { result.append(0xE000...range.upperBound) }
        }
        self.ranges = result
    }

    /// Every Unicode scalar.
    static let all = ScalarRangeSet(ranges: [0...0x10FFFF])

    var isEmpty: Bool { ranges.isEmpty }

    func contains(_ value: UInt32) -> Bool {
        var low = 0
        var high = ranges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            if value < ranges[middle].lowerBound {
                high = middle - 1
            } else if value > ranges[middle].upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }

    func union(_ other: ScalarRangeSet) -> ScalarRangeSet {
        ScalarRangeSet(ranges: ranges + other.ranges)
    }

    /// The scalars not in the set.
    var complement: ScalarRangeSet {
        var gaps: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in ranges {
            if range.lowerBound > next { gaps.append(next...(range.lowerBound - 1)) }
            next = range.upperBound + 1
        }
        if next <= 0x10FFFF { gaps.append(next...0x10FFFF) }
        return ScalarRangeSet(ranges: gaps)
    }

    func intersection(_ other: ScalarRangeSet) -> ScalarRangeSet {
        complement.union(other.complement).complement
    }

    func subtracting(_ other: ScalarRangeSet) -> ScalarRangeSet {
        intersection(other.complement)
    }
}

// MARK: - UTF-8 byte sequences

extension ScalarRangeSet {
    /// The UTF-8 encodings of the set as byte-range sequences: a byte string encodes a scalar
    /// of the set exactly when it matches one sequence (each byte within its range).
    var utf8Sequences: [[ClosedRange<UInt8>]] {
        var sequences: [[ClosedRange<UInt8>]] = []
        for range in ranges { appendUTF8Sequences(range.lowerBound, range.upperBound, into: &sequences) }
        return sequences
    }

    /// A grammar expression matching exactly the UTF-8 encodings of the set's scalars.
    ///
    /// Sequences that differ only in their first byte share one alternative (so all ASCII
    /// ranges become one byte class); the empty set gives the empty choice (matches nothing).
    var utf8Expression: GrammarExpression {
        var tails: [[ClosedRange<UInt8>]] = []
        var heads: [ByteSet] = []
        var indexOfTail: [[ClosedRange<UInt8>]: Int] = [:]
        for sequence in utf8Sequences {
            let tail = Array(sequence.dropFirst())
            let head = ByteSet(range: sequence[0])
            if let index = indexOfTail[tail] {
                heads[index] = heads[index].union(head)
            } else {
                indexOfTail[tail] = tails.count
                tails.append(tail)
                heads.append(head)
            }
        }
        let alternatives: [GrammarExpression] = zip(heads, tails).map { head, tail in
            tail.isEmpty ? .bytes(head) : .sequence([.bytes(head)] + tail.map { .bytes(ByteSet(range: $0)) })
        }
        return alternatives.count == 1 ? alternatives[0] : .choice(alternatives)
    }
}

/// Appends the byte-range sequences of the scalars `low...high` (no surrogates inside).
private func appendUTF8Sequences(_ low: UInt32, _ high: UInt32, into sequences: inout [[ClosedRange<UInt8>]]) {
    // Split where the encoded length changes.
    for boundary: UInt32 in [0x7F, 0x7FF, 0xFFFF] where low <= boundary && boundary < high {
        appendUTF8Sequences(low, boundary, into: &sequences)
        appendUTF8Sequences(boundary + 1, high, into: &sequences)
        return
    }
    if high <= 0x7F {
        sequences.append([UInt8(low)...UInt8(high)])
        return
    }
    // Split until every continuation byte below a differing prefix spans its full range.
    let length = utf8Length(low)
    for continuationBytes in 1..<length {
        let mask: UInt32 = (1 << (6 * UInt32(continuationBytes))) - 1
        guard low & ~mask != high & ~mask else { continue }
        if low & mask != 0 {
            appendUTF8Sequences(low, low | mask, into: &sequences)
            appendUTF8Sequences((low | mask) + 1, high, into: &sequences)
            return
        }
        if high & mask != mask {
            appendUTF8Sequences(low, (high & ~mask) - 1, into: &sequences)
            appendUTF8Sequences(high & ~mask, high, into: &sequences)
            return
        }
    }
    let lowBytes = utf8Encoding(low)
    let highBytes = utf8Encoding(high)
    sequences.append(zip(lowBytes, highBytes).map { $0...$1 })
}

private func utf8Length(_ value: UInt32) -> Int {
    value <= 0x7F ? 1 : value <= 0x7FF ? 2 : value <= 0xFFFF ? 3 : 4
}

/// The UTF-8 bytes of a scalar value (no validation: the callers pass valid values).
private func utf8Encoding(_ value: UInt32) -> [UInt8] {
    switch utf8Length(value) {
    case 1: return [UInt8(value)]
    case 2: return [UInt8(0xC0 | value >> 6), UInt8(0x80 | value & 0x3F)]
    case 3: return [UInt8(0xE0 | value >> 12), UInt8(0x80 | value >> 6 & 0x3F), UInt8(0x80 | value & 0x3F)]
    default:
        return [UInt8(0xF0 | value >> 18), UInt8(0x80 | value >> 12 & 0x3F),
                UInt8(0x80 | value >> 6 & 0x3F), UInt8(0x80 | value & 0x3F)]
    }
}
