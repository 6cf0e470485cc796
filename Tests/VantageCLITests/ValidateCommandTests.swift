import Foundation
import Photo
import Testing
import VantageTestSupport

@Suite("vantage validate")
struct ValidateCommandTests {
    func lines(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func oneJSONLinePerFileIncludingUnreadableOnes() throws {
        let folder = try Fixtures.temporaryFolder("vantage-validate")
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("good.jpg")
        try Data(try PhotoFixtures.jpeg(PhotoFixtures.scene(), exif: PhotoFixtures.phoneExif(orientation: 6))).write(to: good)
        let text = folder.appendingPathComponent("note.jpg")
        try Data("not a photo".utf8).write(to: text)
        let missing = folder.appendingPathComponent("missing.jpg").path

        let output = try CommandRunner().run(["validate", good.path, text.path, missing, "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let objects = try lines(output.stdout)
        #expect(objects.count == 3)
        #expect(objects[0]["file"] as? String == good.path)
        #expect(objects[0]["verdict"] as? String == "accepted")
        #expect(objects[0]["width"] as? Int == 600 && objects[0]["height"] as? Int == 800)
        #expect((objects[0]["exif"] as? [String: Any])?["orientation"] as? Int == 6)
        #expect(objects[1]["verdict"] as? String == "rejected")
        #expect((objects[1]["reasons"] as? [[String: String]])?.first?["code"] == "not_jpeg")
        #expect(objects[2]["file"] as? String == missing)
        #expect((objects[2]["reasons"] as? [[String: String]])?.first?["code"] == "unreadable_file")
    }

    @Test func attitudeAndWindowOptions() throws {
        let folder = try Fixtures.temporaryFolder("vantage-validate")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("photo.jpg")
        let captured = Date(timeIntervalSince1970: 1_700_000_000)
        try Data(try PhotoFixtures.jpeg(PhotoFixtures.scene(), exif: PhotoFixtures.phoneExif(capturedAt: captured))).write(to: file)

        let tilted = try CommandRunner().run(["validate", file.path, "--viewpoint", "top", "--pitch=-30", "--roll=0", "--json"])
        #expect(tilted.status == 0)
        let codes = (try lines(tilted.stdout).first?["reasons"] as? [[String: String]])?.compactMap { $0["code"] }
        #expect(codes == ["attitude_mismatch"])

        let late = try CommandRunner().run(["validate", file.path, "--issued", "2025-01-01T00:00:00Z"])
        #expect(late.status == 0)
        #expect(late.stdout.contains("rejected (captured_outside_task_window)"))

        let bad = try CommandRunner().run(["validate", file.path, "--viewpoint", "under"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--viewpoint"))
    }
}
