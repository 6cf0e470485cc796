import Foundation
import Testing
import VantageTestSupport
@testable import Evaluation

@Suite struct DatasetFolderTests {
    func folder(labels: String?, files: [String]) throws -> URL {
        let url = try Fixtures.temporaryFolder("vantage-dataset")
        for file in files {
            let path = url.appendingPathComponent(file)
            try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data([0xFF, 0xD8]).write(to: path)
        }
        if let labels { try Data(labels.utf8).write(to: url.appendingPathComponent("labels.csv")) }
        return url
    }

    @Test func readsLabelsInEitherSpaceWithQuotedFields() throws {
        let url = try folder(labels: "file,label\na.jpg,Banana\n\"sub/b,1.jpg\",\"Alarm clock\"\n", files: ["a.jpg", "sub/b,1.jpg"])
        defer { try? FileManager.default.removeItem(at: url) }
        let dataset = try DatasetFolder(folder: url, labelSpace: .objectnet, catalog: handCatalog)
        #expect(dataset.items.map(\.file) == ["a.jpg", "sub/b,1.jpg"])
        #expect(dataset.items.map(\.classID) == [2, 1])
        #expect(dataset.items.map(\.line) == [2, 3])

        let imagenet = try folder(labels: "file,label\r\na.jpg,n00000409\r\nc.jpg,n00000100\r\n", files: ["a.jpg", "c.jpg"])
        defer { try? FileManager.default.removeItem(at: imagenet) }
        let items = try DatasetFolder(folder: imagenet, labelSpace: .imagenet, catalog: handCatalog).items
        #expect(items.map(\.imagenetIndex) == [409, 100])
        #expect(items.map(\.classID) == [1, nil])
    }

    @Test func missingLabelsFileIsOneSentence() throws {
        let url = try folder(labels: nil, files: ["a.jpg"])
        defer { try? FileManager.default.removeItem(at: url) }
        let error = try #require(throws: EvaluationError.self) { try DatasetFolder(folder: url, labelSpace: .objectnet, catalog: handCatalog) }
        #expect(error.code == .invalidDataset)
        #expect(error.message.contains("has no labels.csv"))
    }

    @Test func unknownLabelsAreListedWithLineNumbers() throws {
        let url = try folder(labels: "file,label\na.jpg,Banana\nb.jpg,Bananna\nc.jpg,alarm clock\n", files: ["a.jpg", "b.jpg", "c.jpg"])
        defer { try? FileManager.default.removeItem(at: url) }
        let error = try #require(throws: EvaluationError.self) { try DatasetFolder(folder: url, labelSpace: .objectnet, catalog: handCatalog) }
        #expect(error.code == .unknownLabels)
        #expect(error.message.contains("2 label(s)"))
        #expect(error.message.contains("line 3 \"Bananna\""))
        #expect(error.message.contains("line 4 \"alarm clock\""))
    }

    @Test func pathsOutsideTheFolderAndMissingFilesAreRefused() throws {
        let escape = try folder(labels: "file,label\n../x.jpg,Banana\n", files: [])
        defer { try? FileManager.default.removeItem(at: escape) }
        #expect(throws: EvaluationError.self) { try DatasetFolder(folder: escape, labelSpace: .objectnet, catalog: handCatalog) }
        let missing = try folder(labels: "file,label\nnope.jpg,Banana\n", files: [])
        defer { try? FileManager.default.removeItem(at: missing) }
        let error = try #require(throws: EvaluationError.self) { try DatasetFolder(folder: missing, labelSpace: .objectnet, catalog: handCatalog) }
        #expect(error.message.contains("line 2 nope.jpg"))
    }
}
