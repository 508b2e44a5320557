// Dates and times among the pieces of an inferred header (see LogHeaderInference.swift for
// the patterns recognised). A date group is written as the alternatives of its real dates;
// time fields keep the range seen inside their unit's (hours 0–23, minutes and seconds
// 0–59), so a generated timestamp always parses.

extension LogHeaderInference {
    /// One date in a header, spread over one or more pieces.
    struct DateGroup {
        enum Component: Equatable {
            case year4, year2
            case monthNumber(padded: Bool), monthName(full: Bool)
            case day(padded: Bool)
            case weekday(full: Bool)
            /// `YYYYMMDD` or `YYMMDD` in one piece.
            case packed8, packed6
        }

        /// Piece index → what it holds.
        var components: [Int: Component]
        /// Every real date from the first to the last one seen; nil when they are too many
        /// or some line's date is not real.
        var dates: [(year: Int?, month: Int, day: Int)]?

        var span: ClosedRange<Int> { components.keys.min()!...components.keys.max()! }

        /// The text of piece `index` on `date`, or nil when the piece is not part of the date.
        func literal(for index: Int, date: (year: Int?, month: Int, day: Int)) -> String? {
            guard let component = components[index] else { return nil }
            func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
            let year = date.year ?? 1900
            switch component {
            case .year4: return String(year)
            case .year2: return two(year % 100)
            case let .monthNumber(padded): return padded ? two(date.month) : String(date.month)
            case let .monthName(full):
                return full ? HeaderCalendar.monthNames[date.month - 1] : HeaderCalendar.monthAbbreviations[date.month - 1]
            case let .day(padded): return padded ? two(date.day) : String(date.day)
            case let .weekday(full):
                let weekday = HeaderCalendar.weekday(dayNumber: HeaderCalendar.dayNumber(year: year, month: date.month, day: date.day))
                return full ? HeaderCalendar.weekdayNames[weekday] : HeaderCalendar.weekdayAbbreviations[weekday]
            case .packed8: return String(year) + two(date.month) + two(date.day)
            case .packed6: return two(year % 100) + two(date.month) + two(date.day)
            }
        }
    }

    /// The dates and times found among a header's pieces.
    struct DateLabels {
        var groups: [DateGroup] = []
        /// Piece index → the range its digits must stay in (time fields, and date fields
        /// written as plain ranges).
        var clamp: [Int: ClosedRange<Int>] = [:]
        /// Dates spanning more days than this are written as plain ranges.
        static let maxDates = 4000

        init() {}

