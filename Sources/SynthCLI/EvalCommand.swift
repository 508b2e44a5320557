// `synth eval table` and `synth eval text`: Evaluation's reports from the command line;
// this file only reads options and writes the three outputs.

import Foundation
import Evaluation
import Records
import SynthKit

struct EvalCommand: Command {
    static let name = "eval"
    static let summary = "Measure synthetic data against real data: fidelity, utility, privacy, diversity"
    static let help = """
    usage: synth eval table --real TRAIN.csv --synthetic SYNTH.csv [--holdout HOLDOUT.csv]
                            [--target COLUMN] [--out report.html] [--json] [--json-out FILE]
                            [--seed S]
           synth eval text --mode text|logs|dialogues|paraphrases --train FILE --heldout FILE
                           --generated FILE [--system NAME] [--templates FILE.csv]
                           [--out report.html] [--json] [--json-out FILE] [--seed S]

    table   Fidelity: SDMetrics' QualityReport (column shapes, column pair trends,
            overall; and the same with every pair scored). Validity: the share of
            synthetic rows whose every value lies in its real column's domain. With
            --holdout, privacy: distance to the closest record (DCR) to train and to
            holdout, the share of synthetic rows closer to train (0.5 is ideal), exact
            copies, the nearest-neighbour distance ratio and a membership-inference
            attack's AUC. With --holdout and --target, utility: gradient-boosted trees
            and logistic regression trained on the synthetic rows (TSTR) and on the real
            ones (TRTR), tested on the holdout: accuracy, macro-F1, F1, ROC-AUC. The real
            train table decides the column types (numbers numerical, the rest
            categorical).
    text    Generated text against the training corpus and the real held-out text,
            every figure for both: distinct-n, self-BLEU, novelty, 8-gram memorisation,
            length distance; logs: header validity, Drain templates mined from the real
            log (and loghub's ground-truth templates with --templates), template
            distribution distance; dialogues: well-formedness, turns per dialogue;
            paraphrases: BLEU to the source. Files: logs and text one unit per line,
            dialogues and paraphrases JSONL.

    A summary goes to the terminal; --out writes a self-contained HTML page (charts
    as inline SVG, no script); --json prints the report as JSON on standard output
    instead of the summary; --json-out FILE writes it to a file.
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard let verb = arguments.next() else { throw UsageError("expected 'table' or 'text' after 'eval'") }
        switch verb {
        case "table": return try table(&arguments)
        case "text": return try text(&arguments)
        default: throw UsageError("unknown eval command '\(verb)' (expected table or text)")
        }
    }

    static func table(_ arguments: inout Arguments) throws -> Int32 {
        guard let realPath = try arguments.value("--real") else { throw UsageError("--real TRAIN.csv is required") }
        guard let syntheticPath = try arguments.value("--synthetic") else { throw UsageError("--synthetic SYNTH.csv is required") }
        let holdoutPath = try arguments.value("--holdout")
        var options = TableEvaluation.Options(target: try arguments.value("--target"))
        options.seed = UInt64(try arguments.integer("--seed", default: 0, in: 0...Int.max)!)
        let outputs = try Outputs(&arguments)
        try arguments.finish()
        if options.target != nil && holdoutPath == nil {
            throw UsageError("--target needs --holdout (the classifiers are tested on the holdout)")
        }
        let start = Date()
        let train = try readTable(realPath)
        let holdout = try holdoutPath.map(readTable)
        let synthetic = try readTable(syntheticPath)
        let result = try TableEvaluation.run(train: train, holdout: holdout, synthetic: synthetic, options: options)
        try outputs.write(summary: result.summary(), json: { try result.jsonData() }, html: { result.html() })
        printError(String(format: "evaluated in %.2f s", Date().timeIntervalSince(start)))
        return ExitStatus.success
    }

    static func text(_ arguments: inout Arguments) throws -> Int32 {
        guard let modeName = try arguments.value("--mode") else { throw UsageError("--mode text|logs|dialogues|paraphrases is required") }
        guard let mode = TextMode(rawValue: modeName) else {
            throw UsageError("--mode expects text, logs, dialogues or paraphrases, got '\(modeName)'")
        }
        guard let train = try arguments.value("--train") else { throw UsageError("--train FILE is required") }
        guard let heldout = try arguments.value("--heldout") else { throw UsageError("--heldout FILE is required") }
        guard let generated = try arguments.value("--generated") else { throw UsageError("--generated FILE is required") }
        let system = try arguments.value("--system")
        let templates = try arguments.value("--templates")
        let seed = UInt64(try arguments.integer("--seed", default: 0, in: 0...Int.max)!)
        let outputs = try Outputs(&arguments)
        try arguments.finish()
        let start = Date()
        let report = try TextEvaluation.evaluate(mode: mode, train: train, heldout: heldout, generated: generated,
                                                 system: system, templates: templates, seed: seed)
        try outputs.write(summary: report.summary(), json: { try report.jsonData() }, html: { report.html() })
        printError(String(format: "evaluated in %.2f s", Date().timeIntervalSince(start)))
        return ExitStatus.success
    }

    static func readTable(_ path: String) throws -> Table {
        guard FileManager.default.fileExists(atPath: path) else { throw JobError("\(path): no such file") }
        return try Table.read(contentsOf: URL(fileURLWithPath: path))
    }

    /// Where the report goes: the summary (or JSON) on the terminal, and files.
    struct Outputs {
        var htmlPath: String?
        var jsonPath: String?
        var jsonToStandardOutput: Bool

        init(_ arguments: inout Arguments) throws {
            htmlPath = try arguments.value("--out")
            jsonPath = try arguments.value("--json-out")
            jsonToStandardOutput = arguments.flag("--json")
        }

        func write(summary: String, json: () throws -> Data, html: () -> String) throws {
            if let htmlPath { try writeFile(Array(html().utf8), to: htmlPath) }
            if let jsonPath { try writeFile(Array(try json()) + [0x0A], to: jsonPath) }
            if jsonToStandardOutput {
                FileHandle.standardOutput.write(try json() + Data([0x0A]))
                printError(summary)
            } else {
                print(summary)
            }
            if let htmlPath { printError("wrote \(htmlPath)") }
            if let jsonPath { printError("wrote \(jsonPath)") }
        }

        private func writeFile(_ bytes: [UInt8], to path: String) throws {
            let output = try AtomicOutput(path: path)
            try output.write(bytes)
            try output.finish()
        }
    }
}
