import Decoding
import Foundation
import Records
import XCTest

/// Header inference: the split between header and message on real and made-up logs,
/// timestamps that are always real, closed sets that keep their padding, and the regex
/// pieces (digit ranges, the calendar) against brute force.
final class LogHeaderInferenceTests: XCTestCase {
    static let loghub = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpora/logs-loghub")

    /// The lines of a loghub system's file, or a skip when ../shared is absent.
    static func loghubLines(_ system: String, _ file: String = "train.log") throws -> [String] {
        let path = loghub.appendingPathComponent("\(system)/\(file)").path
        try XCTSkipUnless(FileManager.default.fileExists(atPath: path), "../shared is absent")
        return try LogFile(contentsOf: path).lines
    }

    // MARK: Real logs

    /// Where each system's message starts, by a rule written from its documented format:
    /// HDFS after the component's `: `, OpenSSH after `]: `, Apache after the level's `] `.
    static func messageStart(_ system: String, _ line: String) -> String.Index? {
        switch system {
        case "HDFS": return line.range(of: ": ")?.upperBound
        case "OpenSSH": return line.range(of: "]: ")?.upperBound
        default:
            return line.range(of: "] ").flatMap { first in line.range(of: "] ", range: first.upperBound..<line.endIndex)?.upperBound }
        }
    }

    func testLoghubHeadersEndWhereTheMessageBegins() throws {
        for system in ["HDFS", "OpenSSH", "Apache"] {
            let lines = try Self.loghubLines(system)
            let format = try LogHeaderInference.infer(lines, source: system)
            let matcher = try LogLineMatcher(format: format)
            for line in lines {
                XCTAssertTrue(matcher.matches(line), "\(system): \(line)")
                let expected = Self.messageStart(system, line).map { String(line[$0...]) }
                XCTAssertEqual(matcher.message(line).map(String.init), expected, "\(system): \(line)")
            }
            XCTAssertNil(format.bareHeaderRegex, system)
        }
    }

    func testLoghubHeadersAreClosedWhereTheCorpusIs() throws {
        let hdfs = try LogLineMatcher(format: LogHeaderInference.infer(Self.loghubLines("HDFS"), source: "HDFS"))
        let message = "PacketResponder 1 for block blk_38865049064139660 terminating"
        XCTAssertTrue(hdfs.matches("081110 235959 148 INFO dfs.DataNode$PacketResponder: " + message))
        XCTAssertFalse(hdfs.matches("081112 203615 148 INFO dfs.DataNode$PacketResponder: " + message), "a date after the corpus")
        XCTAssertFalse(hdfs.matches("081109 243615 148 INFO dfs.DataNode$PacketResponder: " + message), "hour 24")
        XCTAssertFalse(hdfs.matches("081109 206015 148 INFO dfs.DataNode$PacketResponder: " + message), "minute 60")
        XCTAssertFalse(hdfs.matches("081109 203615 148 DEBUG dfs.DataNode$PacketResponder: " + message), "a level never seen")
        XCTAssertFalse(hdfs.matches("081109 203615 148 INFO dfs.Unknown: " + message), "a component never seen")

        let ssh = try LogLineMatcher(format: LogHeaderInference.infer(Self.loghubLines("OpenSSH"), source: "OpenSSH"))
        XCTAssertTrue(ssh.matches("Dec 10 07:07:38 LabSZ sshd[24206]: Invalid user test9 from 52.80.34.196"))
        XCTAssertFalse(ssh.matches("Dec 10 07:07:38 LabSZ sshd[]: Invalid user test9 from 52.80.34.196"), "no pid")
        XCTAssertFalse(ssh.matches("Dec 10 07:07:38 LabSZ cron[24206]: Invalid user test9 from 52.80.34.196"))
        XCTAssertFalse(ssh.matches("Dec 31 07:07:38 LabSZ sshd[24206]: Invalid user test9 from 52.80.34.196"))

        let apache = try LogLineMatcher(format: LogHeaderInference.infer(Self.loghubLines("Apache"), source: "Apache"))
        XCTAssertTrue(apache.matches("[Mon Dec 05 10:00:00 2005] [error] mod_jk child workerEnv in error state 6"))
        XCTAssertFalse(apache.matches("[Sun Dec 05 10:00:00 2005] [error] mod_jk child workerEnv in error state 6"),
                       "5 December 2005 was a Monday")
        XCTAssertFalse(apache.matches("[Mon Dec 05 10:00:00 2005] [warn] mod_jk child workerEnv in error state 6"))
    }

    /// Random headers drawn from each system's grammar: every timestamp is a real one.
    func testGeneratedLoghubTimestampsAreReal() throws {
        let formats: [(String, String, (String) -> String)] = [
            ("HDFS", "yyMMdd HHmmss", { String($0.prefix(13)) }),
            ("OpenSSH", "MMM dd HH:mm:ss", { String($0.prefix(15)) }),
            ("Apache", "EEE MMM dd HH:mm:ss yyyy", { String($0.dropFirst().prefix(24)) }),
        ]
        for (system, layout, stamp) in formats {
            let format = try LogHeaderInference.infer(Self.loghubLines(system), source: system)
            let walker = try HeaderWalker(regex: format.headerRegex)
            var rng = TableTestRNG(seed: 7)
            for _ in 0..<300 {
                let header = walker.sample(&rng)
                XCTAssertTrue(LogTestDates.isReal(stamp(header), layout: layout), "\(system): \(header)")
            }
        }
    }