        init(pieces: [Piece]) {
            var used = Set<Int>()
            func digits(_ i: Int) -> [Substring]? {
                guard i >= 0, i < pieces.count, !used.contains(i), case let .digits(values) = pieces[i] else { return nil }
                return values
            }
            func text(_ i: Int) -> String? {
                guard i >= 0, i < pieces.count, case let .text(value) = pieces[i] else { return nil }
                return value
            }
            func letters(_ i: Int) -> [Substring]? {
                guard i >= 0, i < pieces.count, !used.contains(i), case let .letters(values) = pieces[i] else { return nil }
                return values
            }
            func within(_ values: [Substring]?, _ range: ClosedRange<Int>, widths: Set<Int>) -> Bool {
                guard let values else { return false }
                return values.allSatisfy { widths.contains($0.utf8.count) && Int($0).map(range.contains) == true }
            }
            func padded(_ values: [Substring]) -> Bool { values.allSatisfy { $0.utf8.count >= 2 } }
            let separators: Set<String> = ["-", "/", "."]
            let lineCount: Int = pieces.lazy.compactMap { piece -> Int? in
                switch piece {
                case let .digits(values), let .letters(values): return values.count
                default: return nil
                }
            }.first ?? 0

            // Dates.
            var index = 0
            while index < pieces.count {
                defer { index += 1 }
                var found: [Int: DateGroup.Component]?
                if within(digits(index), 1900...2100, widths: [4]), let sep = text(index + 1), separators.contains(sep),
                   within(digits(index + 2), 1...12, widths: [1, 2]), text(index + 3) == sep,
                   within(digits(index + 4), 1...31, widths: [1, 2]) {
                    // YYYY-MM-DD
                    found = [index: .year4, index + 2: .monthNumber(padded: padded(digits(index + 2)!)),
                             index + 4: .day(padded: padded(digits(index + 4)!))]
                } else if let first = digits(index), within(first, 1...31, widths: [1, 2]), let sep = text(index + 1),
                          separators.contains(sep), let second = digits(index + 2), within(second, 1...31, widths: [1, 2]),
                          text(index + 3) == sep, within(digits(index + 4), 1900...2100, widths: [4]) {
                    // MM/DD/YYYY or DD.MM.YYYY
                    let monthFirst = within(first, 1...12, widths: [1, 2]) && (sep == "/" || !within(second, 1...12, widths: [1, 2]))
                    if monthFirst || within(second, 1...12, widths: [1, 2]) {
                        found = [index + 4: .year4,
                                 (monthFirst ? index : index + 2): .monthNumber(padded: padded(monthFirst ? first : second)),
                                 (monthFirst ? index + 2 : index): .day(padded: padded(monthFirst ? second : first))]
                    }
                } else if let a = digits(index), within(a, 0...99, widths: [2]), let sep = text(index + 1), separators.contains(sep),
                          let b = digits(index + 2), within(b, 0...99, widths: [2]), text(index + 3) == sep,
                          let c = digits(index + 4), within(c, 0...99, widths: [2]), !(text(index + 5) == sep && digits(index + 6) != nil) {
                    // YY/MM/DD, MM/DD/YY or DD/MM/YY: the first reading under which every date is real.
                    let orders: [(Int, Int, Int)] = [(0, 1, 2), (2, 0, 1), (2, 1, 0)]  // (year, month, day) positions
                    let positions = [index, index + 2, index + 4]
                    let columns = [a, b, c]
                    for (y, m, d) in orders {
                        let real = (0..<lineCount).allSatisfy { line in
                            let year = HeaderCalendar.fullYear(twoDigit: Int(columns[y][line])!)
                            let month = Int(columns[m][line])!, day = Int(columns[d][line])!
                            return (1...12).contains(month) && day >= 1 && day <= HeaderCalendar.days(inMonth: month, year: year)
                        }
                        if real {
                            found = [positions[y]: .year2, positions[m]: .monthNumber(padded: true), positions[d]: .day(padded: true)]
                            break
                        }
                    }
                } else if let values = digits(index), values.allSatisfy({ $0.utf8.count == 8 }),
                          values.allSatisfy({ DateLabels.packedDate($0, yearDigits: 4) != nil }) {
                    found = [index: .packed8]
                } else if let values = digits(index), values.allSatisfy({ $0.utf8.count == 6 }),
                          values.allSatisfy({ DateLabels.packedDate($0, yearDigits: 2) != nil }) {
                    // YYMMDD, unless the field reads as HHMMSS too and no time follows it.
                    let isTime = values.allSatisfy { DateLabels.packedTime($0) != nil }
                    let nextIsTime = digits(index + 2).map { next in
                        next.allSatisfy { $0.utf8.count == 6 && DateLabels.packedTime($0) != nil }
                    } ?? false
                    if !isTime || nextIsTime { found = [index: .packed6] }
                } else if let first = digits(index), within(first, 1...31, widths: [1, 2]), let sep = text(index + 1),
                          separators.contains(sep), let second = digits(index + 2), within(second, 1...31, widths: [1, 2]),
                          let gap = text(index + 3), gap.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "T" }),
                          digits(index + 4) != nil, text(index + 5) == ":" {
                    // MM-DD (or DD.MM) right before a time, no year.
                    if within(first, 1...12, widths: [1, 2]) {
                        found = [index: .monthNumber(padded: padded(first)), index + 2: .day(padded: padded(second))]
                    } else if within(second, 1...12, widths: [1, 2]) {
                        found = [index + 2: .monthNumber(padded: padded(second)), index: .day(padded: padded(first))]
                    }
                } else if let names = letters(index), let full = DateLabels.nameForm(names, HeaderCalendar.monthAbbreviations, HeaderCalendar.monthNames),
                          let gap = text(index + 1), gap.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "-" || $0 == "/" }),
                          let day = digits(index + 2), within(day, 1...31, widths: [1, 2]) {
                    // Month name and day (`Dec 10`, `04-Dec`... not: the day follows), the year
                    // anywhere in the header.
                    found = [index: .monthName(full: full), index + 2: .day(padded: padded(day))]
                    if let year = (0..<pieces.count).first(where: { !used.contains($0) && $0 != index + 2 && within(digits($0), 1900...2100, widths: [4]) }) {
                        found![year] = .year4
                    }
                }
                guard var components = found else { continue }
                if components.values.contains(where: { [.year4, .year2, .packed8, .packed6].contains($0) }),
                   let weekday = (0..<pieces.count).first(where: { i in
                       letters(i).map { DateLabels.nameForm($0, HeaderCalendar.weekdayAbbreviations, HeaderCalendar.weekdayNames) != nil } ?? false
                   }) {
                    components[weekday] = .weekday(full: DateLabels.nameForm(letters(weekday)!, HeaderCalendar.weekdayAbbreviations,
                                                                              HeaderCalendar.weekdayNames)!)
                }
                let span = components.keys.min()!...components.keys.max()!
                // Spans may not cross another group's.
                guard !groups.contains(where: { $0.span.overlaps(span) }) else { continue }
                used.formUnion(components.keys)
                var group = DateGroup(components: components, dates: nil)
                group.dates = DateLabels.realDates(group, pieces: pieces, lineCount: lineCount)
                if group.dates == nil {
                    for (i, component) in components {
                        switch component {
                        case .monthNumber: clamp[i] = 1...12
                        case .day: clamp[i] = 1...31
                        default: break
                        }
                    }
                }
                groups.append(group)
            }

            // Times.
            index = 0
            while index < pieces.count {
                defer { index += 1 }
                if let values = digits(index), values.allSatisfy({ $0.utf8.count == 6 && DateLabels.packedTime($0) != nil }) {
                    used.insert(index)
                    packedTimes.insert(index)
                    continue
                }
                guard within(digits(index), 0...23, widths: [1, 2]), let sep = text(index + 1),
                      sep == ":" || (sep == "." && groups.contains { $0.components[index - 2] != nil }),
                      within(digits(index + 2), 0...59, widths: [1, 2]) else { continue }
                clamp[index] = 0...23
                unit[index + 2] = 0...59
                used.formUnion([index, index + 2])
                if text(index + 3) == sep, within(digits(index + 4), 0...60, widths: [1, 2]) {
                    unit[index + 4] = 0...59
                    used.insert(index + 4)
                    if let mark = text(index + 5), [".", ",", ":"].contains(mark), digits(index + 6) != nil {
                        fractions.insert(index + 6)
                        used.insert(index + 6)
                    }
                }
            }
        }

        /// Piece index → the whole range of its unit (minutes and seconds: any value, in the
        /// width seen).
        var unit: [Int: ClosedRange<Int>] = [:]
        /// Pieces holding fractions of a second: any digits of the widths seen.
        var fractions: Set<Int> = []

        /// Pieces holding `HHMMSS`.
        var packedTimes: Set<Int> = []

        /// `full` when every value is a full name of `names`, false when every one is an
        /// abbreviation, nil otherwise.
        static func nameForm(_ values: [Substring], _ abbreviations: [String], _ names: [String]) -> Bool? {
            if values.allSatisfy({ abbreviations.contains(String($0)) }) { return false }
            if values.allSatisfy({ names.contains(String($0)) }) { return true }
            return nil
        }

        /// (year, month, day) of `YYYYMMDD` / `YYMMDD`, when real.
        static func packedDate(_ value: Substring, yearDigits: Int) -> (Int, Int, Int)? {
            let digits = Array(value.utf8).map { Int($0) - 48 }
            func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + digits[$1] } }
            var year = number(0..<yearDigits)
            if yearDigits == 2 { year = HeaderCalendar.fullYear(twoDigit: year) } else if !(1900...2100).contains(year) { return nil }
            let month = number(yearDigits..<(yearDigits + 2)), day = number((yearDigits + 2)..<(yearDigits + 4))
            guard (1...12).contains(month), day >= 1, day <= HeaderCalendar.days(inMonth: month, year: year) else { return nil }
            return (year, month, day)
        }

        /// (hour, minute, second) of `HHMMSS`, when real.
        static func packedTime(_ value: Substring) -> (Int, Int, Int)? {
            let digits = Array(value.utf8).map { Int($0) - 48 }
            guard digits.count == 6 else { return nil }
            let h = digits[0] * 10 + digits[1], m = digits[2] * 10 + digits[3], s = digits[4] * 10 + digits[5]
            guard h <= 23, m <= 59, s <= 59 else { return nil }
            return (h, m, s)
        }

        /// Every date from the first to the last one the lines hold, or nil when some line's
        /// date is not real (or its weekday is wrong) or there are more than ``maxDates``.
        static func realDates(_ group: DateGroup, pieces: [Piece], lineCount: Int) -> [(year: Int?, month: Int, day: Int)]? {
            func values(_ i: Int) -> [Substring] {
                switch pieces[i] {
                case let .digits(v), let .letters(v): return v
                default: return []
                }
            }
            var first = Int.max, last = Int.min
            var hasYear = false
            for line in 0..<lineCount {
                var year: Int?, month = 0, day = 0, weekday: Int?
                for (i, component) in group.components {
                    let value = values(i)[line]
                    switch component {
                    case .year4: year = Int(value)
                    case .year2: year = Int(value).map(HeaderCalendar.fullYear(twoDigit:))
                    case .monthNumber: month = Int(value) ?? 0
                    case .monthName:
                        month = (HeaderCalendar.monthAbbreviations.firstIndex(of: String(value))
                            ?? HeaderCalendar.monthNames.firstIndex(of: String(value)) ?? -1) + 1
                    case .day: day = Int(value) ?? 0
                    case .weekday:
                        weekday = HeaderCalendar.weekdayAbbreviations.firstIndex(of: String(value))
                            ?? HeaderCalendar.weekdayNames.firstIndex(of: String(value))
                    case .packed8, .packed6:
                        guard let (y, m, d) = packedDate(value, yearDigits: component == .packed8 ? 4 : 2) else { return nil }
                        (year, month, day) = (y, m, d)
                    }
                }
                hasYear = year != nil
                guard (1...12).contains(month), day >= 1, day <= HeaderCalendar.days(inMonth: month, year: year) else { return nil }
                let number = HeaderCalendar.dayNumber(year: year ?? 1900, month: month, day: day)
                if let weekday, year != nil, HeaderCalendar.weekday(dayNumber: number) != weekday { return nil }
                first = min(first, number)
                last = max(last, number)
            }
            guard lineCount > 0, last - first < maxDates else { return nil }
            return (first...last).map { number in
                let date = HeaderCalendar.date(dayNumber: number)
                return (hasYear ? date.year : nil, date.month, date.day)
            }
        }
    }

    /// Digits like `values`, over the whole of `unit` (`00`–`59` when padded, `0`–`59` when not).
    static func unitRegex(_ values: [Substring], unit: ClosedRange<Int>) -> String {
        let padded = values.allSatisfy { $0.utf8.count == 2 }
        let extremes = padded ? [unit.lowerBound, unit.upperBound].map { Substring($0 < 10 ? "0\($0)" : "\($0)") }
            : [Substring(String(unit.lowerBound)), Substring(String(unit.upperBound))]
        return HeaderRegex.digits(values + extremes, clamp: unit)
    }

    /// Any digits of the widths of `values`.
    static func fractionRegex(_ values: [Substring]) -> String {
        let widths = values.map(\.utf8.count)
        return widths.min()! == widths.max()! ? HeaderRegex.anyDigits(widths.min()!) : "\\d{\(widths.min()!),\(widths.max()!)}"
    }

    /// `HHMMSS` between the earliest and latest hour seen, any minute and second.
    static func packedTimeRegex(_ values: [Substring]) -> String {
        let hours = values.map { $0.prefix(2) }
        return HeaderRegex.digits(hours, clamp: 0...23) + "[0-5]\\d[0-5]\\d"
    }
}
