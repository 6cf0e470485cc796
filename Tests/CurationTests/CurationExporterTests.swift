import Curation
import Foundation
import Logging
import Photo
import PostgresNIO
import Store
import Testing
import VantageTestSupport

/// The ObjectNet catalog, one worker, and photos recorded through the upload repository with
/// their blobs written: stored JPEGs deliberately keep EXIF with GPS and serials, a comment, an
/// ICC segment and bytes after EOI, so the export is shown to remove them itself.
struct ExportWorld: Sendable {
    let client: PostgresClient
    let blobs: BlobStore
    let logger: Logger

    static func make(_ client: PostgresClient, blobRoot: URL) async throws -> ExportWorld {
        let logger = TestDatabase.logger
        _ = try await PostgresCatalogRepository(client: client, logger: logger)
            .importCatalog(.objectNet, fixtures: Fixtures.packageRoot.appendingPathComponent("Fixtures"))
        _ = try await PostgresWorkerRepository(client: client, logger: logger).add(name: "ana", rooms: ["kitchen"])
        return ExportWorld(client: client, blobs: BlobStore(root: blobRoot), logger: logger)
    }

    static func storedJPEG(seed: UInt64) throws -> [UInt8] {
        let exif = PhotoFixtures.phoneExif(capturedAt: Date(timeIntervalSince1970: 1_790_000_000), serialNumbers: ["SN-12345", "LENS-9"])
        let jpeg = try PhotoFixtures.jpeg(
            PhotoFixtures.scene(width: 160 + Int(seed) * 8, height: 120, seed: seed), exif: exif,
            gps: ExifWriter.Position(latitude: 48.85, longitude: 2.35))
        // After SOI (and APP1): a COM and an APP2 segment; after EOI: a trailing "video".
        let comment: [UInt8] = [0xFF, 0xFE, 0x00, 0x0A] + Array("owner:x".utf8) + [0]
        let icc: [UInt8] = [0xFF, 0xE2, 0x00, 0x08] + Array("ICC_P".utf8) + [0]
        return Array(jpeg.prefix(2)) + comment + icc + Array(jpeg.dropFirst(2)) + Array("ftypmp42 trailing video".utf8)
    }

    /// Records a photo for a fresh task; `classIndex` picks one of the offered classes.
    @discardableResult
    func photo(_ verdict: String, seed: UInt64, classIndex: Int = 0) async throws -> Int64 {
        let tasks = PostgresTaskRepository(client: client, logger: logger)
        let batch = try await tasks.generate(.init(assignment: .worker(name: "ana", count: 1), classes: .overlap, seed: seed))
        let task = try #require(try await tasks.list(workerName: "ana", status: nil, now: Date()).first { $0.task.batchID == batch.batchID })
        let bytes = try Self.storedJPEG(seed: seed)
        let key = try blobs.put(Data(bytes))
        let digest = Data((0..<32).map { UInt8(Int(key.dropFirst($0 * 2).prefix(2), radix: 16)!) })
        let outcome = try await PostgresUploadRepository(client: client, logger: logger).record(NewPhoto(
            taskID: task.task.id, workerID: task.task.workerID, classID: task.offeredClasses[classIndex].id, verdict: verdict,
            reasons: verdict == "accepted" ? [] : [PhotoReasonRecord(code: "blurry", severity: verdict == "rejected" ? "reject" : "flag", message: "Blurry.")],
            uploadSHA256: digest, blobSHA256: verdict == "rejected" ? nil : digest, byteSize: bytes.count, width: nil, height: nil,
            phash: nil, devicePitch: nil, deviceRoll: nil, capturedAt: Date(timeIntervalSince1970: 1_790_000_000), idempotencyKey: nil,
            exifJSON: "{}"))
        guard case .recorded(let stored) = outcome else { throw StoreError(.conflict, "not recorded") }
        let item = try #require(try await PostgresReviewRepository(client: client, logger: logger).item(.publicID(stored.publicID)))
        return item.id
    }
}

