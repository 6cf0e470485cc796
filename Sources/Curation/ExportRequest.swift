public import Foundation
public import Store

/// What `vantage export` asks for.
public struct ExportRequest: Sendable {
    /// The folder to create (or replace, with `force`).
    public var out: URL
    /// ObjectNet's layout or plain JPEGs.
    public var format: ExportFormat
    /// Overlap classes or all.
    public var classes: ExportSelection
    /// Replace a non-empty folder that holds a previous export.
    public var force: Bool
    /// zlib level of the PNGs; fixed so that exports are byte-identical.
    public var pngLevel: Int

    /// Creates a request.
    public init(out: URL, format: ExportFormat = .objectnet, classes: ExportSelection = .overlap, force: Bool = false, pngLevel: Int = 6) {
        self.out = out
        self.format = format
        self.classes = classes
        self.force = force
        self.pngLevel = pngLevel
    }
}
