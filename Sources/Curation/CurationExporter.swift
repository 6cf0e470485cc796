import Crypto
public import Foundation
public import Logging
import Photo
public import PostgresNIO
public import Store

/// Writes the curated set (accepted photos, and flagged photos a reviewer approved) in ObjectNet's
/// release layout or as plain JPEGs. Output bytes depend only on the database and the blobs:
/// entries are sorted, names derive from photo ids, no timestamp is written and the PNG level is
/// fixed, so exporting the same database twice gives byte-identical files.
public struct CurationExporter: Sendable {
    /// Where the stored photos are.
    public let blobs: BlobStore
    let logger: Logger

    /// Text of `LICENCE.txt`.
    public static let licence = """
        Vantage curated test set

        These images are a TEST SET. Use them only to evaluate models. Never train, fine-tune,
        pre-train, distil or tune hyper-parameters on them, and do not redistribute them as training data.

        Each PNG carries a 2-pixel pure red (255, 0, 0) border; crop 2 pixels from every side before
        preprocessing. answers.json maps each image file name to its ObjectNet id (the index of the
        class label in the case-sensitive sorted list of the 313 ObjectNet labels). metadata.csv gives
        the requested rotation, viewpoint and room, the worker's anonymous id and the capture date;
        labels.csv (file,label) is the same set as a dataset folder for `vantage evaluate`.
        No EXIF, GPS or device serial number is included in any image.

        """

    /// Creates an exporter reading blobs from `blobs`.
    public init(blobs: BlobStore, logger: Logger) {
        self.blobs = blobs
        self.logger = logger
    }

    /// Checks the target, reads the curated set, and writes it.
    public func export(_ request: ExportRequest, client: PostgresClient) async throws -> ExportSummary {
        let destination = try ExportDestination(request.out, force: request.force)
        do {
            let photos = try await ExportQuery(client: client, logger: logger).curatedPhotos(request.classes)
            return try await write(photos, request: request, into: destination)
        } catch {
            destination.discard()
            throw error
        }
    }

    /// Writes `photos` as `request` asks (no database needed).
    public func export(_ photos: [ExportPhoto], request: ExportRequest) async throws -> ExportSummary {
        let destination = try ExportDestination(request.out, force: request.force)
        do {
            return try await write(photos, request: request, into: destination)
        } catch {
            destination.discard()
            throw error
        }
    }

    /// One output image: its photo, folder and file name.
    struct Entry: Sendable {
        var photo: ExportPhoto
        var folder: String
        var file: String
        var path: String { folder + "/" + file }
    }

    /// 15 lower-case hex characters, like ObjectNet's names: the start of SHA-256 over a fixed
    /// prefix and the photo's public id, so names are stable, unique per photo and reveal nothing.
    public static func fileStem(for publicID: UUID) -> String {
        let digest = SHA256.hash(data: Data("vantage-export-v1:\(publicID.uuidString.lowercased())".utf8))
        return String(digest.map { String(format: "%02x", $0) }.joined().prefix(15))
    }

    /// A folder name for classes without an ObjectNet folder (JPEG exports of custom catalogs).
    static func slug(_ name: String) -> String {
        let mapped = name.lowercased().unicodeScalars.map { ("a"..."z").contains($0) || ("0"..."9").contains($0) ? Character($0) : "_" }
        let text = String(mapped).split(separator: "_").joined(separator: "_")
        return text.isEmpty ? "class" : String(text.prefix(100))
    }

    func plan(_ photos: [ExportPhoto], format: ExportFormat) throws -> (entries: [Entry], skipped: Int) {
        var entries: [Entry] = []
        var skipped = 0
        var names = Set<String>()
        for photo in photos {
            let folder: String
            switch format {
            case .objectnet:
                guard let objectnetFolder = photo.folder, photo.objectnetID != nil else { skipped += 1; continue }
                folder = objectnetFolder
            case .jpeg:
                folder = photo.folder ?? Self.slug(photo.className)
            }
            let file = Self.fileStem(for: photo.publicID) + (format == .objectnet ? ".png" : ".jpg")
            // The scorer matches bare file names, so they must be unique across folders.
            guard names.insert(file).inserted else {
                throw CurationError(.unexportable, "Two photos map to the file name \(file); the export cannot name them apart.")
            }
            entries.append(Entry(photo: photo, folder: folder, file: file))
        }
        entries.sort { $0.path < $1.path }
        return (entries, skipped)
    }

