// The GBNF front end: llama.cpp's grammar text format compiled into a `Grammar`.
//
//     root  ::= item ("," item)*
//     item  ::= [a-z]+ | "\"" [^"]* "\""   # comments run to the end of the line
//
// Layout follows llama.cpp's parser: a rule is `name ::= alternatives`; a newline ends the
// rule unless it is inside parentheses or right after a `|`. In addition (llama.cpp would
// reject it) a line that starts with `|` continues the rule above. Special tokens are written
// `<|name|>` and become `.special("<|name|>")`.

/// Compiles grammar text in llama.cpp's GBNF format into a `Grammar` rooted at rule `root`.
///
/// Syntax: rules `name ::= alternatives` (names `[a-zA-Z0-9_-]+`); alternatives separated by
/// `|`; string literals `"..."` and character classes `[a-z]`, `[^...]` with the escapes
/// `\n \t \r \" \\ \[ \] \xNN \uNNNN \UNNNNNNNN`; `.` (any character, including newline); groups
/// `( )`; postfix `* + ? {m} {m,} {m,n}`; special tokens `<|name|>`; comments `#` to the end of
/// the line. A rule body continues on the next line inside parentheses, after a trailing `|`,
/// or when the next line starts with `|`. String literals and classes must end on their line.
///
/// Errors (with line, column and what was expected): a missing `root` rule, undefined rule
/// names (at the first reference), duplicate definitions, unterminated strings, classes,
/// groups and special tokens, missing `::=`, bad escapes and reversed ranges. Left recursion
/// is left to the grammar engine.
public func compileGBNF(_ text: String) throws(ConstraintSyntaxError) -> Grammar {
    var parser = GBNFParser(cursor: SourceCursor(text, syntax: .grammar))
    return try parser.parseGrammar()
}

private struct GBNFParser {
    var cursor: SourceCursor
    var rules: [String: GrammarExpression] = [:]
    /// Every rule reference with the offset of its first use, in order of first use.
    var references: [(name: String, offset: Int)] = []
    var referenced: Set<String> = []

    mutating func parseGrammar() throws(ConstraintSyntaxError) -> Grammar {
        skipSpace(newlines: true)
        while !cursor.isAtEnd {
            try parseRule()
            skipSpace(newlines: true)
        }
        guard rules["root"] != nil else {
            throw cursor.error("expected a rule named 'root' (the start rule); none is defined", at: 0)
        }
        for reference in references where rules[reference.name] == nil {
            throw cursor.error("rule '\(reference.name)' is used but never defined; expected a line '\(reference.name) ::= ...'", at: reference.offset)
        }
        return Grammar(rules: rules, root: "root")
    }

    /// `name ::= alternatives` up to the end of its line (or of its continuation lines).
    mutating func parseRule() throws(ConstraintSyntaxError) {
        let nameStart = cursor.offset
        guard let name = parseName() else {
            throw cursor.error("expected a rule name, found \(cursor.describeNext())")
        }
        if rules[name] != nil {
            throw cursor.error("rule '\(name)' is defined twice; expected each rule to be defined once", at: nameStart)
        }
        skipSpace(newlines: false)
        guard cursor.starts(with: "::=") else {
            throw cursor.error("expected '::=' after the rule name '\(name)', found \(cursor.describeNext())")
        }
        cursor.offset += 3
        skipSpace(newlines: true)
        rules[name] = try parseAlternatives(nested: false)
        if !cursor.isAtEnd && cursor.peek() != UInt8(ascii: "\n") && cursor.peek() != UInt8(ascii: "\r") {
            let what = cursor.peek() == UInt8(ascii: ")") ? "unmatched ')'" : "unexpected \(cursor.describeNext())"
            throw cursor.error("\(what); expected a rule element, '|' or the end of the line")
        }
    }

    mutating func parseAlternatives(nested: Bool) throws(ConstraintSyntaxError) -> GrammarExpression {
        var alternatives = [try parseSequence(nested: nested)]
        while true {
            if !nested && !cursor.isAtEnd && cursor.peek() != UInt8(ascii: "|") {
                // A following line that starts with `|` continues this rule.
                var probe = self
                probe.skipSpace(newlines: true)
                if probe.cursor.peek() == UInt8(ascii: "|") { cursor = probe.cursor }
            }
            guard cursor.consume(UInt8(ascii: "|")) else { break }
            skipSpace(newlines: true)
            alternatives.append(try parseSequence(nested: nested))
        }
        return alternatives.count == 1 ? alternatives[0] : .choice(alternatives)
    }

