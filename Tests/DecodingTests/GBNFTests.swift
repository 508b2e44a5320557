import XCTest
@testable import Decoding

final class GBNFTests: XCTestCase {
    private func matcher(_ text: String) throws -> ReferenceGrammarMatcher {
        ReferenceGrammarMatcher(try compileGBNF(text))
    }

    private func gbnfError(_ text: String) -> ConstraintSyntaxError? {
        do {
            _ = try compileGBNF(text)
            return nil
        } catch {
            return error
        }
    }

    func testArithmeticExpressions() throws {
        // Left-recursive on purpose: the reference matcher handles it (the engine reports it).
        let grammar = try matcher(#"""
        root   ::= expr
        expr   ::= expr ("+" | "-") term | term   # left recursion
        term   ::= term [*/] factor
                 | factor
        factor ::= number | "(" expr ")" | "-" factor
        number ::= [0-9]+ ("." [0-9]{1,3})?
        """#)
        for text in ["1", "1+2", "1+2*3", "(1+2)*3", "-(4.25/2)-7", "((1))", "10.125*-3"] {
            XCTAssertTrue(grammar.matches(text), text)
        }
        for text in ["", "1+", "(1", "1..2", "1.1234", "+1", "1 + 2", "()"] {
            XCTAssertFalse(grammar.matches(text), text)
        }
    }

    func testJSONWrittenInGBNF() throws {
        let grammar = try matcher(#"""
        # JSON, with optional whitespace between tokens
        root    ::= value
        value   ::= object | array | string | number | ("true" | "false" | "null")
        object  ::=
          "{" ws (
                    string ":" ws value
            ("," ws string ":" ws value)*
          )? "}" ws
        array   ::= "[" ws ( value ("," ws value)* )? "]" ws
        string  ::= "\"" (
            [^"\\\x7F\x00-\x1F] |
            "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4})
          )* "\"" ws
        number  ::= ("-"? ([0-9] | [1-9] [0-9]*)) ("." [0-9]+)? ([eE] [-+]? [0-9]+)? ws
        ws      ::= ([ \t\n] ws)?
        """#)
        for text in [#"{"a":[1,2.5e-3,true,null],"b":{"c":"x\"\u00e9"}}"#, "[ ]", #""é😀""#, "-0.5", "{ \"k\": [ {} ] }"] {
            XCTAssertTrue(grammar.matches(text), text)
        }
        for text in ["{", #"{"a"}"#, "[1,]", "01x", #""\x""#, "tru", "\"\u{01}\""] {
            XCTAssertFalse(grammar.matches(text), text)
        }
    }

    func testListsContinuationLinesAndRepetitions() throws {
        let grammar = try matcher("""
        root ::= item ("," item){0,3}
        item ::= "a"
          | "bb"        # a line that starts with '|' continues the rule
        | [x-z]{2,} |
          "<" [^>]? ">"
        """)
        for text in ["a", "a,bb", "bb,xyz,a,<>", "<q>,<é>", "a,a,a,a"] { XCTAssertTrue(grammar.matches(text), text) }
        for text in ["", "a,", "x", "a,a,a,a,a", "<ab>", "b"] { XCTAssertFalse(grammar.matches(text), text) }
    }

    func testEscapesClassesAndAnyCharacter() throws {
        let grammar = try matcher(#"""
        root ::= "\x41\u00e9\U0001F600" [\[\]a-] . "\t\n\r\\\"" [^\n]
        """#)
        XCTAssertTrue(grammar.matches("Aé😀]\n\t\n\r\\\"x"))
        XCTAssertTrue(grammar.matches("Aé😀-é\t\n\r\\\"😀"))
        XCTAssertFalse(grammar.matches("Aé😀b.\t\n\r\\\"x"))
        XCTAssertFalse(grammar.matches("Aé😀[.\t\n\r\\\"\n"))
    }

    func testSpecialTokens() throws {
        let grammar = try compileGBNF(#"root ::= "x"+ <|eos|> | <|row|> "y""#)
        guard case let .choice(alternatives)? = grammar.rules["root"] else { return XCTFail("expected a choice") }
        XCTAssertEqual(alternatives.count, 2)
        XCTAssertEqual(alternatives[0], .sequence([.repetition(.literal("x"), min: 1, max: nil), .special("<|eos|>")]))
        XCTAssertEqual(alternatives[1], .sequence([.special("<|row|>"), .literal("y")]))
    }

    func testEquivalentToRegexOnSharedSyntax() throws {
        var random = SplitMix64(seed: 99)
        let pairs: [(gbnf: String, regex: String)] = [
            (#"root ::= ("ab" | [c-e]+)* "z"?"#, "(ab|[c-e]+)*z?"),
            (#"root ::= [^a-c]{1,3} "-" [0-9]{2,}"#, "[^a-c]{1,3}-[0-9]{2,}"),
        ]
        for (gbnf, regex) in pairs {
            let fromGBNF = try matcher(gbnf)
            let node = try RegexPattern(parsing: regex).node
            let reference = BacktrackingRegexMatcher(node: node)
            let sampler = RegexStringSampler(pattern: regex, node: node)
            for _ in 0..<300 {
                let scalars = sampler.sample(using: &random)
                let text = String(String.UnicodeScalarView(scalars))
                XCTAssertEqual(fromGBNF.matches(text), reference.matches(scalars), "\(gbnf) on \(text.debugDescription)")
            }
        }
    }

    func testErrorsReportLineColumnAndExpectation() {
        let cases: [(text: String, line: Int, column: Int, fragment: String)] = [
            ("root ::= item\n", 1, 10, "rule 'item' is used but never defined"),
            ("item ::= \"x\"\n", 1, 1, "expected a rule named 'root'"),
            ("root ::= \"a\"\nroot ::= \"b\"", 2, 1, "defined twice"),
            ("root ::= \"abc\n", 1, 14, "expected '\"' to close the string started at column 10"),
            ("root ::= x\nx ::= [a-z", 2, 11, "expected ']' to close the character class"),
            ("root ::= \"a\"\n\nnext \"b\"", 3, 6, "expected '::=' after the rule name 'next'"),
            ("root ::= (\"a\" | \"b\"\n", 2, 1, "expected ')' to close the group opened at line 1, column 10"),
            ("root ::= \"a\" )", 1, 14, "unmatched ')'"),
            ("root ::= [z-a]", 1, 11, "range out of order"),
            ("root ::= \"a\"{3,1}", 1, 13, "maximum below its minimum"),
            ("root ::= * \"a\"", 1, 10, "nothing to repeat"),
            ("root ::= \"\\q\"", 1, 11, "unknown escape"),
            ("root ::= \"\\x4\"", 1, 13, "expected 2 hexadecimal digits"),
            ("root ::= <|eos", 1, 15, "expected '|>'"),
            ("root ::= \"a\" ; \"b\"", 1, 14, "unexpected ';'"),
            ("# comment\n  ::= \"a\"", 2, 3, "expected a rule name"),
        ]
        for (text, line, column, fragment) in cases {
            guard let error = gbnfError(text) else { XCTFail("\(text.debugDescription) should be rejected"); continue }
            XCTAssertEqual(error.syntax, .grammar)
            XCTAssertEqual(error.line, line, "\(text.debugDescription): \(error)")
            XCTAssertEqual(error.column, column, "\(text.debugDescription): \(error)")
            XCTAssertTrue(error.message.contains(fragment), "\(text.debugDescription): \(error)")
            XCTAssertTrue(error.description.hasPrefix("grammar line \(line), column \(column): "), "\(error)")
        }
    }
}
