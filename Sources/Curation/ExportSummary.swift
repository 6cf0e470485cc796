import Foundation

/// What an export wrote.
public struct ExportSummary: Sendable, Equatable, Codable {
    /// Where.
    public var out: String
    /// In which format.
    public var format: ExportFormat
    /// Images written.
    public var images: Int
    /// Class folders written.
    public var classes: Int
    /// Curated photos left out because their class has no ObjectNet id or folder (objectnet format).
    public var skipped: Int
}
