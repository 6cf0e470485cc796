import ArgumentParser
import Curation
import Foundation
import Store

/// `vantage export`: the curated set in ObjectNet's release layout, or as plain JPEGs.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the curated set (accepted photos and approved flagged ones).",
        discussion: """
            objectnet: a folder per class (ObjectNet folder names), 15-hex-character PNG names with a \
            2-pixel red border, answers.json (file name → ObjectNet id), metadata.csv and LICENCE.txt. \
            jpeg: the camera's JPEGs as stored, with an EXIF block holding only the Orientation (and the ICC \
            profile), same folders and metadata.csv. \
            Files are written beside the target and moved into place at the end; the same database gives \
            byte-identical files.
            """)

    @Option(help: "Folder to create (must be empty or missing).") var out: String
    @Option(help: "objectnet or jpeg.") var format = "objectnet"
    @Option(help: "overlap (classes mapped to ImageNet-1k) or all.") var classes = "overlap"
    @Flag(help: "Replace a folder that holds a previous export.") var force = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard ExportFormat(rawValue: format) != nil else { throw ValidationError("--format is objectnet or jpeg, not \"\(format)\".") }
        guard ExportSelection(rawValue: classes) != nil else { throw ValidationError("--classes is overlap or all, not \"\(classes)\".") }
        guard !out.isEmpty else { throw ValidationError("--out needs a folder.") }
    }

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext.load()
            let logger = context.logger
            let request = ExportRequest(
                out: URL(fileURLWithPath: out, isDirectory: true), format: ExportFormat(rawValue: format) ?? .objectnet,
                classes: ExportSelection(rawValue: classes) ?? .overlap, force: force)
            let exporter = CurationExporter(blobs: BlobStore(root: context.blobRoot), logger: logger)
            let summary = try await context.withMigratedClient { client in
                try await exporter.export(request, client: client)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(summary), as: UTF8.self))
            } else {
                print("exported \(summary.images) images in \(summary.classes) class folders to \(summary.out) (\(summary.format.rawValue))")
                if summary.skipped > 0 {
                    print("left out \(summary.skipped) photos whose class has no ObjectNet id or folder")
                }
            }
        }
    }
}
