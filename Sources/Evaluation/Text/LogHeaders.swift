import Foundation

/// The header format of one loghub system, as the judge defines it: a regex with named
/// groups (Content last), the groups that form the timestamp and its `strptime` format,
/// the level and component groups where the format has them, and whether the timestamp
/// names a weekday that must agree with its date.
///
/// Patterns are the judge's, in ICU syntax (`(?<name>…)`); Python's `\s` (Unicode
/// White_Space plus U+001C...U+001F) and `\w` (letters, numbers, underscore) are spelled
/// out so that both engines accept the same lines.
struct LogFormat: Sendable {
    let name: String
    let pattern: String
    let timeGroups: [String]
    /// A `strptime` format, or "epoch" for seconds since 1970 (UTC).
    let timeFormat: String
    let levelGroup: String?
    let componentGroup: String?
    let checksWeekday: Bool

    init(_ name: String, _ pattern: String, time: [String], format: String, level: String?, component: String?,
         weekday: Bool = false) {
        self.name = name
        self.pattern = pattern
            .replacingOccurrences(of: "(?P<", with: "(?<")
            .replacingOccurrences(of: "\\S", with: "[^\(pythonSpaceClass)]")
            .replacingOccurrences(of: "\\w", with: "\\p{L}\\p{N}_")
        self.timeGroups = time
        self.timeFormat = format
        self.levelGroup = level
        self.componentGroup = component
        self.checksWeekday = weekday
    }