    /// Elements and their postfix operators, up to `|`, `)`, a newline (outside parentheses)
    /// or anything that cannot start an element.
    mutating func parseSequence(nested: Bool) throws(ConstraintSyntaxError) -> GrammarExpression {
        var parts: [GrammarExpression] = []
        while let byte = cursor.peek() {
            let start = cursor.offset
            switch byte {
            case UInt8(ascii: "\""):
                parts.append(try parseString())
            case UInt8(ascii: "["):
                parts.append(try parseClass())
            case UInt8(ascii: "."):
                cursor.offset += 1
                parts.append(ScalarRangeSet.all.utf8Expression)
            case UInt8(ascii: "("):
                cursor.offset += 1
                skipSpace(newlines: true)
                let body = try parseAlternatives(nested: true)
                guard cursor.consume(UInt8(ascii: ")")) else {
                    let opened = cursor.error("", at: start)
                    throw cursor.error("expected ')' to close the group opened at line \(opened.line), column \(opened.column), found \(cursor.describeNext())")
                }
                parts.append(body)
            case UInt8(ascii: "<") where cursor.peek(1) == UInt8(ascii: "|"):
                parts.append(try parseSpecialToken())
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"):
                guard let last = parts.popLast() else {
                    throw cursor.error("'\(Character(Unicode.Scalar(byte)))' has nothing to repeat; expected an element before it")
                }
                parts.append(try parsePostfix(on: last))
            default:
                guard let name = parseName() else { return parts.count == 1 ? parts[0] : .sequence(parts) }
                if referenced.insert(name).inserted { references.append((name, start)) }
                parts.append(.rule(name))
            }
            skipSpace(newlines: nested)
        }
        return parts.count == 1 ? parts[0] : .sequence(parts)
    }

    /// `*`, `+`, `?`, `{m}`, `{m,}`, `{m,n}` (cursor on the operator).
    mutating func parsePostfix(on element: GrammarExpression) throws(ConstraintSyntaxError) -> GrammarExpression {
        let start = cursor.offset
        let byte = cursor.peek()!
        cursor.offset += 1
        switch byte {
        case UInt8(ascii: "*"): return .repetition(element, min: 0, max: nil)
        case UInt8(ascii: "+"): return .repetition(element, min: 1, max: nil)
        case UInt8(ascii: "?"): return .repetition(element, min: 0, max: 1)
        default: break
        }
        skipSpace(newlines: false)
        guard let minimum = cursor.decimalValue() else {
            throw cursor.error("expected a repetition count after '{', found \(cursor.describeNext())")
        }
        skipSpace(newlines: false)
        var maximum: Int? = minimum
        if cursor.consume(UInt8(ascii: ",")) {
            skipSpace(newlines: false)
            maximum = cursor.decimalValue()
            skipSpace(newlines: false)
        }
        guard cursor.consume(UInt8(ascii: "}")) else {
            throw cursor.error("expected '}' to close the repetition count, found \(cursor.describeNext())")
        }
        if let maximum, maximum < minimum {
            throw cursor.error("repetition {\(minimum),\(maximum)} has its maximum below its minimum", at: start)
        }
        return .repetition(element, min: minimum, max: maximum)
    }

