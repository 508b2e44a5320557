// Dialogues as records: what one is, how it is read from and written to JSON Lines
// (`{"turns": [{"speaker": "USER", "text": "..."}, ...]}`, other members ignored), and how
// a corpus's dialogues are cleaned for training.

import Decoding

/// One turn of a dialogue: who speaks and what they say.
public struct DialogueTurn: Hashable, Sendable {
    public var speaker: String
    public var text: String

    public init(speaker: String, text: String) {
        self.speaker = speaker
        self.text = text
    }
}

/// A dialogue: its turns in order.
public struct Dialogue: Hashable, Sendable {
    public var turns: [DialogueTurn]

    public init(turns: [DialogueTurn]) { self.turns = turns }

    /// The dialogue a JSON value holds: an object whose `turns` member is an array of
    /// `{"speaker": string, "text": string}` objects (other members are ignored), or such an
    /// array itself. Throws a message naming what is missing or of the wrong type.
    public init(json: JSONValue) throws(DialogueFormatError) {
        let list: [JSONValue]
        switch json {
        case let .array(elements):
            list = elements
        case .object:
            guard let turns = json["turns"] else { throw DialogueFormatError("expected a \"turns\" member (an array of turns)") }
            guard case let .array(elements) = turns else {
                throw DialogueFormatError("\"turns\" must be an array of turns, found \(turns.typeDescription)")
            }
            list = elements
        default:
            throw DialogueFormatError("expected an object with a \"turns\" array, found \(json.typeDescription)")
        }
        var turns: [DialogueTurn] = []
        for (index, element) in list.enumerated() {
            guard case .object = element else {
                throw DialogueFormatError("turn \(index + 1): expected an object {\"speaker\": ..., \"text\": ...}, found \(element.typeDescription)")
            }
            guard case let .string(speaker)? = element["speaker"] else {
                throw DialogueFormatError("turn \(index + 1): expected \"speaker\" to be a string, found \(element["speaker"]?.typeDescription ?? "no speaker")")
            }
            guard case let .string(text)? = element["text"] else {
                throw DialogueFormatError("turn \(index + 1): expected \"text\" to be a string, found \(element["text"]?.typeDescription ?? "no text")")
            }
            turns.append(DialogueTurn(speaker: speaker, text: text))
        }
        self.turns = turns
    }

    /// The dialogues of a JSON Lines file, with their line numbers.
    public static func read(jsonLinesAt path: String) throws -> [(line: Int, dialogue: Dialogue)] {
        var dialogues: [(line: Int, dialogue: Dialogue)] = []
        try JSONLinesReader(contentsOf: path).forEach { line, value in
            do {
                dialogues.append((line, try Dialogue(json: value)))
            } catch let error as DialogueFormatError {
                throw RecordFileError(file: path, line: line, error.message)
            }
        }
        return dialogues
    }

    /// The dialogue as one JSON Lines record (no line break): `{"turns":[{"speaker":...,"text":...},...]}`.
    public var jsonLine: String {
        var line = "{\"turns\":["
        for (index, turn) in turns.enumerated() {
            if index > 0 { line += "," }
            line += "{\"speaker\":" + jsonLineString(turn.speaker) + ",\"text\":" + jsonLineString(turn.text) + "}"
        }
        return line + "]}"
    }

    /// What cleaning changed in a corpus dialogue.
    public struct Cleaning: Sendable, Equatable {
        /// Turns whose text was changed by ``LineText/normalized(_:)``.
        public var normalizedTurns = 0
        /// Turns dropped because their text was empty after normalisation.
        public var emptyTurns = 0
        /// Turns joined to the turn before them (same speaker twice in a row).
        public var mergedTurns = 0

        public init() {}

        public mutating func add(_ other: Cleaning) {
            normalizedTurns += other.normalizedTurns
            emptyTurns += other.emptyTurns
            mergedTurns += other.mergedTurns
        }
    }

    /// The dialogue as training (and openings) use it: each text normalised (controls and
    /// line breaks to spaces, trimmed), empty turns dropped, and consecutive turns of one
    /// speaker joined with a space, so that speakers alternate.
    public func cleaned() -> (Dialogue, Cleaning) {
        var cleaning = Cleaning()
        var turns: [DialogueTurn] = []
        for turn in self.turns {
            let text = LineText.normalized(turn.text)
            if text != turn.text { cleaning.normalizedTurns += 1 }
            guard !text.isEmpty else {
                cleaning.emptyTurns += 1
                continue
            }
            if let last = turns.last, last.speaker == turn.speaker {
                turns[turns.count - 1].text += " " + text
                cleaning.mergedTurns += 1
            } else {
                turns.append(DialogueTurn(speaker: turn.speaker, text: text))
            }
        }
        return (Dialogue(turns: turns), cleaning)
    }
}

/// A JSON value that is not a dialogue, with what was expected.
public struct DialogueFormatError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
