public import Foundation
public import Store

/// Writes a run's report folder: report.json, predictions-<model>.csv (curated images; control images in
/// predictions-<model>-control.csv), report.md and report.html. Files are written into a temporary folder
/// beside the destination and renamed into place, so a failure leaves no half-written report.
public struct ReportWriter: Sendable {
    /// What was written.
    public struct Written: Sendable, Equatable {
        /// The run reported.
        public var runID: Int
        /// The report folder.
        public var folder: URL
        /// File names in it.
        public var files: [String]
    }

    let catalog: any CatalogRepository
    let evaluations: any EvaluationRepository
    let controls: any ControlRepository

    /// A writer reading runs, the catalog and the control names from these repositories.
    public init(catalog: any CatalogRepository, evaluations: any EvaluationRepository, controls: any ControlRepository) {
        self.catalog = catalog
        self.evaluations = evaluations
        self.controls = controls
    }

    /// Writes the report of run `runID` (the newest when nil) to `folder`. Charts use `chartProtocol`
    /// (default: the protocol the run was started with); `notes` are shown at the top of every format.
    /// An existing folder is replaced only when it is empty or holds an earlier report.
    @discardableResult
    public func write(runID: Int?, to folder: URL, chartProtocol: ScoringProtocol? = nil, notes: [String] = []) async throws -> Written {
        let destination = folder.standardizedFileURL
        try Self.checkDestination(destination)
        let results = try await RunResults.load(runID: runID, evaluations: evaluations, catalog: catalog)
        var names = EvaluationReport.ControlNames()
        for rotation in try await controls.rotations() { names.rotations[rotation.id] = "\(rotation.id): \(rotation.description)" }
        for viewpoint in try await controls.viewpoints() { names.viewpoints[viewpoint.id] = viewpoint.name }
        for room in try await controls.rooms() { names.rooms[room.id] = room.name }
        let report = EvaluationReport(results: results, controls: names, chartProtocol: chartProtocol, notes: notes)

        var files: [(String, [UInt8])] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        files.append(("report.json", Array(try encoder.encode(report))))
        let curated = results.images.filter { $0.split == .curated }
        let control = results.images.filter { $0.split == .control }
        for model in results.models {
            let predicted = results.predictions[model.name] ?? [:]
            files.append(("predictions-\(model.name).csv", ChallengeCSV.render(images: curated, predictions: predicted, catalog: results.catalog)))
            if !control.isEmpty {
                files.append(("predictions-\(model.name)-control.csv", ChallengeCSV.render(images: control, predictions: predicted, catalog: results.catalog)))
            }
        }
        files.append(("report.md", Array(MarkdownReport.render(report).utf8)))
        files.append(("report.html", Array(HTMLReport.render(report).utf8)))
        try Self.install(files, at: destination)
        return Written(runID: results.run.id, folder: destination, files: files.map(\.0))
    }

    static func checkDestination(_ folder: URL) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        let parent = folder.deletingLastPathComponent()
        guard manager.fileExists(atPath: parent.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw EvaluationError(.output, "The folder \(parent.path) does not exist, so the report cannot be written into it.")
        }
        guard manager.fileExists(atPath: folder.path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw EvaluationError(.output, "\(folder.path) exists and is not a folder.") }
        let contents = (try? manager.contentsOfDirectory(atPath: folder.path)) ?? []
        guard contents.isEmpty || contents.contains("report.json") else {
            throw EvaluationError(.output, "\(folder.path) is not empty and holds no earlier report; choose another --out folder.")
        }
    }

    static func install(_ files: [(String, [UInt8])], at destination: URL) throws {
        let manager = FileManager.default
        let parent = destination.deletingLastPathComponent()
        let token = UUID().uuidString.prefix(8)
        let staging = parent.appendingPathComponent(".\(destination.lastPathComponent).\(token).tmp", isDirectory: true)
        let previous = parent.appendingPathComponent(".\(destination.lastPathComponent).\(token).old", isDirectory: true)
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: false)
            for (name, bytes) in files {
                try Data(bytes).write(to: staging.appendingPathComponent(name))
            }
            if manager.fileExists(atPath: destination.path) {
                try manager.moveItem(at: destination, to: previous)
            }
            try manager.moveItem(at: staging, to: destination)
            try? manager.removeItem(at: previous)
        } catch {
            try? manager.removeItem(at: staging)
            if manager.fileExists(atPath: previous.path), !manager.fileExists(atPath: destination.path) {
                try? manager.moveItem(at: previous, to: destination)
            }
            throw EvaluationError(.output, "Cannot write the report to \(destination.path): \(error.localizedDescription)")
        }
    }
}
