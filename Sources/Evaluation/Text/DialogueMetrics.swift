import Foundation

/// One dialogue as the judge reads it: its turns (speaker and text, nil where the JSON
/// value is not a string), or why the record could not be read.
struct DialogueRecord {
    var turns: [(speaker: String?, text: String?)]?
    /// "not JSON", "no turns list" or "turn not an object" when `turns` is nil.
    var error: String?
    /// 1-based line of the record in its file (its first line for the text format).
    var line: Int

    /// The judge's `dialogue_text`: "speaker: text" lines (None written for a missing value).
    var text: String {
        (turns ?? []).map { "\($0.speaker ?? "None"): \($0.text ?? "None")" }.joined(separator: "\n")
    }
}

/// Reading dialogues (JSONL, or blank-line-separated "SPEAKER: text" blocks) and the
/// dialogue figures: well-formedness, turn counts against the held-out ones, novelty.
enum DialogueMetrics {
    /// `json.loads` of one line: any JSON value, nil when the text is not JSON.
    static func json(_ line: String) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])
    }

    /// JSONL, one dialogue a line: `{"turns": [{"speaker": …, "text": …}, …]}` or the bare
    /// list of turns. Lines are Python's `splitlines()` of the text; blank ones are skipped.
    static func readJSONL(_ text: String) -> [DialogueRecord] {
        var records: [DialogueRecord] = []
        for (index, line) in text.pythonLines.enumerated() where line.hasPythonNonSpace {
            guard let object = json(line) else {
                records.append(DialogueRecord(turns: nil, error: "not JSON", line: index + 1))
                continue
            }
            let list: Any?
            if let dictionary = object as? [String: Any] { list = dictionary["turns"] } else { list = object }
            guard let turns = list as? [Any] else {
                records.append(DialogueRecord(turns: nil, error: "no turns list", line: index + 1))
                continue
            }
            var parsed: [(speaker: String?, text: String?)] = []
            var error: String?
            for turn in turns {
                guard let turn = turn as? [String: Any] else { error = "turn not an object"; break }
                parsed.append((turn["speaker"] as? String, turn["text"] as? String))
            }
            records.append(error == nil ? DialogueRecord(turns: parsed, line: index + 1)
                           : DialogueRecord(turns: nil, error: error, line: index + 1))
        }
        return records
    }

    private static let blockSeparator = try! NSRegularExpression(
        pattern: "\\n[\(pythonSpaceClass)]*\\n", options: [.useUnixLineSeparators])
    private static let turnLine = try! NSRegularExpression(
        pattern: "[\(pythonSpaceClass)]*([^:]{1,40}?)[\(pythonSpaceClass)]*:[\(pythonSpaceClass)]?(.*)$",
        options: [.useUnixLineSeparators])

    /// The text format: dialogues separated by blank lines, one "SPEAKER: text" a line
    /// (a line without a colon is a turn with no speaker).
    static func readText(_ text: String) -> [DialogueRecord] {
        let string = text as NSString
        var blocks: [(String, Int)] = []
        var start = 0
        for match in blockSeparator.matches(in: text, range: NSRange(location: 0, length: string.length)) {
            blocks.append((string.substring(with: NSRange(location: start, length: match.range.location - start)), start))
            start = match.range.location + match.range.length
        }
        blocks.append((string.substring(from: start), start))
        var records: [DialogueRecord] = []
        var line = 1, counted = 0
        for (block, offset) in blocks {
            while counted < offset {
                if string.character(at: counted) == 0x0A { line += 1 }
                counted += 1
            }
            guard block.hasPythonNonSpace else { continue }
            let turns = block.pythonLines.map { row -> (speaker: String?, text: String?) in
                let r = row as NSString
                guard let m = turnLine.firstMatch(in: row, options: [.anchored], range: NSRange(location: 0, length: r.length))
                else { return (nil, row) }
                return (r.substring(with: m.range(at: 1)), r.substring(with: m.range(at: 2)))
            }
            records.append(DialogueRecord(turns: turns, line: line))
        }
        return records
    }

    /// Reads generated dialogues in either format: JSONL when the first non-blank line
    /// starts with `{` or `[`.
    static func readAuto(_ text: String) -> [DialogueRecord] {
        let first = text.pythonLines.first(where: \.hasPythonNonSpace)?.pythonStripped ?? ""
        return first.hasPrefix("{") || first.hasPrefix("[") ? readJSONL(text) : readText(text)
    }

    /// The judge's `wellformed`: nil when well formed, else the reason.
    static func failure(_ record: DialogueRecord, speakers: Set<ExactText>) -> String? {
        if let error = record.error { return error }
        guard let turns = record.turns else { return "unparsable" }
        if turns.count < 2 { return "fewer than 2 turns" }
        for (i, turn) in turns.enumerated() {
            guard let speaker = turn.speaker, !speaker.isEmpty, speakers.contains(speaker.exactKey) else {
                return "unknown or missing speaker"
            }
            guard let text = turn.text, text.hasPythonNonSpace else { return "empty turn" }
            if i > 0, let previous = turns[i - 1].speaker, previous.exactKey == speaker.exactKey {
                return "same speaker twice in a row"
            }
        }
        return nil
    }

    /// The turn texts, the units of the generic figures.
    static func units(_ records: [DialogueRecord]) -> [String] {
        records.flatMap { ($0.turns ?? []).compactMap(\.text) }
    }

    /// Fills the dialogue fields of both sides.
    static func measure(generated: [DialogueRecord], heldout: [DialogueRecord], training: [DialogueRecord],
                        into generatedFigures: inout TextFigures, _ heldoutFigures: inout TextFigures) {
        let trainDialogues = training.compactMap(\.turns).filter { !$0.isEmpty }
        let speakers = Set(trainDialogues.flatMap { $0.compactMap { $0.speaker?.exactKey } })
        let trainTexts = Set(training.filter { !($0.turns ?? []).isEmpty }.map(\.text.exactKey))
        func side(_ records: [DialogueRecord], into figures: inout TextFigures) -> [Int] {
            var failures: [String: Int] = [:]
            var wellFormed = 0
            for record in records {
                if let reason = failure(record, speakers: speakers) { failures[reason, default: 0] += 1 } else { wellFormed += 1 }
            }
            let parsed = records.filter { $0.turns != nil }
            let turns = parsed.map { $0.turns!.count }
            figures.dialogues = records.count
            figures.wellFormed = records.isEmpty ? nil : Double(wellFormed) / Double(records.count)
            figures.failures = failures
            figures.meanTurns = turns.isEmpty ? nil : Double(turns.reduce(0, +)) / Double(turns.count)
            figures.dialogueNovelty = parsed.isEmpty ? nil
                : Double(parsed.count(where: { !trainTexts.contains($0.text.exactKey) })) / Double(parsed.count)
            return turns
        }
        let generatedTurns = side(generated, into: &generatedFigures)
        let heldoutTurns = side(heldout, into: &heldoutFigures)
        if !generatedTurns.isEmpty, !heldoutTurns.isEmpty {
            generatedFigures.turnsKS = ksStatistic(heldoutTurns, generatedTurns)
            var a: [Int: Int] = [:], b: [Int: Int] = [:]
            for t in heldoutTurns { a[t, default: 0] += 1 }
            for t in generatedTurns { b[t, default: 0] += 1 }
            generatedFigures.turnsTV = totalVariation(a, b)
        }
        heldoutFigures.turnsKS = 0
        heldoutFigures.turnsTV = 0
    }
}

