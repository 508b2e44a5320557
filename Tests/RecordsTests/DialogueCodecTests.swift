import Decoding
import Foundation
import Records
import XCTest

/// Dialogues as JSON and as record sequences: hand-written expected texts, round trips,
/// and errors that say where and what.
final class DialogueCodecTests: XCTestCase {
    let codec = DialogueCodec(speakers: ["USER", "SYSTEM"])

    func testEncodesTheDesignShape() {
        let dialogue = Dialogue(turns: [DialogueTurn(speaker: "USER", text: "Find me a table."),
                                        DialogueTurn(speaker: "SYSTEM", text: "Where?")])
        XCTAssertEqual(codec.encode(dialogue), "<|dialog|><|speaker:USER|>Find me a table.<|speaker:SYSTEM|>Where?<|eos|>")
        XCTAssertEqual(codec.encode(dialogue, ended: false), "<|dialog|><|speaker:USER|>Find me a table.<|speaker:SYSTEM|>Where?")
        XCTAssertEqual(codec.specialTokens, ["<|eos|>", "<|dialog|>", "<|speaker:USER|>", "<|speaker:SYSTEM|>"])
    }

    func testDecodesWhatItEncodes() throws {
        let dialogue = Dialogue(turns: [DialogueTurn(speaker: "USER", text: "a < b, \u{E9}t\u{E9} \u{1F600}"),
                                        DialogueTurn(speaker: "SYSTEM", text: "<<ok>>"),
                                        DialogueTurn(speaker: "USER", text: "x")])
        XCTAssertEqual(try codec.decode(Array(codec.encode(dialogue).utf8)), dialogue)
        XCTAssertEqual(try codec.decode(Array(codec.encode(dialogue, ended: false).utf8)), dialogue, "the generator leaves <|eos|> out")
        XCTAssertEqual(try codec.decodeTurns(Array("<|speaker:SYSTEM|>Yes.<|speaker:USER|>No.".utf8)),
                       [DialogueTurn(speaker: "SYSTEM", text: "Yes."), DialogueTurn(speaker: "USER", text: "No.")])
    }

    func testDecodingErrorsGiveTheByte() {
        func failure(_ text: String) -> RecordSequenceError? {
            do { _ = try codec.decode(Array(text.utf8)); return nil } catch { return error }
        }
        XCTAssertEqual(failure("<|speaker:USER|>hi"), RecordSequenceError(offset: 0, "expected <|dialog|> at the start"))
        XCTAssertEqual(failure("<|dialog|><|speaker:BOT|>hi"), RecordSequenceError(offset: 10, "unknown speaker 'BOT'"))
        XCTAssertEqual(failure("<|dialog|>hi"), RecordSequenceError(offset: 10, "expected a speaker token <|speaker:NAME|> or <|eos|>"))
        XCTAssertEqual(failure("<|dialog|><|speaker:USER|>hi<|eos|>x"), RecordSequenceError(offset: 35, "bytes after <|eos|>"))
        XCTAssertEqual(failure("<|dialog|><|speaker:USER"), RecordSequenceError(offset: 10, "unterminated speaker token"))
        var bytes = Array("<|dialog|><|speaker:USER|>a".utf8)
        bytes.append(0xFF)
        XCTAssertThrowsError(try codec.decode(bytes)) { XCTAssertEqual($0 as? RecordSequenceError, RecordSequenceError(offset: 26, "the text of turn 1 is not valid UTF-8")) }
    }