    /// The formats in the judge's order (auto-detection keeps the first of equal shares).
    /// `\w` only ever appears inside a class here (`[\w]`), which the initializer rewrites.
    static let builtIn: [LogFormat] = [
        LogFormat("HDFS", #"(?P<Date>\d{6}) (?P<Time>\d{6}) (?P<Pid>\d+) (?P<Level>[A-Z]+) (?P<Component>\S+?): (?P<Content>.*)"#,
                  time: ["Date", "Time"], format: "%y%m%d %H%M%S", level: "Level", component: "Component"),
        LogFormat("OpenSSH", #"(?P<Month>[A-Z][a-z]{2}) {1,2}(?P<Day>\d{1,2}) (?P<Time>\d{2}:\d{2}:\d{2}) (?P<Host>\S+) sshd\[(?P<Pid>\d+)\]: (?P<Content>.*)"#,
                  time: ["Month", "Day", "Time"], format: "%b %d %H:%M:%S", level: nil, component: "Host"),
        LogFormat("Apache", #"\[(?P<Time>[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \d{4})\] \[(?P<Level>[a-z]+)\] (?P<Content>.*)"#,
                  time: ["Time"], format: "%a %b %d %H:%M:%S %Y", level: "Level", component: nil, weekday: true),
        LogFormat("Linux", #"(?P<Month>[A-Z][a-z]{2}) {1,2}(?P<Day>\d{1,2}) (?P<Time>\d{2}:\d{2}:\d{2}) (?P<Host>\S+) (?P<Component>[^\[:]+?)(?:\[(?P<Pid>\d+)\])?: (?P<Content>.*)"#,
                  time: ["Month", "Day", "Time"], format: "%b %d %H:%M:%S", level: nil, component: "Component"),
        LogFormat("Zookeeper", #"(?P<Date>\d{4}-\d{2}-\d{2}) (?P<Time>\d{2}:\d{2}:\d{2},\d{3}) - (?P<Level>[A-Z]+) +\[(?P<Thread>.*):(?P<Component>[A-Za-z_$][\w$]*)@(?P<Line>\d+)\] - (?P<Content>.*)"#,
                  time: ["Date", "Time"], format: "%Y-%m-%d %H:%M:%S,%f", level: "Level", component: "Component"),
        LogFormat("Hadoop", #"(?P<Date>\d{4}-\d{2}-\d{2}) (?P<Time>\d{2}:\d{2}:\d{2},\d{3}) (?P<Level>[A-Z]+) \[(?P<Process>[^\]]*)\] (?P<Component>\S+?): (?P<Content>.*)"#,
                  time: ["Date", "Time"], format: "%Y-%m-%d %H:%M:%S,%f", level: "Level", component: "Component"),
        LogFormat("Spark", #"(?P<Date>\d{2}/\d{2}/\d{2}) (?P<Time>\d{2}:\d{2}:\d{2}) (?P<Level>[A-Z]+) (?P<Component>\S+?): (?P<Content>.*)"#,
                  time: ["Date", "Time"], format: "%y/%m/%d %H:%M:%S", level: "Level", component: "Component"),
        LogFormat("BGL", #"(?P<Label>\S+) (?P<Timestamp>\d+) (?P<Date>\d{4}\.\d{2}\.\d{2}) (?P<Node>\S+) (?P<Time>\d{4}-\d{2}-\d{2}-\d{2}\.\d{2}\.\d{2}\.\d{6}) (?P<NodeRepeat>\S+) (?P<Type>\S+) (?P<Component>\S+) (?P<Level>\S+) (?P<Content>.*)"#,
                  time: ["Time"], format: "%Y-%m-%d-%H.%M.%S.%f", level: "Level", component: "Component"),
        LogFormat("HPC", #"(?P<LogId>\d+) (?P<Node>\S+) (?P<Component>\S+) (?P<State>\S+) (?P<Time>\d{9,10}) (?P<Flag>-?\d+) (?P<Content>.*)"#,
                  time: ["Time"], format: "epoch", level: nil, component: "Component"),
        LogFormat("Thunderbird", #"(?P<Label>\S+) (?P<Timestamp>\d+) (?P<Date>\d{4}\.\d{2}\.\d{2}) (?P<User>\S+) (?P<Month>[A-Z][a-z]{2}) {1,2}(?P<Day>\d{1,2}) (?P<Time>\d{2}:\d{2}:\d{2}) (?P<Location>\S+) (?P<Component>[^\[]*?)(?:\[(?P<Pid>\d+)\])?: (?P<Content>.*)"#,
                  time: ["Month", "Day", "Time"], format: "%b %d %H:%M:%S", level: nil, component: "Component"),
        LogFormat("Windows", #"(?P<Date>\d{4}-\d{2}-\d{2}) (?P<Time>\d{2}:\d{2}:\d{2}), (?P<Level>[\w]+) +(?P<Component>\S+) +(?P<Content>.*)"#,
                  time: ["Date", "Time"], format: "%Y-%m-%d %H:%M:%S", level: "Level", component: "Component"),
        LogFormat("Mac", #"(?P<Month>[A-Z][a-z]{2}) {1,2}(?P<Day>\d{1,2}) (?P<Time>\d{2}:\d{2}:\d{2}) (?P<User>\S+) (?P<Component>[^\[]+?)\[(?P<Pid>\d+)\](?: \((?P<Address>[^)]*)\))?: (?P<Content>.*)"#,
                  time: ["Month", "Day", "Time"], format: "%b %d %H:%M:%S", level: nil, component: "Component"),
        LogFormat("Android", #"(?P<Date>\d{2}-\d{2}) (?P<Time>\d{2}:\d{2}:\d{2}\.\d{3}) +(?P<Pid>\d+) +(?P<Tid>\d+) (?P<Level>[VDIWEF]) (?P<Component>.*?): (?P<Content>.*)"#,
                  time: ["Date", "Time"], format: "%m-%d %H:%M:%S.%f", level: "Level", component: "Component"),
        LogFormat("HealthApp", #"(?P<Time>\d{8}-\d{1,2}:\d{1,2}:\d{1,2}:\d{1,3})\|(?P<Component>[^|]*)\|(?P<Pid>\d+)\|(?P<Content>.*)"#,
                  time: ["Time"], format: "%Y%m%d-%H:%M:%S:%f", level: nil, component: "Component"),
        LogFormat("Proxifier", #"\[(?P<Time>\d{2}\.\d{2} \d{2}:\d{2}:\d{2})\] (?P<Program>.*?) - (?P<Content>.*)"#,
                  time: ["Time"], format: "%m.%d %H:%M:%S", level: nil, component: "Program"),
        LogFormat("OpenStack", #"(?P<Logrecord>\S+) (?P<Date>\d{4}-\d{2}-\d{2}) (?P<Time>\d{2}:\d{2}:\d{2}\.\d{3}) (?P<Pid>\d+) (?P<Level>[A-Z]+) (?P<Component>\S+) \[(?P<ADDR>[^\]]*)\] (?P<Content>.*)"#,
                  time: ["Date", "Time"], format: "%Y-%m-%d %H:%M:%S.%f", level: "Level", component: "Component"),
    ]

