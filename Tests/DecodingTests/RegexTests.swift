import Foundation
import XCTest
@testable import Decoding

/// A backtracking matcher over the regex syntax tree: the independent reference for the
/// compiled grammar (it never looks at bytes or at the UTF-8 construction).
struct BacktrackingRegexMatcher {
    let node: RegexNode

    /// Whether the whole of `scalars` matches.
    func matches(_ scalars: [Unicode.Scalar]) -> Bool {
        match(node, scalars, 0) { $0 == scalars.count }
    }

    /// Whether some part `scalars[i..<j]` matches with the branch's anchors respected
    /// (JSON Schema's search semantics).
    static func searches(_ pattern: RegexPattern, _ scalars: [Unicode.Scalar]) -> Bool {
        pattern.branches.contains { branch in
            let matcher = BacktrackingRegexMatcher(node: branch.node)
            let starts = branch.anchoredAtStart ? 0...0 : 0...scalars.count
            return starts.contains { start in
                matcher.match(branch.node, scalars, start) { end in !branch.anchoredAtEnd || end == scalars.count }
            }
        }
    }

    private func match(_ node: RegexNode, _ input: [Unicode.Scalar], _ index: Int, _ rest: (Int) -> Bool) -> Bool {
        switch node {
        case let .characters(set):
            return index < input.count && set.contains(input[index].value) && rest(index + 1)
        case let .sequence(parts):
            return matchSequence(parts[...], input, index, rest)
        case let .alternation(alternatives):
            return alternatives.contains { match($0, input, index, rest) }
        case let .repetition(body, minimum, maximum):
            return matchRepetition(body, minimum, maximum, count: 0, input, index, rest)
        }
    }

    private func matchSequence(_ parts: ArraySlice<RegexNode>, _ input: [Unicode.Scalar], _ index: Int, _ rest: (Int) -> Bool) -> Bool {
        guard let first = parts.first else { return rest(index) }
        return match(first, input, index) { matchSequence(parts.dropFirst(), input, $0, rest) }
    }

    private func matchRepetition(
        _ body: RegexNode, _ minimum: Int, _ maximum: Int?, count: Int,
        _ input: [Unicode.Scalar], _ index: Int, _ rest: (Int) -> Bool
    ) -> Bool {
        if count >= minimum && rest(index) { return true }
        if let maximum, count >= maximum { return false }
        return match(body, input, index) { next in
            // An empty iteration beyond the minimum cannot lead anywhere new.
            if next == index && count >= minimum { return false }
            return matchRepetition(body, minimum, maximum, count: count + 1, input, next, rest)
        }
    }
}

/// Random strings near a pattern's language: samples of it, mutated with its own characters
/// and some noise.
struct RegexStringSampler {
    let node: RegexNode
    let alphabet: [Unicode.Scalar]

    init(pattern: String, node: RegexNode) {
        self.node = node
        var letters = Array(pattern.unicodeScalars)
        letters += ["a", "Z", "0", "9", " ", "\n", "\t", "-", ".", "é", "€", "😀", "\u{7F}", "\u{80}", "\u{FFFF}", "\u{10000}"]
        alphabet = letters
    }

    func sample(using random: inout SplitMix64) -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = []
        generate(node, into: &scalars, using: &random)
        let mutations = Int.random(in: 0...2, using: &random)
        for _ in 0..<mutations where Bool.random(using: &random) {
            let position = Int.random(in: 0...scalars.count, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: scalars.insert(alphabet.randomElement(using: &random)!, at: position)
            case 1: if position < scalars.count { scalars.remove(at: position) }
            default: if position < scalars.count { scalars[position] = alphabet.randomElement(using: &random)! }
            }
        }
        return scalars
    }

    private func generate(_ node: RegexNode, into scalars: inout [Unicode.Scalar], using random: inout SplitMix64) {
        switch node {
        case let .characters(set):
            guard !set.ranges.isEmpty else { return }
            // Prefer the alphabet's members of the set (they are the interesting ones).
            let members = alphabet.filter { set.contains($0.value) }
            if !members.isEmpty && Bool.random(using: &random) {
                scalars.append(members.randomElement(using: &random)!)
            } else {
                let range = set.ranges.randomElement(using: &random)!
                let span = min(range.upperBound, range.lowerBound + 300)
                scalars.append(Unicode.Scalar(UInt32.random(in: range.lowerBound...span, using: &random))!)
            }
        case let .sequence(parts):
            for part in parts { generate(part, into: &scalars, using: &random) }
        case let .alternation(alternatives):
            generate(alternatives.randomElement(using: &random)!, into: &scalars, using: &random)
        case let .repetition(body, minimum, maximum):
            let upper = min(maximum ?? minimum + 3, minimum + 3)
            for _ in 0..<Int.random(in: minimum...max(minimum, upper), using: &random) {
                generate(body, into: &scalars, using: &random)
            }
        }
    }
}

