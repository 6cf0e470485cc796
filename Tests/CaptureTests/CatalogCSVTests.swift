import Foundation
import Testing
import VantageTestSupport
@testable import Capture

@Suite("CatalogCSV")
struct CatalogCSVTests {
    @Test func objectNetFixtureLoads() throws {
        let folder = Fixtures.packageRoot.appendingPathComponent("Fixtures/catalog")
        let classes = try CatalogCSV.objectNetClasses(String(contentsOf: folder.appendingPathComponent("objectnet-classes.csv"), encoding: .utf8))
        #expect(classes.count == 313)
        #expect(classes.map(\.objectnetID) == Array(0..<313))
        #expect(classes.filter { !$0.imagenetIndices.isEmpty }.count == 113)
        #expect(Set(classes.flatMap(\.imagenetIndices)).count == 125)
        #expect(classes[1].name == "Alarm clock" && classes[1].imagenetIndices == [409, 530])
        // ObjectNet ids are the positions in the case-sensitive sorted labels.
        #expect(classes.map(\.name) == classes.map(\.name).sorted())
        let imagenet = try CatalogCSV.imageNetClasses(String(contentsOf: folder.appendingPathComponent("imagenet-1k.csv"), encoding: .utf8))
        #expect(imagenet.count == 1000)
        #expect(imagenet[0] == ImageNetClass(index: 0, wnid: "n01440764", name: "tench, Tinca tinca"))
    }

    @Test func customCatalog() throws {
        let text = "symmetry,name,imagenet_ids\naxial,Water bottle,898; 440\n,\"Mug, \"\"big\"\"\",\nspherical,Ball,\n"
        let classes = try CatalogCSV.customClasses(text, file: "mine.csv")
        #expect(classes == [
            CatalogClass(name: "Water bottle", symmetry: .axial, imagenetIndices: [898, 440]),
            CatalogClass(name: "Mug, \"big\"", symmetry: .none, imagenetIndices: []),
            CatalogClass(name: "Ball", symmetry: .spherical, imagenetIndices: []),
        ])
    }

    @Test(arguments: [
        ("name,imagenet_ids,symmetry\nMug,,none\nCup,,round\n", 3, "symmetry \"round\""),
        ("name,imagenet_ids,symmetry\nMug,1000,none\n", 2, "\"1000\" is not an ImageNet-1k index"),
        ("name,imagenet_ids,symmetry\nMug,,none\nMug,,none\n", 3, "appears twice"),
        ("name,imagenet_ids,symmetry\n\nMug,,none,extra\n", 3, "expected 3 fields, found 4"),
        ("name,colour\nMug,red\n", 1, "unknown column \"colour\""),
        ("name,imagenet_ids,symmetry\n\"Mug,,none\n", 2, "not closed"),
        ("name,imagenet_ids,symmetry\n,,none\n", 2, "name is empty"),
    ])
    func malformedCustomCatalogNamesTheLine(text: String, line: Int, phrase: String) {
        #expect {
            try CatalogCSV.customClasses(text, file: "bad.csv")
        } throws: { error in
            guard let error = error as? CatalogError else { return false }
            return error.line == line && error.message.contains("bad.csv line \(line)") && error.message.contains(phrase)
        }
    }

    @Test func emptyCatalogIsRefused() {
        #expect(throws: CatalogError.self) { try CatalogCSV.customClasses("name\n", file: "x.csv") }
        #expect(throws: CatalogError.self) { try CatalogCSV.customClasses("", file: "x.csv") }
    }

    @Test func classNamesFile() throws {
        #expect(try CatalogCSV.classNames("name\nMug\n\"Alarm clock\"\n", file: "f") == ["Mug", "Alarm clock"])
        #expect(throws: CatalogError.self) { try CatalogCSV.classNames("a,b\n", file: "f") }
    }

    @Test func viewpointsAndExpiry() throws {
        let parsed = try Viewpoint.parseList("top,low:-20")
        #expect(parsed.map(\.name) == ["top", "low"] && parsed.map(\.pitchDegrees) == [-90, -20])
        #expect(throws: CatalogError.self) { try Viewpoint.parseList("weird") }
        #expect(throws: CatalogError.self) { try Viewpoint.parseList("low:-100") }
        #expect(try ExpiryDuration(parsing: "7d").seconds == 604_800)
        #expect(try ExpiryDuration(parsing: "12h").seconds == 43_200)
        #expect(throws: CatalogError.self) { try ExpiryDuration(parsing: "0d") }
        #expect(throws: CatalogError.self) { try ExpiryDuration(parsing: "7w") }
        #expect(Room.isValidName("living-room") && !Room.isValidName("Living Room"))
        #expect(Worker.isValidName("ana.b-1") && !Worker.isValidName("-x") && !Worker.isValidName("a b"))
    }
}
