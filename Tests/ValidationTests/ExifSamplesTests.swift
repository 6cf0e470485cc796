import Foundation
import Testing
import Validation
import VantageTestSupport

/// The real-world corpus in ../shared/data/exif-samples/jpg: every file answered, no crash or hang.
enum ExifCorpus {
    static var folder: URL? {
        Fixtures.sharedData.map { $0.appendingPathComponent("exif-samples/jpg") }
            .flatMap { FileManager.default.fileExists(atPath: $0.path) ? $0 : nil }
    }
}

@Suite(.enabled(if: ExifCorpus.folder != nil))
struct ExifSamplesTests {
    let validator = PhotoValidator()

    func files(under folder: String = "") throws -> [URL] {
        let root = try #require(ExifCorpus.folder).appendingPathComponent(folder)
        let enumerator = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
        return enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension.lowercased() == "jpg" }
            .sorted { $0.path < $1.path }
    }

    func report(_ url: URL) -> ValidationReport {
        validator.validateFile(atPath: url.path, context: ValidationContext())
    }

    @Test func everyFileGetsAVerdict() throws {
        let all = try files()
        #expect(all.count > 50)
        for url in all {
            let result = report(url)
            // Every verdict other than accepted must say why.
            #expect(result.verdict == .accepted || !result.reasons.isEmpty, "\(url.lastPathComponent)")
            #expect(!result.jsonLine(file: url.path).isEmpty)
        }
    }

    @Test func orientationFilesReadAsTheirNumber() throws {
        let oriented = try files(under: "orientation")
        #expect(oriented.count == 16)
        for url in oriented {
            let expected = Int(url.deletingPathExtension().lastPathComponent.split(separator: "_").last ?? "")
            let result = report(url)
            #expect(result.exif?.orientation == expected, "\(url.lastPathComponent)")
            let portrait = url.lastPathComponent.hasPrefix("portrait")
            if let width = result.width, let height = result.height {
                #expect(portrait ? height > width : width > height, "\(url.lastPathComponent) \(width)×\(height)")
            }
        }
    }

    @Test func gpsFilesAreFlaggedWithGPS() throws {
        for url in try files(under: "gps") {
            let result = report(url)
            #expect(result.reasons.contains { $0.code == .gpsPresent }, "\(url.lastPathComponent)")
            #expect(result.exif?.hasGPS == true)
            #expect(result.verdict != .accepted)
        }
    }

    @Test func invalidAndCorruptedFilesHaveClearReasons() throws {
        let broken = try files(under: "invalid") + [try #require(ExifCorpus.folder).appendingPathComponent("corrupted.jpg")]
        for url in broken {
            let result = report(url)
            print("corpus \(url.lastPathComponent): \(result.reasons.map(\.code.rawValue))")
            #expect(result.verdict != .accepted, "\(url.lastPathComponent)")
            #expect(result.reasons.allSatisfy { !$0.message.isEmpty })
        }
    }
}
