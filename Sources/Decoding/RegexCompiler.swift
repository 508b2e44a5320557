// The regex front end, part 2: from the syntax tree to a `Grammar` over bytes.
//
// Each character set becomes the UTF-8 byte-class sequences of `ScalarRangeSet`; sequences,
// alternation and repetition map one to one onto the grammar's own forms, so the grammar is
// about as large as the pattern.

/// Compiles a regular expression into a grammar whose language is the strings the pattern
/// matches *as a whole* (full-match semantics: `abc` accepts only `abc`), encoded as UTF-8.
///
/// Supported: literals; `.` (any character except `\n`); classes `[a-z]`, `[^...]`; escapes
/// `\d \w \s \D \W \S` (ASCII meanings), `\n \t \r \f \v`, `\xNN`, `\uNNNN`, `\u{N...}` and
/// escaped punctuation; groups `( )`, `(?: )`, `(?<name> )`; alternation `|`; quantifiers
/// `? * + {m} {m,} {m,n}` with counts up to 1000, each optionally lazy (`*?`, which does not
/// change the language); `^` at the start and `$` at the end of a top-level alternative
/// (no-ops under full match).
///
/// Rejected, with the position and what was expected: unbalanced parentheses, reversed ranges,
/// `{3,1}`, a quantifier with nothing to repeat, backreferences, lookaround, word boundaries,
/// Unicode properties, unknown escapes, counts above 1000, and `^`/`$` anywhere else.
///
/// - Returns: a grammar with one rule, `root`.
public func compileRegex(_ pattern: String) throws(ConstraintSyntaxError) -> Grammar {
    Grammar(try RegexPattern(parsing: pattern).node.grammarExpression)
}

extension RegexNode {
    /// The same language as a grammar expression over UTF-8 bytes.
    var grammarExpression: GrammarExpression {
        switch self {
        case let .characters(set):
            return set.utf8Expression
        case let .sequence(parts):
            var flat: [GrammarExpression] = []
            for part in parts {
                let expression = part.grammarExpression
                if case let .sequence(inner) = expression { flat += inner } else { flat.append(expression) }
            }
            return flat.count == 1 ? flat[0] : .sequence(flat)
        case let .alternation(alternatives):
            return .choice(alternatives.map(\.grammarExpression))
        case let .repetition(node, min, max):
            return .repetition(node.grammarExpression, min: min, max: max)
        }
    }

    /// The same tree with every character set intersected with `allowed`.
    func restricted(to allowed: ScalarRangeSet) -> RegexNode {
        switch self {
        case let .characters(set): return .characters(set.intersection(allowed))
        case let .sequence(parts): return .sequence(parts.map { $0.restricted(to: allowed) })
        case let .alternation(alternatives): return .alternation(alternatives.map { $0.restricted(to: allowed) })
        case let .repetition(node, min, max): return .repetition(node.restricted(to: allowed), min: min, max: max)
        }
    }
}

extension RegexPattern {
    /// The strings in which the pattern matches *somewhere* (search semantics, as JSON
    /// Schema's `pattern`): an unanchored side of an alternative may be preceded or followed
    /// by any text. Every character, in the pattern and around it, is restricted to `allowed`.
    func searchLanguage(allowedCharacters allowed: ScalarRangeSet) -> RegexNode {
        let anything = RegexNode.repetition(.characters(allowed), min: 0, max: nil)
        let alternatives: [RegexNode] = branches.map { branch in
            var parts: [RegexNode] = []
            if !branch.anchoredAtStart { parts.append(anything) }
            parts.append(branch.node.restricted(to: allowed))
            if !branch.anchoredAtEnd { parts.append(anything) }
            return .sequence(parts)
        }
        return alternatives.count == 1 ? alternatives[0] : .alternation(alternatives)
    }
}
