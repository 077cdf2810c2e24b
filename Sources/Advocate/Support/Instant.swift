import Foundation

/// A point in time in whole milliseconds since 1970-01-01T00:00:00Z (UTC).
///
/// The journal holds up to millions of timestamps; parsing them by hand (the fixed RFC 3339
/// shapes only) is many times faster than `ISO8601DateFormatter`, and needs no shared state
/// across render threads.
public struct Instant: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    public static let millisecondsPerDay: Int64 = 86_400_000

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// The current time, for events the server and CLI record (never for builds).
    public static var now: Instant {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Instant(milliseconds: Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000)
    }

    public func adding(days: Int) -> Instant {
        Instant(milliseconds: milliseconds + Int64(days) * Self.millisecondsPerDay)
    }

    /// The UTC calendar day this instant falls on.
    public var day: CalendarDay {
        CalendarDay(daysSinceEpoch: Int(milliseconds.floorDivided(by: Self.millisecondsPerDay)))
    }

    /// `2026-03-01T09:30:00Z`; milliseconds appear only when there are some.
    public var iso8601: String {
        let dayStart = Int64(day.daysSinceEpoch) * Self.millisecondsPerDay
        let withinDay = milliseconds - dayStart
        let seconds = withinDay / 1000
        let millis = withinDay % 1000
        var text = day.iso8601 + "T" + Self.twoDigits(Int(seconds / 3600)) + ":"
            + Self.twoDigits(Int(seconds / 60 % 60)) + ":" + Self.twoDigits(Int(seconds % 60))
        if millis != 0 {
            let digits = String(millis)
            text += "." + String(repeating: "0", count: 3 - digits.count) + digits
        }
        return text + "Z"
    }

    /// `2026-03-01 09:30 UTC`, for people.
    public var readable: String {
        let iso = iso8601
        let date = iso.prefix(10)
        let time = iso.dropFirst(11).prefix(5)
        return "\(date) \(time) UTC"
    }

    public var description: String { iso8601 }

    static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : String(value)
    }

    /// What keeps `text` from being a date-time ``init(iso8601:)`` reads, when it is a near
    /// miss: a day not in the calendar, no seconds, or no time zone; nil for anything else.
    public static func nearMiss(ofISO8601 text: String) -> String? {
        let day = String(text.prefix(10))
        if CalendarDay(day) == nil, CalendarDay.quoted(day).hasSuffix("calendar") { return "\(day) is not a day of the calendar" }
        if CalendarDay(text) != nil { return "it is a day without a time: \(text)T00:00:00Z, say" }
        if Instant(iso8601: text + "Z") != nil { return "it has no time zone: add Z for UTC, or its offset such as +01:00" }
        let withSeconds = String(text.prefix(16)) + ":00" + text.dropFirst(16)
        if text.utf8.count >= 16, Instant(iso8601: withSeconds) != nil { return "it has no seconds: \(withSeconds)" }
        if text.utf8.count == 16, Instant(iso8601: withSeconds + "Z") != nil { return "it has no seconds and no time zone: \(withSeconds)Z, say" }
        // `+0100`: an offset written without its colon.
        if text.utf8.count > 5, let sign = text.dropLast(4).last, "+-".contains(sign), text.suffix(4).allSatisfy(\.isASCII), text.suffix(4).allSatisfy(\.isNumber) {
            let withColon = String(text.dropLast(2)) + ":" + text.suffix(2)
            if Instant(iso8601: withColon) != nil { return "its offset needs a colon: \(withColon)" }
        }
        return nil
    }

    /// Parses RFC 3339 / ISO 8601 date-times such as `2026-03-01T09:30:00Z`,
    /// `2026-03-01T09:30:00.250Z` or `2026-03-01T11:30:00+02:00`. Returns nil for anything else.
    public init?(iso8601 text: String) {
        var utf8 = Array(text.utf8)
        guard utf8.count >= 20, let day = CalendarDay(utf8: utf8[0..<10]) else { return nil }
        guard utf8[10] == UInt8(ascii: "T") || utf8[10] == UInt8(ascii: "t") || utf8[10] == UInt8(ascii: " "),
              utf8[13] == UInt8(ascii: ":"), utf8[16] == UInt8(ascii: ":"),
              let hour = Self.number(utf8[11..<13]), let minute = Self.number(utf8[14..<16]),
              let second = Self.number(utf8[17..<19]),
              hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var millis = 0
        if utf8[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < utf8.count, utf8[index] >= 0x30, utf8[index] <= 0x39 {
                if digits < 3 { millis = millis * 10 + Int(utf8[index] - 0x30) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 3) { millis *= 10 }
        }
        guard index < utf8.count else { return nil }
        var offsetMinutes = 0
        switch utf8[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = utf8[index] == UInt8(ascii: "-") ? -1 : 1
            guard index + 6 == utf8.count, utf8[index + 3] == UInt8(ascii: ":"),
                  let hours = Self.number(utf8[index + 1..<index + 3]),
                  let minutes = Self.number(utf8[index + 4..<index + 6]), hours < 24, minutes < 60
            else { return nil }
            offsetMinutes = sign * (hours * 60 + minutes)
            index += 6
        default:
            return nil
        }
        guard index == utf8.count else { return nil }
        utf8.removeAll()
        let seconds = Int64(day.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
            - Int64(offsetMinutes * 60)
        self.milliseconds = seconds * 1000 + Int64(millis)
    }

    static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in digits {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}

/// A calendar day in UTC, such as a referrer's `joined` date or `--as-of`.
public struct CalendarDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var daysSinceEpoch: Int

    public init(daysSinceEpoch: Int) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    /// Parses `YYYY-MM-DD`, rejecting impossible dates such as 2026-02-30.
    public init?(_ text: String) {
        let utf8 = Array(text.utf8)
        guard utf8.count == 10 else { return nil }
        self.init(utf8: utf8[0..<10])
    }

    /// `text` quoted for an error saying it is no `YYYY-MM-DD` date, with why when it has that
    /// shape: `"2026-02-30", which is not a day of the calendar`.
    public static func quoted(_ text: String) -> String {
        let shaped = text.utf8.count == 10 && text.enumerated().allSatisfy { index, character in
            index == 4 || index == 7 ? character == "-" : character.isASCII && character.isNumber
        }
        return "\"\(text)\"" + (shaped ? ", which is not a day of the calendar" : "")
    }

    init?(utf8: ArraySlice<UInt8>) {
        let base = utf8.startIndex
        guard utf8.count == 10, utf8[base + 4] == UInt8(ascii: "-"), utf8[base + 7] == UInt8(ascii: "-"),
              let year = Instant.number(utf8[base..<base + 4]),
              let month = Instant.number(utf8[base + 5..<base + 7]),
              let day = Instant.number(utf8[base + 8..<base + 10]),
              (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year)
        else { return nil }
        self.daysSinceEpoch = Self.daysFromCivil(year: year, month: month, day: day)
    }

    public init(year: Int, month: Int, day: Int) {
        self.daysSinceEpoch = Self.daysFromCivil(year: year, month: month, day: day)
    }

    /// The first millisecond of the day.
    public var start: Instant { Instant(milliseconds: Int64(daysSinceEpoch) * Instant.millisecondsPerDay) }

    /// The last millisecond of the day: what `--as-of DAY` means.
    public var end: Instant { Instant(milliseconds: start.milliseconds + Instant.millisecondsPerDay - 1) }

    public var components: (year: Int, month: Int, day: Int) { Self.civil(fromDays: daysSinceEpoch) }

    /// 0 for Monday through 6 for Sunday.
    public var weekdayFromMonday: Int { (daysSinceEpoch + 3).floorModulo(7) }

    /// The Monday that starts this day's week.
    public var weekStart: CalendarDay { CalendarDay(daysSinceEpoch: daysSinceEpoch - weekdayFromMonday) }

    public var iso8601: String {
        let (year, month, day) = components
        if (0...9999).contains(year) {
            // Ten bytes written in place: a stats page names 26 weeks, and concatenating five
            // strings for each was 1.4 % of a build.
            return String(unsafeUninitializedCapacity: 10) { text in
                Self.write(twoDigits: year / 100, to: text, at: 0)
                Self.write(twoDigits: year % 100, to: text, at: 2)
                text[4] = UInt8(ascii: "-")
                Self.write(twoDigits: month, to: text, at: 5)
                text[7] = UInt8(ascii: "-")
                Self.write(twoDigits: day, to: text, at: 8)
                return 10
            }
        }
        let yearText = String(year)
        return String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText
            + "-" + Instant.twoDigits(month) + "-" + Instant.twoDigits(day)
    }

    public var description: String { iso8601 }

    private static func write(twoDigits value: Int, to text: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        text[offset] = UInt8(ascii: "0") + UInt8(value / 10)
        text[offset + 1] = UInt8(ascii: "0") + UInt8(value % 10)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension BinaryInteger {
    func floorDivided(by divisor: Self) -> Self {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    func floorModulo(_ divisor: Self) -> Self {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
