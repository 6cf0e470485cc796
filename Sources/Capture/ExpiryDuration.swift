/// A duration written like `7d`, `12h`, `30m` or `90s`, for task expiry.
public struct ExpiryDuration: Sendable, Hashable {
    /// Length in seconds.
    public var seconds: Int

    /// Longest accepted expiry: a year.
    public static let maximumSeconds = 366 * 86_400

    /// Parses `<positive integer><d|h|m|s>`; throws one sentence otherwise.
    public init(parsing text: String) throws {
        let units: [Character: Int] = ["d": 86_400, "h": 3_600, "m": 60, "s": 1]
        guard let unit = text.last, let scale = units[unit], let amount = Int(text.dropLast()), amount > 0,
              amount <= Self.maximumSeconds / scale
        else {
            throw CatalogError("Expiry \"\(text)\" should be a positive whole number followed by d, h, m or s (at most 366d), as in 7d.")
        }
        seconds = amount * scale
    }
}