    // MARK: Made-up logs

    /// An application log with padded levels, a thread with a number, dates across a leap
    /// day and milliseconds.
    static func applicationLines() -> [String] {
        var rng = TableTestRNG(seed: 11)
        let levels = ["INFO ", "WARN ", "DEBUG", "ERROR"]
        let components = ["HttpServer", "AuthService", "CartService"]
        var lines: [String] = []
        var minute = 0
        for index in 0..<300 {
            minute += rng.int(0...40)
            let day = 27 + minute / 1440
            let (month, dayOfMonth) = day <= 29 ? (2, day) : (3, day - 29)
            let time = String(format: "%02d:%02d:%02d.%03d", (minute / 60) % 24, minute % 60, rng.int(0...59), rng.int(0...999))
            let date = String(format: "2024-%02d-%02d", month, dayOfMonth)
            let message = ["request \(index) served in \(rng.int(1...900))ms", "user u\(rng.int(1...99)) logged in",
                           "cache miss for key \(rng.int(1...9999))"][rng.int(0...2)]
            lines.append("\(date) \(time) \(rng.pick(levels)) [worker-\(rng.int(1...12))] \(rng.pick(components)): \(message)")
        }
        return lines
    }

    func testApplicationLogHeaderKeepsPaddingAndLeapDay() throws {
        let lines = Self.applicationLines()
        let format = try LogHeaderInference.infer(lines, source: "app.log")
        let matcher = try LogLineMatcher(format: format)
        for line in lines {
            XCTAssertEqual(matcher.message(line).map(String.init), String(line[line.range(of: ": ")!.upperBound...]), line)
        }
        let last = lines.last!.prefix(10)
        XCTAssertTrue(last.hasPrefix("2024-03-0"), "the made-up log runs into March: \(last)")
        XCTAssertTrue(matcher.matches("2024-02-29 10:00:00.000 DEBUG [worker-1] HttpServer: ok"), "2024 is a leap year")
        XCTAssertFalse(matcher.matches("2024-02-30 10:00:00.000 DEBUG [worker-1] HttpServer: ok"))
        XCTAssertFalse(matcher.matches("2024-02-26 10:00:00.000 DEBUG [worker-1] HttpServer: ok"), "before the first date")
        XCTAssertFalse(matcher.matches("2024-02-28 10:00:00.000 DEBUG  [worker-1] HttpServer: ok"), "DEBUG is never padded")
        XCTAssertFalse(matcher.matches("2024-02-28 10:00:00.000 INFO [worker-1] HttpServer: ok"), "INFO always is")
        XCTAssertFalse(matcher.matches("2024-02-28 10:00:00.000 INFO  [worker-13] HttpServer: ok"), "threads 1 to 12")
        XCTAssertFalse(matcher.matches("2024-02-28 10:00:00.00 INFO  [worker-1] HttpServer: ok"), "three digits of milliseconds")

        let walker = try HeaderWalker(regex: format.headerRegex)
        var rng = TableTestRNG(seed: 3)
        for _ in 0..<300 {
            let header = walker.sample(&rng)
            XCTAssertTrue(LogTestDates.isReal(String(header.prefix(19)), layout: "yyyy-MM-dd HH:mm:ss"), header)
        }
    }

    func testSyslogDaysWithTwoSpacesAndBareHeaders() throws {
        let lines = [
            "Mar  9 23:59:58 gate kernel: eth0 link up",
            "Mar  9 23:59:59 gate kernel:",
            "Mar 10 00:00:01 gate cron[811]: job started",
            "Mar 10 00:00:02 gate cron[812]: job finished",
            "Mar 10 00:10:00 gate kernel: eth0 link down",
        ]
        let format = try LogHeaderInference.infer(lines, source: "syslog")
        XCTAssertNotNil(format.bareHeaderRegex, "line 2 ends at its header")
        let matcher = try LogLineMatcher(format: format)
        for line in lines { XCTAssertTrue(matcher.matches(line), line) }
        XCTAssertEqual(matcher.message(lines[2]).map(String.init), "job started")
        XCTAssertEqual(matcher.message(lines[1]).map(String.init), "")
        XCTAssertFalse(matcher.matches("Mar 10 00:00:01 gate kernel:no space"), "a message needs its separator")
        XCTAssertFalse(matcher.matches("Mar 10 00:00:01 gate sshd[811]: job started"))
    }