/// Reading paraphrase pairs and their figures: BLEU to the source (sacreBLEU corpus and
/// mean sentence BLEU), identical pairs, and BLEU to the held-out human paraphrase where
/// a generated pair's source is a held-out source.
enum ParaphraseMetrics {
    /// `{"source": …, "paraphrase": …}` per line (file lines: only \n ends one); blank
    /// lines skipped. Returns the pairs and the 1-based lines that are not such records.
    static func read(_ text: String) -> (pairs: [(source: String, paraphrase: String)], malformedLines: [Int]) {
        var pairs: [(source: String, paraphrase: String)] = []
        var malformed: [Int] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(line)
            guard line.hasPythonNonSpace else { continue }
            guard let object = DialogueMetrics.json(line) as? [String: Any],
                  let source = object["source"] as? String, let paraphrase = object["paraphrase"] as? String
            else { malformed.append(index + 1); continue }
            pairs.append((source, paraphrase))
        }
        return (pairs, malformed)
    }

    /// One side's figures (nothing but the count when there is no pair).
    static func side(_ pairs: [(source: String, paraphrase: String)], corpus: inout SacreBLEU.Corpus,
                     into figures: inout TextFigures) {
        figures.pairs = pairs.count
        guard !pairs.isEmpty else { return }
        let segments = pairs.map { corpus.statistics($0.paraphrase, [$0.source]) }
        figures.bleuToSource = SacreBLEU.corpusScore(segments)
        var sum = 0.0
        for segment in segments { sum += SacreBLEU.score(segment, effectiveOrder: true) }
        figures.meanSentenceBLEUToSource = sum / Double(pairs.count)
        let identical = pairs.count(where: {
            $0.source.pythonWhitespaceNormalized.lowercased().exactKey == $0.paraphrase.pythonWhitespaceNormalized.lowercased().exactKey
        })
        figures.identicalToSource = Double(identical) / Double(pairs.count)
    }

    static func measure(generated: [(source: String, paraphrase: String)], heldout: [(source: String, paraphrase: String)],
                        into generatedFigures: inout TextFigures, _ heldoutFigures: inout TextFigures) {
        var corpus = SacreBLEU.Corpus()
        side(heldout, corpus: &corpus, into: &heldoutFigures)
        side(generated, corpus: &corpus, into: &generatedFigures)
        var references: [ExactText: [String]] = [:]
        for pair in heldout { references[pair.source.pythonWhitespaceNormalized.exactKey, default: []].append(pair.paraphrase) }
        let matched = generated.compactMap { pair -> (source: String, paraphrase: String, references: [String])? in
            references[pair.source.pythonWhitespaceNormalized.exactKey].map { (pair.source, pair.paraphrase, $0) }
        }
        guard !matched.isEmpty else { return }
        let streamCount = matched.map(\.references.count).max()!
        let streams = (0..<streamCount).map { i in matched.map { i < $0.references.count ? $0.references[i] : $0.references[0] } }
        let toReference = SacreBLEU.corpusScore(matched.indices.map { i in
            corpus.statistics(matched[i].paraphrase, streams.map { $0[i] })
        })
        let toSource = SacreBLEU.corpusScore(matched.map { corpus.statistics($0.paraphrase, [$0.source]) })
        generatedFigures.pairsWithHeldoutSource = matched.count
        generatedFigures.bleuToReference = toReference
        generatedFigures.ibleu08 = 0.8 * toReference - 0.2 * toSource
        generatedFigures.ibleu09 = 0.9 * toReference - 0.1 * toSource
    }
}
