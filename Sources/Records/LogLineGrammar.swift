// The grammar that keeps a generated log line valid: a header, then a message.
//
//     line    = header message | bare            (bare only when training lines end at their header)
//     header  = the header regex (given with --header-regex, or inferred from the corpus)
//     message = UTF-8 scalars except NUL, CR and LF, and never the text `<|`
//     window  = <|log|> line ("\n" line){k-1}
//
// The header regex covers everything before the message, the separator included
// (`081109 203615 148 INFO dfs.FSNamesystem: `). Every line the grammar accepts therefore
// starts with a valid header, whatever the model does, and the message is free: the model
// alone decides what is said. The window grammar ends after its last line, without
// `<|eos|>`: the generator's end token closes the window where the grammar accepts (as in
// the table row grammar).

import Decoding

/// How the lines of one log look: the header as a regular expression, and what may follow.
public struct LogLineFormat: Sendable, Equatable {
    /// The header, the separator before the message included.
    public var headerRegex: String
    /// A header that ends its line without a separator, for corpora where some lines have
    /// no message; nil when no training line ends at its header.
    public var bareHeaderRegex: String?

    public init(headerRegex: String, bareHeaderRegex: String? = nil) {
        self.headerRegex = headerRegex
        self.bareHeaderRegex = bareHeaderRegex
    }

    /// The message: any UTF-8 text without NUL, CR, LF and `<|` (a run of `<` is followed by
    /// a character other than `|`, or ends the message).
    public static var messageExpression: GrammarExpression {
        let ascii = ByteSet(range: 0x01...0x7F).intersection(ByteSet([10, 13, UInt8(ascii: "<")]).complement)
        let plain = ValueGrammar.utf8Scalar(ascii: ascii)
        let afterRun = ValueGrammar.utf8Scalar(ascii: ascii.intersection(ByteSet([UInt8(ascii: "|")]).complement))
        let run = GrammarExpression.repetition(.literal("<"), min: 1, max: nil)
        return .sequence([.repetition(.choice([plain, .sequence([run, afterRun])]), min: 0, max: nil),
                          .repetition(.literal("<"), min: 0, max: nil)])
    }

    /// Compiles the header regexes, naming `source` (`--header-regex`, a file) in errors.
    public func validate(source: String) throws(LogError) {
        _ = try LogLineFormat.compile(headerRegex, source: source)
        if let bareHeaderRegex { _ = try LogLineFormat.compile(bareHeaderRegex, source: source + " (bare header)") }
    }

    /// One line: the header, then the message (or a bare header).
    public func lineExpression() throws(LogError) -> GrammarExpression {
        let header = try LogLineFormat.compile(headerRegex, source: "the header regex")
        var line = GrammarExpression.sequence([header, LogLineFormat.messageExpression])
        if let bareHeaderRegex {
            line = .choice([line, try LogLineFormat.compile(bareHeaderRegex, source: "the bare header regex")])
        }
        return line
    }

    /// The grammar of one line, alone (no structure token).
    public func lineGrammar() throws(LogError) -> Grammar {
        Grammar(try lineExpression())
    }

    /// The grammar of one record: `<|log|>`, then `lines` lines separated by line feeds.
    public func windowGrammar(lines: Int) throws(LogError) -> Grammar {
        precondition(lines >= 1, "a window holds at least one line")
        let line = try lineExpression()
        var parts: [GrammarExpression] = [.special(LogLineCodec.logToken), line]
        for _ in 1..<lines {
            parts.append(.literal([10]))
            parts.append(line)
        }
        return Grammar(.sequence(parts))
    }

    /// The root expression of a regex's grammar; errors name `source`.
    static func compile(_ regex: String, source: String) throws(LogError) -> GrammarExpression {
        let grammar: Grammar
        do {
            grammar = try compileRegex(regex)
        } catch {
            throw .invalidHeaderRegex(source: source, reason: error.description)
        }
        return grammar.rules[grammar.root] ?? .choice([])
    }
}

/// Checks whole lines against a ``LogLineFormat`` — training lines before a fit, generated
/// lines before they are written — with the same engine that constrains generation: the
/// line grammar run byte by byte as a token constraint over a vocabulary of the 256 bytes.
public final class LogLineMatcher {
    public let format: LogLineFormat
    private let line: GrammarConstraint
    private let header: GrammarConstraint

    public init(format: LogLineFormat) throws(LogError) {
        self.format = format
        let bytes = TokenTrie(tokenBytes: (0..<256).map { [UInt8($0)] }, specialTokens: [:])
        do {
            line = try GrammarConstraint(grammar: format.lineGrammar(), trie: bytes, endToken: nil)
            header = try GrammarConstraint(
                grammar: Grammar(LogLineFormat.compile(format.headerRegex, source: "the header regex")), trie: bytes, endToken: nil)
        } catch let error as LogError {
            throw error
        } catch {
            throw .invalidHeaderRegex(source: "the header regex", reason: "\(error)")
        }
    }

    /// True when `text` is one valid line: a header, then a message.
    public func matches(_ text: String) -> Bool {
        var state = line.startState
        for byte in text.utf8 {
            guard let next = line.advance(state, token: Int32(byte)) else { return false }
            state = next
        }
        return line.canFinish(state)
    }

    /// The length in bytes of the shortest prefix of `text` that the header regex matches
    /// as a whole, or nil when none does.
    public func headerLength(_ text: String) -> Int? {
        var state = header.startState
        if header.canFinish(state) { return 0 }
        for (index, byte) in text.utf8.enumerated() {
            guard let next = header.advance(state, token: Int32(byte)) else { return nil }
            state = next
            if header.canFinish(state) { return index + 1 }
        }
        return nil
    }

    /// The message of a valid line: what follows its shortest header (empty for a bare
    /// header); nil when the line does not start with a header.
    public func message(_ text: String) -> Substring? {
        guard let length = headerLength(text) else {
            return format.bareHeaderRegex != nil && matches(text) ? text[text.endIndex...] : nil
        }
        let utf8 = text.utf8
        return Substring(utf8[utf8.index(utf8.startIndex, offsetBy: length)...])
    }
}
