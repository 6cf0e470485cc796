import Foundation
import Photo
import Testing
import Validation
import VantageTestSupport

@Suite struct DuplicateIndexTests {
    let validator = PhotoValidator()

    @Test func bandProbesFindEveryHashWithinFiveBits() async {
        let index = InMemoryDuplicateIndex()
        var random = SystemRandomNumberGenerator()
        let query = UInt64.random(in: .min ... .max, using: &random)
        var expected: [UUID: Int] = [:]
        for distance in 0...8 {
            for _ in 0..<40 {
                var hash = query
                var bits = Set<Int>()
                while bits.count < distance { bits.insert(Int.random(in: 0..<64, using: &random)) }
                for bit in bits { hash ^= 1 << UInt64(bit) }
                let id = UUID()
                await index.add(photoID: id, sha256: Array(id.uuidString.utf8), perceptualHash: hash)
                if distance <= 5 { expected[id] = distance }
            }
        }
        let found = await index.photos(nearPerceptualHash: query, maxDistance: 5)
        #expect(Dictionary(uniqueKeysWithValues: found.map { ($0.photoID, $0.distance) }) == expected)
        #expect(PerceptualHash.bandProbes(query).allSatisfy { $0.count == 17 && Set($0).count == 17 })
    }

    @Test func exactAndNearDuplicatesAreFound() async throws {
        let scene = PhotoFixtures.scene(width: 1024, height: 768, seed: 21)
        let original = try PhotoFixtures.jpeg(scene, quality: 92)
        let stored = validator.validate(original, context: ValidationContext())
        let index = InMemoryDuplicateIndex()
        let storedID = UUID()
        await index.add(photoID: storedID, sha256: try #require(stored.sha256), perceptualHash: stored.perceptualHash)

        let again = try await validator.validate(original, context: ValidationContext(), duplicates: index)
        #expect(again.reasons.map(\.code) == [.duplicateExact])

        let reencoded = try PhotoFixtures.jpeg(scene, quality: 70)
        let cropped = try PhotoFixtures.jpeg(PhotoFixtures.cropped(scene, fraction: 0.03), quality: 90)
        for near in [reencoded, cropped] {
            let report = try await validator.validate(near, context: ValidationContext(), duplicates: index)
            #expect(report.reasons.map(\.code) == [.duplicateNear], "\(report.reasons)")
            #expect(report.verdict == .flagged)
        }

        let other = try PhotoFixtures.jpeg(PhotoFixtures.scene(width: 1024, height: 768, seed: 22))
        let unrelated = try await validator.validate(other, context: ValidationContext(), duplicates: index)
        #expect(unrelated.reasons.isEmpty)
    }
}