/// Every regular file under `root` (relative path → bytes).
func exportedFiles(_ root: URL) throws -> [String: [UInt8]] {
    var files: [String: [UInt8]] = [:]
    let enumerator = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]))
    for case let url as URL in enumerator where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
        files[String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))] = [UInt8](try Data(contentsOf: url))
    }
    return files
}

/// ObjectNet ids by the rule: the index of the label in the case-sensitive sorted list of the 313 labels,
/// from the shared ObjectNet metadata when present, else from the project's derived catalog.
func objectNetIDs() throws -> (byLabel: [String: Int], labelByFolder: [String: String]) {
    var labelByFolder: [String: String] = [:]
    if let shared = Fixtures.sharedData?.appendingPathComponent("objectnet-metadata/folder_to_objectnet_label.json"),
       let data = try? Data(contentsOf: shared) {
        labelByFolder = try JSONDecoder().decode([String: String].self, from: data)
    } else {
        let csv = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("Fixtures/catalog/objectnet-classes.csv"), encoding: .utf8)
        for line in csv.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            labelByFolder[String(fields[1])] = String(fields[2])
        }
    }
    let sorted = labelByFolder.values.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    #expect(sorted.count == 313)
    return (Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, $0) }), labelByFolder)
}

@Suite("Export of the curated set", .enabled(if: TestDatabase.isConfigured))
struct CurationExporterTests {
    @Test func objectNetLayoutBorderIdsMetadataAndDeterminism() async throws {
        try await TestDatabase.withMigratedDatabase { client, _ in
            let folder = try Fixtures.temporaryFolder("vantage-export")
            defer { try? FileManager.default.removeItem(at: folder) }
            let world = try await ExportWorld.make(client, blobRoot: folder.appendingPathComponent("blobs"))
            let reviews = PostgresReviewRepository(client: client, logger: world.logger)
            var curated: [Int64] = []
            for seed in 1...3 { curated.append(try await world.photo("accepted", seed: UInt64(seed), classIndex: seed)) }
            let approved = try await world.photo("flagged", seed: 4)
            _ = try await reviews.approve(.id(approved), reviewer: "rita")
            curated.append(approved)
            try await world.photo("flagged", seed: 5)
            let rejectedByReview = try await world.photo("flagged", seed: 6)
            _ = try await reviews.reject(.id(rejectedByReview), reason: .screenPhoto, reviewer: "rita")
            try await world.photo("rejected", seed: 7)

            let exporter = CurationExporter(blobs: world.blobs, logger: world.logger)
            let out = folder.appendingPathComponent("objectnet")
            let summary = try await exporter.export(ExportRequest(out: out, format: .objectnet, classes: .all), client: client)
            #expect(summary.images == 4 && summary.skipped == 0)

            let files = try exportedFiles(out)
            #expect(Set(files.keys.filter { !$0.contains("/") }) == ["answers.json", "metadata.csv", "labels.csv", "LICENCE.txt"])
            let images = files.keys.filter { $0.hasSuffix(".png") }.sorted()
            #expect(images.count == 4 && files.count == 8)
            #expect(images.allSatisfy { $0.range(of: #"^[a-z0-9_-]+/[0-9a-f]{15}\.png$"#, options: .regularExpression) != nil })

            // answers.json: bare file names → ObjectNet ids, by the sorted-label rule, in the folder's class.
            let answers = try ChallengeScorer.answers(Data(try #require(files["answers.json"])))
            #expect(Set(answers.keys) == Set(images.map { String($0.split(separator: "/")[1]) }))
            let (idByLabel, labelByFolder) = try objectNetIDs()
            for image in images {
                let parts = image.split(separator: "/").map(String.init)
                let label = try #require(labelByFolder[parts[0]])
                #expect(answers[parts[1]] == idByLabel[label], "\(image)")
            }
            // A predictions CSV in the challenge format (no header, five id/confidence pairs) scores against it.
            let predictions = answers.keys.sorted().map { "\($0),\(answers[$0]!),0.9,-1,0.05,0,0.02,1,0.02,312,0.01" }.joined(separator: "\n")
            let score = try ChallengeScorer.score(predictionsCSV: predictions, answers: answers)
            #expect(score.top1 == 100 && score.imagesScored == 4)

            // Each PNG: only IHDR/IDAT/IEND, the stored pixels framed by exactly 2 px of (255, 0, 0).
            let stored = try await ExportQuery(client: client, logger: world.logger).curatedPhotos(.all)
            #expect(Set(stored.map(\.id)) == Set(curated))
            for photo in stored {
                let path = try #require(images.first { $0.hasSuffix(CurationExporter.fileStem(for: photo.publicID) + ".png") })
                let png = try DecodedPNG(try #require(files[path]))
                #expect(png.chunkTypes == ["IHDR", "IDAT", "IEND"])
                let original = try JPEGCodec.decode([UInt8](try world.blobs.get(key: photo.blobKey))).image
                #expect(png.width == original.width + 4 && png.height == original.height + 4 && png.channels == 3)
                var borderOK = true, interiorOK = true
                for y in 0..<png.height {
                    for x in 0..<png.width {
                        let i = (y * png.width + x) * 3
                        let pixel = Array(png.pixels[i..<(i + 3)])
                        if x < 2 || y < 2 || x >= png.width - 2 || y >= png.height - 2 {
                            if pixel != [255, 0, 0] { borderOK = false }
                        } else {
                            let j = ((y - 2) * original.width + (x - 2)) * 3
                            if pixel != Array(original.pixels[j..<(j + 3)]) { interiorOK = false }
                        }
                    }
                }
                #expect(borderOK && interiorOK, "\(path)")
            }

            // metadata.csv: one row per image, anonymous worker id only, capture date.
            let metadata = String(decoding: try #require(files["metadata.csv"]), as: UTF8.self).split(separator: "\n")
            #expect(metadata.first == "file,class,rotation,viewpoint,room,worker,capture_date")
            #expect(metadata.dropFirst().map { String($0.split(separator: ",")[0]) } == images)
            #expect(metadata.dropFirst().allSatisfy { $0.hasSuffix(",kitchen,\(stored[0].anonymousWorkerID),2026-09-21") && !$0.contains("ana,") })
            #expect(String(decoding: try #require(files["LICENCE.txt"]), as: UTF8.self).contains("Never train"))
            let labels = String(decoding: try #require(files["labels.csv"]), as: UTF8.self).split(separator: "\n")
            #expect(labels.first == "file,label" && labels.count == 5)
            #expect(zip(labels.dropFirst(), metadata.dropFirst()).allSatisfy { $0.0.split(separator: ",")[0] == $0.1.split(separator: ",")[0] })

            // Same database → byte-identical export; no staging folder is left beside it.
            let again = folder.appendingPathComponent("objectnet-again")
            _ = try await exporter.export(ExportRequest(out: again, format: .objectnet, classes: .all), client: client)
            #expect(try exportedFiles(again) == files)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }.isEmpty)

            // --classes overlap keeps the same photos here (tasks offered overlap classes only).
            let overlap = try await exporter.export(ExportRequest(out: folder.appendingPathComponent("overlap")), client: client)
            #expect(overlap.images == 4)
        }
    }

    @Test func jpegExportCarriesNoMetadata() async throws {
        try await TestDatabase.withMigratedDatabase { client, _ in
            let folder = try Fixtures.temporaryFolder("vantage-export")
            defer { try? FileManager.default.removeItem(at: folder) }
            let world = try await ExportWorld.make(client, blobRoot: folder.appendingPathComponent("blobs"))
            for seed in 1...2 { try await world.photo("accepted", seed: UInt64(seed)) }
            let stored = try await ExportQuery(client: client, logger: world.logger).curatedPhotos(.overlap)
            let blob = [UInt8](try world.blobs.get(key: stored[0].blobKey))
            #expect(try ExifMetadata(jpeg: blob)?.hasGPS == true, "the fixture blob does carry GPS")

            let out = folder.appendingPathComponent("jpeg")
            let exporter = CurationExporter(blobs: world.blobs, logger: world.logger)
            let summary = try await exporter.export(ExportRequest(out: out, format: .jpeg), client: client)
            #expect(summary.images == 2)
            let files = try exportedFiles(out)
            #expect(files["answers.json"] == nil && files["metadata.csv"] != nil)
            for photo in stored {
                let path = try #require(files.keys.first { $0.hasSuffix(CurationExporter.fileStem(for: photo.publicID) + ".jpg") })
                let jpeg = try #require(files[path])
                #expect(try ExifMetadata(jpeg: jpeg) == nil, "no EXIF block at all")
                #expect(try JPEGStructure(parsing: jpeg).metadataSegments.isEmpty)
                #expect(Array(jpeg.suffix(2)) == [0xFF, 0xD9], "nothing after EOI")
                for needle in ["SN-12345", "LENS-9", "Pixel 8", "owner:x", "ICC_P", "ftypmp42", "Exif"] {
                    #expect(jpeg.firstRange(of: Array(needle.utf8)) == nil, "\(needle) in \(path)")
                }
                let original = try JPEGCodec.decode([UInt8](try world.blobs.get(key: photo.blobKey))).image
                #expect(try JPEGCodec.decode(jpeg).image == original, "pixels unchanged")
            }
        }
    }

    @Test func refusesNonEmptyTargetsAndLeavesThemIntact() async throws {
        let folder = try Fixtures.temporaryFolder("vantage-export")
        defer { try? FileManager.default.removeItem(at: folder) }
        let blobs = BlobStore(root: folder.appendingPathComponent("blobs"))
        let key = try blobs.put(Data(try ExportWorld.storedJPEG(seed: 1)))
        let photo = ExportPhoto(
            id: 1, publicID: UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!, blobKey: key, className: "Alarm clock",
            folder: "alarm_clock", objectnetID: 1, rotationID: 3, viewpoint: "top", room: "kitchen", anonymousWorkerID: "w00", capturedAt: nil)
        let custom = ExportPhoto(
            id: 2, publicID: UUID(), blobKey: key, className: "My \"mug\", blue", folder: nil, objectnetID: nil, rotationID: 0,
            viewpoint: "side", room: "bedroom", anonymousWorkerID: "w01", capturedAt: nil)
        let exporter = CurationExporter(blobs: blobs, logger: TestDatabase.logger)

        let personal = folder.appendingPathComponent("personal")
        try FileManager.default.createDirectory(at: personal, withIntermediateDirectories: false)
        try Data("keep me".utf8).write(to: personal.appendingPathComponent("notes.txt"))
        for force in [false, true] {
            do {
                _ = try await exporter.export([photo], request: ExportRequest(out: personal, force: force))
                Issue.record("exported into a non-empty folder (force \(force))")
            } catch let error as CurationError {
                #expect(error.code == .targetNotEmpty)
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: personal.path) == ["notes.txt"])

        let out = folder.appendingPathComponent("set")
        let first = try await exporter.export([photo, custom], request: ExportRequest(out: out))
        #expect(first.images == 1 && first.skipped == 1, "a class without an ObjectNet id has no place in answers.json")
        let before = try exportedFiles(out)
        await #expect(throws: CurationError.self) { try await exporter.export([photo], request: ExportRequest(out: out)) }
        #expect(try exportedFiles(out) == before)
        let replaced = try await exporter.export([photo, custom], request: ExportRequest(out: out, format: .jpeg, force: true))
        #expect(replaced.images == 2)
        let after = try exportedFiles(out)
        #expect(after["answers.json"] == nil && after.keys.contains { $0.hasPrefix("my_mug_blue/") })
        #expect(String(decoding: after["metadata.csv"]!, as: UTF8.self).contains(#""My ""mug"", blue""#))

        // A missing blob fails the export and leaves neither the target nor a staging folder.
        var broken = photo
        broken.blobKey = String(repeating: "0", count: 64)
        await #expect(throws: CurationError.self) {
            try await exporter.export([broken], request: ExportRequest(out: folder.appendingPathComponent("broken")))
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(!leftovers.contains("broken") && !leftovers.contains { $0.hasPrefix(".") })
    }
}
