// The one intermediate form every constraint compiles to.
//
// Regular expressions, JSON Schemas and GBNF grammar text are front ends: each parses its
// own syntax (reporting errors with positions) and produces a `Grammar`. The engine
// (`GrammarAutomaton`) turns any `Grammar` into a recognizer over token symbols, and
// `TokenMasker` turns that recognizer into per-step token masks. One mechanism, three
// syntaxes.
//
// Symbols: a terminal is one *symbol*. Symbols 0...255 are bytes (tokens are byte strings
// in a byte-level BPE vocabulary); a special token such as `<|row|>` is a symbol of its own,
// named in the grammar and bound to a vocabulary id when the constraint is built.

/// A set of bytes, one bit per byte value: the terminal of every grammar.
public struct ByteSet: Hashable, Sendable {
    /// Bits 0...255, four 64-bit words.
    public var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// The empty set.
    public init() {}

    /// The set of the given bytes.
    public init<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        for byte in bytes { insert(byte) }
    }

    /// The bytes `lower...upper`.
    public init(range: ClosedRange<UInt8>) {
        for byte in range { insert(byte) }
    }

    /// Every byte value.
    public static var all: ByteSet { var set = ByteSet(); set.words = (~0, ~0, ~0, ~0); return set }

    public mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    public func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }

    public var isEmpty: Bool { words.0 | words.1 | words.2 | words.3 == 0 }

    /// Bytes not in the set.
    public var complement: ByteSet {
        var set = ByteSet(); set.words = (~words.0, ~words.1, ~words.2, ~words.3); return set
    }

    public func union(_ other: ByteSet) -> ByteSet {
        var set = ByteSet()
        set.words = (words.0 | other.words.0, words.1 | other.words.1, words.2 | other.words.2, words.3 | other.words.3)
        return set
    }

    public func intersection(_ other: ByteSet) -> ByteSet {
        var set = ByteSet()
        set.words = (words.0 & other.words.0, words.1 & other.words.1, words.2 & other.words.2, words.3 & other.words.3)
        return set
    }

    public static func == (a: ByteSet, b: ByteSet) -> Bool { a.words == b.words }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0); hasher.combine(words.1); hasher.combine(words.2); hasher.combine(words.3)
    }
}

/// A grammar expression over bytes, special tokens and named rules.
public indirect enum GrammarExpression: Hashable, Sendable {
    /// One byte from the set.
    case bytes(ByteSet)
    /// One special token, by its text (for example `<|eos|>`); bound to a vocabulary id later.
    case special(String)
    /// Each part in order; the empty sequence matches the empty string.
    case sequence([GrammarExpression])
    /// Any one of the alternatives; the empty choice matches nothing.
    case choice([GrammarExpression])
    /// The expression `min` to `max` times (`max == nil`: unbounded).
    case repetition(GrammarExpression, min: Int, max: Int?)
    /// The rule of that name.
    case rule(String)

    /// The exact bytes of `text` (UTF-8).
    public static func literal(_ text: String) -> GrammarExpression {
        literal(Array(text.utf8))
    }

    /// The exact byte string.
    public static func literal(_ bytes: [UInt8]) -> GrammarExpression {
        bytes.count == 1 ? .bytes(ByteSet([bytes[0]])) : .sequence(bytes.map { .bytes(ByteSet([$0])) })
    }

    /// Matches only the empty string.
    public static var empty: GrammarExpression { .sequence([]) }

    /// `expression?`
    public static func optional(_ expression: GrammarExpression) -> GrammarExpression {
        .repetition(expression, min: 0, max: 1)
    }
}

/// Named rules and the rule a whole output must match.
public struct Grammar: Hashable, Sendable {
    /// Rule bodies by name.
    public var rules: [String: GrammarExpression]
    /// The rule an output must match, start to end.
    public var root: String

    public init(rules: [String: GrammarExpression], root: String) {
        self.rules = rules
        self.root = root
    }

    /// A grammar of one rule.
    public init(_ expression: GrammarExpression) {
        self.init(rules: ["root": expression], root: "root")
    }
}
