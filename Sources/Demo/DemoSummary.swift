public import Evaluation
public import Foundation

/// Where the demo left things, and the figures it printed.
public struct DemoSummary: Sendable {
    /// The demo's folder.
    public var work: URL
    /// Its blob store.
    public var blobRoot: URL
    /// The report folder (report.html, report.md, report.json, prediction CSVs).
    public var report: URL
    /// The evaluation run.
    public var runID: Int
    /// What the uploads got back.
    public var uploads: DemoUploads
    /// Flagged photos the demo's reviewer approved.
    public var approved: Int
    /// Flagged photos the demo's reviewer rejected.
    public var reviewRejected: Int
    /// Per model, in the all-classes protocol.
    public var summaries: [ModelSummary]
    /// The registry package the real photograph came from.
    public var sourcePackage: String
    /// The photograph's licence.
    public var sourceLicence: String
}