    private func write(_ photos: [ExportPhoto], request: ExportRequest, into destination: ExportDestination) async throws -> ExportSummary {
        guard (0...9).contains(request.pngLevel) else {
            throw CurationError(.unexportable, "The PNG compression level must be between 0 and 9.")
        }
        let (entries, skipped) = try plan(photos, format: request.format)
        if skipped > 0 {
            logger.warning("photos without an ObjectNet class left out", metadata: ["skipped": "\(skipped)"])
        }
        let root = destination.staging
        let folders = Set(entries.map(\.folder))
        for folder in folders.sorted() {
            try createFolder(root.appendingPathComponent(folder, isDirectory: true))
        }
        try await writeImages(entries, format: request.format, level: request.pngLevel, root: root)
        if request.format == .objectnet {
            try writeFile(Self.answersJSON(entries), to: root.appendingPathComponent("answers.json"))
        }
        try writeFile(Self.metadataCSV(entries), to: root.appendingPathComponent("metadata.csv"))
        try writeFile(Self.labelsCSV(entries), to: root.appendingPathComponent("labels.csv"))
        try writeFile(Self.licence, to: root.appendingPathComponent("LICENCE.txt"))
        try destination.commit()
        logger.info("exported", metadata: ["images": "\(entries.count)", "out": "\(destination.target.path)"])
        return ExportSummary(out: destination.target.path, format: request.format, images: entries.count, classes: folders.count, skipped: skipped)
    }

    /// Converts and writes images on as many tasks as there are cores; each file is independent.
    private func writeImages(_ entries: [Entry], format: ExportFormat, level: Int, root: URL) async throws {
        let width = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        let blobs = self.blobs
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func start() {
                guard next < entries.count else { return }
                let entry = entries[next]
                next += 1
                group.addTask {
                    let bytes = try Self.image(for: entry.photo, format: format, level: level, blobs: blobs)
                    let url = root.appendingPathComponent(entry.folder, isDirectory: true).appendingPathComponent(entry.file)
                    do {
                        try Data(bytes).write(to: url, options: [.withoutOverwriting])
                    } catch {
                        throw CurationError(.io, "Cannot write \(url.path): \(error.localizedDescription).")
                    }
                }
            }
            for _ in 0..<width { start() }
            while try await group.next() != nil { start() }
        }
    }

    /// The exported bytes of one photo: an upright bordered PNG, or the stored JPEG with only its orientation.
    static func image(for photo: ExportPhoto, format: ExportFormat, level: Int, blobs: BlobStore) throws -> [UInt8] {
        let data: Data
        do {
            data = try blobs.get(key: photo.blobKey)
        } catch {
            throw CurationError(.badBlob, "The stored file of photo \(photo.id) (\(photo.blobKey)) is missing; run vantage store check.")
        }
        guard BlobStore.key(for: data) == photo.blobKey else {
            throw CurationError(.badBlob, "The stored file of photo \(photo.id) does not match its SHA-256; run vantage store check.")
        }
        let bytes = [UInt8](data)
        switch format {
        case .jpeg:
            do {
                return try JPEGSanitizer.exportable(bytes)
            } catch let error as PhotoError {
                throw CurationError(.badBlob, "Photo \(photo.id) cannot be exported: \(error.message)")
            }
        case .objectnet:
            do {
                var image = try JPEGCodec.decode(bytes, color: .rgb).image
                if let orientation = (try? ExifMetadata(jpeg: bytes))??.orientation { image = image.applying(orientation) }
                return try PNGEncoder.encode(try image.withRedBorder(), level: level)
            } catch let error as PhotoError {
                throw CurationError(.badBlob, "Photo \(photo.id) cannot be converted: \(error.message)")
            }
        }
    }

    static func answersJSON(_ entries: [Entry]) -> String {
        let lines = entries.sorted { $0.file < $1.file }.map { "  \"\($0.file)\": \($0.photo.objectnetID ?? -1)" }
        return lines.isEmpty ? "{}\n" : "{\n" + lines.joined(separator: ",\n") + "\n}\n"
    }

    static func metadataCSV(_ entries: [Entry]) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withFullDate]
        var text = "file,class,rotation,viewpoint,room,worker,capture_date\n"
        for entry in entries {
            let photo = entry.photo
            let fields = [entry.path, photo.className, String(photo.rotationID), photo.viewpoint, photo.room,
                          photo.anonymousWorkerID, photo.capturedAt.map { formatter.string(from: $0) } ?? ""]
            text += fields.map(csvField).joined(separator: ",") + "\n"
        }
        return text
    }

    /// `file,label` with the class name, the dataset-folder format `vantage evaluate` reads.
    static func labelsCSV(_ entries: [Entry]) -> String {
        "file,label\n" + entries.map { csvField($0.path) + "," + csvField($0.photo.className) + "\n" }.joined()
    }

    static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private func createFolder(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        } catch {
            throw CurationError(.io, "Cannot create \(url.path): \(error.localizedDescription).")
        }
    }

    private func writeFile(_ text: String, to url: URL) throws {
        do {
            try Data(text.utf8).write(to: url, options: [.withoutOverwriting])
        } catch {
            throw CurationError(.io, "Cannot write \(url.path): \(error.localizedDescription).")
        }
    }
}
