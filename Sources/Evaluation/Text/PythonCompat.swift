import Foundation

// The few pieces of CPython 3.11 that the judge's text figures depend on to the last bit,
// written from their documented behaviour: what counts as whitespace, a word character or
// a digit (`str.isspace`, regex `\w`, `str.isdigit`), `str.strip/split/splitlines`, the
// Mersenne Twister behind `random.Random(seed).sample`, and `math.fsum`.
//
// Strings are compared as Python compares them, code point by code point: Swift's `==`
// on `String` treats canonically equivalent text as equal ("é" precomposed or not), so
// every set or dictionary key of the text figures is an `ExactText` (its UTF-8 bytes).

/// Python's notion of a character class, decided per Unicode scalar.
enum PythonCharacter {
    /// `str.isspace()`, which is also regex `\s`: Unicode White_Space plus the four
    /// information separators U+001C...U+001F (Python counts them, Unicode does not).
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x80 { return (v >= 0x09 && v <= 0x0D) || (v >= 0x1C && v <= 0x20) }
        return scalar.properties.isWhitespace
    }

    /// Regex `\w` on `str`: a letter (general category L*), anything with a numeric type
    /// (`str.isalnum()`), or the underscore.
    static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x80 {
            return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) || v == 0x5F
        }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return properties.numericType != nil
        }
    }

    /// `str.isdigit()` for one character: numeric type Decimal or Digit (so "²" counts).
    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x80 { return v >= 0x30 && v <= 0x39 }
        let type = scalar.properties.numericType
        return type == .decimal || type == .digit
    }

    /// The value of a decimal digit (any script, as `int()` reads them), or nil.
    static func decimalValue(_ scalar: Unicode.Scalar) -> Int? {
        let v = scalar.value
        if v >= 0x30 && v <= 0x39 { return Int(v - 0x30) }
        guard v >= 0x80, scalar.properties.numericType == .decimal, let value = scalar.properties.numericValue
        else { return nil }
        return Int(value)
    }
}

/// The regex class body for Python's `\s` in an ICU pattern: ICU's `\s` is Unicode
/// White_Space, Python adds U+001C...U+001F.
let pythonSpaceClass = "\\s\\x{1c}-\\x{1f}"

extension String {
    /// `str.strip()`: Python whitespace removed from both ends.
    var pythonStripped: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !PythonCharacter.isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !PythonCharacter.isSpace($0) })!
        return String(scalars[first...last])
    }

    /// `str.rstrip()`.
    var pythonRightStripped: String {
        let scalars = unicodeScalars
        guard let last = scalars.lastIndex(where: { !PythonCharacter.isSpace($0) }) else { return "" }
        return String(scalars[...last])
    }

    /// Whether `str.strip()` would leave anything.
    var hasPythonNonSpace: Bool { unicodeScalars.contains { !PythonCharacter.isSpace($0) } }

    /// `str.split()` with no argument: runs of Python whitespace separate the fields.
    var pythonWords: [String] {
        var words: [String] = []
        let scalars = unicodeScalars
        var start: String.UnicodeScalarView.Index?
        var index = scalars.startIndex
        while index < scalars.endIndex {
            if PythonCharacter.isSpace(scalars[index]) {
                if let s = start { words.append(String(scalars[s..<index])); start = nil }
            } else if start == nil {
                start = index
            }
            index = scalars.index(after: index)
        }
        if let s = start { words.append(String(scalars[s...])) }
        return words
    }

    /// `str.splitlines()`: \n, \r, \r\n, \v, \f, \x1c-\x1e, \x85, U+2028, U+2029 end a line
    /// (found in the UTF-8 bytes directly: the scalar walk was a tenth of a dialogue run).
    var pythonLines: [String] {
        var lines: [String] = []
        let bytes = Array(utf8)
        let n = bytes.count
        var start = 0, i = 0
        while i < n {
            let boundary: Int
            switch bytes[i] {
            case 0x0A, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E: boundary = 1
            case 0x0D: boundary = i + 1 < n && bytes[i + 1] == 0x0A ? 2 : 1
            case 0xC2 where i + 1 < n && bytes[i + 1] == 0x85: boundary = 2
            case 0xE2 where i + 2 < n && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9): boundary = 3
            default: boundary = 0
            }
            if boundary > 0 {
                lines.append(String(decoding: bytes[start..<i], as: UTF8.self))
                i += boundary
                start = i
            } else {
                i += 1
            }
        }
        if start < n { lines.append(String(decoding: bytes[start..<n], as: UTF8.self)) }
        return lines
    }

    /// `" ".join(s.split())`.
    var pythonWhitespaceNormalized: String { pythonWords.joined(separator: " ") }

    /// A key that compares code point by code point, as Python does.
    var exactKey: ExactText { ExactText(self) }

    /// The number of code points, Python's `len(str)`.
    var pythonLength: Int { unicodeScalars.count }
}

