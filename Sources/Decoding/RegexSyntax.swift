// The regex front end, part 1: the syntax tree and its parser.
//
// The dialect is the common core of ECMAScript, Python and PCRE that describes a regular
// language: literals, `.`, classes, the usual escapes, groups, alternation and counted
// repetition. Everything whose meaning is not a plain set of strings (backreferences,
// lookaround, word boundaries, inline flags, Unicode properties) is rejected with its
// position rather than approximated. `^` and `$` are accepted only where they are no-ops under
// full-match semantics (start / end of a top-level alternative); the JSON Schema front end
// uses them to decide which alternatives are anchored.

/// A parsed regular expression, over Unicode scalars.
indirect enum RegexNode: Hashable, Sendable {
    /// One scalar from the set.
    case characters(ScalarRangeSet)
    /// Each part in order (the empty sequence matches the empty string).
    case sequence([RegexNode])
    /// Any one alternative.
    case alternation([RegexNode])
    /// `node` repeated `min` to `max` times (`nil`: unbounded).
    case repetition(RegexNode, min: Int, max: Int?)
}

/// A whole pattern: top-level alternatives with their anchors.
struct RegexPattern: Hashable, Sendable {
    /// One top-level alternative (`^abc$` in `^abc$|x`).
    struct Branch: Hashable, Sendable {
        /// The alternative began with `^`.
        var anchoredAtStart: Bool
        var node: RegexNode
        /// The alternative ended with `$`.
        var anchoredAtEnd: Bool
    }

    var branches: [Branch]

    /// The language under full-match semantics (anchors are no-ops).
    var node: RegexNode {
        branches.count == 1 ? branches[0].node : .alternation(branches.map(\.node))
    }

    /// Parses `pattern`, reporting the first error with its position.
    init(parsing pattern: String) throws(ConstraintSyntaxError) {
        var parser = RegexParser(cursor: SourceCursor(pattern, syntax: .regex))
        branches = try parser.parsePattern()
    }
}

/// Largest repetition count accepted in `{m,n}`.
let regexMaxRepetition = 1000

/// Recursive-descent parser over a `SourceCursor`.
private struct RegexParser {
    var cursor: SourceCursor

    mutating func parsePattern() throws(ConstraintSyntaxError) -> [RegexPattern.Branch] {
        var branches: [RegexPattern.Branch] = []
        while true {
            let anchoredAtStart = cursor.consume(UInt8(ascii: "^"))
            let (node, anchoredAtEnd) = try parseSequence(topLevel: true)
            branches.append(.init(anchoredAtStart: anchoredAtStart, node: node, anchoredAtEnd: anchoredAtEnd))
            if cursor.consume(UInt8(ascii: "|")) { continue }
            if cursor.peek() == UInt8(ascii: ")") { throw cursor.error("unmatched ')': no group is open") }
            return branches
        }
    }

    /// `a|b|c` inside a group.
    mutating func parseAlternation() throws(ConstraintSyntaxError) -> RegexNode {
        var alternatives: [RegexNode] = []
        repeat {
            alternatives.append(try parseSequence(topLevel: false).node)
        } while cursor.consume(UInt8(ascii: "|"))
        return alternatives.count == 1 ? alternatives[0] : .alternation(alternatives)
    }

    /// Quantified atoms up to `|`, `)` or the end; at top level also a final `$`.
    mutating func parseSequence(topLevel: Bool) throws(ConstraintSyntaxError) -> (node: RegexNode, anchoredAtEnd: Bool) {
        var parts: [RegexNode] = []
        while let byte = cursor.peek(), byte != UInt8(ascii: "|"), byte != UInt8(ascii: ")") {
            if byte == UInt8(ascii: "$") {
                let next = cursor.peek(1)
                if topLevel && (next == nil || next == UInt8(ascii: "|")) {
                    cursor.offset += 1
                    return (sequence(parts), true)
                }
                throw cursor.error("'$' is only supported at the end of the pattern (or of a top-level alternative)")
            }
            if byte == UInt8(ascii: "^") {
                throw cursor.error("'^' is only supported at the start of the pattern (or of a top-level alternative)")
            }
            let atom = try parseAtom()
            parts.append(try parseQuantifiers(of: atom))
        }
        return (sequence(parts), false)
    }