final class RegexTests: XCTestCase {
    static let patterns = [
        "abc", "a|b|", "a*b+c?", "(ab|cd)*e", "[a-c]{2,3}x", "[^a-c\\n]+", ".{0,3}", "\\d{1,3}(\\.\\d{1,3}){3}",
        "\\w+@\\w+\\.(com|org)", "[\\s\\S]?z", "\\D\\W\\S", "(?:x|y){2}?", "a{3}", "a{2,}", "^(foo|bar)$", "é+€?😀*",
        "[é-ü]{1,2}", "\\x41\\u00e9\\u{1F600}", "[\\x00-\\x7F]+", "(a|ab)(c|bcd)(d*)", "(|a)+", "(a*)*b", "[-a]|[a-]",
        "\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\\\", "[^\\u0000-\\u{10FFFE}]", "\\t\\r\\f\\v\\n", "(?<word>[a-z]+)-x?",
        "[^\"\\\\]*", "[0-9a-fA-F]{4}", "(a|b)*?c", "x+?y??z*?",
    ]

    func testCompiledGrammarAgreesWithBacktrackingReference() throws {
        var random = SplitMix64(seed: 42)
        var accepted = 0
        var rejected = 0
        for pattern in Self.patterns {
            let node = try RegexPattern(parsing: pattern).node
            let grammar = try compileRegex(pattern)
            let matcher = ReferenceGrammarMatcher(grammar)
            let reference = BacktrackingRegexMatcher(node: node)
            let sampler = RegexStringSampler(pattern: pattern, node: node)
            var patternAccepted = 0
            for _ in 0..<250 {
                let scalars = sampler.sample(using: &random)
                var text = String.UnicodeScalarView()
                text.append(contentsOf: scalars)
                let expected = reference.matches(scalars)
                XCTAssertEqual(matcher.matches(String(text)), expected, "pattern \(pattern.debugDescription), input \(String(text).debugDescription)")
                if expected { patternAccepted += 1; accepted += 1 } else { rejected += 1 }
            }
            if !pattern.contains("u0000-") { XCTAssertGreaterThan(patternAccepted, 0, "no sample of \(pattern) was accepted") }
        }
        XCTAssertGreaterThan(accepted, 1000)
        XCTAssertGreaterThan(rejected, 1000)
    }

    /// Byte noise: the grammar accepts exactly the valid UTF-8 strings the pattern matches.
    func testInvalidUTF8IsRejected() throws {
        var random = SplitMix64(seed: 7)
        for pattern in [".*", "[^a]*", "[\\s\\S]{0,4}", "\\W*"] {
            let matcher = ReferenceGrammarMatcher(try compileRegex(pattern))
            let reference = BacktrackingRegexMatcher(node: try RegexPattern(parsing: pattern).node)
            for _ in 0..<400 {
                let interesting: [UInt8] = [0x41, 0x0A, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0xA0, 0x9F, 0x8F, 0x90]
                let bytes = (0..<Int.random(in: 0...4, using: &random)).map { _ in interesting.randomElement(using: &random)! }
                let expected = String(validating: bytes, as: UTF8.self).map { reference.matches(Array($0.unicodeScalars)) } ?? false
                XCTAssertEqual(matcher.matches(bytes), expected, "pattern \(pattern), bytes \(bytes.map { String($0, radix: 16) })")
            }
        }
    }

