public import Foundation
import Store

/// A folder of images with `labels.csv` (`file,label`, paths relative to the folder), checked whole
/// before anything is evaluated so a bad file never leaves a half-registered run.
public struct DatasetFolder: Sendable, Equatable {
    /// One labelled image.
    public struct Item: Sendable, Equatable {
        /// Line in labels.csv (1 = header).
        public var line: Int
        /// Path relative to the folder.
        public var file: String
        /// Catalog class id (ObjectNet space, or the class the ImageNet label maps to).
        public var classID: Int?
        /// ImageNet index (ImageNet space).
        public var imagenetIndex: Int?
    }

    /// The folder, standardized.
    public var folder: URL
    /// Rows in file order.
    public var items: [Item]
    /// Lower-case hex SHA-256 of labels.csv, part of the run's identity.
    public var labelsSHA256: String

    /// Largest labels.csv accepted.
    public static let maximumBytes = 64 << 20
    /// Most rows accepted (ObjectNet has about 50,000 images).
    public static let maximumRows = 1_000_000
    /// How many problems an error message lists before summarising.
    static let listed = 10

    /// Reads and checks `folder/labels.csv` against `catalog`: every file present, every label known.
    public init(folder: URL, labelSpace: LabelSpace, catalog: LabelCatalog) throws {
        let folder = folder.standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw EvaluationError(.invalidDataset, "The dataset folder \(folder.path) does not exist.")
        }
        let labelsURL = folder.appendingPathComponent("labels.csv")
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: labelsURL.path),
              let size = attributes[.size] as? Int else {
            throw EvaluationError(.invalidDataset, "The dataset folder \(folder.path) has no labels.csv (file,label).")
        }
        guard size <= Self.maximumBytes else {
            throw EvaluationError(.invalidDataset, "\(labelsURL.path) is larger than 64 MB.")
        }
        guard let data = FileManager.default.contents(atPath: labelsURL.path), let text = String(data: data, encoding: .utf8) else {
            throw EvaluationError(.invalidDataset, "\(labelsURL.path) is not readable UTF-8 text.")
        }
        let rows = try LabelsCSV.rows(text, file: labelsURL.path, maximumRows: Self.maximumRows)
        guard let header = rows.first else {
            throw EvaluationError(.invalidDataset, "\(labelsURL.path) is empty; it needs a file,label header and one row per image.")
        }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let fileColumn = columns.firstIndex(of: "file"), let labelColumn = columns.firstIndex(of: "label") else {
            throw EvaluationError(.invalidDataset, "\(labelsURL.path) must have a header with the columns file and label.")
        }
        var items: [Item] = []
        var unknown: [String] = [], malformed: [String] = [], missing: [String] = []
        var unknownCount = 0, malformedCount = 0, missingCount = 0
        var seen = Set<String>()
        for row in rows.dropFirst() {
            guard row.fields.count > max(fileColumn, labelColumn) else {
                malformedCount += 1
                if malformed.count < Self.listed { malformed.append("line \(row.line) has \(row.fields.count) fields") }
                continue
            }
            let file = row.fields[fileColumn], label = row.fields[labelColumn].trimmingCharacters(in: .whitespaces)
            guard Self.isSafeRelativePath(file), seen.insert(file).inserted else {
                malformedCount += 1
                if malformed.count < Self.listed { malformed.append("line \(row.line) \"\(file)\" is not a new relative path inside the folder") }
                continue
            }
            if !FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path) {
                missingCount += 1
                if missing.count < Self.listed { missing.append("line \(row.line) \(file)") }
            }
            var item = Item(line: row.line, file: file, classID: nil, imagenetIndex: nil)
            switch labelSpace {
            case .objectnet:
                item.classID = catalog.classID(named: label)
            case .imagenet:
                item.imagenetIndex = catalog.imagenetIndex(wnid: label)
                item.classID = item.imagenetIndex.flatMap { catalog.classOfImageNet[$0] }
            }
            if item.classID == nil && item.imagenetIndex == nil {
                unknownCount += 1
                if unknown.count < Self.listed { unknown.append("line \(row.line) \"\(label)\"") }
                continue
            }
            items.append(item)
        }
        func more(_ count: Int, _ shown: Int) -> String { count > shown ? " and \(count - shown) more" : "" }
        if malformedCount > 0 {
            throw EvaluationError(.invalidDataset, "\(labelsURL.path) has \(malformedCount) malformed row(s): \(malformed.joined(separator: "; "))\(more(malformedCount, malformed.count)).")
        }
        if unknownCount > 0 {
            let kind = labelSpace == .objectnet ? "catalog class names" : "ImageNet WordNet ids"
            throw EvaluationError(.unknownLabels, "\(labelsURL.path) has \(unknownCount) label(s) that are not \(kind): \(unknown.joined(separator: ", "))\(more(unknownCount, unknown.count)).")
        }
        if missingCount > 0 {
            throw EvaluationError(.invalidDataset, "\(missingCount) file(s) listed in \(labelsURL.path) do not exist: \(missing.joined(separator: ", "))\(more(missingCount, missing.count)).")
        }
        guard !items.isEmpty else {
            throw EvaluationError(.invalidDataset, "\(labelsURL.path) lists no images.")
        }
        self.folder = folder
        self.items = items
        self.labelsSHA256 = BlobStore.key(for: data)
    }

    /// A path that stays inside the folder: relative, no `..`, no empty component, bounded length.
    static func isSafeRelativePath(_ path: String) -> Bool {
        guard !path.isEmpty, path.utf8.count <= 1000, !path.hasPrefix("/"), !path.contains("\0") else { return false }
        return !path.split(separator: "/", omittingEmptySubsequences: false).contains { $0.isEmpty || $0 == ".." || $0 == "." }
    }
}