    private func sequence(_ parts: [RegexNode]) -> RegexNode {
        parts.count == 1 ? parts[0] : .sequence(parts)
    }

    mutating func parseAtom() throws(ConstraintSyntaxError) -> RegexNode {
        let start = cursor.offset
        guard let byte = cursor.peek() else { throw cursor.error("expected an expression") }
        switch byte {
        case UInt8(ascii: "("):
            return try parseGroup()
        case UInt8(ascii: "["):
            return .characters(try parseClass())
        case UInt8(ascii: "."):
            cursor.offset += 1
            return .characters(ScalarRangeSet(ranges: [0...0x09, 0x0B...0x10FFFF]))
        case UInt8(ascii: "\\"):
            switch try parseEscape(inClass: false) {
            case let .scalar(scalar): return .characters(ScalarRangeSet(scalar))
            case let .set(set): return .characters(set)
            }
        case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"):
            throw cursor.error("quantifier \(cursor.describeNext()) has nothing to repeat; expected an expression before it", at: start)
        default:
            let scalar = cursor.nextScalar()!
            return .characters(ScalarRangeSet(scalar))
        }
    }

    /// `( … )`, `(?: … )`, `(?<name> … )`; lookaround and inline flags are rejected.
    mutating func parseGroup() throws(ConstraintSyntaxError) -> RegexNode {
        let open = cursor.offset
        cursor.offset += 1
        if cursor.consume(UInt8(ascii: "?")) {
            if cursor.consume(UInt8(ascii: ":")) {
                // non-capturing: same language
            } else if cursor.starts(with: "=") || cursor.starts(with: "!") {
                throw cursor.error("lookahead assertions are not supported (they do not describe a regular set of whole strings here)", at: open)
            } else if cursor.starts(with: "<=") || cursor.starts(with: "<!") {
                throw cursor.error("lookbehind assertions are not supported", at: open)
            } else if cursor.starts(with: "<") || cursor.starts(with: "P<") {
                // Named group: the name does not change the language.
                cursor.offset += cursor.starts(with: "P") ? 2 : 1
                let nameStart = cursor.offset
                while let byte = cursor.peek(), isWordByte(byte) { cursor.offset += 1 }
                if cursor.offset == nameStart { throw cursor.error("expected a group name after '(?<'") }
                guard cursor.consume(UInt8(ascii: ">")) else { throw cursor.error("expected '>' after the group name") }
            } else {
                throw cursor.error("unsupported group syntax '(?\(cursor.describeNext().trimmingQuotes)': expected '(?:' or a plain group", at: open)
            }
        }
        let body = try parseAlternation()
        guard cursor.consume(UInt8(ascii: ")")) else {
            let opened = cursor.error("", at: open)
            throw cursor.error("expected ')' to close the group opened at column \(opened.column), found \(cursor.describeNext())")
        }
        return body
    }

