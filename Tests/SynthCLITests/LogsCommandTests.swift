import Foundation
import XCTest

/// `synth logs fit` and `synth logs sample` end to end on a small made-up application log
/// that crosses a new year: tiny models fitted once for the class (header inferred, window
/// of 1; header given in a file, window of 3), then every sampled line checked with an
/// independent parser written here (a regex and a strict date parser).
final class LogsCommandTests: XCTestCase {
    nonisolated(unsafe) private static var directory: URL!
    nonisolated(unsafe) private static var log = ""
    nonisolated(unsafe) private static var inferred = ""
    nonisolated(unsafe) private static var windowed = ""
    nonisolated(unsafe) private static var setupError: String?

    static let levels = ["INFO", "WARN", "ERROR"]
    static let components = ["Auth", "Api", "Cache", "Billing"]
    /// The header of the made-up log, for `--header-regex-file`.
    static let headerRegex = "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} (INFO|WARN|ERROR) \\[[a-z]+\\] (Auth|Api|Cache|Billing): "

    /// 240 lines from five events, 31 December 2023 22:00 to 1 January 2024.
    static func logText() -> String {
        var state: UInt64 = 7
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        var seconds = 22 * 3600
        var lines: [String] = []
        for _ in 0..<240 {
            seconds += 20 + next(60)
            let day = seconds < 86_400 ? "2023-12-31" : "2024-01-01"
            let s = seconds % 86_400
            let time = String(format: "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            let thread = ["main", "worker", "timer"][next(3)]
            let (level, component, message): (String, String, String)
            switch next(5) {
            case 0: (level, component, message) = ("INFO", "Auth", "user u\(next(90)) logged in from 10.0.\(next(9)).\(next(250))")
            case 1: (level, component, message) = ("INFO", "Api", "GET /api/items/\(next(999)) took \(5 + next(300))ms")
            case 2: (level, component, message) = ("WARN", "Cache", "cache miss for key k\(next(5000))")
            case 3: (level, component, message) = ("ERROR", "Billing", "payment p\(next(100_000)) failed: card declined")
            default: (level, component, message) = ("INFO", "Api", "worker \(next(8)) idle")
            }
            lines.append("\(day) \(time) \(level) [\(thread)] \(component): \(message)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    override class func setUp() {
        super.setUp()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("synth-logs-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        log = directory.appendingPathComponent("app.log").path
        try? Data(logText().utf8).write(to: URL(fileURLWithPath: log))
        let regexFile = directory.appendingPathComponent("header.regex").path
        try? Data((headerRegex + "\n").utf8).write(to: URL(fileURLWithPath: regexFile))
        inferred = directory.appendingPathComponent("inferred").path
        windowed = directory.appendingPathComponent("windowed").path
        let fit = try? runSynthText(["logs", "fit", "--input", log, "--out", inferred, "--preset", "tiny", "--steps", "60",
                                     "--batch", "8", "--seed", "3"])
        if fit?.status != 0 { setupError = "could not fit the test model: \(fit?.error ?? "synth did not run")"; return }
        let fitWindowed = try? runSynthText(["logs", "fit", "--input", log, "--out", windowed, "--header-regex-file", regexFile,
                                             "--window", "3", "--preset", "tiny", "--steps", "30", "--batch", "8"])
        if fitWindowed?.status != 0 { setupError = "could not fit the windowed model: \(fitWindowed?.error ?? "synth did not run")" }
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: directory)
        super.tearDown()
    }

    override func setUpWithError() throws {
        if let error = Self.setupError { throw SharedSetupFailure(description: error) }
    }

    func testFitWritesACompleteBundle() throws {
        for bundle in [Self.inferred, Self.windowed] {
            for file in ["model.safetensors", "config.json", "tokenizer.json", "header.regex", "fingerprints.bin", "logs.json", "metrics.jsonl"] {
                XCTAssertTrue(FileManager.default.fileExists(atPath: bundle + "/" + file), file)
            }
        }
        let summary = try Self.summary(Self.inferred)
        XCTAssertEqual(summary["kind"] as? String, "logs")
        XCTAssertEqual(summary["window"] as? Int, 1)
        XCTAssertEqual(summary["lines"] as? Int, 240)
        XCTAssertEqual(summary["header_inferred"] as? Bool, true)
        let regex = try String(contentsOfFile: Self.inferred + "/header.regex", encoding: .utf8)
        XCTAssertEqual(regex, (summary["header_regex"] as? String ?? "?") + "\n")
        // The inferred header ends before the message and knows the two dates.
        XCTAssertTrue(regex.hasSuffix(": \n"), regex)
        XCTAssertTrue(regex.contains("2023-12-31") && regex.contains("2024-01-01"), regex)
        let windowed = try Self.summary(Self.windowed)
        XCTAssertEqual(windowed["window"] as? Int, 3)
        XCTAssertEqual(windowed["header_inferred"] as? Bool, false)
        XCTAssertEqual(windowed["header_regex"] as? String, Self.headerRegex)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.contains(".partial") }
        XCTAssertEqual(leftovers, [])
    }

    func testSampledLinesHaveRealHeadersAndAreNotCopies() throws {
        let out = Self.directory.appendingPathComponent("sampled.log").path
        let result = try runSynthText(["logs", "sample", "--model", Self.inferred, "--lines", "150", "--out", out, "--seed", "5"])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertTrue(result.error.contains("lines/s"), result.error)
        let lines = try Self.lines(out)
        XCTAssertEqual(lines.count, 150)
        let training = Set(try Self.lines(Self.log))
        for line in lines {
            XCTAssertNil(Self.headerProblem(line), line)
            XCTAssertFalse(training.contains(line), "a copy of a training line: \(line)")
        }
    }

    func testWindowsWriteExactlyTheLinesAskedFor() throws {
        let result = try runSynthText(["logs", "sample", "--model", Self.windowed, "--lines", "10", "--seed", "9"])
        XCTAssertEqual(result.status, 0, result.error)
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        XCTAssertEqual(lines.count, 10, "four windows of 3, the last one cut")
        for line in lines { XCTAssertNil(Self.headerProblem(line, strictDates: false), line) }
        XCTAssertTrue(result.error.contains("windows of 3 drawn"), result.error)
        let again = try runSynthText(["logs", "sample", "--model", Self.windowed, "--lines", "10", "--seed", "9", "--batch", "2"])
        XCTAssertEqual(again.output, result.output, "the same seed gives the same lines, whatever the batch")
    }

    func testPrivacyGuardDropsCopiesAndGivesUpClearly() throws {
        // Three lines repeated: greedy decoding writes the likeliest one, a training line.
        let small = Self.directory.appendingPathComponent("small.log").path
        let text = (0..<60).map { ["INFO a: ready", "INFO a: steady", "WARN a: go"][$0 % 3] }.joined(separator: "\n")
        try Data(text.utf8).write(to: URL(fileURLWithPath: small))
        let bundle = Self.directory.appendingPathComponent("small-model").path
        let fit = try runSynthText(["logs", "fit", "--input", small, "--out", bundle, "--header-regex", "(INFO|WARN) a: ",
                                     "--preset", "tiny", "--steps", "80", "--batch", "8"])
        XCTAssertEqual(fit.status, 0, fit.error)
        let out = Self.directory.appendingPathComponent("small-lines.log").path
        let guarded = try runSynthText(["logs", "sample", "--model", bundle, "--lines", "5", "--temperature", "0",
                                         "--max-attempts", "20", "--out", out])
        XCTAssertEqual(guarded.status, 1)
        XCTAssertTrue(guarded.error.contains("exact copies of training lines"), guarded.error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing is half-written")
        let allowed = try runSynthText(["logs", "sample", "--model", bundle, "--lines", "5", "--temperature", "0",
                                         "--allow-copies", "--out", out])
        XCTAssertEqual(allowed.status, 0, allowed.error)
        XCTAssertEqual(try Self.lines(out).count, 5)
    }

    func testBadInputsNameTheFileAndLine() throws {
        let bundle = Self.directory.appendingPathComponent("never").path
        func fit(_ content: [UInt8], _ extra: [String] = []) throws -> (status: Int32, error: String) {
            let path = Self.directory.appendingPathComponent("bad-\(UUID().uuidString).log").path
            try Data(content).write(to: URL(fileURLWithPath: path))
            let result = try runSynthText(["logs", "fit", "--input", path, "--out", bundle, "--steps", "1"] + extra)
            return (result.status, result.error.replacingOccurrences(of: path, with: "FILE"))
        }
        let empty = try fit(Array("\n\n".utf8))
        XCTAssertEqual(empty.status, 1)
        XCTAssertTrue(empty.error.contains("FILE: no log lines"), empty.error)
        let mismatch = try fit(Array("12:00 INFO a: x\n12:01 INFO a: y\nlost line\n".utf8), ["--header-regex", "\\d\\d:\\d\\d INFO a: "])
        XCTAssertEqual(mismatch.status, 1)
        XCTAssertTrue(mismatch.error.contains("FILE:3: the line does not begin with a header matching --header-regex: 'lost line'"), mismatch.error)
        let badRegex = try fit(Array("12:00 INFO a: x\n".utf8), ["--header-regex", "(\\d+"])
        XCTAssertEqual(badRegex.status, 1)
        XCTAssertTrue(badRegex.error.contains("--header-regex: regex line 1, column"), badRegex.error)
        let utf8 = try fit(Array("12:00 INFO a: x\n12:00 INFO a: ".utf8) + [0xFF, 10])
        XCTAssertEqual(utf8.status, 1)
        XCTAssertTrue(utf8.error.contains("FILE:2: the line is not valid UTF-8"), utf8.error)
        let noHeader = try fit(Array("hello there\ncompletely different\n3 more words\n".utf8))
        XCTAssertEqual(noHeader.status, 1)
        XCTAssertTrue(noHeader.error.contains("no header could be inferred"), noHeader.error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: bundle), "no bundle from a failed fit")

        let both = try runSynthText(["logs", "fit", "--input", Self.log, "--out", bundle, "--header-regex", "x",
                                      "--header-regex-file", "y"])
        XCTAssertEqual(both.status, 2)
        XCTAssertTrue(both.error.contains("not both"), both.error)
        let unknown = try runSynthText(["logs", "fit", "--input", Self.log, "--out", bundle, "--colour", "red"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.error.contains("unknown option '--colour'"), unknown.error)
        let usage = try runSynthText(["logs", "sample", "--model", Self.inferred])
        XCTAssertEqual(usage.status, 2)
        XCTAssertTrue(usage.error.contains("--lines N is required"), usage.error)
        let missing = try runSynthText(["logs", "sample", "--model", bundle, "--lines", "5"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.error.contains("no such model directory"), missing.error)
        XCTAssertEqual(missing.output, "", "nothing written before the error")
    }

    // MARK: helpers

    static func summary(_ bundle: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: bundle + "/logs.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// Why a line's header is not one of the made-up log's, or nil: the layout, a level and
    /// a component of the log, and (with `strictDates`) a real timestamp within the log's
    /// two days. Written from the log's description, independently of the Records module.
    static func headerProblem(_ line: String, strictDates: Bool = true) -> String? {
        let pattern = try! NSRegularExpression(pattern: "^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}) ([A-Z]+) \\[([a-z]+)\\] ([A-Za-z]+): ")
        guard let match = pattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) else { return "layout" }
        func group(_ i: Int) -> String { String(line[Range(match.range(at: i), in: line)!]) }
        guard levels.contains(group(2)) else { return "level \(group(2))" }
        guard components.contains(group(4)) else { return "component \(group(4))" }
        guard strictDates else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        formatter.isLenient = false
        guard let date = formatter.date(from: group(1)), formatter.string(from: date) == group(1) else { return "timestamp \(group(1))" }
        guard group(1).hasPrefix("2023-12-31") || group(1).hasPrefix("2024-01-01") else { return "date outside the log: \(group(1))" }
        return nil
    }
}