/// Python's `random.Random(seed)` (MT19937, seeded by `init_by_array` with the seed's
/// 32-bit words) and the parts of it the judge uses: `sample` and `_randbelow`.
struct PythonRandom {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624

    init(seed: UInt64) {
        var key: [UInt32] = []
        var rest = seed
        repeat {
            key.append(UInt32(truncatingIfNeeded: rest))
            rest >>= 32
        } while rest != 0
        seedByArray(key)
    }

    private mutating func seedByInteger(_ seed: UInt32) {
        state[0] = seed
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
        index = 624
    }

    private mutating func seedByArray(_ key: [UInt32]) {
        seedByInteger(19_650_218)
        var i = 1, j = 0
        for _ in 0..<max(624, key.count) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1
            j += 1
            if i >= 624 { state[0] = state[623]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<623 {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= 624 { state[0] = state[623]; i = 1 }
        }
        state[0] = 0x8000_0000
    }

    private mutating func twist() {
        for k in 0..<624 {
            let y = (state[k] & 0x8000_0000) | (state[(k + 1) % 624] & 0x7FFF_FFFF)
            state[k] = state[(k + 397) % 624] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : 0x9908_B0DF)
        }
        index = 0
    }

    /// `genrand_uint32`: the next tempered 32-bit output.
    mutating func next32() -> UInt32 {
        if index >= 624 { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// `_randbelow(n)` for 0 < n < 2^32: `getrandbits(n.bit_length())` until below n.
    mutating func below(_ n: Int) -> Int {
        precondition(n > 0 && n <= Int(UInt32.max))
        let bits = Int.bitWidth - n.leadingZeroBitCount
        while true {
            let r = Int(next32() >> UInt32(32 - bits))
            if r < n { return r }
        }
    }

    /// `sample(range(n), k)`: k distinct indices in selection order, drawn exactly as
    /// CPython 3.11 draws them (a pool for small populations, a set of picks otherwise).
    mutating func sample(count n: Int, _ k: Int) -> [Int] {
        precondition(k >= 0 && k <= n)
        var setSize = 21
        if k > 5 { setSize += Int(pow(4.0, ceil(log(Double(k * 3)) / log(4.0)))) }
        var result: [Int] = []
        result.reserveCapacity(k)
        if n <= setSize {
            var pool = Array(0..<n)
            for i in 0..<k {
                let j = below(n - i)
                result.append(pool[j])
                pool[j] = pool[n - i - 1]
            }
        } else {
            var selected = Set<Int>()
            for _ in 0..<k {
                var j = below(n)
                while selected.contains(j) { j = below(n) }
                selected.insert(j)
                result.append(j)
            }
        }
        return result
    }
}

/// `math.fsum`: the correctly rounded sum (Shewchuk's partials, with CPython's final
/// half-even correction). nltk's BLEU sums its weighted log precisions with it.
func pythonFsum(_ values: [Double]) -> Double {
    var partials: [Double] = []
    for value in values {
        var x = value
        var kept = 0
        for j in 0..<partials.count {
            var y = partials[j]
            if abs(x) < abs(y) { swap(&x, &y) }
            let hi = x + y
            let lo = y - (hi - x)
            if lo != 0 { partials[kept] = lo; kept += 1 }
            x = hi
        }
        partials.removeSubrange(kept...)
        if x != 0 { partials.append(x) }
    }
    guard var n = partials.indices.last.map({ $0 + 1 }) else { return 0 }
    n -= 1
    var hi = partials[n]
    var lo = 0.0
    while n > 0 {
        let x = hi
        n -= 1
        let y = partials[n]
        hi = x + y
        lo = y - (hi - x)
        if lo != 0 { break }
    }
    if n > 0, (lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0) {
        let y = lo * 2
        let x = hi + y
        if y == x - hi { hi = x }
    }
    return hi
}

/// Total variation distance between two count tables (1 when either is empty), computed
/// exactly: the sum of |a_k * nb - b_k * na| over 2 * na * nb, one rounding. The judge sums
/// floats over a Python set, whose order changes from run to run with string hashing, so
/// its last bits (and, on an exact tie, its fourth decimal) vary; this does not.
func totalVariation<Key: Hashable>(_ a: [Key: Int], _ b: [Key: Int]) -> Double {
    let na = a.values.reduce(0, +), nb = b.values.reduce(0, +)
    guard na > 0, nb > 0 else { return 1 }
    var numerator = 0
    for key in Set(a.keys).union(b.keys) { numerator += abs((a[key] ?? 0) * nb - (b[key] ?? 0) * na) }
    return Double(numerator) / Double(2 * na * nb)
}

/// SciPy's `ks_2samp(a, b).statistic` on integer samples (largest gap between the two
/// empirical CDFs, computed as `i / n1 - j / n2`), or nil when either is empty.
func ksStatistic(_ a: [Int], _ b: [Int]) -> Double? {
    guard !a.isEmpty, !b.isEmpty else { return nil }
    return KSComplement.statistic(sortedA: a.map(Double.init).sorted(), sortedB: b.map(Double.init).sorted())
}