    /// `?`, `*`, `+`, `{m}`, `{m,}`, `{m,n}`, each optionally followed by a lazy `?`.
    mutating func parseQuantifiers(of atom: RegexNode) throws(ConstraintSyntaxError) -> RegexNode {
        let start = cursor.offset
        let bounds: (Int, Int?)
        switch cursor.peek() {
        case UInt8(ascii: "?"): bounds = (0, 1)
        case UInt8(ascii: "*"): bounds = (0, nil)
        case UInt8(ascii: "+"): bounds = (1, nil)
        case UInt8(ascii: "{"): bounds = (-1, nil)  // counts follow
        default: return atom
        }
        cursor.offset += 1
        let (minimum, maximum) = try bounds.0 < 0 ? parseCounts(openedAt: start) : bounds
        _ = cursor.consume(UInt8(ascii: "?"))  // lazy: same language
        if let byte = cursor.peek(), [UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{")].contains(byte) {
            throw cursor.error("quantifier \(cursor.describeNext()) has nothing to repeat (it follows another quantifier)")
        }
        return .repetition(atom, min: minimum, max: maximum)
    }

    /// The inside of `{m}`, `{m,}`, `{m,n}` (cursor after `{`; leaves it after `}`).
    mutating func parseCounts(openedAt open: Int) throws(ConstraintSyntaxError) -> (Int, Int?) {
        let minStart = cursor.offset
        guard let minimum = cursor.decimalValue() else {
            throw cursor.error("expected a repetition count after '{' (write '\\{' for a literal brace)")
        }
        var maximum: Int? = minimum
        var maxStart = minStart
        if cursor.consume(UInt8(ascii: ",")) {
            maxStart = cursor.offset
            maximum = cursor.decimalValue()
        }
        guard cursor.consume(UInt8(ascii: "}")) else {
            throw cursor.error("expected '}' to close the repetition count, found \(cursor.describeNext())")
        }
        if minimum > regexMaxRepetition {
            throw cursor.error("repetition count \(minimum) is too large; expected at most \(regexMaxRepetition)", at: minStart)
        }
        if let maximum, maximum > regexMaxRepetition {
            throw cursor.error("repetition count \(maximum) is too large; expected at most \(regexMaxRepetition)", at: maxStart)
        }
        if let maximum, maximum < minimum {
            throw cursor.error("repetition {\(minimum),\(maximum)} has its maximum below its minimum", at: open)
        }
        return (minimum, maximum)
    }

    /// `[...]` or `[^...]` (cursor on `[`).
    mutating func parseClass() throws(ConstraintSyntaxError) -> ScalarRangeSet {
        let open = cursor.offset
        cursor.offset += 1
        let negated = cursor.consume(UInt8(ascii: "^"))
        if cursor.peek() == UInt8(ascii: "]") {
            throw cursor.error("empty character class; expected a character before ']' (write '\\]' for a literal bracket)")
        }
        var set = ScalarRangeSet()
        while true {
            guard let byte = cursor.peek() else {
                let opened = cursor.error("", at: open)
                throw cursor.error("expected ']' to close the character class opened at column \(opened.column)")
            }
            if byte == UInt8(ascii: "]") {
                cursor.offset += 1
                break
            }
            let itemStart = cursor.offset
            let item = try parseClassItem()
            if cursor.peek() == UInt8(ascii: "-"), let after = cursor.peek(1), after != UInt8(ascii: "]") {
                cursor.offset += 1
                let upperStart = cursor.offset
                let upper = try parseClassItem()
                guard case let .scalar(low) = item else {
                    throw cursor.error("a class escape cannot start a range; expected a single character", at: itemStart)
                }
                guard case let .scalar(high) = upper else {
                    throw cursor.error("a class escape cannot end a range; expected a single character", at: upperStart)
                }
                guard low.value <= high.value else {
                    throw cursor.error("range out of order: '\(Character(low))' comes after '\(Character(high))'", at: itemStart)
                }
                set = set.union(ScalarRangeSet(ranges: [low.value...high.value]))
            } else {
                switch item {
                case let .scalar(scalar): set = set.union(ScalarRangeSet(scalar))
                case let .set(members): set = set.union(members)
                }
            }
        }
        return negated ? set.complement : set
    }

    mutating func parseClassItem() throws(ConstraintSyntaxError) -> EscapeValue {
        if cursor.peek() == UInt8(ascii: "\\") { return try parseEscape(inClass: true) }
        return .scalar(cursor.nextScalar()!)
    }

    /// A backslash escape (cursor on `\`).
    mutating func parseEscape(inClass: Bool) throws(ConstraintSyntaxError) -> EscapeValue {
        let start = cursor.offset
        cursor.offset += 1
        guard let byte = cursor.peek() else { throw cursor.error("expected a character after '\\'") }
        cursor.offset += 1
        switch byte {
        case UInt8(ascii: "d"): return .set(regexDigits)
        case UInt8(ascii: "D"): return .set(regexDigits.complement)
        case UInt8(ascii: "w"): return .set(regexWordCharacters)
        case UInt8(ascii: "W"): return .set(regexWordCharacters.complement)
        case UInt8(ascii: "s"): return .set(regexSpaces)
        case UInt8(ascii: "S"): return .set(regexSpaces.complement)
        case UInt8(ascii: "n"): return .scalar("\n")
        case UInt8(ascii: "t"): return .scalar("\t")
        case UInt8(ascii: "r"): return .scalar("\r")
        case UInt8(ascii: "f"): return .scalar("\u{0C}")
        case UInt8(ascii: "v"): return .scalar("\u{0B}")
        case UInt8(ascii: "x"):
            guard let value = cursor.hexValue(digits: 2) else {
                throw cursor.error("expected two hexadecimal digits after '\\x'")
            }
            return .scalar(Unicode.Scalar(UInt8(value)))
        case UInt8(ascii: "u"):
            return .scalar(try parseUnicodeEscape(escapeStart: start))
        case UInt8(ascii: "1")...UInt8(ascii: "9"), UInt8(ascii: "k"):
            throw cursor.error("backreferences are not supported", at: start)
        case UInt8(ascii: "b"), UInt8(ascii: "B"):
            throw cursor.error("word-boundary assertions are not supported", at: start)
        case UInt8(ascii: "p"), UInt8(ascii: "P"):
            throw cursor.error("Unicode property classes are not supported", at: start)
        default:
            // Escaped ASCII punctuation (metacharacters and others) stands for itself.
            if byte < 0x80, !isWordByte(byte), byte > 0x20, byte != 0x7F {
                return .scalar(Unicode.Scalar(byte))
            }
            cursor.offset = start + 1
            throw cursor.error("unknown escape '\\\(cursor.describeNext().trimmingQuotes)'", at: start)
        }
    }

    /// `\uNNNN` or `\u{N…}` (cursor after `u`).
    mutating func parseUnicodeEscape(escapeStart: Int) throws(ConstraintSyntaxError) -> Unicode.Scalar {
        var value: UInt32
        if cursor.consume(UInt8(ascii: "{")) {
            value = 0
            var digits = 0
            while let byte = cursor.peek(), let digit = hexDigit(byte), digits < 6 {
                value = value << 4 | digit
                digits += 1
                cursor.offset += 1
            }
            guard digits > 0, cursor.consume(UInt8(ascii: "}")) else {
                throw cursor.error("expected 1 to 6 hexadecimal digits and '}' in '\\u{...}'")
            }
        } else {
            guard let parsed = cursor.hexValue(digits: 4) else {
                throw cursor.error("expected four hexadecimal digits after '\\u' (or '\\u{...}')")
            }
            value = parsed
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw cursor.error("'\\u' escape does not name a Unicode scalar (surrogate or above U+10FFFF)", at: escapeStart)
        }
        return scalar
    }
}

/// What an escape stands for: one scalar (usable as a range end) or a class.
enum EscapeValue {
    case scalar(Unicode.Scalar)
    case set(ScalarRangeSet)
}

/// `\d`: ASCII digits.
let regexDigits = ScalarRangeSet(ranges: [0x30...0x39])
/// `\w`: ASCII letters, digits and `_`.
let regexWordCharacters = ScalarRangeSet(ranges: [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
/// `\s`: space, `\t`, `\n`, `\v`, `\f`, `\r` (ASCII only).
let regexSpaces = ScalarRangeSet(ranges: [0x09...0x0D, 0x20...0x20])

private func isWordByte(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
}

private extension String {
    /// `'x'` → `x` (for embedding a described character in a quoted snippet).
    var trimmingQuotes: String {
        hasPrefix("'") && hasSuffix("'") && count >= 2 ? String(dropFirst().dropLast()) : self
    }
}