    static var builtInNames: [String] { builtIn.map(\.name) }
}

/// One log line read against a header format.
struct ParsedLogLine {
    /// The line matches the header regex as a whole.
    var matched = false
    /// The timestamp in microseconds (a total order, not an epoch), nil when the line
    /// does not match or its date/time is not a real one.
    var timestamp: Int64?
    var level: String?
    var component: String?
    var content: String?

    /// `header_parse`: the header matches and its timestamp is a real date/time.
    var parses: Bool { matched && timestamp != nil }
}

/// A compiled ``LogFormat``.
struct LogHeaderParser {
    let format: LogFormat
    private let regex: NSRegularExpression
    private let time: StrptimeFormat?

    init(_ format: LogFormat) {
        self.format = format
        // Anchored at both ends: Python's `fullmatch`. Only \n ends a line, as in Python.
        regex = try! NSRegularExpression(pattern: "\\A(?:\(format.pattern))\\z", options: [.useUnixLineSeparators])
        time = format.timeFormat == "epoch" ? nil : StrptimeFormat(format.timeFormat)
    }

    func parse(_ line: String) -> ParsedLogLine {
        let text = line as NSString
        guard let match = regex.firstMatch(in: line, options: [], range: NSRange(location: 0, length: text.length))
        else { return ParsedLogLine() }
        func group(_ name: String) -> String? {
            let range = match.range(withName: name)
            return range.location == NSNotFound ? nil : text.substring(with: range)
        }
        var parsed = ParsedLogLine(matched: true)
        parsed.level = format.levelGroup.flatMap(group)
        parsed.component = format.componentGroup.flatMap(group)
        parsed.content = group("Content")
        let raw = format.timeGroups.map { group($0) ?? "" }.joined(separator: " ")
        if let time {
            guard let stamp = time.parse(raw) else { return parsed }
            if format.checksWeekday {
                let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
                guard String(raw.unicodeScalars.prefix(3)) == names[stamp.weekday] else { return parsed }
            }
            parsed.timestamp = stamp.microseconds
        } else {
            // `datetime.fromtimestamp(int(raw), tz=utc)`: any 9- or 10-digit count of seconds.
            guard let seconds = StrptimeFormat.integer(raw.unicodeScalars[...]) else { return parsed }
            parsed.timestamp = (Int64(seconds) + 62_135_596_800) * 1_000_000
        }
        return parsed
    }

    /// Chooses the format as the judge does: the named one, or the built-in format under
    /// which most of the first 500 training lines parse (at least 90% of them).
    static func detect(system: String?, trainingLines: [String], file: String) throws(TextEvaluationError) -> LogHeaderParser {
        let candidates: [LogFormat]
        if let system, system != "auto" {
            guard let format = LogFormat.builtIn.first(where: { $0.name == system }) else {
                throw .unknownSystem(system, known: LogFormat.builtInNames)
            }
            candidates = [format]
        } else {
            candidates = LogFormat.builtIn
        }
        let head = trainingLines.prefix(500)
        var best: LogHeaderParser?, bestShare = -1.0
        for format in candidates {
            let parser = LogHeaderParser(format)
            let share = Double(head.count(where: { parser.parse($0).parses })) / Double(max(1, head.count))
            if share > bestShare { best = parser; bestShare = share }
        }
        guard let best, bestShare >= 0.9 else {
            throw .noHeaderFormat(file: file, best: best?.format.name ?? "-", share: max(0, bestShare))
        }
        return best
    }
}

/// A `datetime.strptime` format, compiled the way CPython 3.11's `_strptime` compiles it:
/// regex characters escaped, whitespace runs matching any whitespace, each directive
/// replaced by its regex, matched case-insensitively from the start, and the whole text
/// consumed. The date must exist (1900 when there is no year, and then 29 February is
/// refused) and seconds stop at 59, as `datetime` requires.
struct StrptimeFormat {
    private let regex: NSRegularExpression
    private let directives: [Character]

    /// A parsed date and time.
    struct Stamp {
        var microseconds: Int64
        /// Monday = 0.
        var weekday: Int
    }