    func testLinesWithoutACommonHeaderAreAnError() {
        let lines = ["hello world", "a completely different line", "3 things"]
        XCTAssertThrowsError(try LogHeaderInference.infer(lines, source: "notes.txt")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("notes.txt: no header could be inferred"), text)
            XCTAssertTrue(text.contains("--header-regex"), text)
        }
    }

    // MARK: Pieces

    /// Digit ranges against brute force: exactly the numbers in range, in the form seen.
    func testDigitRangesAreExact() throws {
        var rng = TableTestRNG(seed: 5)
        for _ in 0..<30 {
            var low = rng.int(0...999), high = rng.int(0...999)
            if low > high { swap(&low, &high) }
            // Canonical numbers (7, 42, 999): no leading zeros.
            let canonical = try ByteMatcher(regex: HeaderRegexProbe.digits([String(low), String(high)]))
            for n in 0...1100 {
                XCTAssertEqual(canonical.matches(String(n)), (low...high).contains(n), "\(low)...\(high): \(n)")
                XCTAssertFalse(canonical.matches("0" + String(n)), "\(low)...\(high): leading zero on \(n)")
            }
            // Zero-padded to three digits (007, 042): padded only.
            let paddedLow = rng.int(0...99), paddedHigh = rng.int(paddedLow...999)
            let padded = try ByteMatcher(regex: HeaderRegexProbe.digits([String(format: "%03d", paddedLow), String(format: "%03d", paddedHigh)]))
            for n in 0...999 {
                XCTAssertEqual(padded.matches(String(format: "%03d", n)), (paddedLow...paddedHigh).contains(n), "\(paddedLow)...\(paddedHigh): \(n)")
                if n < 100 { XCTAssertFalse(padded.matches(String(n)), "unpadded \(n)") }
            }
        }
    }

    func testCalendar() throws {
        let matcher = try ByteMatcher(regex: LogHeaderInference.infer(["[Sun Dec 04 04:47:44 2005] x", "[Sun Mar 01 00:00:00 2009] y"],
                                                                       source: "t").headerRegex)
        XCTAssertTrue(matcher.matches("[Sun Feb 01 02:00:00 2009] "), "1 February 2009 was a Sunday")
        XCTAssertFalse(matcher.matches("[Mon Feb 01 02:00:00 2009] "))
        XCTAssertTrue(matcher.matches("[Fri Feb 29 02:00:00 2008] "), "leap day")
        XCTAssertFalse(matcher.matches("[Sun Feb 29 02:00:00 2009] "))
        XCTAssertFalse(matcher.matches("[Sat Dec 03 02:00:00 2005] "), "before the first date seen")
        XCTAssertFalse(matcher.matches("[Sun Feb 01 05:00:00 2009] "), "hours stay within those seen (0 to 4)")
        XCTAssertTrue(matcher.matches("[Sun Feb 01 04:59:59 2009] "), "minutes and seconds take any value")
    }
}

/// Helpers that reach the regex builders through the public API only.
enum HeaderRegexProbe {
    /// The digits regex inference writes for a column holding `values`.
    static func digits(_ values: [String]) -> String {
        // One header column of the shape `v<digits>:`; its regex without `v` and `: `.
        let lines = values.map { "v\($0): message" }
        let format = try! LogHeaderInference.infer(lines, source: "probe")
        return String(format.headerRegex.dropFirst().dropLast(2))
    }
}

/// Whole-string matching of a regex, byte by byte.
struct ByteMatcher {
    let constraint: GrammarConstraint
    init(regex: String) throws {
        constraint = try GrammarConstraint(grammar: compileRegex(regex),
                                           trie: TokenTrie(tokenBytes: (0..<256).map { [UInt8($0)] }, specialTokens: [:]), endToken: nil)
    }
    func matches(_ text: String) -> Bool {
        var state = constraint.startState
        for byte in text.utf8 {
            guard let next = constraint.advance(state, token: Int32(byte)) else { return false }
            state = next
        }
        return constraint.canFinish(state)
    }
}

/// Random strings of a header regex: a walk through the byte masks, ending as soon as the
/// regex accepts with probability one half.
struct HeaderWalker {
    let constraint: GrammarConstraint
    init(regex: String) throws {
        constraint = try GrammarConstraint(grammar: compileRegex(regex),
                                           trie: TokenTrie(tokenBytes: (0..<256).map { [UInt8($0)] }, specialTokens: [:]), endToken: nil)
    }
    func sample(_ rng: inout TableTestRNG) -> String {
        var mask = TokenMask(count: 256)
        var state = constraint.startState
        var bytes: [UInt8] = []
        while true {
            if constraint.canFinish(state) && (constraint.mustFinish(state) || rng.chance(0.5)) { break }
            constraint.fillMask(&mask, state: state, remainingTokens: 10_000)
            let allowed = (0..<256).filter { mask.contains($0) }
            if allowed.isEmpty { break }
            let byte = rng.pick(allowed)
            bytes.append(UInt8(byte))
            state = constraint.advance(state, token: Int32(byte))!
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Strict date parsing, independent of the code under test: parse with Foundation, format
/// back, and compare (a date that does not exist, or a wrong weekday, does not survive).
enum LogTestDates {
    static func isReal(_ text: String, layout: String) -> Bool {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = layout
        formatter.isLenient = false
        guard let date = formatter.date(from: text) else { return false }
        return formatter.string(from: date) == text
    }
}