    /// `"..."` (cursor on the quote).
    mutating func parseString() throws(ConstraintSyntaxError) -> GrammarExpression {
        let open = cursor.offset
        cursor.offset += 1
        var text = String.UnicodeScalarView()
        while true {
            guard let byte = cursor.peek(), byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "\r") else {
                let opened = cursor.error("", at: open)
                throw cursor.error("expected '\"' to close the string started at column \(opened.column), found \(cursor.describeNext())")
            }
            if byte == UInt8(ascii: "\"") {
                cursor.offset += 1
                return .literal(String(text))
            }
            text.append(try parseCharacter())
        }
    }

    /// `[...]` or `[^...]` (cursor on `[`).
    mutating func parseClass() throws(ConstraintSyntaxError) -> GrammarExpression {
        let open = cursor.offset
        cursor.offset += 1
        let negated = cursor.consume(UInt8(ascii: "^"))
        var set = ScalarRangeSet()
        while true {
            guard let byte = cursor.peek(), byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "\r") else {
                let opened = cursor.error("", at: open)
                throw cursor.error("expected ']' to close the character class opened at column \(opened.column), found \(cursor.describeNext())")
            }
            if byte == UInt8(ascii: "]") {
                cursor.offset += 1
                break
            }
            let lowStart = cursor.offset
            let low = try parseCharacter()
            if cursor.peek() == UInt8(ascii: "-"), let after = cursor.peek(1), after != UInt8(ascii: "]") {
                cursor.offset += 1
                let high = try parseCharacter()
                guard low.value <= high.value else {
                    throw cursor.error("range out of order: '\(Character(low))' comes after '\(Character(high))'", at: lowStart)
                }
                set = set.union(ScalarRangeSet(ranges: [low.value...high.value]))
            } else {
                set = set.union(ScalarRangeSet(low))
            }
        }
        return (negated ? set.complement : set).utf8Expression
    }

    /// One character of a string or class: a scalar or an escape.
    mutating func parseCharacter() throws(ConstraintSyntaxError) -> Unicode.Scalar {
        guard cursor.peek() == UInt8(ascii: "\\") else { return cursor.nextScalar()! }
        let start = cursor.offset
        cursor.offset += 1
        guard let byte = cursor.peek() else { throw cursor.error("expected a character after '\\'") }
        cursor.offset += 1
        let digits: Int
        switch byte {
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "["), UInt8(ascii: "]"): return Unicode.Scalar(byte)
        case UInt8(ascii: "x"): digits = 2
        case UInt8(ascii: "u"): digits = 4
        case UInt8(ascii: "U"): digits = 8
        default:
            cursor.offset -= 1
            throw cursor.error("unknown escape '\\\(Character(cursor.nextScalar()!))'; expected one of \\n \\t \\r \\\" \\\\ \\[ \\] \\x \\u \\U", at: start)
        }
        guard let value = cursor.hexValue(digits: digits) else {
            throw cursor.error("expected \(digits) hexadecimal digits after '\\\(Character(Unicode.Scalar(byte)))'")
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw cursor.error("escape does not name a Unicode scalar (surrogate or above U+10FFFF)", at: start)
        }
        return scalar
    }

    /// `<|name|>` (cursor on `<`).
    mutating func parseSpecialToken() throws(ConstraintSyntaxError) -> GrammarExpression {
        let open = cursor.offset
        cursor.offset += 2
        while !cursor.starts(with: "|>") {
            guard let byte = cursor.peek(), byte != UInt8(ascii: "\n"), byte != UInt8(ascii: ">") else {
                throw cursor.error("expected '|>' to close the special token opened at column \(cursor.error("", at: open).column)")
            }
            cursor.offset += 1
        }
        cursor.offset += 2
        if cursor.offset - open == 4 { throw cursor.error("expected a name inside '<|...|>'", at: open) }
        return .special(String(decoding: cursor.bytes[open..<cursor.offset], as: UTF8.self))
    }

    /// A run of `[a-zA-Z0-9_-]`, or `nil` (cursor unchanged) if there is none.
    mutating func parseName() -> String? {
        let start = cursor.offset
        while let byte = cursor.peek(),
              (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") {
            cursor.offset += 1
        }
        return cursor.offset == start ? nil : String(decoding: cursor.bytes[start..<cursor.offset], as: UTF8.self)
    }

    /// Skips spaces, tabs and comments, and also newlines when `newlines` is true.
    mutating func skipSpace(newlines: Bool) {
        while let byte = cursor.peek() {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                cursor.offset += 1
            case UInt8(ascii: "#"):
                while let next = cursor.peek(), next != UInt8(ascii: "\n") { cursor.offset += 1 }
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                guard newlines else { return }
                cursor.offset += 1
            default:
                return
            }
        }
    }
}
