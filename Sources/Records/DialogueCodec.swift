/// Dialogues as record sequences (DESIGN.md, "Record sequences"):
///
///     <|dialog|><|speaker:USER|>Find me a table for two.<|speaker:SYSTEM|>Where?<|eos|>
///
/// `<|dialog|>`, then per turn its speaker's token `<|speaker:NAME|>` and the text, then
/// `<|eos|>`. Speakers are structure tokens of the corpus: the set seen in training, one
/// token each, never merged with text. Texts are ``LineText`` (no `<|`), so decoding is
/// unambiguous: a text runs to the next structure token.
public struct DialogueCodec: Sendable {
    /// The speakers, in the order their tokens were added to the tokenizer.
    public let speakers: [String]

    public static let dialogToken = "<|dialog|>"
    public static let endToken = "<|eos|>"
    static let speakerPrefix = "<|speaker:"

    public init(speakers: [String]) { self.speakers = speakers }

    /// The token of speaker `name`.
    public static func speakerToken(_ name: String) -> String { speakerPrefix + name + "|>" }

    /// The special tokens a tokenizer needs: `<|eos|>`, `<|dialog|>` (as in
    /// `BPE.recordStructureTokens`), then one speaker token per speaker.
    public var specialTokens: [String] {
        [DialogueCodec.endToken, DialogueCodec.dialogToken] + speakers.map(DialogueCodec.speakerToken)
    }

    /// Longest speaker name, in UTF-8 bytes.
    public static let maxSpeakerBytes = 64

    /// Why `name` cannot be a speaker (nil if it can): it must be 1 to 64 bytes, without
    /// `<`, `>`, `|`, control characters or `..`, and not start or end with white space.
    public static func speakerProblem(_ name: String) -> String? {
        if name.isEmpty { return "the speaker is empty" }
        if name.utf8.count > maxSpeakerBytes { return "the speaker '\(name.prefix(20))...' is longer than \(maxSpeakerBytes) bytes" }
        if name.unicodeScalars.contains(where: { "<>|".unicodeScalars.contains($0) || LineText.isControl($0) }) {
            return "the speaker '\(name)' holds '<', '>', '|' or a control character"
        }
        if name.contains("..") { return "the speaker '\(name)' holds '..'" }
        if let first = name.unicodeScalars.first, let last = name.unicodeScalars.last,
           LineText.isSpace(first) || LineText.isSpace(last) {
            return "the speaker '\(name)' starts or ends with white space"
        }
        return nil
    }

    // MARK: Encoding

    /// The turns as they follow `<|dialog|>`: speaker token and text, per turn.
    public func encode(turns: [DialogueTurn]) -> String {
        var text = ""
        for turn in turns { text += DialogueCodec.speakerToken(turn.speaker) + turn.text }
        return text
    }

    /// The whole record sequence; `ended: false` leaves `<|eos|>` off (an opening to
    /// continue, or a dialogue cut short).
    public func encode(_ dialogue: Dialogue, ended: Bool = true) -> String {
        DialogueCodec.dialogToken + encode(turns: dialogue.turns) + (ended ? DialogueCodec.endToken : "")
    }

    // MARK: Decoding

    /// The dialogue a generated sequence spells: `<|dialog|>`, then turns (see
    /// ``decodeTurns(_:)``), then optionally `<|eos|>` (the generator leaves it out).
    public func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(RecordSequenceError) -> Dialogue {
        let b = Array(bytes)
        let open = Array(DialogueCodec.dialogToken.utf8)
        guard b.starts(with: open) else {
            throw RecordSequenceError(offset: 0, "expected \(DialogueCodec.dialogToken) at the start")
        }
        return Dialogue(turns: try turns(in: b, from: open.count))
    }

    /// The turns of a generated sequence (what follows `<|dialog|>` or an opening): each a
    /// known speaker's token followed by its text (running to the next `<|`), optionally
    /// ended by `<|eos|>` with nothing after it. Texts are not checked here;
    /// ``DialogueRules/violation(in:)`` does that.
    public func decodeTurns<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(RecordSequenceError) -> [DialogueTurn] {
        try turns(in: Array(bytes), from: 0)
    }

    /// The turns of `b` from byte `start` on (offsets in errors count from the start of `b`).
    private func turns(in b: [UInt8], from start: Int) throws(RecordSequenceError) -> [DialogueTurn] {
        let prefix = Array(DialogueCodec.speakerPrefix.utf8), end = Array(DialogueCodec.endToken.utf8)
        var turns: [DialogueTurn] = []
        var i = start
        while i < b.count {
            if b[i...].starts(with: end) {
                guard i + end.count == b.count else { throw RecordSequenceError(offset: i + end.count, "bytes after \(DialogueCodec.endToken)") }
                break
            }
            guard b[i...].starts(with: prefix) else {
                throw RecordSequenceError(offset: i, "expected a speaker token <|speaker:NAME|> or \(DialogueCodec.endToken)")
            }
            var k = i + prefix.count
            while k + 1 < b.count, !(b[k] == UInt8(ascii: "|") && b[k + 1] == UInt8(ascii: ">")) { k += 1 }
            guard k + 1 < b.count, let name = String(validating: b[(i + prefix.count)..<k], as: UTF8.self) else {
                throw RecordSequenceError(offset: i, "unterminated speaker token")
            }
            guard speakers.contains(name) else { throw RecordSequenceError(offset: i, "unknown speaker '\(name)'") }
            var stop = k + 2
            while stop < b.count, !(b[stop] == UInt8(ascii: "<") && stop + 1 < b.count && b[stop + 1] == UInt8(ascii: "|")) { stop += 1 }
            guard let text = String(validating: b[(k + 2)..<stop], as: UTF8.self) else {
                throw RecordSequenceError(offset: k + 2, "the text of turn \(turns.count + 1) is not valid UTF-8")
            }
            turns.append(DialogueTurn(speaker: name, text: text))
            i = stop
        }
        return turns
    }
}
