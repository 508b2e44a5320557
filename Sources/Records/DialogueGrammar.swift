// What a well-formed dialogue of a corpus is, and the grammar that makes every sampled
// dialogue one by construction.
//
// Well-formed (the judge's definition, plus what training showed): at least
// max(2, the fewest turns in training) turns and at most the most turns in training; every
// speaker one seen in training; the first speaker one that opened a training dialogue; no
// speaker twice in a row; every text ``LineText`` (one line, not blank, no `<|`).
//
// The grammar counts turns with one rule per (turn number, speaker):
//
//     root        = <|dialog|> (turn_1_USER | ...)            one per opening speaker
//     turn_k_S    = <|speaker:S|> text (ε | turn_k+1_T | ...)  ε when k >= minTurns,
//                                                             T != S, when k < maxTurns
//
// `text` is one shared rule, so the automaton stays small: its configurations are
// (turn number, speaker, place in a text). The grammar ends without `<|eos|>`: the
// generator's end token closes the dialogue where the grammar accepts (see
// TableRowGrammar.swift for why it is not inside the grammar). A continuation starts at
// the rule of the turn after the opening's last, with a speaker other than the last one,
// so it adds at least one turn.

import Decoding

/// The shape every dialogue sampled from a model must have, learned from its training
/// dialogues.
public struct DialogueRules: Hashable, Sendable {
    /// Speakers seen in training, in order of first appearance.
    public var speakers: [String]
    /// Speakers that opened a training dialogue.
    public var openingSpeakers: [String]
    /// Fewest turns of a sampled dialogue (at least 2).
    public var minTurns: Int
    /// Most turns of a sampled dialogue.
    public var maxTurns: Int

    public init(speakers: [String], openingSpeakers: [String], minTurns: Int, maxTurns: Int) {
        self.speakers = speakers
        self.openingSpeakers = openingSpeakers
        self.minTurns = minTurns
        self.maxTurns = maxTurns
    }

    /// Most speakers a corpus may have (each is a token, and the grammar has a rule per speaker and turn).
    public static let maxSpeakers = 32

    /// The rules of `dialogues` (cleaned: see ``Dialogue/cleaned()``, each with at least two
    /// turns). Throws when they cannot make a well-formed dialogue: no dialogue, a bad
    /// speaker name, fewer than two speakers, too many.
    public init(learningFrom dialogues: [Dialogue]) throws(DialogueFormatError) {
        guard !dialogues.isEmpty else { throw DialogueFormatError("no dialogue with two turns or more to learn from") }
        var speakers: [String] = [], seen: Set<String> = [], openers: Set<String> = []
        var fewest = Int.max, most = 0
        for dialogue in dialogues {
            if let first = dialogue.turns.first { openers.insert(first.speaker) }
            fewest = min(fewest, dialogue.turns.count)
            most = max(most, dialogue.turns.count)
            for turn in dialogue.turns where seen.insert(turn.speaker).inserted {
                if let problem = DialogueCodec.speakerProblem(turn.speaker) { throw DialogueFormatError(problem) }
                speakers.append(turn.speaker)
            }
        }
        guard speakers.count >= 2 else {
            throw DialogueFormatError("every turn has the speaker '\(speakers.first ?? "")': a dialogue needs two speakers who alternate")
        }
        guard speakers.count <= DialogueRules.maxSpeakers else {
            throw DialogueFormatError("\(speakers.count) speakers; at most \(DialogueRules.maxSpeakers) are supported")
        }
        self.init(speakers: speakers, openingSpeakers: speakers.filter(openers.contains),
                  minTurns: max(2, fewest), maxTurns: max(2, most))
    }

    /// Why `dialogue` is not well-formed under these rules, or nil.
    public func violation(in dialogue: Dialogue) -> String? {
        if dialogue.turns.count < minTurns { return "\(dialogue.turns.count) turns, fewer than \(minTurns)" }
        if dialogue.turns.count > maxTurns { return "\(dialogue.turns.count) turns, more than \(maxTurns)" }
        return turnViolation(dialogue.turns)
    }

    /// Why `opening` cannot be continued under these rules, or nil: it needs at least one
    /// turn, at most `maxTurns - 1` (room for one more), and turns as in a well-formed
    /// dialogue.
    public func openingViolation(_ opening: Dialogue) -> String? {
        if opening.turns.isEmpty { return "the opening has no turns; give at least one" }
        if opening.turns.count >= maxTurns {
            return "the opening has \(opening.turns.count) turns; the model's dialogues have at most \(maxTurns), so it needs at most \(maxTurns - 1)"
        }
        return turnViolation(opening.turns)
    }

    private func turnViolation(_ turns: [DialogueTurn]) -> String? {
        for (index, turn) in turns.enumerated() {
            let name = "turn \(index + 1)"
            guard speakers.contains(turn.speaker) else {
                return "\(name): speaker '\(turn.speaker)' was not seen in training (speakers: \(speakers.joined(separator: ", ")))"
            }
            if index == 0 && !openingSpeakers.contains(turn.speaker) {
                return "\(name): training dialogues open with \(openingSpeakers.joined(separator: " or ")), not '\(turn.speaker)'"
            }
            if index > 0 && turns[index - 1].speaker == turn.speaker { return "\(name): '\(turn.speaker)' speaks twice in a row" }
            if let problem = LineText.problem(turn.text) { return "\(name): \(problem)" }
        }
        return nil
    }

    // MARK: Grammar

    /// The grammar of a whole dialogue (from `<|dialog|>` on).
    public func grammar() -> Grammar {
        var rules = turnRules()
        rules["root"] = .sequence([.special(DialogueCodec.dialogToken), .choice(openingSpeakers.map { turnRule(1, $0) })])
        return Grammar(rules: rules, root: "root")
    }

    /// The grammar of what may follow `opening` (which must pass ``openingViolation(_:)``):
    /// one or more turns, the first by a speaker other than the opening's last.
    public func continuationGrammar(after opening: Dialogue) -> Grammar {
        precondition(openingViolation(opening) == nil, "continuationGrammar needs a valid opening")
        let last = opening.turns.last!.speaker
        var rules = turnRules()
        rules["root"] = .choice(speakers.filter { $0 != last }.map { turnRule(opening.turns.count + 1, $0) })
        return Grammar(rules: rules, root: "root")
    }

    private func turnRule(_ turn: Int, _ speaker: String) -> GrammarExpression {
        .rule("turn_\(turn)_\(speakers.firstIndex(of: speaker)!)")
    }

    private func turnRules() -> [String: GrammarExpression] {
        var rules: [String: GrammarExpression] = ["text": LineText.expression]
        for turn in 1...maxTurns {
            for speaker in speakers {
                var next: [GrammarExpression] = turn >= minTurns ? [.empty] : []
                if turn < maxTurns { next += speakers.filter { $0 != speaker }.map { turnRule(turn + 1, $0) } }
                rules["turn_\(turn)_\(speakers.firstIndex(of: speaker)!)"] = .sequence([
                    .special(DialogueCodec.speakerToken(speaker)), .rule("text"), .choice(next),
                ])
            }
        }
        return rules
    }
}
