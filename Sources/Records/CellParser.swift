/// Parsing of cell text into numbers and dates, with the rules the reference evaluation
/// (pandas) uses, so that a column is numerical here exactly when it is there.
public enum CellParser {
    /// The number a cell spells, or nil.
    ///
    /// Accepted, as pandas' CSV parser accepts them: optional spaces or tabs around,
    /// an optional sign, decimal digits with an optional point and exponent (`12`, `-3.5`,
    /// `.5`, `1.`, `2e-3`), and `inf`/`infinity` in any case. Not accepted: hexadecimal,
    /// digit separators, `nan` (a missing-value marker, see ``MissingValues``).
    public static func number(_ cell: String) -> Double? {
        var text = cell
        return text.withUTF8 { number(utf8: $0) }
    }

    /// ``number(_:)`` on UTF-8 bytes.
    public static func number(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        guard start < end else { return nil }
        var i = start
        var negative = false
        if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        if i < end, bytes[i] | 0x20 == UInt8(ascii: "i") {
            let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<end]), as: UTF8.self).lowercased()
            guard word == "inf" || word == "infinity" else { return nil }
            return negative ? -.infinity : .infinity
        }
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        var digits = 0
        while i < end, isDigit(bytes[i]) { i += 1; digits += 1 }
        if i < end, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, isDigit(bytes[i]) { i += 1; digits += 1 }
        }
        guard digits > 0 else { return nil }
        if i < end, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            var exponentDigits = 0
            while i < end, isDigit(bytes[i]) { i += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return nil }
        }
        guard i == end else { return nil }
        return Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
    }
}

/// A datetime layout recognised by type inference, named by its `strftime` pattern (the
/// form SDMetrics' metadata takes as `datetime_format`).
///
/// Dates are read as naive UTC and measured in seconds since 1970-01-01; fractional
/// seconds (`.%f`, up to nine digits) are kept.
public enum DateFormat: String, Sendable, CaseIterable, Codable {
    case isoDate = "%Y-%m-%d"
    case isoDateTime = "%Y-%m-%d %H:%M:%S"
    case isoDateTimeT = "%Y-%m-%dT%H:%M:%S"
    case isoDateTimeFraction = "%Y-%m-%d %H:%M:%S.%f"
    case isoDateTimeTFraction = "%Y-%m-%dT%H:%M:%S.%f"
    case slashedYearFirst = "%Y/%m/%d"
    case usDate = "%m/%d/%Y"

    /// The `strftime` pattern.
    public var pattern: String { rawValue }

    /// Seconds since 1970-01-01T00:00:00 for a cell in this layout, or nil.
    public func seconds(_ cell: String) -> Double? {
        let b = Array(cell.utf8)
        func int(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for k in from..<(from + count) {
                guard b[k] >= 0x30, b[k] <= 0x39 else { return nil }
                v = v * 10 + Int(b[k] - 0x30)
            }
            return v
        }
        func byte(_ at: Int, _ c: Character) -> Bool { at < b.count && b[at] == c.asciiValue! }
        var year: Int?, month: Int?, day: Int?
        var hour = 0, minute = 0, second = 0, fraction = 0.0
        var end: Int
        switch self {
        case .usDate:
            guard byte(2, "/"), byte(5, "/") else { return nil }
            (month, day, year, end) = (int(0, 2), int(3, 2), int(6, 4), 10)
        case .slashedYearFirst:
            guard byte(4, "/"), byte(7, "/") else { return nil }
            (year, month, day, end) = (int(0, 4), int(5, 2), int(8, 2), 10)
        default:
            guard byte(4, "-"), byte(7, "-") else { return nil }
            (year, month, day, end) = (int(0, 4), int(5, 2), int(8, 2), 10)
        }
        if self != .isoDate, self != .slashedYearFirst, self != .usDate {
            let separator: Character = (self == .isoDateTimeT || self == .isoDateTimeTFraction) ? "T" : " "
            guard byte(10, separator), byte(13, ":"), byte(16, ":"),
                  let h = int(11, 2), let m = int(14, 2), let s = int(17, 2) else { return nil }
            (hour, minute, second, end) = (h, m, s, 19)
            if self == .isoDateTimeFraction || self == .isoDateTimeTFraction {
                guard byte(19, ".") else { return nil }
                var k = 20, scale = 0.1
                while k < b.count, k < 29, b[k] >= 0x30, b[k] <= 0x39 {
                    fraction += Double(b[k] - 0x30) * scale
                    scale /= 10
                    k += 1
                }
                guard k > 20 else { return nil }
                end = k
            }
        }
        guard end == b.count, let year, let month, let day,
              (1...12).contains(month), day >= 1, day <= DateFormat.daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 60 else { return nil }
        let days = DateFormat.daysSinceEpoch(year: year, month: month, day: day)
        return Double(days * 86_400 + hour * 3_600 + minute * 60 + second) + fraction
    }

    /// The first layout in which every one of `cells` parses, or nil.
    public static func detect<C: Collection>(_ cells: C) -> DateFormat? where C.Element == String {
        guard let first = cells.first else { return nil }
        return allCases.first { format in
            format.seconds(first) != nil && cells.allSatisfy { format.seconds($0) != nil }
        }
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 in the proleptic Gregorian calendar: count whole 400-year eras
    /// from 0000-03-01 (a year starting in March puts the leap day last), then years, then
    /// months of the shifted year (153 days per five months), then days.
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = (month + 9) % 12  // March = 0
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
