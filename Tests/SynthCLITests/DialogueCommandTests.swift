import Foundation
import XCTest

/// `synth dialogue fit` and `synth dialogue sample` end to end on a small generated corpus
/// (three speakers, 3 to 6 turns): a tiny model fitted once for the class, then every
/// sampled dialogue checked by an independent well-formedness checker written here.
final class DialogueCommandTests: XCTestCase {
    nonisolated(unsafe) private static var directory: URL!
    nonisolated(unsafe) private static var model = ""
    nonisolated(unsafe) private static var corpus = ""
    nonisolated(unsafe) private static var setupError: String?

    /// 80 dialogues: USER or GUEST opens, then speakers alternate among USER, SYSTEM, GUEST.
    static func corpusText() -> String {
        var state: UInt64 = 11
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let asks = ["Find me a table for two.", "Is there a train to Lyon?", "Book a room in Nice.", "What is the weather?"]
        let answers = ["Sure, which day?", "There is one at 8 pm.", "Done, anything else?", "It is sunny, 21 degrees."]
        var lines: [String] = []
        for _ in 0..<80 {
            var speaker = next(3) == 0 ? "GUEST" : "USER"
            var turns: [String] = []
            for _ in 0..<(3 + next(4)) {
                let text = speaker == "SYSTEM" ? answers[next(answers.count)] : asks[next(asks.count)]
                turns.append("{\"speaker\": \"\(speaker)\", \"text\": \"\(text)\"}")
                let others = ["USER", "SYSTEM", "GUEST"].filter { $0 != speaker }
                speaker = others[next(2)]
            }
            lines.append("{\"id\": \"\(lines.count)\", \"turns\": [\(turns.joined(separator: ", "))]}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    override class func setUp() {
        super.setUp()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("synth-dialogue-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        corpus = directory.appendingPathComponent("dialogues.jsonl").path
        try? Data(corpusText().utf8).write(to: URL(fileURLWithPath: corpus))
        model = directory.appendingPathComponent("model").path
        let fit = try? runSynthText(["dialogue", "fit", "--input", corpus, "--out", model, "--preset", "tiny", "--steps", "40",
                                     "--batch", "8", "--seed", "2"])
        if fit?.status != 0 { setupError = "could not fit the test model: \(fit?.error ?? "synth did not run")" }
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: directory)
        super.tearDown()
    }

    override func setUpWithError() throws {
        if let error = Self.setupError { throw SharedSetupFailure(description: error) }
    }

    func path(_ name: String) -> String { Self.directory.appendingPathComponent(name).path }

    /// The turns of each JSONL line, as (speaker, text) pairs.
    static func dialogues(_ text: String) throws -> [[(String, String)]] {
        try text.split(separator: "\n").map { line in
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
            let turns = try XCTUnwrap(object["turns"] as? [[String: Any]], String(line))
            return try turns.map { (try XCTUnwrap($0["speaker"] as? String), try XCTUnwrap($0["text"] as? String)) }
        }
    }

    /// Why a dialogue is not well-formed for the test corpus, or nil: 3 to 6 turns, opened by
    /// USER or GUEST, known speakers never twice in a row, one-line non-blank texts.
    static func problem(_ turns: [(String, String)], minTurns: Int = 3) -> String? {
        guard (minTurns...6).contains(turns.count) else { return "\(turns.count) turns" }
        guard ["USER", "GUEST"].contains(turns[0].0) else { return "opened by \(turns[0].0)" }
        for (index, (speaker, text)) in turns.enumerated() {
            guard ["USER", "SYSTEM", "GUEST"].contains(speaker) else { return "speaker \(speaker)" }
            if index > 0 && turns[index - 1].0 == speaker { return "\(speaker) twice" }
            if text.trimmingCharacters(in: .whitespaces).isEmpty || text.contains("\n") || text.contains("<|") {
                return "text \(text.debugDescription)"
            }
        }
        return nil
    }

    func testFitWritesTheRules() throws {
        for file in ["model.safetensors", "config.json", "tokenizer.json", "dialogue.json", "fingerprints.bin", "metrics.jsonl"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: Self.model + "/" + file), file)
        }
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.model + "/dialogue.json"))) as? [String: Any])
        XCTAssertEqual(Set(summary["speakers"] as? [String] ?? []), ["USER", "SYSTEM", "GUEST"])
        XCTAssertEqual(Set(summary["opening_speakers"] as? [String] ?? []), ["USER", "GUEST"])
        XCTAssertEqual(summary["min_turns"] as? Int, 3)
        XCTAssertEqual(summary["max_turns"] as? Int, 6)
        XCTAssertEqual(summary["validation_dialogues"] as? Int, 4, "5% of 80")
        let tokenizer = try String(contentsOfFile: Self.model + "/tokenizer.json", encoding: .utf8)
        XCTAssertTrue(tokenizer.contains("<|speaker:GUEST|>"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.contains(".partial") }
        XCTAssertEqual(leftovers, [])
    }

    func testSampledDialoguesAreWellFormedAndRepeatable() throws {
        let out = path("sampled.jsonl")
        let result = try runSynthText(["dialogue", "sample", "--model", Self.model, "--dialogues", "40", "--out", out, "--seed", "5"])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertTrue(result.error.contains("wrote \(out): 40 dialogues"), result.error)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        let dialogues = try Self.dialogues(text)
        XCTAssertEqual(dialogues.count, 40)
        let training = Set(try Self.dialogues(String(contentsOfFile: Self.corpus, encoding: .utf8)).map { "\($0)" })
        for dialogue in dialogues {
            XCTAssertNil(Self.problem(dialogue), "\(dialogue)")
            XCTAssertFalse(training.contains("\(dialogue)"), "a copy of a training dialogue: \(dialogue)")
        }
        // Turn counts: the 40 evenly spaced quantiles of the 80 training dialogues' counts.
        let trainingCounts = try Self.dialogues(String(contentsOfFile: Self.corpus, encoding: .utf8)).map(\.count).sorted()
        XCTAssertEqual(dialogues.map(\.count).sorted(), (0..<40).map { trainingCounts[Int((Double($0) + 0.5) / 40 * 80)] })
        XCTAssertNotEqual(dialogues.map(\.count), dialogues.map(\.count).sorted(), "in a scattered order")
        let free = try runSynthText(["dialogue", "sample", "--model", Self.model, "--dialogues", "20", "--free-turns", "--seed", "5"])
        XCTAssertEqual(free.status, 0, free.error)
        for dialogue in try Self.dialogues(free.output) { XCTAssertNil(Self.problem(dialogue), "\(dialogue)") }
        // The same seed gives the same dialogues, whatever the batch.
        let again = try runSynthText(["dialogue", "sample", "--model", Self.model, "--dialogues", "40", "--seed", "5", "--batch", "3"])
        XCTAssertEqual(again.status, 0, again.error)
        XCTAssertEqual(again.output, text)
    }

    func testContinuesOpenings() throws {
        let openings = path("openings.jsonl")
        try Data("""
            {"turns": [{"speaker": "GUEST", "text": "Hello there."}, {"speaker": "SYSTEM", "text": "Hi!"}]}
            {"turns": [{"speaker": "USER", "text": "Is there a\\ntrain?"}]}

            """.utf8).write(to: URL(fileURLWithPath: openings))
        let result = try runSynthText(["dialogue", "sample", "--model", Self.model, "--opening", openings, "--dialogues", "3", "--seed", "1"])
        XCTAssertEqual(result.status, 0, result.error)
        let dialogues = try Self.dialogues(result.output)
        XCTAssertEqual(dialogues.count, 6, "3 continuations of each opening, in order")
        for (index, dialogue) in dialogues.enumerated() {
            let opening = index < 3 ? [("GUEST", "Hello there."), ("SYSTEM", "Hi!")] : [("USER", "Is there a train?")]
            XCTAssertEqual(dialogue.prefix(opening.count).map { "\($0.0): \($0.1)" }, opening.map { "\($0.0): \($0.1)" })
            XCTAssertGreaterThan(dialogue.count, opening.count)
            XCTAssertNil(Self.problem(dialogue, minTurns: 3), "\(dialogue)")
        }
    }

    func testBadOpeningsNameTheirLine() throws {
        let openings = path("bad-openings.jsonl")
        try Data("""
            {"turns": [{"speaker": "USER", "text": "Hi"}]}
            {"turns": [{"speaker": "SYSTEM", "text": "Hi"}]}

            """.utf8).write(to: URL(fileURLWithPath: openings))
        let out = path("never.jsonl")
        let result = try runSynthText(["dialogue", "sample", "--model", Self.model, "--opening", openings, "--out", out])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.error.contains("bad-openings.jsonl:2: turn 1: training dialogues open with"), result.error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        try Data(#"{"turns": [{"speaker": "ROBOT", "text": "Hi"}]}"#.utf8).write(to: URL(fileURLWithPath: openings))
        let unknown = try runSynthText(["dialogue", "sample", "--model", Self.model, "--opening", openings])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.error.contains("speaker 'ROBOT' was not seen in training"), unknown.error)
    }

    func testBadCorporaFailClearlyAndLeaveNothing() throws {
        func fit(_ name: String, _ bytes: [UInt8]) throws -> (status: Int32, error: String, leftovers: Bool) {
            let input = path(name)
            try Data(bytes).write(to: URL(fileURLWithPath: input))
            let out = path(name + ".model")
            let result = try runSynthText(["dialogue", "fit", "--input", input, "--out", out, "--preset", "tiny", "--steps", "2"])
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).contains { $0.hasPrefix(name + ".model") }
            return (result.status, result.error, leftovers)
        }
        let good = #"{"turns": [{"speaker": "A", "text": "x"}, {"speaker": "B", "text": "y"}]}"#
        let empty = try fit("empty.jsonl", [])
        XCTAssertEqual(empty.status, 1)
        XCTAssertTrue(empty.error.contains("empty.jsonl: no dialogues"), empty.error)
        XCTAssertFalse(empty.leftovers)
        let malformed = try fit("malformed.jsonl", Array((good + "\n" + good + "\n{\"turns\": [}\n").utf8))
        XCTAssertEqual(malformed.status, 1)
        XCTAssertTrue(malformed.error.contains("malformed.jsonl:3:12: malformed JSON"), malformed.error)
        XCTAssertFalse(malformed.leftovers)
        let invalid = try fit("invalid.jsonl", Array((good + "\n").utf8) + [0x7B, 0xFF, 0x7D, 0x0A])
        XCTAssertEqual(invalid.status, 1)
        XCTAssertTrue(invalid.error.contains("invalid.jsonl:2:2: not valid UTF-8"), invalid.error)
        let reserved = try fit("reserved.jsonl", Array(#"{"turns": [{"speaker": "A", "text": "x<|eos|>"}, {"speaker": "B", "text": "y"}]}"#.utf8))
        XCTAssertEqual(reserved.status, 1)
        XCTAssertTrue(reserved.error.contains("reserved.jsonl:1: turn 1: the text holds '<|'"), reserved.error)
        let lonely = try fit("lonely.jsonl", Array(#"{"turns": [{"speaker": "A", "text": "x"}, {"speaker": "A", "text": "y"}]}"#.utf8))
        XCTAssertEqual(lonely.status, 1)
        XCTAssertTrue(lonely.error.contains("no dialogue with two turns or more"), lonely.error)
        let unknown = try runSynthText(["dialogue", "sample", "--model", Self.model, "--dialogues", "2", "--colour", "red"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.error.contains("unknown option '--colour'"), unknown.error)
        let missing = try runSynthText(["dialogue", "sample", "--model", Self.model])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.error.contains("--dialogues N is required"), missing.error)
        let notDialogue = try runSynthText(["dialogue", "sample", "--model", path("nowhere"), "--dialogues", "1"])
        XCTAssertEqual(notDialogue.status, 1)
        XCTAssertTrue(notDialogue.error.contains("no such model directory"), notDialogue.error)
    }

    func testPrivacyGuardDropsCopies() throws {
        // Forty copies of one dialogue: greedy decoding reproduces it every time.
        let input = path("same.jsonl")
        let line = #"{"turns": [{"speaker": "USER", "text": "hi"}, {"speaker": "SYSTEM", "text": "yo"}]}"#
        try Data(String(repeating: line + "\n", count: 40).utf8).write(to: URL(fileURLWithPath: input))
        let bundle = path("same-model")
        let fit = try runSynthText(["dialogue", "fit", "--input", input, "--out", bundle, "--preset", "tiny", "--steps", "150",
                                    "--batch", "8"])
        XCTAssertEqual(fit.status, 0, fit.error)
        let out = path("same-out.jsonl")
        let guarded = try runSynthText(["dialogue", "sample", "--model", bundle, "--dialogues", "2", "--temperature", "0",
                                        "--max-attempts", "3", "--out", out])
        XCTAssertEqual(guarded.status, 1)
        XCTAssertTrue(guarded.error.contains("exact copy of a training dialogue"), guarded.error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing is half-written")
        let allowed = try runSynthText(["dialogue", "sample", "--model", bundle, "--dialogues", "2", "--temperature", "0",
                                        "--allow-copies", "--out", out])
        XCTAssertEqual(allowed.status, 0, allowed.error)
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8),
                       String(repeating: #"{"turns":[{"speaker":"USER","text":"hi"},{"speaker":"SYSTEM","text":"yo"}]}"# + "\n", count: 2))
    }
}
