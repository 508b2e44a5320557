/// Paraphrase pairs as records and as record sequences (DESIGN.md, "Record sequences"):
///
///     <|src|>The stock rose 11 percent.<|para|>Shares gained 11 percent.<|eos|>
///
/// JSON Lines records are `{"source": "...", "paraphrase": "..."}` (other members
/// ignored). Both sentences are ``LineText``; training shows each pair in both directions,
/// and generation prompts with `<|src|>` and the sentence and `<|para|>`, then lets the
/// model write one ``LineText`` ended by `<|eos|>` (``ParaphraseCodec/grammar``).

import Decoding

/// A sentence and a paraphrase of it.
public struct ParaphrasePair: Hashable, Sendable {
    public var source: String
    public var paraphrase: String

    public init(source: String, paraphrase: String) {
        self.source = source
        self.paraphrase = paraphrase
    }

    /// The pairs of a JSON Lines file, with their line numbers: objects with string members
    /// `source` and `paraphrase`.
    public static func read(jsonLinesAt path: String) throws -> [(line: Int, pair: ParaphrasePair)] {
        var pairs: [(line: Int, pair: ParaphrasePair)] = []
        try JSONLinesReader(contentsOf: path).forEach { line, value in
            let source = try member("source", of: value, file: path, line: line)
            let paraphrase = try member("paraphrase", of: value, file: path, line: line)
            pairs.append((line, ParaphrasePair(source: source, paraphrase: paraphrase)))
        }
        return pairs
    }

    /// The sentences to paraphrase in `path`, with their line numbers: with a `.jsonl` name,
    /// the `source` member of each line's object; otherwise each non-blank line's text.
    /// Sentences come back as written (normalise them with ``LineText/normalized(_:)``).
    public static func readSources(at path: String) throws -> [(line: Int, text: String)] {
        var sources: [(line: Int, text: String)] = []
        if path.lowercased().hasSuffix(".jsonl") {
            try JSONLinesReader(contentsOf: path).forEach { line, value in
                sources.append((line, try member("source", of: value, file: path, line: line)))
            }
        } else {
            let lines = try TextLines(contentsOf: path)
            for line in lines where !line.isBlank { sources.append((line.number, try lines.text(of: line))) }
        }
        return sources
    }

    /// The string member `name` of an object, or an error naming the line.
    static func member(_ name: String, of value: JSONValue, file: String, line: Int) throws(RecordFileError) -> String {
        guard case .object = value else {
            throw RecordFileError(file: file, line: line, "expected an object with \"\(name)\", found \(value.typeDescription)")
        }
        guard let member = value[name] else { throw RecordFileError(file: file, line: line, "expected a \"\(name)\" member") }
        guard case let .string(text) = member else {
            throw RecordFileError(file: file, line: line, "expected \"\(name)\" to be a string, found \(member.typeDescription)")
        }
        return text
    }

    /// The pair as one JSON Lines record (no line break): `{"source":...,"paraphrase":...}`.
    public var jsonLine: String {
        "{\"source\":" + jsonLineString(source) + ",\"paraphrase\":" + jsonLineString(paraphrase) + "}"
    }
}

/// Paraphrase pairs ⇄ record sequences.
public enum ParaphraseCodec {
    public static let sourceToken = "<|src|>"
    public static let paraphraseToken = "<|para|>"
    public static let endToken = "<|eos|>"

    /// The special tokens a tokenizer needs: `<|eos|>`, `<|src|>`, `<|para|>`.
    public static let specialTokens = [endToken, sourceToken, paraphraseToken]

    /// `<|src|>source<|para|>paraphrase<|eos|>`.
    public static func encode(source: String, paraphrase: String) -> String {
        prompt(source: source) + paraphrase + endToken
    }

    /// What generation starts from: `<|src|>source<|para|>`.
    public static func prompt(source: String) -> String {
        sourceToken + source + paraphraseToken
    }

    /// The paraphrase a generated continuation of ``prompt(source:)`` spells: its text,
    /// optionally followed by `<|eos|>` (the generator leaves it out). Throws when the
    /// bytes are not UTF-8 or hold another structure token.
    public static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(RecordSequenceError) -> String {
        var b = Array(bytes)
        let end = Array(endToken.utf8)
        if b.count >= end.count && Array(b[(b.count - end.count)...]) == end { b.removeLast(end.count) }
        guard let text = String(validating: b, as: UTF8.self) else { throw RecordSequenceError(offset: 0, "the paraphrase is not valid UTF-8") }
        if let range = text.range(of: "<|") {
            throw RecordSequenceError(offset: text.utf8.distance(from: text.startIndex, to: range.lowerBound), "a structure token inside the paraphrase")
        }
        return text
    }

    /// The grammar of a generated paraphrase: one ``LineText`` (the end token closes it).
    public static let grammar = Grammar(LineText.expression)
}
