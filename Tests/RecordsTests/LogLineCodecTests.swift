import Foundation
import Records
import XCTest

/// Reading log files (line ends, blank lines, what is refused and where) and the window
/// codec (round trips, and the byte where a malformed window breaks).
final class LogLineCodecTests: XCTestCase {
    func testReadsLinesWithTheirNumbers() throws {
        let text = "first line\r\n\nsecond line\n\n\nthird line"
        let file = try LogFile(data: Data(text.utf8), name: "x.log")
        XCTAssertEqual(file.lines, ["first line", "second line", "third line"])
        XCTAssertEqual(file.lineNumbers, [1, 3, 6])
        let trailing = try LogFile(data: Data("a \nb\t\n".utf8), name: "y.log")
        XCTAssertEqual(trailing.lines, ["a ", "b\t"], "spaces and tabs at the end are part of the line")
    }

    func testRefusedLinesNameTheFileAndLine() {
        func error(_ bytes: [UInt8]) -> String {
            do {
                _ = try LogFile(data: Data(bytes), name: "bad.log")
                return "no error"
            } catch {
                return error.description
            }
        }
        XCTAssertEqual(error(Array("ok\nfine\nnot <|eos|> here\n".utf8)),
                       "bad.log:3: the text '<|' is reserved for structure tokens and cannot appear in a log line")
        XCTAssertEqual(error(Array("ok\n".utf8) + [0x61, 0xFF, 0x62, 10]), "bad.log:2: the line is not valid UTF-8")
        XCTAssertEqual(error(Array("ok\na\u{0}b\n".utf8)), "bad.log:2: the line contains a NUL byte, which a log line may not hold")
        XCTAssertEqual(error(Array("a\rb\n".utf8)), "bad.log:1: the line contains a carriage return, which a log line may not hold")
        XCTAssertEqual(error(Array("\n\r\n\n".utf8)), "bad.log: no log lines (the file is empty or holds only blank lines)")
        XCTAssertEqual(error([]), "bad.log: no log lines (the file is empty or holds only blank lines)")
        XCTAssertThrowsError(try LogFile(contentsOf: "/nonexistent/file.log")) { error in
            XCTAssertTrue("\(error)".hasPrefix("/nonexistent/file.log: cannot read"), "\(error)")
        }
    }

    func testWindowsRoundTrip() throws {
        let lines = ["2024-01-01 00:00:00 INFO a: b", "2024-01-01 00:00:01 WARN c: d é ✓", "x <y> z|w"]
        for window in 1...3 {
            let codec = LogLineCodec(window: window)
            let text = codec.encode(lines.prefix(window))
            XCTAssertEqual(text, "<|log|>" + lines.prefix(window).joined(separator: "\n") + "<|eos|>")
            XCTAssertEqual(try codec.decode(text.utf8), Array(lines.prefix(window)))
            // The generator leaves the end token out.
            XCTAssertEqual(try codec.decode(text.dropLast(7).utf8), Array(lines.prefix(window)))
        }
        XCTAssertEqual(try LogLineCodec().decode("<|log|>".utf8), [""], "an empty line is a line")
    }

    func testMalformedWindowsNameTheByte() {
        func error(_ bytes: [UInt8], window: Int = 1) -> String {
            do {
                return "decoded \(try LogLineCodec(window: window).decode(bytes))"
            } catch {
                return error.description
            }
        }
        XCTAssertEqual(error(Array("a line<|eos|>".utf8)), "generated log window, byte 0: expected <|log|> at the start")
        XCTAssertEqual(error(Array("<|log|>one\ntwo<|eos|>".utf8)), "generated log window, byte 14: 2 lines where the window holds 1")
        XCTAssertEqual(error(Array("<|log|>one<|log|>two".utf8)),
                       "generated log window, byte 10: '<|' inside line 1 (a structure token where a line should continue)")
        XCTAssertEqual(error(Array("<|log|>one\n".utf8) + [0xC3], window: 2), "generated log window, byte 11: line 2 is not valid UTF-8")
        XCTAssertEqual(error(Array("<|log|>a\nb\nc".utf8), window: 3), "decoded [\"a\", \"b\", \"c\"]")
    }
}
