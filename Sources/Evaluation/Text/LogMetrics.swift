/// The log figures (mode `logs`): header validity against the system's format, novelty
/// of the messages, and template validity and distance under three template sets: Drain
/// mined from the real lines (training and held-out), Drain mined from the training lines
/// only, and loghub's ground-truth templates when given.
struct LogMetrics {
    let parser: LogHeaderParser
    let levels: Set<String?>
    let components: Set<String?>
    let trainingContents: Set<ExactText>
    let drainAll: DrainMiner
    let drainTrainOnly: DrainMiner
    let groundTruth: GroundTruthTemplates?
    let heldout: [ParsedLogLine]

    /// Parses the training and held-out lines and mines the templates. Levels and
    /// components are those of training lines whose header matches (real date or not),
    /// and Drain learns the message of every matching line, as in the judge.
    init(parser: LogHeaderParser, training: [String], heldout: [String], groundTruth: GroundTruthTemplates?) {
        self.parser = parser
        let train = training.map(parser.parse)
        self.heldout = heldout.map(parser.parse)
        let matchedTrain = train.filter(\.matched)
        levels = parser.format.levelGroup == nil ? [] : Set(matchedTrain.map(\.level))
        components = parser.format.componentGroup == nil ? [] : Set(matchedTrain.map(\.component))
        trainingContents = Set(matchedTrain.compactMap { $0.content?.exactKey })
        let trainContents = matchedTrain.compactMap(\.content)
        drainAll = DrainMiner(mining: trainContents + self.heldout.filter(\.matched).compactMap(\.content))
        drainTrainOnly = DrainMiner(mining: trainContents)
        self.groundTruth = groundTruth
    }

    /// Template assignments of one side under one template set (nil = invalid).
    typealias Assignments = [Int?]

    /// Fills the log fields of `figures` for these lines; returns the template
    /// assignments (drain, drain train only, ground truth) for the distances.
    func side(_ lines: [ParsedLogLine], into figures: inout TextFigures) -> [Assignments] {
        let n = lines.count
        func share(_ count: Int, of total: Int) -> Double? { total > 0 ? Double(count) / Double(total) : nil }
        let parses = lines.map(\.parses)
        let valid = lines.map { $0.parses && (parser.format.levelGroup == nil || levels.contains($0.level)) }
        let strict = zip(lines, valid).map { line, valid in
            valid && (parser.format.componentGroup == nil || components.contains(line.component))
        }
        let parsedCount = parses.count(where: { $0 })
        figures.lines = n
        figures.headerRegexMatch = share(lines.count(where: \.matched), of: n)
        figures.headerParse = share(parsedCount, of: n)
        figures.headerValid = share(valid.count(where: { $0 }), of: n)
        figures.headerStrict = share(strict.count(where: { $0 }), of: n)
        let contents: [String?] = lines.map { $0.parses ? $0.content : nil }
        let parsedContents = contents.compactMap { $0 }
        figures.contentNovelty = share(parsedContents.count(where: { !trainingContents.contains($0.exactKey) }),
                                       of: parsedContents.count)
        let stamps = lines.compactMap { $0.parses ? $0.timestamp : nil }
        figures.timestampsNondecreasing = share(zip(stamps, stamps.dropFirst()).count(where: { $0.1 >= $0.0 }),
                                                of: max(0, stamps.count - 1))
        var assignments: [Assignments] = []
        for (k, assign) in [drainAll.match, drainTrainOnly.match, groundTruth?.match].enumerated() {
            guard let assign else { continue }
            let ids = contents.map { $0.flatMap(assign) }
            let validCount = ids.count(where: { $0 != nil })
            let used = Set(ids.compactMap { $0 }).count
            switch k {
            case 0:
                figures.templateValidityDrain = share(validCount, of: n)
                figures.templateValidityDrainOfParsed = share(validCount, of: parsedCount)
                figures.templatesUsedDrain = used
            case 1:
                figures.templateValidityDrainTrainOnly = share(validCount, of: n)
                figures.templateValidityDrainTrainOnlyOfParsed = share(validCount, of: parsedCount)
                figures.templatesUsedDrainTrainOnly = used
            default:
                figures.templateValidityGroundTruth = share(validCount, of: n)
                figures.templateValidityGroundTruthOfParsed = share(validCount, of: parsedCount)
                figures.templatesUsedGroundTruth = used
            }
            assignments.append(ids)
        }
        return assignments
    }

    /// Both sides: the held-out lines (the reference) and the generated ones.
    func measure(generated lines: [String], into generated: inout TextFigures, _ heldoutFigures: inout TextFigures) {
        let generatedAssignments = side(lines.map(parser.parse), into: &generated)
        let heldoutAssignments = side(heldout, into: &heldoutFigures)
        func counts(_ ids: Assignments) -> [Int: Int] {
            var table: [Int: Int] = [:]
            for id in ids { table[id ?? -1, default: 0] += 1 }
            return table
        }
        let distances = zip(heldoutAssignments, generatedAssignments).map { totalVariation(counts($0), counts($1)) }
        generated.templateTVDrain = distances[0]
        generated.templateTVDrainTrainOnly = distances[1]
        generated.templateTVGroundTruth = distances.count > 2 ? distances[2] : nil
        heldoutFigures.templateTVDrain = 0
        heldoutFigures.templateTVDrainTrainOnly = 0
        heldoutFigures.templateTVGroundTruth = groundTruth == nil ? nil : 0
    }
}
