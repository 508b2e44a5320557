// Regex text for the pieces of an inferred log header: literals, closed sets, digit fields
// within a range, and the calendar that keeps generated dates real.
//
// The inferred header is written as a regular expression (not built as a grammar
// directly) so that it is one thing a user can read, keep and edit: `synth logs fit`
// stores it as header.regex in the bundle, and `--header-regex-file` takes it back.

/// Builders of regex text in the dialect `compileRegex` reads.
enum HeaderRegex {
    /// `text` matched literally.
    static func escape<S: StringProtocol>(_ text: S) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\", "^", "$", ".", "|", "?", "*", "+", "(", ")", "[", "]", "{", "}":
                out += "\\" + String(scalar)
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16, uppercase: true)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Exactly the given texts (a group of alternatives, longest first so a reader sees the
    /// specific ones first; order does not change the language).
    static func oneOf<S: StringProtocol>(_ texts: [S]) -> String {
        let distinct = Array(Set(texts.map { String($0) })).sorted { ($0.count, $0) > ($1.count, $1) }
        if distinct.count == 1 { return escape(distinct[0]) }
        return "(?:" + distinct.map { escape($0) }.joined(separator: "|") + ")"
    }

    /// `r` wrapped in a non-capturing group when it has a top-level alternation.
    static func grouped(_ r: String) -> String {
        var depth = 0, escaped = false, inClass = false
        for character in r {
            if escaped { escaped = false; continue }
            switch character {
            case "\\": escaped = true
            case "[": inClass = true
            case "]": inClass = false
            case "(" where !inClass: depth += 1
            case ")" where !inClass: depth -= 1
            case "|" where !inClass && depth == 0: return "(?:" + r + ")"
            default: break
            }
        }
        return r
    }

    /// `count` digits.
    static func anyDigits(_ count: Int) -> String {
        count == 0 ? "" : count == 1 ? "\\d" : "\\d{\(count)}"
    }

    /// Decimal digit strings of exactly `low.count` characters between `low` and `high`
    /// (equal lengths, `low <= high` as strings): the classic construction — the shared
    /// prefix, then the low tail, the full middle block and the high tail.
    static func fixedWidthRange(_ low: [UInt8], _ high: [UInt8]) -> String {
        precondition(low.count == high.count)
        let n = low.count
        if n == 0 { return "" }
        if low == high { return String(decoding: low, as: UTF8.self) }
        if low[0] == high[0] {
            return String(UnicodeScalar(low[0])) + grouped(fixedWidthRange(Array(low[1...]), Array(high[1...])))
        }
        let zeros = [UInt8](repeating: 48, count: n - 1), nines = [UInt8](repeating: 57, count: n - 1)
        let lowTailFull = Array(low[1...]) == zeros, highTailFull = Array(high[1...]) == nines
        var alternatives: [String] = []
        let middleLow = lowTailFull ? low[0] : low[0] + 1
        let middleHigh = highTailFull ? high[0] : high[0] - 1
        if !lowTailFull {
            alternatives.append(String(UnicodeScalar(low[0])) + grouped(fixedWidthRange(Array(low[1...]), nines)))
        }
        if middleLow <= middleHigh {
            let digit = middleLow == middleHigh ? String(UnicodeScalar(middleLow))
                : "[\(String(UnicodeScalar(middleLow)))-\(String(UnicodeScalar(middleHigh)))]"
            alternatives.append(digit + anyDigits(n - 1))
        }
        if !highTailFull {
            alternatives.append(String(UnicodeScalar(high[0])) + grouped(fixedWidthRange(zeros, Array(high[1...]))))
        }
        return alternatives.joined(separator: "|")
    }

    /// Canonical decimal integers (no leading zeros) between `low` and `high`, given as
    /// canonical digit strings with `low <= high`.
    static func canonicalRange(_ low: String, _ high: String) -> String {
        let lowDigits = Array(low.utf8), highDigits = Array(high.utf8)
        var alternatives: [String] = []
        for length in lowDigits.count...highDigits.count {
            let from = length == lowDigits.count ? lowDigits : (length == 1 ? [48] : [49] + [UInt8](repeating: 48, count: length - 1))
            let to = length == highDigits.count ? highDigits : [UInt8](repeating: 57, count: length)
            alternatives.append(fixedWidthRange(from, to))
        }
        return alternatives.joined(separator: "|")
    }

    /// Digit strings like `values` (at least one, each non-empty): zero-padded to their
    /// common width between the smallest and the largest when they share a width and some
    /// have leading zeros; canonical integers between them when none has; otherwise any
    /// digits of the widths seen. `clamp` narrows the numeric range (calendar fields).
    static func digits(_ values: [Substring], clamp: ClosedRange<Int>? = nil) -> String {
        let widths = Set(values.map(\.utf8.count))
        let canonical = values.allSatisfy { $0.utf8.count == 1 || $0.utf8.first != 48 }
        let low = values.min(by: numericallyBefore)!, high = values.max(by: numericallyBefore)!
        var lowText = String(low), highText = String(high)
        if let clamp {
            lowText = String(max(clamp.lowerBound, Int(lowText) ?? clamp.lowerBound))
            highText = String(min(clamp.upperBound, Int(highText) ?? clamp.upperBound))
            if numericallyBefore(Substring(highText), Substring(lowText)) { swap(&lowText, &highText) }
        }
        if widths.count == 1, let width = widths.first, !canonical || width == 1 {
            func padded(_ s: String) -> [UInt8] { [UInt8](repeating: 48, count: max(0, width - s.count)) + Array(s.utf8) }
            let from = padded(canonicalDigits(lowText)), to = padded(canonicalDigits(highText))
            if from.count == width && to.count == width { return grouped(fixedWidthRange(from, to)) }
        }
        if canonical { return grouped(canonicalRange(canonicalDigits(lowText), canonicalDigits(highText))) }
        let minWidth = widths.min()!, maxWidth = widths.max()!
        return minWidth == maxWidth ? anyDigits(minWidth) : "\\d{\(minWidth),\(maxWidth)}"
    }

    /// `s` without leading zeros (`"0"` stays).
    static func canonicalDigits(_ s: String) -> String {
        let trimmed = s.drop { $0 == "0" }
        return trimmed.isEmpty ? "0" : String(trimmed)
    }

    /// Numeric order of digit strings of any length.
    static func numericallyBefore(_ a: Substring, _ b: Substring) -> Bool {
        let x = a.drop { $0 == "0" }, y = b.drop { $0 == "0" }
        if x.utf8.count != y.utf8.count { return x.utf8.count < y.utf8.count }
        return x < y
    }
}

/// The proleptic Gregorian calendar, as far as headers need it.
enum HeaderCalendar {
    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    /// Days in `month` (1...12) of `year`; with no year, February has 28 (Python's strptime
    /// reads a date without a year as one in 1900, not a leap year).
    static func days(inMonth month: Int, year: Int?) -> Int {
        switch month {
        case 2: return year.map { isLeap($0) ? 29 : 28 } ?? 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (negative before), for any date (Howard Hinnant's algorithm).
    static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day number.
    static func date(dayNumber: Int) -> (year: Int, month: Int, day: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// 0 = Monday ... 6 = Sunday.
    static func weekday(dayNumber: Int) -> Int { ((dayNumber % 7) + 7 + 3) % 7 }

    static let monthAbbreviations = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                             "October", "November", "December"]
    static let weekdayAbbreviations = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    static let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// A two-digit year as Python's `%y` reads it: 69...99 are 1969...1999, 00...68 are 2000...2068.
    static func fullYear(twoDigit year: Int) -> Int { year >= 69 ? 1900 + year : 2000 + year }
}
