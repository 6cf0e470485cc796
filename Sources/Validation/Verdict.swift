/// The outcome of validating one photo.
public enum Verdict: String, Sendable, Codable, CaseIterable {
    /// Every check passed.
    case accepted
    /// Usable, but a person should look (at least one flag, no reject).
    case flagged
    /// Not usable (at least one reject).
    case rejected
}