    private static let directivePatterns: [Character: String] = [
        "d": "(3[0-1]|[1-2]\\d|0[1-9]|[1-9]| [1-9])",
        "f": "([0-9]{1,6})",
        "H": "(2[0-3]|[0-1]\\d|\\d)",
        "m": "(1[0-2]|0[1-9]|[1-9])",
        "M": "([0-5]\\d|\\d)",
        "S": "(6[0-1]|[0-5]\\d|\\d)",
        "y": "(\\d\\d)",
        "Y": "(\\d\\d\\d\\d)",
        "a": "(mon|tue|wed|thu|fri|sat|sun)",
        "b": "(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    ]
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    init(_ format: String) {
        var pattern = ""
        var directives: [Character] = []
        var characters = Array(format)
        var i = 0
        while i < characters.count {
            let c = characters[i]
            if c == "%", i + 1 < characters.count, let directive = Self.directivePatterns[characters[i + 1]] {
                pattern += directive
                directives.append(characters[i + 1])
                i += 2
            } else if c.unicodeScalars.allSatisfy(PythonCharacter.isSpace) {
                while i < characters.count, characters[i].unicodeScalars.allSatisfy(PythonCharacter.isSpace) { i += 1 }
                pattern += "[\(pythonSpaceClass)]+"
            } else {
                pattern += "\\.^$*+?(){}[]|".contains(c) ? "\\\(c)" : String(c)
                i += 1
            }
        }
        characters.removeAll()
        self.directives = directives
        regex = try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive, .useUnixLineSeparators])
    }

    /// The value of a run of decimal digits (any script; a leading space allowed, as
    /// `int(" 5")`), or nil.
    static func integer(_ text: Substring.UnicodeScalarView) -> Int? {
        var value = 0, digits = 0
        for scalar in text {
            if scalar == " " && digits == 0 { continue }
            guard let digit = PythonCharacter.decimalValue(scalar) else { return nil }
            value = value * 10 + digit
            digits += 1
            if digits > 12 { return nil }
        }
        return digits > 0 ? value : nil
    }

    func parse(_ text: String) -> Stamp? {
        let string = text as NSString
        guard let match = regex.firstMatch(in: text, options: [.anchored], range: NSRange(location: 0, length: string.length)),
              match.range.location == 0, match.range.length == string.length
        else { return nil }
        var year: Int?, month = 1, day = 1, hour = 0, minute = 0, second = 0, fraction = 0
        for (k, directive) in directives.enumerated() {
            let value = Substring(string.substring(with: match.range(at: k + 1)))
            switch directive {
            case "y": year = Self.integer(value.unicodeScalars).map { $0 <= 68 ? $0 + 2000 : $0 + 1900 }
            case "Y": year = Self.integer(value.unicodeScalars)
            case "m": month = Self.integer(value.unicodeScalars) ?? 0
            case "b": month = (Self.months.firstIndex(of: value.lowercased()) ?? -1) + 1
            case "d": day = Self.integer(value.unicodeScalars) ?? 0
            case "H": hour = Self.integer(value.unicodeScalars) ?? 0
            case "M": minute = Self.integer(value.unicodeScalars) ?? 0
            case "S": second = Self.integer(value.unicodeScalars) ?? 0
            case "f": fraction = Self.integer((value + String(repeating: "0", count: 6 - value.unicodeScalars.count)).unicodeScalars) ?? 0
            default: break  // %a: read, but the weekday is checked by the caller
            }
        }
        if year == nil && month == 2 && day == 29 { return nil }  // datetime(1900, 2, 29)
        let y = year ?? 1900
        guard (1...9999).contains(y), (1...12).contains(month), day >= 1, day <= Self.daysIn(month, of: y),
              hour <= 23, minute <= 59, second <= 59
        else { return nil }
        let days = Self.daysSinceYearOne(y, month, day)
        let seconds = ((days * 24 + Int64(hour)) * 60 + Int64(minute)) * 60 + Int64(second)
        return Stamp(microseconds: seconds * 1_000_000 + Int64(fraction), weekday: Int(days % 7))
    }

    static func isLeap(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    static func daysIn(_ month: Int, of year: Int) -> Int {
        [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// Days from 0001-01-01 (a Monday), proleptic Gregorian, as `date.toordinal() - 1`.
    static func daysSinceYearOne(_ y: Int, _ m: Int, _ d: Int) -> Int64 {
        let before = y - 1
        var days = before * 365 + before / 4 - before / 100 + before / 400
        for month in 1..<m { days += daysIn(month, of: y) }
        return Int64(days + d - 1)
    }
}