    func testReadsJSONAndIgnoresOtherMembers() throws {
        let value = try JSONValue(parsing: Data(#"{"id": "1_0", "services": ["x"], "turns": [{"speaker": "USER", "text": "Hi"}, {"text": "Yo", "speaker": "SYSTEM", "x": 1}]}"#.utf8))
        XCTAssertEqual(try Dialogue(json: value), Dialogue(turns: [DialogueTurn(speaker: "USER", text: "Hi"), DialogueTurn(speaker: "SYSTEM", text: "Yo")]))
        let bare = try JSONValue(parsing: Data(#"[{"speaker": "A", "text": "B"}]"#.utf8))
        XCTAssertEqual(try Dialogue(json: bare).turns.count, 1)
        func message(_ json: String) -> String? {
            do { _ = try Dialogue(json: JSONValue(parsing: Data(json.utf8))); return nil } catch { return "\(error)" }
        }
        XCTAssertEqual(message(#"{"dialogue": []}"#), #"expected a "turns" member (an array of turns)"#)
        XCTAssertEqual(message(#"{"turns": "hi"}"#), #""turns" must be an array of turns, found a string"#)
        XCTAssertEqual(message(#"{"turns": [{"speaker": "A", "text": "b"}, {"speaker": 3, "text": "c"}]}"#),
                       #"turn 2: expected "speaker" to be a string, found a number"#)
        XCTAssertEqual(message(#"{"turns": [{"speaker": "A"}]}"#), #"turn 1: expected "text" to be a string, found no text"#)
        XCTAssertEqual(message("42"), #"expected an object with a "turns" array, found a number"#)
    }

    func testWritesOneJSONLinePerDialogue() throws {
        let dialogue = Dialogue(turns: [DialogueTurn(speaker: "USER", text: "say \"hi\"\\ \u{2028}x"),
                                        DialogueTurn(speaker: "SYSTEM", text: "\u{E9}")])
        let line = dialogue.jsonLine
        XCTAssertEqual(line, #"{"turns":[{"speaker":"USER","text":"say \"hi\"\\ \u2028x"},{"speaker":"SYSTEM","text":"é"}]}"#)
        XCTAssertEqual(try Dialogue(json: JSONValue(parsing: Data(line.utf8))), dialogue, "round trip")
    }

    func testCleaningMakesSingleLinesAndAlternation() {
        let raw = Dialogue(turns: [DialogueTurn(speaker: "USER", text: "  Hi\nthere "),
                                   DialogueTurn(speaker: "USER", text: "anyone?"),
                                   DialogueTurn(speaker: "SYSTEM", text: " \t "),
                                   DialogueTurn(speaker: "SYSTEM", text: "Yes."),
                                   DialogueTurn(speaker: "USER", text: "ok")])
        let (clean, cleaning) = raw.cleaned()
        XCTAssertEqual(clean, Dialogue(turns: [DialogueTurn(speaker: "USER", text: "Hi there anyone?"),
                                               DialogueTurn(speaker: "SYSTEM", text: "Yes."),
                                               DialogueTurn(speaker: "USER", text: "ok")]))
        var expected = Dialogue.Cleaning()
        expected.normalizedTurns = 2
        expected.emptyTurns = 1
        expected.mergedTurns = 1
        XCTAssertEqual(cleaning, expected)
    }

    func testSpeakerNames() {
        for good in ["USER", "Agent 2", "Dr. Who", "\u{E9}l\u{E8}ve"] { XCTAssertNil(DialogueCodec.speakerProblem(good), good) }
        for bad in ["", "a|b", "<x", "x>", " lead", "trail ", "tab\there", "1..3", String(repeating: "x", count: 65)] {
            XCTAssertNotNil(DialogueCodec.speakerProblem(bad), bad)
        }
    }

    func testReadsAFileAndNamesTheLineOfAnError() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dialogue-codec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("d.jsonl").path
        let good = #"{"turns": [{"speaker": "A", "text": "x"}, {"speaker": "B", "text": "y"}]}"#
        try Data((good + "\r\n\n  \n" + good + "\n").utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try Dialogue.read(jsonLinesAt: path).map(\.line), [1, 4])
        try Data((good + "\n" + #"{"turns": [{"speaker": "A"}]}"# + "\n").utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Dialogue.read(jsonLinesAt: path)) {
            XCTAssertEqual("\($0)", path + #":2: turn 1: expected "text" to be a string, found no text"#)
        }
    }
}
