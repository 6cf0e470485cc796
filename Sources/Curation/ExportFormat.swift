/// What `vantage export` writes.
public enum ExportFormat: String, Sendable, CaseIterable, Codable {
    /// ObjectNet's release layout: a folder per class, 15-hex-character PNG names with a 2-pixel
    /// red border, `answers.json`, `metadata.csv` and a licence note.
    case objectnet
    /// The stored JPEGs with only their Orientation tag (and ICC profile) as metadata, in the same
    /// folders, with `metadata.csv`.
    case jpeg
}