    /// The UTF-8 construction on its own: every boundary scalar of several sets.
    func testUTF8SequencesAcceptExactlyTheSet() {
        let sets: [ScalarRangeSet] = [
            ScalarRangeSet(ranges: [0x41...0x5A, 0x7F...0x80, 0x7FF...0x800, 0xD7FF...0xE000, 0xFFFF...0x10000, 0x10FFFF...0x10FFFF]),
            ScalarRangeSet(ranges: [0x22...0x22, 0x5C...0x5C]).complement,
            ScalarRangeSet(ranges: [0x3FF...0x2001, 0x1_0400...0x4_0000]),
            ScalarRangeSet(ranges: [0x85...0x85, 0x1F0...0x1041, 0x2040...0x2FC1, 0x10_0001...0x10_FFFE]),
            .all,
        ]
        // Every scalar up to U+3000, then a stride through the rest, plus the range ends.
        var probes = Array(UInt32(0)...0x3000) + Array(stride(from: UInt32(0x3001), through: 0x10FFFF, by: 211))
        probes += [0xD7FF, 0xE000, 0xFFFF, 0x10000, 0x103FF, 0x10400, 0x3FFFF, 0x40000, 0x40001, 0x10FFFF]
        var random = SplitMix64(seed: 11)
        let interesting: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x81, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
                                    0xE0, 0xE1, 0xE2, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xFF]
        for set in sets {
            let matcher = ReferenceGrammarMatcher(Grammar(set.utf8Expression))
            for value in probes {
                guard let scalar = Unicode.Scalar(value) else { continue }
                XCTAssertEqual(matcher.matches(Array(String(Character(scalar)).utf8)), set.contains(value), "U+\(String(value, radix: 16))")
            }
            // Random byte strings: accepted exactly when they encode one scalar of the set.
            for _ in 0..<2000 {
                let bytes = (0..<Int.random(in: 1...4, using: &random)).map { _ in interesting.randomElement(using: &random)! }
                let scalars = String(validating: bytes, as: UTF8.self).map { Array($0.unicodeScalars) } ?? []
                let expected = scalars.count == 1 && set.contains(scalars[0].value)
                XCTAssertEqual(matcher.matches(bytes), expected, "\(bytes.map { String($0, radix: 16) })")
            }
            // Overlong and surrogate encodings are never accepted.
            for bytes: [UInt8] in [[0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80],
                                   [0xED, 0xBF, 0xBF], [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80]] {
                XCTAssertFalse(matcher.matches(bytes), "\(bytes)")
            }
        }
        // Small: `.` is a handful of alternatives, not one per code point.
        guard case let .choice(alternatives) = ScalarRangeSet.all.utf8Expression else { return XCTFail("expected a choice") }
        XCTAssertLessThanOrEqual(alternatives.count, 8)
    }

    func testBenchmarkAccessLogPatternCompiles() throws {
        let pattern = try String(contentsOfFile: "/work/shared/bench/access_log.regex", encoding: .utf8)
            .trimmingCharacters(in: .newlines)
        let matcher = ReferenceGrammarMatcher(try compileRegex(pattern))
        XCTAssertTrue(matcher.matches("192.168.0.1 - - [12/Mar/2024:10:11:12 +0000] \"GET /index/a HTTP/1.1\" 200 5120"))
        XCTAssertFalse(matcher.matches("192.168.0.1 - - [12/Mar/2024:10:11:12 +0000] \"PUT /index/a HTTP/1.1\" 200 5120"))
        XCTAssertFalse(matcher.matches("1921.168.0.1 - - [12/Mar/2024:10:11:12 +0000] \"GET /index/a HTTP/1.1\" 200 5120"))
    }

    func testSearchSemantics() throws {
        let allowed = ScalarRangeSet.all
        for pattern in ["ab", "^ab", "ab$", "^ab$", "^a|b$", "x*"] {
            let parsed = try RegexPattern(parsing: pattern)
            let matcher = ReferenceGrammarMatcher(Grammar(parsed.searchLanguage(allowedCharacters: allowed).grammarExpression))
            for text in ["", "ab", "xab", "abx", "xabx", "a", "b", "ba", "aab"] {
                XCTAssertEqual(matcher.matches(text), BacktrackingRegexMatcher.searches(parsed, Array(text.unicodeScalars)), "\(pattern) on \(text)")
            }
        }
    }

    func testErrorsReportPositionAndExpectation() {
        let cases: [(pattern: String, column: Int, fragment: String)] = [
            ("(ab", 4, "expected ')' to close the group opened at column 1"),
            ("ab)", 3, "unmatched ')'"),
            ("a[z-a]", 3, "range out of order"),
            ("a{3,1}", 2, "maximum below its minimum"),
            ("*a", 1, "nothing to repeat"),
            ("a**", 3, "nothing to repeat"),
            ("a|+", 3, "nothing to repeat"),
            ("(a)\\1", 4, "backreferences are not supported"),
            ("a(?=b)", 2, "lookahead assertions are not supported"),
            ("(?<!a)b", 1, "lookbehind assertions are not supported"),
            ("\\q", 1, "unknown escape '\\q'"),
            ("a{1001}", 3, "too large; expected at most 1000"),
            ("a{2,5000}", 5, "too large"),
            ("[abc", 5, "expected ']' to close the character class opened at column 1"),
            ("a^b", 2, "'^' is only supported at the start"),
            ("a$b", 2, "'$' is only supported at the end"),
            ("a{x}", 3, "expected a repetition count"),
            ("[]", 2, "empty character class"),
            ("\\xZZ", 3, "expected two hexadecimal digits"),
            ("\\uD800", 1, "does not name a Unicode scalar"),
            ("[\\d-z]", 2, "class escape cannot start a range"),
            ("\\bword", 1, "word-boundary"),
            ("(?i)a", 1, "unsupported group syntax"),
            ("é(", 3, "expected ')'"),
        ]
        for (pattern, column, fragment) in cases {
            do {
                _ = try compileRegex(pattern)
                XCTFail("\(pattern) should be rejected")
            } catch {
                XCTAssertEqual(error.syntax, .regex)
                XCTAssertEqual(error.line, 1)
                XCTAssertEqual(error.column, column, "\(pattern): \(error)")
                XCTAssertTrue(error.description.contains(fragment), "\(pattern): \(error)")
                XCTAssertTrue(error.description.hasPrefix("regex line 1, column \(column): "), "\(error)")
            }
        }
    }

    func testAnchorsAndLazyQuantifiersDoNotChangeTheLanguage() throws {
        let plain = try RegexPattern(parsing: "a+b*").node
        XCTAssertEqual(try RegexPattern(parsing: "^a+?b*?$").node, plain)
        XCTAssertEqual(try compileRegex("^a+b*$"), try compileRegex("a+b*"))
    }
}
