import Foundation

/// DateTimeOriginal (+ OffsetTimeOriginal) as an interval of possible instants: exact with an
/// offset, and widened to every real time zone (UTC−12 … UTC+14) without one.
struct CaptureTime: Sendable, Equatable {
    let earliest: Date
    let latest: Date
    /// ISO 8601 text: with the offset when known, local time otherwise.
    let iso8601: String

    /// Nil when the text is not a valid "YYYY:MM:DD HH:MM:SS" (or the offset not "±HH:MM").
    init?(dateTimeOriginal text: String, offset offsetText: String?) {
        let bytes = Array(text.utf8.prefix(19))
        guard bytes.count == 19, bytes[4] == UInt8(ascii: ":"), bytes[7] == UInt8(ascii: ":"),
              bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1900...2999).contains(year), (1...12).contains(month), (1...31).contains(day),
              hour < 24, minute < 60, second < 61 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let asUTC = calendar.date(from: components),
              calendar.component(.day, from: asUTC) == day else { return nil }
        let local = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour, minute, second)
        if let offsetText, let offset = CaptureTime.offsetSeconds(offsetText) {
            let instant = asUTC.addingTimeInterval(-Double(offset))
            earliest = instant
            latest = instant
            iso8601 = local + offsetText
        } else {
            earliest = asUTC.addingTimeInterval(-14 * 3600)
            latest = asUTC.addingTimeInterval(12 * 3600)
            iso8601 = local
        }
    }

    /// Seconds east of UTC for "±HH:MM", nil otherwise.
    static func offsetSeconds(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 6, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"),
              bytes[3] == UInt8(ascii: ":"),
              bytes[1...2].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), bytes[4...5].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else { return nil }
        let hours = Int(bytes[1] - 0x30) * 10 + Int(bytes[2] - 0x30)
        let minutes = Int(bytes[4] - 0x30) * 10 + Int(bytes[5] - 0x30)
        guard hours <= 14, minutes < 60 else { return nil }
        let seconds = hours * 3600 + minutes * 60
        return bytes[0] == UInt8(ascii: "-") ? -seconds : seconds
    }
}
